package ingest

import (
	"errors"
	"strings"

	"sokbo/feed"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML parses an HTML fragment as the content of a <body> and returns
// a <div> holding it, or an error naming the body's line: for markup
// nested deeper than maxDepth (the parser stops there, and keeping what it
// read would silently lose the rest of the body), and for a body of more
// than maxElements elements or maxLinks links, checked on the tree before
// the costlier stages walk it. Line numbers are those of an HTML body; a
// Markdown body's errors name its first line (html is its rendering).
func parseHTML(s string, bodyLine int, isHTML bool) (*html.Node, error) {
	if at, err := scanHTML(s); err != nil {
		var ie *feed.InputError
		if errors.As(err, &ie) && isHTML {
			ie.Line = bodyLine + at
		} else if errors.As(err, &ie) {
			ie.Line = bodyLine
		}
		return nil, err
	}
	div := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		line := bodyLine
		if isHTML {
			line += deepLine(s)
		}
		return nil, bodyError(line, "has elements nested deeper than %d; an article's markup must nest less deeply", maxDepth)
	}
	for _, n := range nodes {
		div.AppendChild(n)
	}
	if err := countTree(div, s, bodyLine, isHTML); err != nil {
		return nil, err
	}
	return div, nil
}

// countTree rejects a tree of more than maxElements elements or maxLinks
// links, naming the line of the HTML where the limit is passed.
func countTree(root *html.Node, s string, bodyLine int, isHTML bool) error {
	elements, links := 0, 0
	var over string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && over == ""; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			elements++
			for _, a := range c.Attr {
				switch a.Key {
				case "href", "src", "cite", "poster":
					links++
				}
			}
			switch {
			case elements > maxElements:
				over = "elements"
			case links > maxLinks:
				over = "links"
			default:
				walk(c)
			}
		}
	}
	walk(root)
	if over == "" {
		return nil
	}
	line := bodyLine
	if isHTML {
		line += nthTagLine(s, elements, links, over == "links")
	}
	if over == "links" {
		return tooManyLinks(line)
	}
	return tooManyElements(line)
}

// deepLine returns the 0-based line of s where its start tags, less
// their end tags, first pass maxDepth: where the parser gave up, as near
// as the tokenizer can tell without the parser's rules; 0 if never.
func deepLine(s string) int {
	z := html.NewTokenizer(strings.NewReader(s))
	var open []string
	off := 0
	for {
		tt := z.Next()
		raw := z.Raw()
		switch tt {
		case html.ErrorToken:
			return 0
		case html.StartTagToken:
			name, _ := z.TagName()
			if !isVoid(string(name)) {
				open = append(open, string(name))
			}
			if len(open) >= maxDepth {
				return strings.Count(s[:off], "\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					open = open[:i]
					break
				}
			}
		}
		off += len(raw)
	}
}

// nthTagLine returns the 0-based line of s of the start tag that passed
// the limit: the elements'th start tag, or the links'th with a link.
func nthTagLine(s string, elements, links int, byLinks bool) int {
	z := html.NewTokenizer(strings.NewReader(s))
	off, tags, linked := 0, 0, 0
	for {
		tt := z.Next()
		raw := z.Raw()
		switch tt {
		case html.ErrorToken:
			return strings.Count(s, "\n")
		case html.StartTagToken, html.SelfClosingTagToken:
			tags++
			_, more := z.TagName()
			for more {
				var k []byte
				k, _, more = z.TagAttr()
				switch string(k) {
				case "href", "src", "cite", "poster":
					linked++
				}
			}
			if !byLinks && tags >= elements || byLinks && linked >= links {
				return strings.Count(s[:off], "\n")
			}
		}
		off += len(raw)
	}
}

// isVoid reports whether an element has no end tag.
func isVoid(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}
