package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"
)

// Content types of the three formats, with charset.
const (
	RSSType  = "application/rss+xml; charset=utf-8"
	AtomType = "application/atom+xml; charset=utf-8"
	JSONType = "application/feed+json; charset=utf-8"
)

// Format is one of the three feed formats.
type Format int

// The feed formats sokbo serves.
const (
	RSS Format = iota
	Atom
	JSON
)

// Ext is the format's file extension as used in feed URLs ("rss", "atom",
// "json").
func (f Format) Ext() string {
	return [...]string{"rss", "atom", "json"}[f]
}

// ContentType is the format's media type with charset.
func (f Format) ContentType() string {
	return [...]string{RSSType, AtomType, JSONType}[f]
}

// FormatByExt returns the format for a feed file extension.
func FormatByExt(ext string) (Format, bool) {
	switch ext {
	case "rss":
		return RSS, true
	case "atom":
		return Atom, true
	case "json":
		return JSON, true
	}
	return 0, false
}

// Channel describes one feed: the site feed or a category's.
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
	// FeedID is the Atom feed id.
	FeedID string
	Lang   string
	Author string
	// Updated is when the feed last changed; zero means the newest item's
	// update time.
	Updated time.Time
	// TTL is the RSS <ttl> in minutes; 0 omits it.
	TTL int
	// Points is how many highlighted sentences a summary shows.
	Points int
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
}

