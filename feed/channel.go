package feed

import (
	"net/url"
	"time"
)

// Channel describes one feed, the site's or a category's: everything a
// format writes besides the items.
type Channel struct {
	Title       string
	Description string
	// BaseURL is the site's base URL; article pages live under it at
	// articles/{id}.
	BaseURL *url.URL
	// HomeURL is the HTML page the feed belongs to; SelfURL the feed's own
	// URL in the format being rendered.
	HomeURL string
	SelfURL string
	// Hub is the URL of the WebSub hub that pushes this feed's changes;
	// every format names it beside SelfURL, which is then the topic a
	// subscriber subscribes to (W3C WebSub 4). Empty: no hub, as for
	// RFC 5005 archive documents, which are not topics.
	Hub string
	// FeedID is the Atom feed id.
	FeedID string
	Lang   string
	// Author is the author of the articles that name none: every format
	// gives it to their items, and it is the feed's author. Empty: such
	// items carry no author, and only Atom, which requires one, names
	// the feed's (its Title, the publisher).
	Author string
	// Icon is the URL of the site's square icon (RSS <image>, Atom
	// <icon>, JSON Feed icon and favicon); Logo that of its wide logo
	// (Atom <logo>). Both absolute; empty: not written.
	Icon, Logo string
	// Location is the time zone of RSS dates (nil: UTC). Atom and JSON
	// Feed write UTC, which RFC 3339 readers convert anyway.
	Location *time.Location
	// ContentMode is what an item's content holds: the article, its key
	// points before it, or its key points and a link to it.
	ContentMode ContentMode
	// Updated is when the feed last changed; zero means the newest item's
	// update time.
	Updated time.Time
	// TTL is the RSS <ttl> in minutes; 0 omits it.
	TTL int
	// Highlights is how many highlights an item's summary, and the key
	// points its content opens with, show.
	Highlights int
	// Generator names the software in RSS and Atom.
	Generator string
	// Links are further feed links: RFC 5005 paging ("first", "next",
	// "previous") and archive ("current", "prev-archive", "next-archive")
	// links. JSON Feed gets the "next" (or "prev-archive") one as next_url.
	Links []Link
	// Archive marks an RFC 5005 archive document (fh:archive).
	Archive bool
	// Deleted are recently deleted entries: Atom lists them as RFC 6721
	// at:deleted-entry so aggregators remove them; RSS and JSON Feed have
	// no such thing and simply no longer carry them.
	Deleted []Tombstone
	// MaxItemContent bounds, in bytes of sanitized HTML, the body an item
	// carries in full; a longer one is replaced by the item's summary and
	// a link to the article (see Content). 0: no bound.
	MaxItemContent int
	// MaxFeedContent bounds the bodies one feed carries in full, all
	// items together: an item whose body would take them past it carries
	// its summary and link instead, so a large ?limit= stays a bounded
	// render. 0: no bound.
	MaxFeedContent int
}

// Link is a feed-level link with its relation.
type Link struct {
	Rel, Href string
}

// historyNS is the namespace of RFC 5005 (Feed Paging and Archiving), which
// RSS and Atom use for Channel.Archive.
const historyNS = "http://purl.org/syndication/history/1.0"

// Link is an article's link: its own url when it has one, otherwise its
// page on this site.
func (c *Channel) Link(a *Article) string {
	if a.URL != "" {
		return a.URL
	}
	return ArticleURL(c.BaseURL, a.ID)
}

// ArticleURL is the URL of an article's page on the site at base.
func ArticleURL(base *url.URL, id string) string {
	return base.JoinPath("articles", id).String()
}

// nextURL is the link to older items: the next page, or the previous
// archive.
func (c *Channel) nextURL() string {
	for _, rel := range []string{"next", "prev-archive"} {
		for _, l := range c.Links {
			if l.Rel == rel {
				return l.Href
			}
		}
	}
	return ""
}

// updated is the feed's update time: Updated when set, otherwise the
// latest change among the items and the deletions.
func (c *Channel) updated(items []*Article) time.Time {
	if !c.Updated.IsZero() {
		return c.Updated
	}
	var t time.Time
	for _, a := range items {
		if a.Updated.After(t) {
			t = a.Updated
		}
	}
	for _, d := range c.Deleted {
		if d.When.After(t) {
			t = d.When
		}
	}
	if t.IsZero() {
		// An empty feed still needs a valid date; the epoch is stable, so
		// the feed's bytes (and ETag) stay the same until it changes.
		t = time.Unix(0, 0)
	}
	return t
}
