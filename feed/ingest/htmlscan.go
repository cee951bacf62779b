package ingest

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// scanHTML bounds what the HTML parser may build before it builds it: a
// body of more than maxElements start tags or maxLinks links, or one
// whose unclosed formatting elements (b, i, a, font…) the parser would
// re-open in paragraph after paragraph — as HTML requires, and which
// makes a few kilobytes of markup into millions of elements. It returns
// the error for the first limit passed, at the 0-based line of s where
// it is passed (the caller adds the body's line). A body of few tags
// cannot pass any limit and is not scanned.
func scanHTML(s string) (line int, err error) {
	if strings.Count(s, "<") <= 256 {
		return 0, nil
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var active []string // the formatting elements open and not closed, or "" for a marker
	off, tags, links, built := 0, 0, 0, 0
	for {
		tt := z.Next()
		raw := z.Raw()
		at := func() int { return strings.Count(s[:off], "\n") }
		switch tt {
		case html.ErrorToken:
			return 0, nil
		case html.TextToken:
			if len(bytes.TrimSpace(raw)) > 0 {
				built += reopened(active)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			tags++
			built += 1 + reopened(active)
			for more {
				var k []byte
				k, _, more = z.TagAttr()
				switch string(k) {
				case "href", "src", "cite", "poster":
					links++
				}
			}
			switch {
			case isFormatting(string(name)) && tt == html.StartTagToken:
				active = noahsArk(active, string(raw))
			case isMarker(string(name)) && tt == html.StartTagToken:
				active = append(active, "")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			active = closeActive(active, string(name))
		}
		switch {
		case tags > maxElements:
			return at(), tooManyElements(0)
		case links > maxLinks:
			return at(), tooManyLinks(0)
		case built > 2*maxElements:
			return at(), bodyError(0, "leaves formatting elements (b, i, a, font…) open that every later paragraph would repeat, more than %d elements in all by this line; close them", 2*maxElements)
		}
		off += len(raw)
	}
}

// reopened returns how many formatting elements the parser may re-open
// (reconstruct) before the next content: those open since the last
// marker, at most maxDepth (deeper, the parser gives up).
func reopened(active []string) int {
	n := 0
	for i := len(active) - 1; i >= 0 && active[i] != ""; i-- {
		n++
	}
	return min(n, maxDepth)
}

// noahsArk adds a formatting element to the active ones as the parser
// does: at most three alike (same tag and attributes) since the last
// marker.
func noahsArk(active []string, tag string) []string {
	alike := 0
	for i := len(active) - 1; i >= 0 && active[i] != ""; i-- {
		if active[i] == tag {
			if alike++; alike == 3 {
				active = append(active[:i], active[i+1:]...)
				break
			}
		}
	}
	return append(active, tag)
}

// closeActive removes what an end tag closes: the last formatting element
// of its name, or everything to the last marker for a marker's end tag.
func closeActive(active []string, name string) []string {
	if isMarker(name) {
		for i := len(active) - 1; i >= 0; i-- {
			if active[i] == "" {
				return active[:i]
			}
		}
		return active[:0]
	}
	if !isFormatting(name) {
		return active
	}
	for i := len(active) - 1; i >= 0 && active[i] != ""; i-- {
		if tagName(active[i]) == name {
			return append(active[:i], active[i+1:]...)
		}
	}
	return active
}

// tagName returns the lower-case name of a raw start tag.
func tagName(raw string) string {
	end := strings.IndexAny(raw, " \t\n\f\r/>")
	if end < 1 {
		return ""
	}
	return strings.ToLower(raw[1:end])
}

// isFormatting reports whether the HTML parser keeps the element among
// the active formatting elements, to re-open after a block closes it.
func isFormatting(name string) bool {
	switch name {
	case "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u":
		return true
	}
	return false
}

// isMarker reports whether the element starts a scope of its own for
// formatting elements (none re-open across it).
func isMarker(name string) bool {
	switch name {
	case "applet", "object", "marquee", "template", "td", "th", "caption":
		return true
	}
	return false
}
