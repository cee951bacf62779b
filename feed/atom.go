package feed

import (
	"io"
	"time"

	"github.com/gorilla/feeds"
)

// Atom 1.0. gorilla/feeds' AtomFeed and AtomEntry carry the core elements
// but hold one link per feed and one author and category per entry; the
// types here add the rest, the entry language, and the RFC 5005 archive
// and RFC 6721 deleted-entry extensions.

// atomFeed extends feeds.AtomFeed with several links (self, alternate,
// WebSub hub, paging), the generator, the archive marker, tombstones and
// sokbo's entries.
type atomFeed struct {
	feeds.AtomFeed
	NSFH    string           `xml:"xmlns:fh,attr,omitempty"`
	NSAt    string           `xml:"xmlns:at,attr,omitempty"`
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
	Gen     string           `xml:"generator,omitempty"`
	Archive *struct{}        `xml:"fh:archive"`
	Deleted []deletedEntry   `xml:"at:deleted-entry"`
	Entries []*atomEntry     `xml:"entry"`
}

// deletedEntry is an RFC 6721 tombstone.
type deletedEntry struct {
	Ref  string `xml:"ref,attr"`
	When string `xml:"when,attr"`
}

// tombstonesNS is the namespace of RFC 6721 (The Atom "deleted-entry"
// Element).
const tombstonesNS = "http://purl.org/atompub/tombstones/1.0"

// atomEntry extends feeds.AtomEntry with its language and several
// categories and authors.
type atomEntry struct {
	feeds.AtomEntry
	Lang       string             `xml:"xml:lang,attr,omitempty"`
	Categories []atomCategory     `xml:"category"`
	Authors    []feeds.AtomAuthor `xml:"author"`
}

// atomCategory is an Atom category element, of which sokbo writes only the
// term.
type atomCategory struct {
	Term string `xml:"term,attr"`
}

// WriteAtom renders items as an Atom 1.0 document.
func WriteAtom(w io.Writer, c *Channel, items []*Article) error {
	f := atomFeedOf(c, items)
	for i, content := range c.contents(items) {
		f.Entries = append(f.Entries, atomEntryOf(c, items[i], content))
	}
	return writeXML(w, f)
}

// atomFeedOf is the feed element without its entries.
func atomFeedOf(c *Channel, items []*Article) *atomFeed {
	f := &atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    "http://www.w3.org/2005/Atom",
			Title:    Clean(c.Title),
			Id:       c.FeedID,
			Updated:  c.updated(items).UTC().Format(time.RFC3339),
			Subtitle: Clean(c.Description),
			Icon:     c.Icon,
			Logo:     c.Logo,
		},
		Lang: c.Lang,
		Links: []feeds.AtomLink{
			{Href: c.SelfURL, Rel: "self", Type: "application/atom+xml"},
			{Href: c.HomeURL, Rel: "alternate", Type: "text/html"},
		},
		Gen: c.Generator,
	}
	if c.Hub != "" {
		f.Links = append(f.Links, feeds.AtomLink{Href: c.Hub, Rel: "hub"})
	}
	for _, l := range c.Links {
		f.Links = append(f.Links, feeds.AtomLink{Href: l.Href, Rel: l.Rel, Type: "application/atom+xml"})
	}
	if c.Archive {
		f.Archive, f.NSFH = &struct{}{}, historyNS
	}
	for _, d := range c.Deleted {
		f.Deleted = append(f.Deleted, deletedEntry{Ref: d.GUID, When: d.When.UTC().Format(time.RFC3339)})
		f.NSAt = tombstonesNS
	}
	// RFC 4287 4.1.1: a feed whose entries do not all name an author
	// names one itself. Without an Author, entries of articles that name
	// none have none, so the feed names its publisher, the site's title;
	// it is not an author of those articles, which JSON Feed and RSS
	// leave without one.
	author := atomAuthor(c.Title)
	if Clean(c.Author) != "" {
		author = atomAuthor(c.Author)
	}
	f.Author = &author
	return f
}

// atomEntryOf is an article's entry element, with content (see
// Channel.Content) as its content.
func atomEntryOf(c *Channel, a *Article, content string) *atomEntry {
	e := &atomEntry{
		AtomEntry: feeds.AtomEntry{
			Title:     Clean(a.Title),
			Id:        a.GUID,
			Updated:   a.Updated.UTC().Format(time.RFC3339),
			Published: a.Published.UTC().Format(time.RFC3339),
			Links:     []feeds.AtomLink{{Href: c.Link(a), Rel: "alternate", Type: "text/html"}},
			Summary:   &feeds.AtomSummary{Type: "html", Content: Clean(SummaryHTML(a.Summary(c.Highlights)))},
			Content:   &feeds.AtomContent{Type: "html", Content: content},
		},
	}
	if a.Lang != "" && a.Lang != c.Lang {
		e.Lang = a.Lang
	}
	if a.Image != "" {
		e.Links = append(e.Links, feeds.AtomLink{Href: a.Image, Rel: "enclosure", Type: imageType(a.Image)})
	}
	for _, t := range terms(a) {
		e.Categories = append(e.Categories, atomCategory{Term: t})
	}
	for _, name := range authors(c, a) {
		e.Authors = append(e.Authors, atomAuthor(name))
	}
	return e
}

// atomAuthor is an author element naming name.
func atomAuthor(name string) feeds.AtomAuthor {
	return feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: Clean(name)}}
}
