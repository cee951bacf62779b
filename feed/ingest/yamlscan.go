package ingest

import (
	"fmt"
	"strings"

	"sokbo/feed"
)

// maxFrontMatterParts bounds the lines, list items and nested lists and
// mappings of the front matter: the YAML decoder keeps a node of a few
// hundred bytes for each, and a front matter needs a few dozen. A flow
// list or mapping ([ or {) counts ten: the decoder slows with their
// depth, and a front matter nests one or two.
const maxFrontMatterParts = 10000

// scanFrontMatter rejects front matter of more than maxFrontMatterParts
// before it is decoded, at the document line where the limit is passed.
func scanFrontMatter(src string) error {
	parts, line := 0, fmLine
	for rest := src; rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		parts += 1 + strings.Count(l, ",") + 10*(strings.Count(l, "[")+strings.Count(l, "{"))
		if parts > maxFrontMatterParts {
			return &feed.InputError{Field: "front matter", Line: line, Msg: fmt.Sprintf(
				"has more than %d lines, keys and list items by this line; a front matter needs a few dozen", maxFrontMatterParts)}
		}
	}
	return nil
}