// Link is a feed-level link with its relation.
type Link struct {
	Rel, Href string
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

// SummaryHTML renders a summary as `<p>text</p><ul><li>…</li></ul>`.
func SummaryHTML(s Summary) string {
	var b strings.Builder
	if s.Text != "" {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString("</p>")
	}
	if len(s.Points) > 0 {
		b.WriteString("<ul>")
		for _, p := range s.Points {
			b.WriteString("<li>")
			b.WriteString(html.EscapeString(p))
			b.WriteString("</li>")
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// SummaryText renders a summary as plain text: the text, then one
// highlighted sentence per line.
func SummaryText(s Summary) string {
	parts := make([]string, 0, 1+len(s.Points))
	if s.Text != "" {
		parts = append(parts, s.Text)
	}
	parts = append(parts, s.Points...)
	return strings.Join(parts, "\n")
}

// terms is an article's categories followed by its tags, without repeats.
func terms(a *Article) []string {
	seen := make(map[string]bool, len(a.Categories)+len(a.Tags))
	var out []string
	for _, list := range [][]string{a.Categories, a.Tags} {
		for _, t := range list {
			k := CategoryKey(t)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// imageType guesses an image's media type from its URL's extension.
func imageType(u string) string {
	if p, err := url.Parse(u); err == nil {
		u = p.Path
	}
	switch ext := strings.ToLower(path.Ext(u)); ext {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png", ".gif", ".webp", ".avif", ".bmp":
		return "image/" + ext[1:]
	case ".svg":
		return "image/svg+xml"
	case "":
		return "image/jpeg"
	default:
		if t := mime.TypeByExtension(ext); strings.HasPrefix(t, "image/") {
			return t
		}
		return "image/jpeg"
	}
}

// Write renders items as a feed in format f.
func Write(w io.Writer, f Format, c *Channel, items []*Article) error {
	switch f {
	case RSS:
		return WriteRSS(w, c, items)
	case Atom:
		return WriteAtom(w, c, items)
	case JSON:
		return WriteJSON(w, c, items)
	}
	return fmt.Errorf("unknown feed format %d", f)
}

// --- RSS 2.0 -------------------------------------------------------------

// rssRoot replaces gorilla/feeds' root element to declare the namespaces
// of the extensions sokbo writes.
type rssRoot struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	NSAtom  string   `xml:"xmlns:atom,attr"`
	NSCont  string   `xml:"xmlns:content,attr"`
	NSDC    string   `xml:"xmlns:dc,attr"`
	NSMedia string   `xml:"xmlns:media,attr"`
	NSFH    string   `xml:"xmlns:fh,attr,omitempty"`
	Channel *rssChannel
}

// rssChannel extends feeds.RssFeed with the self link (which RSS Advisory
// Board best practice and feed validators ask for) and sokbo's items.
type rssChannel struct {
	feeds.RssFeed
	Links   []atomLink `xml:"atom:link"`
	Archive *struct{}  `xml:"fh:archive"`
	Items   []*rssItem `xml:"item"`
}

// atomLink is an atom:link inside RSS.
type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// rssItem extends feeds.RssItem with what the generic item lacks: several
// categories, dc:creator for names without e-mail (RSS <author> wants an e-mail), the image as
// media:content, and content:encoded as escaped text instead of a CDATA
// section.
type rssItem struct {
	feeds.RssItem
	Categories []string      `xml:"category"`
	Creator    string        `xml:"dc:creator,omitempty"`
	Encoded    string        `xml:"content:encoded,omitempty"`
	Media      *mediaContent `xml:"media:content"`
}

type mediaContent struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Medium string `xml:"medium,attr"`
}

// WriteRSS renders items as an RSS 2.0 document.
func WriteRSS(w io.Writer, c *Channel, items []*Article) error {
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:         Clean(c.Title),
			Link:          c.HomeURL,
			Description:   Clean(c.Description),
			Language:      c.Lang,
			LastBuildDate: c.updated(items).UTC().Format(time.RFC1123Z),
			Generator:     c.Generator,
			Ttl:           c.TTL,
		},
		Links: []atomLink{{Href: c.SelfURL, Rel: "self", Type: "application/rss+xml"}},
	}
	for _, l := range c.Links {
		ch.Links = append(ch.Links, atomLink{Href: l.Href, Rel: l.Rel, Type: "application/rss+xml"})
	}
	var nsFH string
	if c.Archive {
		ch.Archive, nsFH = &struct{}{}, historyNS
	}
	if ch.Description == "" {
		ch.Description = ch.Title // required by RSS 2.0
	}
	for _, a := range items {
		it := &rssItem{
			RssItem: feeds.RssItem{
				Title:       Clean(a.Title),
				Link:        c.Link(a),
				Description: Clean(SummaryHTML(a.Summary(c.Points))),
				Guid:        &feeds.RssGuid{Id: a.GUID, IsPermaLink: "false"},
				PubDate:     a.Published.UTC().Format(time.RFC1123Z),
			},
			Categories: cleanAll(terms(a)),
			// One dc:creator naming everyone: readers (gofeed, feedparser)
			// show only the first of several.
			Creator: strings.Join(cleanAll(a.Authors), ", "),
			Encoded: Clean(a.ContentHTML),
		}
		if a.Image != "" {
			it.Media = &mediaContent{URL: a.Image, Type: imageType(a.Image), Medium: "image"}
		}
		ch.Items = append(ch.Items, it)
	}
	return writeXML(w, &rssRoot{
		Version: "2.0",
		NSAtom:  "http://www.w3.org/2005/Atom",
		NSCont:  "http://purl.org/rss/1.0/modules/content/",
		NSDC:    "http://purl.org/dc/elements/1.1/",
		NSMedia: "http://search.yahoo.com/mrss/",
		NSFH:    nsFH,
		Channel: ch,
	})
}

// historyNS is the namespace of RFC 5005 (Feed Paging and Archiving).
const historyNS = "http://purl.org/syndication/history/1.0"

// --- Atom 1.0 ------------------------------------------------------------

// atomFeed extends feeds.AtomFeed with several links (self and alternate)
// and sokbo's entries.
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

// atomEntry extends feeds.AtomEntry with several categories and authors.
type atomEntry struct {
	feeds.AtomEntry
	Lang       string             `xml:"xml:lang,attr,omitempty"`
	Categories []atomCategory     `xml:"category"`
	Authors    []feeds.AtomAuthor `xml:"author"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// WriteAtom renders items as an Atom 1.0 document.
func WriteAtom(w io.Writer, c *Channel, items []*Article) error {
	f := &atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    "http://www.w3.org/2005/Atom",
			Title:    Clean(c.Title),
			Id:       c.FeedID,
			Updated:  c.updated(items).UTC().Format(time.RFC3339),
			Subtitle: Clean(c.Description),
		},
		Lang: c.Lang,
		Links: []feeds.AtomLink{
			{Href: c.SelfURL, Rel: "self", Type: "application/atom+xml"},
			{Href: c.HomeURL, Rel: "alternate", Type: "text/html"},
		},
		Gen: c.Generator,
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
	if c.Author != "" {
		f.Author = &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: Clean(c.Author)}}
	}
	for _, a := range items {
		e := &atomEntry{
			AtomEntry: feeds.AtomEntry{
				Title:     Clean(a.Title),
				Id:        a.GUID,
				Updated:   a.Updated.UTC().Format(time.RFC3339),
				Published: a.Published.UTC().Format(time.RFC3339),
				Links:     []feeds.AtomLink{{Href: c.Link(a), Rel: "alternate", Type: "text/html"}},
				Summary:   &feeds.AtomSummary{Type: "html", Content: Clean(SummaryHTML(a.Summary(c.Points)))},
				Content:   &feeds.AtomContent{Type: "html", Content: Clean(a.ContentHTML)},
			},
		}
		if a.Lang != "" && a.Lang != c.Lang {
			e.Lang = a.Lang
		}
		if a.Image != "" {
			e.Links = append(e.Links, feeds.AtomLink{Href: a.Image, Rel: "enclosure", Type: imageType(a.Image)})
		}
		for _, t := range terms(a) {
			e.Categories = append(e.Categories, atomCategory{Term: Clean(t)})
		}
		for _, name := range a.Authors {
			e.Authors = append(e.Authors, feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: Clean(name)}})
		}
		if len(e.Authors) == 0 && f.Author == nil {
			// RFC 4287 4.1.2: an entry needs an author when the feed has none.
			e.Authors = []feeds.AtomAuthor{{AtomPerson: feeds.AtomPerson{Name: Clean(c.Title)}}}
		}
		f.Entries = append(f.Entries, e)
	}
	return writeXML(w, f)
}

func writeXML(w io.Writer, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return fmt.Errorf("encode xml feed: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// --- JSON Feed 1.1 -------------------------------------------------------

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

// JSONFeedVersion is the JSON Feed version sokbo writes.
const JSONFeedVersion = "https://jsonfeed.org/version/1.1"

// WriteJSON renders items as a JSON Feed 1.1 document.
func WriteJSON(w io.Writer, c *Channel, items []*Article) error {
	f := &jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     JSONFeedVersion,
			Title:       Clean(c.Title),
			Language:    c.Lang,
			HomePageUrl: c.HomeURL,
			FeedUrl:     c.SelfURL,
			Description: Clean(c.Description),
			NextUrl:     c.nextURL(),
		},
		Items: []*jsonItem{},
	}
	if c.Author != "" {
		f.Authors = []*feeds.JSONAuthor{{Name: Clean(c.Author)}}
	}
	for _, a := range items {
		pub, mod := a.Published.UTC(), a.Updated.UTC()
		it := &jsonItem{
			JSONItem: &feeds.JSONItem{
				Id:            a.GUID,
				Url:           c.Link(a),
				Title:         Clean(a.Title),
				Summary:       Clean(SummaryText(a.Summary(c.Points))),
				Image:         a.Image,
				PublishedDate: &pub,
				ModifiedDate:  &mod,
				Tags:          cleanAll(terms(a)),
			},
			ContentHTML: Clean(a.ContentHTML),
			Language:    a.Lang,
		}
		for _, name := range a.Authors {
			it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: Clean(name)})
		}
		f.Items = append(f.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode json feed: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// --- characters ----------------------------------------------------------

// Clean removes every character that XML 1.0 forbids (outside #x9 | #xA |
// #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF) and replaces invalid
// UTF-8, so no stored string can make a feed malformed.
func Clean(s string) string {
	ok := utf8.ValidString(s)
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !xmlChar(r) {
			return -1
		}
		return r
	}, s)
}

func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func cleanAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = Clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
