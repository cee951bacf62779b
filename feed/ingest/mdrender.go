package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// renderMarkdown parses the Markdown body, checks what its rendering
// would cost, and renders it into at most limit bytes. scanMarkdown has
// bounded the parse; the tree it yields bounds the rendering before it
// is written (a reference used over and over repeats its URL at every
// use), and the writer stops at limit whatever the estimate missed.
func renderMarkdown(ctx context.Context, body string, bodyLine, limit int) (string, error) {
	src := []byte(body)
	doc := markdown().Parser().Parse(text.NewReader(src))
	if err := stop(ctx, "rendering"); err != nil {
		return "", err
	}
	if err := checkTree(doc, src, bodyLine, limit); err != nil {
		return "", err
	}
	w := &limitWriter{limit: limit}
	if err := markdown().Renderer().Render(w, src, doc); err != nil {
		if errors.Is(err, errTooLong) {
			return "", tooLong(bodyLine, limit)
		}
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return w.buf.String(), nil
}

// checkTree walks the parsed Markdown and estimates its rendering: the
// text it shows and, for every link and image, its destination and
// title, which each use of a reference repeats. It rejects a tree of more
// than twice maxElements nodes (scanMarkdown's count should have caught
// it) or one that would render to more than limit bytes.
func checkTree(doc ast.Node, src []byte, bodyLine, limit int) error {
	nodes, size := 0, 0
	var over ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		nodes++
		size += 16 // tags
		switch n := n.(type) {
		case *ast.Text:
			size += n.Segment.Len()
		case *ast.String:
			size += len(n.Value)
		case *ast.Link:
			size += 2 * (len(n.Destination) + len(n.Title))
		case *ast.Image:
			size += 2 * (len(n.Destination) + len(n.Title))
		case *ast.AutoLink:
			size += 2 * len(n.URL(src))
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				size += seg.Len()
			}
		}
		if n.Type() == ast.TypeBlock && n.Lines() != nil {
			for i := 0; i < n.Lines().Len(); i++ {
				if n.Kind() != ast.KindParagraph && n.Kind() != ast.KindHeading {
					seg := n.Lines().At(i)
					size += seg.Len()
				}
			}
		}
		if nodes > 2*maxElements || size > limit {
			over = n
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if over == nil {
		return nil
	}
	line := bodyLine + lineOf(over, src)
	if nodes > 2*maxElements {
		return tooManyElements(line)
	}
	return tooLong(line, limit)
}

// lineOf returns the 0-based body line where n starts, or 0 if unknown.
func lineOf(n ast.Node, src []byte) int {
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock && n.Lines() != nil && n.Lines().Len() > 0 {
			return bytes.Count(src[:n.Lines().At(0).Start], []byte("\n"))
		}
	}
	return 0
}

// tooLong is the error for a body whose rendering passes limit.
func tooLong(line, limit int) error {
	return bodyError(line, "renders to more than %d bytes of HTML by this line (a Markdown reference used over and over?)", limit)
}

// errTooLong is limitWriter's error once the limit is passed.
var errTooLong = errors.New("rendering too long")

// limitWriter keeps what is written up to limit bytes, then fails.
type limitWriter struct {
	buf   bytes.Buffer
	limit int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.limit {
		return 0, errTooLong
	}
	return w.buf.Write(p)
}
