package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"sokbo/feed"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// markdown renders bodies: CommonMark with the GFM extensions (tables,
// strikethrough, autolinks, task lists), which the docs promise and
// newsrooms use — bare URLs pasted into text, tables of figures; their
// costs are bounded by scanMarkdown (table width, autolink starts). No
// typographer (it would rewrite the quotes the newsroom typed), no
// attribute syntax (ids and classes the sanitizer would drop anyway).
// Raw HTML passes through (WithUnsafe) because bodies are usually HTML
// from a web editor; the sanitizer makes it safe afterwards. Built once,
// read-only afterwards.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
})

// renderBody turns the body into HTML of at most limit bytes. With the
// front matter key `format: html` the body is taken as HTML as it is and
// never goes through Markdown: CommonMark ends an HTML block at a blank
// line and turns a following indented line into a code block, which
// mangles hand-indented HTML. The default (`format: markdown`) renders
// Markdown, where an all-HTML body made of blank-line-separated blocks
// (as the editors produce) comes out unchanged.
//
// bodyLine is the document line the body starts on, for errors.
func renderBody(ctx context.Context, body string, bodyLine int, format string, limit int) (string, error) {
	if format == "html" {
		return body, nil
	}
	if err := checkNesting(body, bodyLine); err != nil {
		return "", err
	}
	if err := scanMarkdown(body, bodyLine); err != nil {
		return "", err
	}
	return renderMarkdown(ctx, body, bodyLine, limit)
}

// maxNesting is the deepest nesting of block quotes and list items on one
// Markdown line that renderBody accepts: goldmark takes time quadratic in
// that depth, so a line of nothing but ">" could hold a core for minutes.
// Real articles nest a few levels.
const maxNesting = 32

// checkNesting rejects a Markdown body with a line that opens more than
// maxNesting block quotes and list items.
func checkNesting(body string, line int) error {
	for rest := body; rest != ""; line++ {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if containerDepth(l) > maxNesting {
			return &feed.InputError{Field: "body", Line: line, Msg: fmt.Sprintf(
				"nests block quotes or lists more than %d deep (use format: html for such markup)", maxNesting)}
		}
	}
	return nil
}

// containerDepth counts the block quote (>) and list item (-, +, *, 1.,
// 1)) markers that open a Markdown line, up to maxNesting+1. It may
// overcount (the markers of an indented code block count too), never by
// enough to matter in an article.
func containerDepth(l string) int {
	depth, i := 0, 0
	for depth <= maxNesting {
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		if i == len(l) {
			break
		}
		switch c := l[i]; {
		case c == '>':
			i++
		case c == '-' || c == '+' || c == '*':
			if i+1 < len(l) && l[i+1] != ' ' && l[i+1] != '\t' || c != '+' && isThematicBreak(l[i:]) {
				return depth
			}
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j == len(l) || l[j] != '.' && l[j] != ')' || j+1 < len(l) && l[j+1] != ' ' && l[j+1] != '\t' {
				return depth
			}
			i = j + 1
		default:
			return depth
		}
		depth++
	}
	return depth
}

// isThematicBreak reports whether s is a Markdown thematic break (- - -).
func isThematicBreak(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case s[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}
