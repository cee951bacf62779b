package ingest

import (
	"strconv"
	"strings"
)

// scanMarkdown bounds what goldmark may build from a Markdown body before
// it builds anything: it rejects a table wider than maxTableColumns, a
// paragraph whose brackets would make the inline parser quadratic, and a
// body of more than maxElements parts, counted from the source in one
// pass. line is the body's first document line.
func scanMarkdown(body string, line int) error {
	var s mdScanner
	for rest := body; rest != ""; line++ {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		if err := s.line(l, line); err != nil {
			return err
		}
	}
	return s.endParagraph()
}

// mdScanner is scanMarkdown's state: the parts counted so far, the
// current paragraph (lines up to a blank one), the open code fence and
// the current table's width.
type mdScanner struct {
	parts     int
	para      paragraph
	fence     string // the open code fence (``` or ~~~...); "" outside one
	tableCols int    // the current table's width; 0 outside a table
	prev      string // the previous line, a table's possible header
}

// paragraph counts what makes goldmark's inline parser slow in a run of
// lines between blank ones.
type paragraph struct {
	line     int // its first document line
	length   int
	brackets int // [ and ]
	links    int // ]( : a link destination, read up to the paragraph's end if unclosed
}

func (s *mdScanner) line(l string, line int) error {
	s.parts++
	defer func() { s.prev = l }()
	if s.fence != "" {
		if isFenceClose(l, s.fence) {
			s.fence = ""
		}
		return s.check(line)
	}
	if strings.TrimSpace(l) == "" {
		s.tableCols = 0
		return s.endParagraph()
	}
	if f := fenceOpen(l); f != "" {
		s.fence = f
		return s.endParagraph()
	}
	if s.para.length == 0 {
		s.para = paragraph{line: line}
	}
	s.para.length += len(l) + 1
	s.para.brackets += strings.Count(l, "[") + strings.Count(l, "]")
	s.para.links += strings.Count(l, "](")
	// Blocks in containers: each marker opens a list item or quote and
	// the paragraph within it.
	s.parts += 2 * containerDepth(l)
	s.parts += countInline(l)
	switch {
	case s.tableCols > 0:
		s.parts += s.tableCols
	case s.prev != "" && isDelimiterRow(l):
		cols := strings.Count(strings.Trim(strings.TrimSpace(l), "|"), "|") + 1
		if cols > maxTableColumns {
			return bodyError(line, "starts a table of %d columns; a table may have at most %d", cols, maxTableColumns)
		}
		s.tableCols = cols
		s.parts += 2 * cols
	}
	return s.check(line)
}

// check rejects the body once its parts pass maxElements.
func (s *mdScanner) check(line int) error {
	if s.parts > maxElements {
		return bodyError(line, "has more than %d elements by this line (paragraphs, lines, list items, table cells, links, emphasis, HTML tags); split the article, or if it is HTML post it as HTML (format: html)", maxElements)
	}
	return nil
}

// endParagraph checks the paragraph that just ended and starts anew.
func (s *mdScanner) endParagraph() error {
	p := s.para
	s.para = paragraph{}
	if (p.brackets+8*p.links)*p.length <= maxInlineWork {
		return nil
	}
	what := strconv.Itoa(p.brackets) + " brackets ([ and ])"
	if p.links > 0 {
		what += " and " + strconv.Itoa(p.links) + " link destinations (](…)"
	}
	return bodyError(p.line, "a paragraph of %d characters with %s costs too much to read as Markdown — split it into paragraphs (a blank line between them), or post the body as HTML (format: html)", p.length, what)
}

// countInline counts the characters and strings of a line that start an
// inline element or a delimiter goldmark keeps a node for: emphasis,
// links and images, code, raw HTML and autolinks. Each counts by what it
// costs goldmark: emphasis marks twice (their delimiter runs are dear),
// a < four times (goldmark tries its raw HTML patterns there, and the
// HTML parser reads what it makes again).
func countInline(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '[', ']', '`', '(', '@':
			n++
		case '*', '_', '~':
			n += 2
		case '<':
			n += 4
		}
	}
	return n + strings.Count(l, "www.") + strings.Count(l, "://")
}

// fenceOpen returns the fence a line opens (its run of ` or ~), or "".
// CommonMark allows up to three spaces before it, and no backtick in the
// info string of a backtick fence.
func fenceOpen(l string) string {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < 3 || t[0] != '`' && t[0] != '~' {
		return ""
	}
	n := len(t) - len(strings.TrimLeft(t, t[:1]))
	if n < 3 || t[0] == '`' && strings.Contains(t[n:], "`") {
		return ""
	}
	return t[:n]
}

// isFenceClose reports whether l closes the fence: the same character,
// at least as many, nothing after but blanks.
func isFenceClose(l, fence string) bool {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return false
	}
	rest := strings.TrimLeft(t, fence[:1])
	return len(t)-len(rest) >= len(fence) && strings.TrimSpace(rest) == ""
}

// isDelimiterRow reports whether l is a GFM table's delimiter row: cells
// of dashes with optional colons, separated by |.
func isDelimiterRow(l string) bool {
	t := strings.TrimSpace(l)
	if !strings.Contains(t, "-") {
		return false
	}
	pipes := false
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '|':
			pipes = true
		case '-', ':', ' ', '\t':
		default:
			return false
		}
	}
	return pipes
}
