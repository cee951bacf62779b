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
	n := len(a.ContentHTML) // Clean only removes, so this bounds the result
	if (c.MaxItemContent <= 0 || n <= c.MaxItemContent) && (room < 0 || n <= room) {
		return Clean(a.ContentHTML), true
	}
	return Clean(c.shortContent(a)), false
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

// contents returns the content of each of items, in order, spending
// c.MaxFeedContent on the newest first: an item that does not fit in what
// is left carries its summary, and a later, smaller one may still fit.
func (c *Channel) contents(items []*Article) []string {
	out := make([]string, len(items))
	room := -1
	if c.MaxFeedContent > 0 {
		room = c.MaxFeedContent
	}
	for i, a := range items {
		var full bool
		out[i], full = c.Content(a, room)
		if full && room >= 0 {
			room -= len(a.ContentHTML)
		}
	}
	return out
}
