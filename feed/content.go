package feed

import (
	"html"
	"strings"
)

// ContentMode is what an item's content holds. Feed readers show an
// item's content and never its summary, so the mode decides what a
// subscriber sees first.
type ContentMode int

// The content modes.
const (
	// ContentFull: the article only. It is the zero value, so that a
	// channel that names no mode renders items as they always were.
	ContentFull ContentMode = iota
	// ContentBoth: the key points (the excerpt, then the highlighted
	// sentences), then the article.
	ContentBoth
	// ContentSummary: the key points and a link to read the article, no
	// body: a teaser feed.
	ContentSummary
)

// Content is what an item carries as its content in every format, as
// c.ContentMode says: in ContentFull and ContentBoth the article's
// sanitized body (after its key points in ContentBoth) when that content
// is at most c.MaxItemContent bytes and at most room (what is left of
// c.MaxFeedContent, or -1 for no feed bound); otherwise its summary
// followed by a link to the article, so that one oversized article cannot
// make a feed large or slow to render. In ContentSummary it is always the
// key points and a link. The stored article keeps its whole body; only
// its feed representation is shortened. full reports whether the body is
// carried.
func (c *Channel) Content(a *Article, room int) (content string, full bool) {
	full = c.fits(c.fullSize(a), room)
	return c.itemContent(a, full), full
}

// fits reports whether a content of n bytes carrying the body is carried
// with room left of the feed's bound (-1: none); a summary channel never
// carries bodies. Clean only removes, so n bounds what is carried.
func (c *Channel) fits(n, room int) bool {
	return c.ContentMode != ContentSummary &&
		(c.MaxItemContent <= 0 || n <= c.MaxItemContent) && (room < 0 || n <= room)
}

// fullSize is the bytes of a's content when it carries the body: the
// body and what opens it, so that the bounds count the key points too.
func (c *Channel) fullSize(a *Article) int {
	return len(c.opening(a)) + len(a.ContentHTML)
}

// itemContent is a's content: its opening and body when full, else its
// teaser (summary channels) or its summary and link (oversized items).
func (c *Channel) itemContent(a *Article, full bool) string {
	switch {
	case c.ContentMode == ContentSummary:
		return Clean(c.teaser(a))
	case full:
		return Clean(c.opening(a) + a.ContentHTML)
	}
	return Clean(c.shortContent(a))
}

// opening is what comes before a's body: its lead image, and in
// ContentBoth its key points. The key points leave out the lead
// paragraph a Summary falls back on, which the body starts with anyway.
func (c *Channel) opening(a *Article) string {
	img := leadImage(a, true)
	if c.ContentMode != ContentBoth {
		return img
	}
	s := a.Summary(c.Highlights)
	if a.Excerpt == "" {
		s.Text = ""
	}
	return img + keyPoints(s)
}

// teaser is a's content in ContentSummary: its lead image, key points
// and a link to the article worded in its language.
func (c *Channel) teaser(a *Article) string {
	lang := a.Lang
	if lang == "" {
		lang = c.Lang
	}
	return leadImage(a, false) + keyPoints(a.Summary(c.Highlights)) + linkHTML(c.Link(a), readLabel(lang))
}

// shortContent is the summary of an oversized a and a link to it, titled
// with its title: words of no particular language, whatever the feed's.
// ContentFull keeps the summary's form from before the modes existed.
func (c *Channel) shortContent(a *Article) string {
	points := keyPoints(a.Summary(c.Highlights))
	if c.ContentMode == ContentFull {
		points = SummaryHTML(a.Summary(c.Highlights))
	}
	return leadImage(a, false) + points + linkHTML(c.Link(a), a.Title)
}

// leadImage is a's front-matter image as a paragraph, so that readers,
// which show the content and neither media:content nor the enclosure,
// show the picture; "" when a has none, or when body is true (the
// content carries the body) and the body shows the image already.
func leadImage(a *Article, body bool) string {
	if a.Image == "" {
		return ""
	}
	src := html.EscapeString(a.Image)
	// Ingest serializes the body with double-quoted, escaped attributes.
	if body && strings.Contains(a.ContentHTML, `src="`+src+`"`) {
		return ""
	}
	return `<p><img src="` + src + `" alt="` + html.EscapeString(a.Title) + `"></p>`
}

// keyPoints renders s as an item's content opens with it: the text as a
// paragraph, the highlighted sentences as a list, each in <strong>. The
// newsroom highlights with colour and background, which readers'
// sanitizers strip (span, mark, style, class); bold survives them.
func keyPoints(s Summary) string {
	var b strings.Builder
	if s.Text != "" {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString("</p>")
	}
	if len(s.Highlights) > 0 {
		b.WriteString("<ul>")
		for _, h := range s.Highlights {
			b.WriteString("<li><strong>")
			b.WriteString(html.EscapeString(h))
			b.WriteString("</strong></li>")
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// linkHTML is a paragraph holding a link to href reading text.
func linkHTML(href, text string) string {
	return `<p><a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + "</a></p>"
}

// readLabel is the words of a teaser's link to its article in language
// lang (a BCP 47 tag): Korean for ko, English for every other.
func readLabel(lang string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-")
	if strings.EqualFold(primary, "ko") {
		return "기사 전문 보기"
	}
	return "Read the article"
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
	if c.ContentMode == ContentSummary {
		return out // no bodies, nothing to measure
	}
	if c.allFit(items) {
		for i := range out {
			out[i] = true
		}
		return out
	}
	return c.measuredFulls(items, out)
}

// measuredFulls is Fulls by measuring each item's content, into out.
func (c *Channel) measuredFulls(items []*Article, out []bool) []bool {
	room := -1
	if c.MaxFeedContent > 0 {
		room = c.MaxFeedContent
	}
	for i, a := range items {
		n := c.fullSize(a)
		out[i] = c.fits(n, room)
		if out[i] && room >= 0 {
			room -= n
		}
	}
	return out
}
