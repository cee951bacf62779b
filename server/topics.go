package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sokbo/feed"
)

// What the WebSub hub asks the server: which URLs are topics (the live
// feeds, W3C WebSub 1), which topics a change touches, and the documents
// it delivers. A topic is named by its canonical URL, the one each feed
// gives as rel="self" when there is a hub: facetFeedURL of the facet's
// key (a category's, a tag's or an author's).

// topicFormats are the formats of every feed, in the order TopicsOf
// lists them.
var topicFormats = []feed.Format{feed.RSS, feed.Atom, feed.JSON}

// Topic reports whether rawURL names one of the site's live feeds, the
// site's or a category's, a tag's or an author's (one with no article yet
// included, so that one may subscribe before its first story), and
// returns its canonical URL: every spelling the server serves as that
// feed (another escaping or case of the name, of the scheme or host, the
// default port) is one topic. A query, a fragment, user info, another
// scheme or host, an archive page, an HTML page and a path the server
// would redirect are not topics.
func (s *Server) Topic(rawURL string) (canonical string, ok bool) {
	fc, f, ok := s.parseTopic(rawURL)
	if !ok {
		return "", false
	}
	return s.facetFeedURL(keyed(fc), f), true
}

// keyed is fc named by its key, as topics and Atom ids name it.
func keyed(fc feed.Facet) feed.Facet {
	return feed.Facet{Kind: fc.Kind, Name: fc.Key()}
}

// parseTopic reads rawURL as Topic does: the facet as the URL spells it
// (the zero Facet for the site's feeds) and the format.
func (s *Server) parseTopic(rawURL string) (fc feed.Facet, f feed.Format, ok bool) {
	// A "?" or "#" outside the path begins a query or fragment, even an
	// empty one, which url.URL cannot always tell from none.
	if strings.ContainsAny(rawURL, "?#") {
		return fc, 0, false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" || u.User != nil || !sameOrigin(u, s.cfg.BaseURL) {
		return fc, 0, false
	}
	p := u.EscapedPath()
	// The mux redirects a path that is not clean (".", "..", "//")
	// instead of serving a feed.
	if p == "" || path.Clean(p) != p {
		return fc, 0, false
	}
	rel, ok := strings.CutPrefix(p, s.cfg.BaseURL.EscapedPath())
	if !ok {
		return fc, 0, false
	}
	if ext, ok := strings.CutPrefix(rel, "feed."); ok {
		f, ok := feed.FormatByExt(ext)
		return fc, f, ok
	}
	// As serveFacet reads it: everything between the kind's segment and
	// the last segment is the name, one escaped segment or, with a bare
	// "/", several.
	seg, rest, ok := strings.Cut(rel, "/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || i <= 0 {
		return fc, 0, false
	}
	kind, known := facetKind(seg)
	ext, ok := strings.CutPrefix(rest[i+1:], "feed.")
	if !known || !ok {
		return fc, 0, false
	}
	f, ok = feed.FormatByExt(ext)
	name, err := url.PathUnescape(rest[:i])
	if !ok || err != nil || !utf8.ValidString(name) || feed.CategoryKey(name) == "" {
		return fc, 0, false
	}
	return feed.Facet{Kind: kind, Name: name}, f, true
}

// facetKind is the kind whose pages and feeds are under seg.
func facetKind(seg string) (feed.FacetKind, bool) {
	for _, k := range feed.FacetKinds() {
		if facetSegment(k) == seg {
			return k, true
		}
	}
	return 0, false
}

// sameOrigin reports whether u has base's scheme, host and port, the host
// in any case and the port given or left to the scheme's default.
func sameOrigin(u, base *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "https" {
			return "443"
		}
		return "80"
	}
	return u.Scheme == base.Scheme && u.Hostname() != "" &&
		strings.EqualFold(u.Hostname(), base.Hostname()) && port(u) == port(base)
}

// TopicsOf returns the topics a change to articles filed under facets
// touches: the site's three feeds, then each facet's three (a facet
// repeated under another spelling once), as canonical URLs. The hub
// passes it feed.Change.Facets or feed.LoggedChange.Facets.
func (s *Server) TopicsOf(facets []feed.Facet) []string {
	out := make([]string, 0, len(topicFormats)*(1+len(facets)))
	for _, f := range topicFormats {
		out = append(out, s.facetFeedURL(feed.Facet{}, f))
	}
	seen := make(map[feed.Facet]bool, len(facets))
	for _, fc := range facets {
		k := keyed(fc)
		if k.Site() || seen[k] {
			continue
		}
		seen[k] = true
		for _, f := range topicFormats {
			out = append(out, s.facetFeedURL(k, f))
		}
	}
	return out
}

