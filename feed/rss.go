package feed

import (
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// RSS 2.0. gorilla/feeds' RssFeed and RssItem carry the core elements; the
// types here add the extension elements sokbo writes (atom:link,
// content:encoded, dc:creator, media:content, fh:archive) and the root
// element that declares their namespaces.

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
// Board best practice and feed validators ask for), the WebSub hub link,
// the paging and archive links, and sokbo's items.
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
// categories, dc:creator for names without e-mail (RSS <author> wants an
// e-mail), the image as media:content, and content:encoded as escaped text
// instead of a CDATA section.
type rssItem struct {
	feeds.RssItem
	Categories []string      `xml:"category"`
	Creator    string        `xml:"dc:creator,omitempty"`
	Encoded    string        `xml:"content:encoded,omitempty"`
	Media      *mediaContent `xml:"media:content"`
}

// mediaContent is a Media RSS media:content element.
type mediaContent struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Medium string `xml:"medium,attr"`
}

// WriteRSS renders items as an RSS 2.0 document.
func WriteRSS(w io.Writer, c *Channel, items []*Article) error {
	ch := rssChannelOf(c, items)
	for i, content := range c.contents(items) {
		ch.Items = append(ch.Items, rssItemOf(c, items[i], content))
	}
	return writeXML(w, rssRootOf(ch))
}

// rssRootOf is the document element around ch.
func rssRootOf(ch *rssChannel) *rssRoot {
	root := &rssRoot{
		Version: "2.0",
		NSAtom:  "http://www.w3.org/2005/Atom",
		NSCont:  "http://purl.org/rss/1.0/modules/content/",
		NSDC:    "http://purl.org/dc/elements/1.1/",
		NSMedia: "http://search.yahoo.com/mrss/",
		Channel: ch,
	}
	if ch.Archive != nil {
		root.NSFH = historyNS
	}
	return root
}

// rssChannelOf is the channel element without its items.
func rssChannelOf(c *Channel, items []*Article) *rssChannel {
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:         Clean(c.Title),
			Link:          c.HomeURL,
			Description:   Clean(c.Description),
			Language:      c.Lang,
			LastBuildDate: c.rssDate(c.updated(items)),
			Generator:     c.Generator,
			Ttl:           c.TTL,
		},
		Links: []atomLink{{Href: c.SelfURL, Rel: "self", Type: "application/rss+xml"}},
	}
	if c.Hub != "" {
		ch.Links = append(ch.Links, atomLink{Href: c.Hub, Rel: "hub"})
	}
	for _, l := range c.Links {
		ch.Links = append(ch.Links, atomLink{Href: l.Href, Rel: l.Rel, Type: "application/rss+xml"})
	}
	if c.Archive {
		ch.Archive = &struct{}{}
	}
	if c.Icon != "" {
		// The square icon rather than the wide logo: readers show RSS's
		// image as the feed's icon in their lists of feeds.
		ch.Image = &feeds.RssImage{Url: c.Icon, Title: ch.Title, Link: c.HomeURL}
	}
	if ch.Description == "" {
		ch.Description = ch.Title // required by RSS 2.0
	}
	return ch
}

// rssItemOf is an article's item element, with content (see
// Channel.Content) as content:encoded.
func rssItemOf(c *Channel, a *Article, content string) *rssItem {
	it := &rssItem{
		RssItem: feeds.RssItem{
			Title:       Clean(a.Title),
			Link:        c.Link(a),
			Description: Clean(SummaryHTML(a.Summary(c.Highlights))),
			Guid:        &feeds.RssGuid{Id: a.GUID, IsPermaLink: "false"},
			PubDate:     c.rssDate(a.Published),
		},
		Categories: terms(a),
		// One dc:creator naming everyone: readers (gofeed, feedparser)
		// show only the first of several.
		Creator: strings.Join(authors(c, a), ", "),
		Encoded: content,
	}
	if a.Image != "" {
		it.Media = &mediaContent{URL: a.Image, Type: imageType(a.Image), Medium: "image"}
	}
	return it
}

// rssDate formats t for RSS in the channel's time zone: RFC 822 dates
// carry any offset, and readers that show the date as written show the
// newsroom's local time rather than GMT.
func (c *Channel) rssDate(t time.Time) string {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.RFC1123Z)
}
