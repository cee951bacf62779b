package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"sokbo/feed"
)

// event is one numbered change as the streams send it, encoded once and
// shared by every stream it goes to.
type event struct {
	seq uint64
	// keys are the CategoryKeys of the categories the change touched: the
	// category streams it goes to, besides the site's.
	keys []string
	// wire is the whole SSE event: "id: …\ndata: {…}\n\n".
	wire []byte
}

// message is the data of a created or updated article's event.
type message struct {
	Type       string    `json:"type"`
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Summary    string    `json:"summary"`
	Categories []string  `json:"categories"`
	Published  time.Time `json:"published"`
	// Image is the article's lead image, for the widgets that show it.
	Image string `json:"image,omitempty"`
}

// deletion is the data of a deleted article's event: the article is gone
// (a replay cannot read it back), so it carries what identifies it and the
// categories it was in.
type deletion struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Categories []string `json:"categories"`
}

// The event types.
const (
	typeCreated = "created"
	typeUpdated = "updated"
	typeDeleted = "deleted"
	typeReset   = "reset"
)

// changeEvent is the event of the live change c.
func (b *Broker) changeEvent(c feed.Change) (*event, error) {
	if c.Article != nil {
		return b.articleEvent(c.Seq, c.Outcome.String(), c.Article, c.Categories())
	}
	if c.Prev == nil {
		return nil, fmt.Errorf("change %d: %s without an article", c.Seq, c.Outcome)
	}
	return b.deletedEvent(c.Seq, c.Prev.ID, c.Prev.Categories, c.Categories())
}

// articleEvent is the event numbered seq of a created or updated article
// a; touched are the categories the change touched, which route it.
func (b *Broker) articleEvent(seq uint64, typ string, a *feed.Article, touched []string) (*event, error) {
	link := a.URL
	if link == "" {
		link = feed.ArticleURL(b.base, a.ID)
	}
	return newEvent(seq, touched, message{
		Type:       typ,
		ID:         a.ID,
		Title:      a.Title,
		URL:        link,
		Summary:    feed.SummaryText(a.Summary(b.highlights)),
		Categories: nonNil(a.Categories),
		Published:  a.Published,
		Image:      a.Image,
	})
}

// deletedEvent is the event numbered seq of the deletion of the article
// id from the categories cats.
func (b *Broker) deletedEvent(seq uint64, id string, cats, touched []string) (*event, error) {
	return newEvent(seq, touched, deletion{Type: typeDeleted, ID: id, Categories: nonNil(cats)})
}

// newEvent encodes data as the event numbered seq. The JSON is one line:
// encoding/json escapes every line break inside strings, and SSE splits
// data only at line breaks.
func newEvent(seq uint64, touched []string, data any) (*event, error) {
	var buf bytes.Buffer
	buf.WriteString("id: ")
	buf.WriteString(strconv.FormatUint(seq, 10))
	buf.WriteString("\ndata: ")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // titles read as text, not \u003c
	if err := enc.Encode(data); err != nil {
		return nil, fmt.Errorf("encode event %d: %w", seq, err)
	}
	buf.WriteByte('\n') // Encode ended the data line; this ends the event
	return &event{seq: seq, keys: categoryKeys(touched), wire: buf.Bytes()}, nil
}

// resetEvent tells the client that its view is stale beyond what the
// change log can replay; it moves the client's last event id to seq.
func resetEvent(seq uint64) []byte {
	return []byte("id: " + strconv.FormatUint(seq, 10) + "\ndata: {\"type\":\"" + typeReset + "\"}\n\n")
}

// cursor is an event without data: it moves the client's last event id to
// seq (EventSource sets lastEventId before it skips an empty event), so
// that a client whose stream skipped later changes, as a category's does,
// resumes after them.
func cursor(seq uint64) []byte {
	return []byte("id: " + strconv.FormatUint(seq, 10) + "\n\n")
}

// categoryKeys returns the distinct CategoryKeys of names.
func categoryKeys(names []string) []string {
	names = feed.UniqueCategories(names)
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = feed.CategoryKey(n)
	}
	return keys
}

// nonNil makes an absent list encode as [] rather than null, so that a
// client can read every event's categories the same way.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
