package feed

import (
	"errors"
	"fmt"
	"time"
)

// Article is one news article, as posted and as rendered. Every field is
// derived from the posted document by package ingest; the store keeps the
// GUID (and, for undated documents, Published) of the first version. How
// an article is stored (its arrival number, its content hash) is the
// store's business, not part of this type.
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

	// Published is when the article was published. A posted article
	// whose document gives no date has it zero: the store dates it at its
	// first arrival and keeps that date when it is posted again.
	Published time.Time `json:"published"`
	// Updated is when the article last changed. Zero in a posted article
	// without an updated date: the store sets it to Published on creation
	// and to the time of the change on an update.
	Updated time.Time `json:"updated"`
}

// Tombstone records a deleted article, so that Atom feeds can tell
// aggregators to remove it (RFC 6721). It keeps the article's categories,
// tags and authors: each of their feeds lists the deletion. Tombstones
// stored before tags and authors were kept have none.
type Tombstone struct {
	ID         string    `json:"id"`
	GUID       string    `json:"guid"` // the deleted entry's Atom id
	When       time.Time `json:"when"`
	Categories []string  `json:"categories,omitempty"`
	Tags       []string  `json:"tags,omitempty"`
	Authors    []string  `json:"authors,omitempty"`
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

// Error is the message with the field and line it concerns.
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

// AsCreated returns a as the store files it when it is new: dated now
// when it has no date, updated when published unless it says otherwise,
// its dates settled (SettleDates). A shallow copy is enough: only the
// dates change, and slices are never written.
func (a *Article) AsCreated(now time.Time) Article {
	n := *a
	if n.Published.IsZero() {
		n.Published = now
	}
	if n.Updated.IsZero() {
		n.Updated = n.Published
	}
	n.SettleDates()
	return n
}

// SettleDates puts a's dates in their stored form: never updated before
// published, and what JSON gives back (UTC, no monotonic clock reading).
func (a *Article) SettleDates() {
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
	a.Published, a.Updated = a.Published.UTC().Round(0), a.Updated.UTC().Round(0)
}
