package ingest

import (
	"fmt"

	"sokbo/feed"
)

// The limits below keep the cost of any document up to the server's
// largest body within a fixed budget of time and memory, whatever its
// shape. Each is far above what an article needs, and each is checked
// before the work it bounds is done.
const (
	// maxElements bounds the parts of a body: HTML elements, and for
	// Markdown its lines, blocks, table cells and inline markers (links,
	// emphasis, code, raw HTML). Every stage after reading (sanitizing,
	// highlights) spends memory per element; an article at the largest
	// body size written like the seed has about 21000.
	maxElements = 25000
	// maxLinks bounds the links and images (href, src, cite, poster) of
	// a body: each is parsed and resolved twice, the dearest element.
	maxLinks = 5000
	// maxTableColumns bounds a Markdown table's width: goldmark pads
	// every row to the header's width, so one wide header makes every
	// short row below it as wide.
	maxTableColumns = 64
	// maxInlineWork bounds, in one Markdown paragraph, the brackets times
	// the paragraph's length: goldmark looks ahead to the paragraph's end
	// for each unclosed link, so such a paragraph costs the product.
	maxInlineWork = 50_000_000
	// maxDepth is the deepest nesting of HTML elements the HTML parser
	// accepts; deeper, it stops, which would lose the rest of the body.
	maxDepth = 512
)

// bodyError is a 400 about the body at a document line.
func bodyError(line int, format string, args ...any) error {
	return &feed.InputError{Field: "body", Line: line, Msg: fmt.Sprintf(format, args...)}
}

// tooManyElements is the error for a body over maxElements.
func tooManyElements(line int) error {
	return bodyError(line, "has more than %d elements by this line (paragraphs, lines, list items, table cells, links, emphasis); split the article", maxElements)
}

// tooManyLinks is the error for a body over maxLinks.
func tooManyLinks(line int) error {
	return bodyError(line, "has more than %d links and images by this line; split the article", maxLinks)
}
