package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"sokbo/feed"

	"golang.org/x/net/html"
)

// A segment is the plain text of one run of inline content between block
// boundaries (block elements and <br>), with white space folded, and the
// byte ranges of its highlighted text.
type segment struct {
	text  string
	marks [][2]int
	// para is the <p> the segment is in, or nil.
	para *html.Node
	// heading reports whether the segment is in a heading.
	heading bool
}

// blockElements end a segment where they start and where they end. Any
// other element (span, b, a, unknown ones) is inline, as browsers treat it.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true,
	"body": true, "caption": true, "center": true, "dd": true, "details": true,
	"dialog": true, "dir": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "footer": true,
	"form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "header": true, "hgroup": true, "hr": true, "html": true,
	"legend": true, "li": true, "main": true, "menu": true, "nav": true,
	"ol": true, "p": true, "pre": true, "section": true, "summary": true,
	"table": true, "tbody": true, "td": true, "tfoot": true, "th": true,
	"thead": true, "tr": true, "ul": true, "img": true, "video": true,
	"audio": true, "picture": true, "br": true,
}

// skipElements hold no article text.
var skipElements = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"head": true, "title": true, "textarea": true, "select": true,
	"iframe": true, "object": true, "embed": true, "svg": true, "math": true,
	"canvas": true, "button": true, "input": true, "rt": true, "rp": true,
}

// segments walks the rendered body and returns its text segments in
// document order. goquery's Text() would join blocks with no separator;
// here every block boundary ends a segment, so sentences never run from
// one block into the next.
func segments(root *html.Node) []segment {
	w := &walker{styles: make(map[string]bool)}
	w.walk(root, false)
	w.flush()
	return w.segs
}

// walker builds segments; buf holds the text of the current one.
type walker struct {
	segs    []segment
	buf     strings.Builder
	marks   [][2]int
	space   bool // white space pending before the next character
	para    *html.Node
	heading int
	styles  map[string]bool // isHighlight's memo
}

func (w *walker) walk(n *html.Node, hl bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data, hl)
		return
	case html.ElementNode:
		name := n.Data
		if n.Namespace != "" || skipElements[name] {
			return
		}
		if blockElements[name] {
			w.flush()
			para, heading := w.para, w.heading
			switch {
			case name == "p":
				w.para = n
			case len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6':
				w.heading++
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				w.walk(c, false)
			}
			w.flush()
			w.para, w.heading = para, heading
			return
		}
		hl = hl || isHighlight(n, w.styles)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, hl)
	}
}

// text appends s, folding white space (U+00A0 included) to single spaces
// and dropping zero-width characters editors leave behind and characters
// XML forbids (which HTML character references can produce).
func (w *walker) text(s string, hl bool) {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			w.space = true
		case r == '\u200b' || r == '\ufeff' || !feed.IsXMLChar(r):
		default:
			w.keep(r, hl)
		}
	}
}

// keep appends r, after a space if one is pending.
func (w *walker) keep(r rune, hl bool) {
	if w.space && w.buf.Len() > 0 {
		w.buf.WriteByte(' ')
	}
	w.space = false
	start := w.buf.Len()
	w.buf.WriteRune(r)
	if hl {
		end := w.buf.Len()
		if k := len(w.marks) - 1; k >= 0 && w.marks[k][1] == start {
			w.marks[k][1] = end
		} else {
			w.marks = append(w.marks, [2]int{start, end})
		}
	}
}

// flush ends the current segment.
func (w *walker) flush() {
	if w.buf.Len() > 0 {
		w.segs = append(w.segs, segment{text: w.buf.String(), marks: w.marks,
			para: w.para, heading: w.heading > 0})
	}
	w.buf.Reset()
	w.marks = nil
	w.space = false
}

// highlights returns every sentence that overlaps highlighted text, once,
// in document order. A highlight is widened to its whole sentence: editors
// colour a clause and leave the verb or the period outside the span.
// Highlighted text without a letter or digit (a coloured space or
// punctuation mark) does not count.
func highlights(segs []segment) []string {
	var out []string
	seen := map[string]bool{}
	for _, sg := range segs {
		var marks [][2]int
		for _, m := range sg.marks {
			if strings.IndexFunc(sg.text[m[0]:m[1]], isWordRune) >= 0 {
				marks = append(marks, m)
			}
		}
		if len(marks) == 0 {
			continue
		}
		k := 0 // marks before k end before the current sentence
		for _, s := range sentences(sg.text) {
			for k < len(marks) && marks[k][1] <= s[0] {
				k++
			}
			if k == len(marks) {
				break
			}
			if marks[k][0] >= s[1] {
				continue // the next mark starts after this sentence
			}
			if t := cutSentence(cleanText(sg.text[s[0]:s[1]]), maxHighlight); !seen[t] {
				seen[t] = true
				out = append(out, t)
				if len(out) == maxHighlights {
					return out
				}
			}
		}
	}
	return out
}

// maxLead is the longest lead, in runes.
const maxLead = 300

// lead returns the text of the first paragraph that has any (paragraphs
// of only white space or only an image have none), cut after the last
// sentence that keeps it within 300 characters. A first sentence longer
// than that is cut at a word and ends in "…". Without any <p>, the first
// text outside headings is used.
func lead(segs []segment) string {
	var text []string
	var para *html.Node
	for _, sg := range segs {
		if sg.para != nil && (para == nil || sg.para == para) {
			para = sg.para
			text = append(text, sg.text)
		}
	}
	if para == nil {
		for _, sg := range segs {
			if !sg.heading {
				text = append(text, sg.text)
				break
			}
		}
	}
	return cleanText(cutLead(strings.Join(text, " ")))
}

// cutLead cuts s after the last sentence ending within maxLead runes.
func cutLead(s string) string {
	if utf8.RuneCountInString(s) <= maxLead {
		return s
	}
	end := 0
	for _, sn := range sentences(s) {
		if utf8.RuneCountInString(s[:sn[1]]) > maxLead {
			break
		}
		end = sn[1]
	}
	if end > 0 {
		return s[:end]
	}
	return cutSentence(s, maxLead)
}

// Limits on highlights, so that no document makes a summary huge: a
// highlighted "sentence" longer than maxHighlight runes (a paragraph
// without punctuation) is cut, and an article keeps maxHighlights.
const (
	maxHighlight  = 500
	maxHighlights = 100
)

// cutSentence cuts s to at most max runes at the last space that leaves
// room for an ellipsis (mid-word if there is none).
func cutSentence(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)[:max-1]
	cut := len(runes)
	for i := len(runes) - 1; i > 0; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:-–—") + "…"
}
