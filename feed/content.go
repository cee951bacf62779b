package feed

import (
	"html"
	"strings"
)

// Content is what an item carries as its content in every format: the
// article's sanitized body when it is at most c.MaxItemContent bytes and
// at most room (what is left of c.MaxFeedContent, or -1 for no feed
// bound); otherwise its summary followed by a link to the article, so
// that one oversized article cannot make a feed large or slow to render.
// The stored article keeps its whole body; only its feed representation
// is shortened. full reports which of the two it is.
func (c *Channel) Content(a *Article, room int) (content string, full bool) {
	full = c.fits(len(a.ContentHTML), room)
	return c.itemContent(a, full), full
}

// fits reports whether a body of n bytes is carried whole with room left
// of the feed's bound (-1: none). Clean only removes, so n bounds what is
// carried.
func (c *Channel) fits(n, room int) bool {
	return (c.MaxItemContent <= 0 || n <= c.MaxItemContent) && (room < 0 || n <= room)
}

// itemContent is a's content: its body when full, else its summary and
// link.
func (c *Channel) itemContent(a *Article, full bool) string {
	if full {
		return Clean(a.ContentHTML)
	}
	return Clean(c.shortContent(a))
}

// shortContent is the summary of a and a link to it, titled with its
// title: words of no particular language, whatever the feed's.
func (c *Channel) shortContent(a *Article) string {
	var b strings.Builder
	b.WriteString(SummaryHTML(a.Summary(c.Highlights)))
	b.WriteString(`<p><a href="`)
	b.WriteString(html.EscapeString(c.Link(a)))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(a.Title))
	b.WriteString("</a></p>")
	return b.String()
}

// contents returns the content of each of items, in order (see Fulls).
func (c *Channel) contents(items []*Article) []string {
	out := make([]string, len(items))
	for i, full := range c.Fulls(items) {
		out[i] = c.itemContent(items[i], full)
	}
	return out
}

// Fulls tells, for each of items in order, whether it carries its whole
// body (Content's choice), spending c.MaxFeedContent on the newest first:
// an item that does not fit in what is left carries its summary, and a
// later, smaller one may still fit. An item's rendered bytes depend on
// this choice, so a cache of them is keyed by it.
func (c *Channel) Fulls(items []*Article) []bool {
	out := make([]bool, len(items))
	room := -1
	if c.MaxFeedContent > 0 {
		room = c.MaxFeedContent
	}
	for i, a := range items {
		n := len(a.ContentHTML)
		out[i] = c.fits(n, room)
		if out[i] && room >= 0 {
			room -= n
		}
	}
	return out
}
