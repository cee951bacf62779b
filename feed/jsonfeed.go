package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/feeds"
)

// JSON Feed 1.1. gorilla/feeds' JSONFeed and JSONItem carry the fields, but
// omit when empty two that the specification requires; the types here
// write them always, and add the item language.

// JSONFeedVersion is the JSON Feed version sokbo writes.
const JSONFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed extends feeds.JSONFeed: "items" is required even when empty,
// which the library's omitempty drops.
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

// jsonItem extends feeds.JSONItem with the item's language, and writes
// content_html even when empty: JSON Feed 1.1 requires content_html or
// content_text, which the library's omitempty would drop.
type jsonItem struct {
	*feeds.JSONItem
	ContentHTML string `json:"content_html"`
	Language    string `json:"language,omitempty"`
}

// WriteJSON renders items as a JSON Feed 1.1 document.
func WriteJSON(w io.Writer, c *Channel, items []*Article) error {
	f := jsonFeedOf(c, len(items))
	for i, content := range c.contents(items) {
		f.Items = append(f.Items, jsonItemOf(c, items[i], content))
	}
	b, err := encodeJSON(f, "")
	if err != nil {
		return fmt.Errorf("encode json feed: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// jsonFeedOf is the feed object without its items, with room for n.
func jsonFeedOf(c *Channel, n int) *jsonFeed {
	f := &jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     JSONFeedVersion,
			Title:       Clean(c.Title),
			Language:    c.Lang,
			HomePageUrl: c.HomeURL,
			FeedUrl:     c.SelfURL,
			Description: Clean(c.Description),
			NextUrl:     c.nextURL(),
			// One square icon for both: the logo is wide, and JSON Feed
			// asks for square images in both fields.
			Icon:    c.Icon,
			Favicon: c.Icon,
		},
		Items: make([]*jsonItem, 0, n),
	}
	if author := Clean(c.Author); author != "" {
		// Items inherit the feed's authors (JSON Feed 1.1), so there are
		// none without an Author: articles that name none have none.
		f.Authors = []*feeds.JSONAuthor{{Name: author}}
	}
	if c.Hub != "" {
		// JSON Feed 1.1 names the hub's protocol; feed_url is the topic.
		f.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: c.Hub}}
	}
	return f
}

// encodeJSON encodes v indented by two spaces, each line after the first
// starting with prefix, and ends it with a newline. It encodes into a
// buffer so that an error leaves the output untouched; HTML escaping is
// off because the strings are data, not markup in a page.
func encodeJSON(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonItemOf is an article's item, with content (see Channel.Content) as
// content_html. JSON could carry the characters XML forbids, but the
// strings are cleaned as in the XML formats so that the three formats say
// the same thing.
func jsonItemOf(c *Channel, a *Article, content string) *jsonItem {
	// To the second, as RSS and Atom say them.
	pub, mod := a.Published.UTC().Truncate(time.Second), a.Updated.UTC().Truncate(time.Second)
	it := &jsonItem{
		JSONItem: &feeds.JSONItem{
			Id:            a.GUID,
			Url:           c.Link(a),
			Title:         Clean(a.Title),
			Summary:       Clean(SummaryText(a.Summary(c.Highlights))),
			Image:         a.Image,
			PublishedDate: &pub,
			ModifiedDate:  &mod,
			Tags:          terms(a),
		},
		ContentHTML: content,
		Language:    a.Lang,
	}
	for _, name := range authors(c, a) {
		it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: name})
	}
	return it
}