// Document returns topic's feed as a GET of it answers, uncompressed: its
// first page at the default limit, and its media type. It comes from the
// response cache, under the key a GET uses, so a change costs one render
// of each topic however many subscribers it is delivered to, and a GET
// after it renders nothing. The body is the cache's: read it, never
// modify it. A URL that is not a topic (see Topic) is an error wrapping
// feed.ErrNotFound; so is, as a GET is 404, a facet's topic while the
// facet has no article nor a recent deletion.
func (s *Server) Document(ctx context.Context, topic string) (body []byte, contentType string, err error) {
	fc, f, ok := s.parseTopic(topic)
	if !ok {
		return nil, "", fmt.Errorf("document of %q: not a topic of this site: %w", topic, feed.ErrNotFound)
	}
	p := s.topicPage(fc, f)
	// As serveFeed's: the render outlives ctx when others wait for it, and
	// is done again ahead of the next delivery after a write.
	render := func(changed time.Time) (*rendered, error) {
		return s.renderFeedPage(context.Background(), p, changed)
	}
	rd, err := s.cache.fetchFor(ctx, feedKey(p), "", render, &ahead{render: render, prefill: func(a *feed.Article) { s.prefillFeedPage(p, a) }}, true)
	if err != nil {
		return nil, "", fmt.Errorf("document of %s: %w", topic, err)
	}
	return rd.body(), rd.ctype, nil
}

// feedKey is the cache key serveFacetFeed files page p under: the facet
// by its key, so that every spelling of it is one entry.
func feedKey(p feedPage) cacheKey {
	k := cacheKey{scope: scope(p.facet), name: p.format.Ext(), limit: p.limit, page: p.page}
	if !p.facet.Site() {
		k.name += " " + p.facet.Key()
	}
	return k
}

// ChangesDocument returns a feed of topic's format holding only the
// articles changes name, as they are stored now, newest first, each once:
// what the hub delivers in its "changes" mode (the PubSubHubbub "fat
// ping"). Its channel is the topic's feed's (title, links, self, hub);
// an article no longer filed under the topic's facet is left out, and
// one deleted is an RFC 6721 tombstone in Atom (while the store keeps its
// tombstone) and absent from RSS and JSON Feed. Items are the same bytes
// as in the feeds, kept ones reused. It reads each article named, so the
// caller bounds changes. A URL that is not a topic is an error wrapping
// feed.ErrNotFound.
func (s *Server) ChangesDocument(ctx context.Context, topic string, changes []feed.LoggedChange) (body []byte, contentType string, err error) {
	fc, f, ok := s.parseTopic(topic)
	if !ok {
		return nil, "", fmt.Errorf("changes of %q: not a topic of this site: %w", topic, feed.ErrNotFound)
	}
	var items []*feed.Article
	gone := map[string]bool{}
	seen := make(map[string]bool, len(changes))
	for _, c := range changes {
		if c.ID == "" || seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		a, err := s.read.Get(ctx, c.ID)
		switch {
		case errors.Is(err, feed.ErrNotFound):
			gone[c.ID] = true
			continue
		case err != nil:
			return nil, "", fmt.Errorf("changes of %s: %w", topic, err)
		}
		if fc.Holds(a) {
			items = append(items, a)
		}
	}
	// The order of the feeds (the store's index): newest Published
	// first, ties by id, descending.
	slices.SortFunc(items, func(a, b *feed.Article) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	c, err := s.topicChannel(ctx, fc, f)
	if err != nil {
		return nil, "", fmt.Errorf("changes of %s: %w", topic, err)
	}
	if len(gone) > 0 {
		// Set in every format, as the feed does: a deletion dates the
		// document, though only Atom lists it.
		kept, err := s.read.DeletedIn(ctx, fc)
		if err != nil {
			return nil, "", fmt.Errorf("changes of %s: %w", topic, err)
		}
		for _, t := range kept {
			if gone[t.ID] {
				c.Deleted = append(c.Deleted, t)
			}
		}
	}
	fs := s.cache.fragments(s.cfg.ItemCacheBytes)
	ictx := c.ItemContext()
	a, err := feed.Assemble(f, c, items, func(i int, full bool) ([]byte, error) {
		b, _, err := fs.item(f, c, ictx, items[i], full)
		return b, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("changes of %s: %w", topic, err)
	}
	return a.Bytes(), f.ContentType(), nil
}

// topicChannel is the channel of fc's feed (the site's for the zero
// Facet) in format f as renderFeedPage makes its first page at the default
// limit.
func (s *Server) topicChannel(ctx context.Context, fc feed.Facet, f feed.Format) (*feed.Channel, error) {
	shown := fc
	if !fc.Site() {
		newest, err := s.latest(ctx, fc, 0, 1)
		if err != nil {
			return nil, err
		}
		shown = shownFacet(fc, newest)
	}
	return s.pageChannel(ctx, s.topicPage(fc, f), shown)
}

// topicPage is the page of fc's feed that is its topic: the first, at the
// default limit.
func (s *Server) topicPage(fc feed.Facet, f feed.Format) feedPage {
	return feedPage{format: f, facet: fc, limit: servedLimit(s.cfg.FeedLimit, s.cfg.FeedLimit, s.cfg.MaxFeedLimit), page: 1}
}
