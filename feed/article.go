// Package feed holds sokbo's domain: the Article that newsrooms post, the
// errors shared by every layer, and the RSS 2.0, Atom 1.0 and JSON Feed 1.1
// renderers. It imports nothing else of sokbo's.
package feed

import (
	"errors"
	"fmt"
	"time"
)

// Article is one posted news article, as stored and as rendered. Every field
// is derived from the posted document by package ingest; the store keeps the
// GUID (and, for undated documents, Published) of the first version.
type Article struct {
	// ID is the stable identity: the document's id or slug, or derived from
	// its title (and date) as Jekyll derives it from a file name.
	ID string `json:"id"`
	// GUID is the permanent entry id used by all three feed formats
	// (a tag URI). Ingest derives it; once stored it never changes.
	GUID string `json:"guid"`

	Title string `json:"title"`
	// URL is the canonical link when the article lives elsewhere; empty when
	// the article's own page on this service is canonical.
	URL        string   `json:"url,omitempty"`
	Authors    []string `json:"authors,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	Lang       string   `json:"lang,omitempty"`
	// Image is an absolute URL.
	Image string `json:"image,omitempty"`

	Excerpt     string `json:"excerpt,omitempty"`
	FeatureText string `json:"feature_text,omitempty"`
	// Highlights are the highlighted sentences of the body, widened to whole
	// sentences, de-duplicated, in document order.
	Highlights []string `json:"highlights,omitempty"`
	// Lead is the first non-empty paragraph of the body as plain text, cut
	// at a sentence boundary near 300 characters: the summary of an article
	// that has neither excerpt nor highlights.
	Lead string `json:"lead,omitempty"`
	// ContentHTML is the whole body, sanitized, with absolute links.
	ContentHTML string `json:"content_html"`

	Published time.Time `json:"published"`
	Updated   time.Time `json:"updated"`
	// DateSet reports whether the document gave a date; without one,
	// Published is the time of first ingest and a re-post keeps it.
	DateSet bool `json:"date_set,omitempty"`
	// UpdatedSet reports whether the document gave an updated date.
	UpdatedSet bool `json:"updated_set,omitempty"`

	// Seq is the article's arrival number, assigned by the store when it
	// is first stored; archive pages are cut by it, so a full archive page
	// keeps its articles whatever is posted later.
	Seq uint64 `json:"seq,omitempty"`

	// Hash identifies the posted document's content, so that re-posting an
	// unchanged document is a no-op.
	Hash string `json:"hash"`
}

// Summary is what the feeds show as an article's summary: a lead text
// (the excerpt, or the first paragraph when there is nothing else) and the
// first highlighted sentences.
type Summary struct {
	Text   string
	Points []string
}

// Summary returns the article's summary with at most n highlighted
// sentences.
func (a *Article) Summary(n int) Summary {
	var s Summary
	s.Text = a.Excerpt
	if n > len(a.Highlights) {
		n = len(a.Highlights)
	}
	if n > 0 {
		s.Points = a.Highlights[:n]
	}
	if s.Text == "" && len(s.Points) == 0 {
		s.Text = a.Lead
	}
	return s
}

// Tombstone records a deleted article, so that Atom feeds can tell
// aggregators to remove it (RFC 6721).
type Tombstone struct {
	ID         string    `json:"id"`
	GUID       string    `json:"guid"` // the deleted entry's Atom id
	When       time.Time `json:"when"`
	Categories []string  `json:"categories,omitempty"`
}

// ErrNotFound is returned when an article or feed does not exist.
var ErrNotFound = errors.New("not found")

// InputError is a problem with a posted document: it names the field (or
// "document") and, where known, the 1-based line of the document.
type InputError struct {
	Field string
	Line  int
	Msg   string
}

func (e *InputError) Error() string {
	switch {
	case e.Field != "" && e.Line > 0:
		return fmt.Sprintf("%s (line %d): %s", e.Field, e.Line, e.Msg)
	case e.Field != "":
		return fmt.Sprintf("%s: %s", e.Field, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}
