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
// gives as rel="self" when there is a hub: feedURL of the category's key.

// topicFormats are the formats of every feed, in the order TopicsOf
// lists them.
var topicFormats = []feed.Format{feed.RSS, feed.Atom, feed.JSON}

// Topic reports whether rawURL names one of the site's live feeds, the
// site's or a category's (a category with no article yet included, so
// that one may subscribe before its first story), and returns its
// canonical URL: every spelling the server serves as that feed (another
// escaping or case of the category, of the scheme or host, the default
// port) is one topic. A query, a fragment, user info, another scheme or
// host, an archive page, an HTML page and a path the server would
// redirect are not topics.
func (s *Server) Topic(rawURL string) (canonical string, ok bool) {
	category, f, ok := s.parseTopic(rawURL)
	if !ok {
		return "", false
	}
	return s.feedURL(feed.CategoryKey(category), f), true
}

// parseTopic reads rawURL as Topic does: the category as the URL spells
// it ("" for the site's feeds) and the format.
func (s *Server) parseTopic(rawURL string) (category string, f feed.Format, ok bool) {
	// A "?" or "#" outside the path begins a query or fragment, even an
	// empty one, which url.URL cannot always tell from none.
	if strings.ContainsAny(rawURL, "?#") {
		return "", 0, false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" || u.User != nil || !sameOrigin(u, s.cfg.BaseURL) {
		return "", 0, false
	}
	p := u.EscapedPath()
	// The mux redirects a path that is not clean (".", "..", "//")
	// instead of serving a feed.
	if p == "" || path.Clean(p) != p {
		return "", 0, false
	}
	rel, ok := strings.CutPrefix(p, s.cfg.BaseURL.EscapedPath())
	if !ok {
		return "", 0, false
	}
	if ext, ok := strings.CutPrefix(rel, "feed."); ok {
		f, ok := feed.FormatByExt(ext)
		return "", f, ok
	}
	// As handleCategory reads it: everything between "category/" and the
	// last segment is the name, one escaped segment or, with a bare "/",
	// several.
	rest, ok := strings.CutPrefix(rel, "category/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || i <= 0 {
		return "", 0, false
	}
	ext, ok := strings.CutPrefix(rest[i+1:], "feed.")
	if !ok {
		return "", 0, false
	}
	f, ok = feed.FormatByExt(ext)
	name, err := url.PathUnescape(rest[:i])
	if !ok || err != nil || !utf8.ValidString(name) || feed.CategoryKey(name) == "" {
		return "", 0, false
	}
	return name, f, true
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

// TopicsOf returns the topics a change to articles filed under categories
// touches: the site's three feeds, then each category's three (a
// category repeated under another spelling once), as canonical URLs. The
// hub passes it feed.Change.Categories or feed.LoggedChange.Categories.
func (s *Server) TopicsOf(categories []string) []string {
	names := feed.UniqueCategories(categories)
	out := make([]string, 0, len(topicFormats)*(1+len(names)))
	for _, f := range topicFormats {
		out = append(out, s.feedURL("", f))
	}
	for _, name := range names {
		key := feed.CategoryKey(name)
		for _, f := range topicFormats {
			out = append(out, s.feedURL(key, f))
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
// feed.ErrNotFound; so is, as a GET is 404, a category's topic while the
// category has no article nor a recent deletion.
func (s *Server) Document(ctx context.Context, topic string) (body []byte, contentType string, err error) {
	category, f, ok := s.parseTopic(topic)
	if !ok {
		return nil, "", fmt.Errorf("document of %q: not a topic of this site: %w", topic, feed.ErrNotFound)
	}
	p := s.topicPage(category, f)
	// As serveFeed's: the render outlives ctx when others wait for it, and
	// is done again ahead of the next delivery after a write.
	render := func(changed time.Time) (*rendered, error) {
		return s.renderFeedPage(context.Background(), p, changed)
	}
	rd, err := s.cache.fetchFor(ctx, feedKey(p), "", render, render, true)
	if err != nil {
		return nil, "", fmt.Errorf("document of %s: %w", topic, err)
	}
	return rd.identity.body, rd.ctype, nil
}

// feedKey is the cache key serveFeed files page p under: the category by
// its key, so that every spelling of it is one entry.
func feedKey(p feedPage) cacheKey {
	k := cacheKey{scope: scope(p.category), name: p.format.Ext(), limit: p.limit, page: p.page}
	if p.category != "" {
		k.name += " " + feed.CategoryKey(p.category)
	}
	return k
}

// ChangesDocument returns a feed of topic's format holding only the
// articles changes name, as they are stored now, newest first, each once:
// what the hub delivers in its "changes" mode (the PubSubHubbub "fat
// ping"). Its channel is the topic's feed's (title, links, self, hub);
// an article no longer filed under the topic's category is left out, and
// one deleted is an RFC 6721 tombstone in Atom (while the store keeps its
// tombstone) and absent from RSS and JSON Feed. Items are the same bytes
// as in the feeds, kept ones reused. It reads each article named, so the
// caller bounds changes. A URL that is not a topic is an error wrapping
// feed.ErrNotFound.
func (s *Server) ChangesDocument(ctx context.Context, topic string, changes []feed.LoggedChange) (body []byte, contentType string, err error) {
	category, f, ok := s.parseTopic(topic)
	if !ok {
		return nil, "", fmt.Errorf("changes of %q: not a topic of this site: %w", topic, feed.ErrNotFound)
	}
	key := feed.CategoryKey(category)
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
		if category == "" || slices.ContainsFunc(a.Categories, func(name string) bool { return feed.CategoryKey(name) == key }) {
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
	c, err := s.topicChannel(ctx, category, f)
	if err != nil {
		return nil, "", fmt.Errorf("changes of %s: %w", topic, err)
	}
	if len(gone) > 0 {
		// Set in every format, as the feed does: a deletion dates the
		// document, though only Atom lists it.
		kept, err := s.read.Deleted(ctx, category)
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
	return a.Body, f.ContentType(), nil
}

// topicChannel is the channel of category's feed (the site's for "") in
// format f as renderFeedPage makes its first page at the default limit.
func (s *Server) topicChannel(ctx context.Context, category string, f feed.Format) (*feed.Channel, error) {
	name := category
	if category != "" {
		newest, err := s.read.Latest(ctx, category, 0, 1)
		if err != nil {
			return nil, err
		}
		name = displayName(category, newest)
	}
	return s.pageChannel(ctx, s.topicPage(category, f), name)
}

// topicPage is the page of category's feed that is its topic: the first,
// at the default limit.
func (s *Server) topicPage(category string, f feed.Format) feedPage {
	return feedPage{format: f, category: category, limit: servedLimit(s.cfg.FeedLimit, s.cfg.FeedLimit, s.cfg.MaxFeedLimit), page: 1}
}
