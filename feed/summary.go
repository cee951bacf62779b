package feed

import (
	"html"
	"strings"
)

// Summary is what the feeds and pages show as an article's summary: a lead
// text (the excerpt, or the first paragraph when there is nothing else) and
// the first highlighted sentences.
type Summary struct {
	Text       string
	Highlights []string
}

// Summary returns the article's summary with at most n highlights.
func (a *Article) Summary(n int) Summary {
	var s Summary
	s.Text = a.Excerpt
	if n > len(a.Highlights) {
		n = len(a.Highlights)
	}
	if n > 0 {
		s.Highlights = a.Highlights[:n]
	}
	if s.Text == "" && len(s.Highlights) == 0 {
		s.Text = a.Lead
	}
	return s
}

// SummaryHTML renders a summary as `<p>text</p><ul><li>…</li></ul>`, the
// form RSS and Atom carry.
func SummaryHTML(s Summary) string {
	var b strings.Builder
	if s.Text != "" {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString("</p>")
	}
	if len(s.Highlights) > 0 {
		b.WriteString("<ul>")
		for _, h := range s.Highlights {
			b.WriteString("<li>")
			b.WriteString(html.EscapeString(h))
			b.WriteString("</li>")
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// SummaryText renders a summary as plain text, the form JSON Feed's
// summary takes: the text, then one highlight per line.
func SummaryText(s Summary) string {
	parts := make([]string, 0, 1+len(s.Highlights))
	if s.Text != "" {
		parts = append(parts, s.Text)
	}
	parts = append(parts, s.Highlights...)
	return strings.Join(parts, "\n")
}
