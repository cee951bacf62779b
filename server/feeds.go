package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
)

// scope is the cache scope of a facet's feeds and pages: "" for the
// site's, "c:", "t:" or "a:" and the key of a category's, a tag's or an
// author's.
func scope(fc feed.Facet) string {
	if fc.Site() {
		return ""
	}
	prefix := "c:"
	switch fc.Kind {
	case feed.TagFacet:
		prefix = "t:"
	case feed.AuthorFacet:
		prefix = "a:"
	}
	return prefix + fc.Key()
}

// positiveParam reads a whole-number query parameter in [1, max].
func positiveParam(q url.Values, name string, def, max int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, &statusError{http.StatusBadRequest, name + ": must be a whole number from 1 to " + strconv.Itoa(max)}
	}
	return n, nil
}

// maxPage bounds ?page=, and maxOffset the articles a page may skip, so
// that a page's offset stays a cheap cursor walk.
const (
	maxPage   = 100000
	maxOffset = 10000
)

// feedQuery builds the query string of a paged feed URL.
func (s *Server) feedQuery(limit, page int) string {
	var q []string
	if limit != s.cfg.FeedLimit {
		q = append(q, "limit="+strconv.Itoa(limit))
	}
	if page > 1 {
		q = append(q, "page="+strconv.Itoa(page))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// feedPage is one page of the site's feed or a facet's, as a request
// names it.
type feedPage struct {
	format      feed.Format
	facet       feed.Facet // the zero Facet for the site's
	limit, page int
}

// serveFeed serves GET /feed.{rss,atom,json}, the site's feed (category
// ""), or a category's: serveFacetFeed of it.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, f feed.Format, category string) {
	s.serveFacetFeed(w, r, f, feed.Facet{Kind: feed.CategoryFacet, Name: category})
}

// serveFacetFeed serves GET /feed.{rss,atom,json} and a facet's, e.g.
// /tag/{name}/feed.{rss,atom,json}: page ?page= of ?limit= items, from the
// cache. The key is the page as parseFeedPage normalised it and the
// facet's key, so that neither other query parameters nor another
// spelling of the facet make a render of their own. A page of the site
// feed past its last redirects to the archives.
func (s *Server) serveFacetFeed(w http.ResponseWriter, r *http.Request, f feed.Format, fc feed.Facet) {
	allowCrossOrigin(w.Header())
	p, err := s.parseFeedPage(r, f, fc)
	if err == nil {
		var rd *rendered
		// The render outlives this request when others wait for it, and
		// is done again ahead of the next request after a write.
		render := func(changed time.Time) (*rendered, error) {
			rd, err := s.renderFeedPage(context.Background(), p, changed)
			if rd != nil {
				rd.varyAccept = true
			}
			return rd, err
		}
		key := feedKey(p)
		prefill := func(a *feed.Article) { s.prefillFeedPage(p, a) }
		if prefersHTML(r.Header.Get("Accept"), f) {
			// A browser: the feed's readable view (feedview.go).
			key = viewKey(p)
			render = func(changed time.Time) (*rendered, error) {
				rd, err := s.renderFeedView(context.Background(), p, changed)
				if rd != nil {
					rd.varyAccept = true
				}
				return rd, err
			}
			prefill = nil
		}
		rd, err = s.cache.fetchFor(r.Context(), key, negotiate(r.Header.Get("Accept-Encoding")), render, &ahead{render: render, prefill: prefill}, true)
		if err == nil {
			rd.serve(w, r)
			return
		}
	}
	switch {
	case r.Context().Err() != nil:
		// The client went away while waiting for a render: no one reads
		// an answer.
	case errors.Is(err, errPastLastPage):
		s.redirectToArchive(w, r, f)
	default:
		s.fail(w, r, err)
	}
}

// errPastLastPage is a page of the site feed after its last one, or too
// deep to walk, whose articles the archives hold.
var errPastLastPage = errors.New("page: past the feed's last page")

// redirectToArchive answers a page past the site feed's last with a
// redirect to the open archive page, the one the feed links as
// prev-archive: from it, prev-archive links lead back through every
// article. The redirect is temporary, since the open page moves on as
// articles arrive.
func (s *Server) redirectToArchive(w http.ResponseWriter, r *http.Request, f feed.Format) {
	last, err := s.read.LastSeq(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, s.archiveURL(last/uint64(s.cfg.ArchiveSize)+1, f), http.StatusFound)
}

// parseFeedPage reads ?limit= and ?page=; a limit is rounded up to a
// served one (servedLimit).
func (s *Server) parseFeedPage(r *http.Request, f feed.Format, fc feed.Facet) (feedPage, error) {
	var query url.Values // nil, which reads as empty, unless there is a query
	if r.URL.RawQuery != "" {
		query = r.URL.Query()
	}
	n, err := positiveParam(query, "limit", s.cfg.FeedLimit, s.cfg.MaxFeedLimit)
	if err != nil {
		return feedPage{}, err
	}
	n = servedLimit(n, s.cfg.FeedLimit, s.cfg.MaxFeedLimit)
	page, err := positiveParam(query, "page", 1, maxPage)
	if err != nil {
		return feedPage{}, err
	}
	if (page-1)*n > maxOffset {
		// A page's offset is walked in the index: bound it, so that no
		// request costs a walk of the whole archive.
		if fc.Site() {
			return feedPage{}, errPastLastPage
		}
		return feedPage{}, &statusError{http.StatusBadRequest, fmt.Sprintf("page: deeper than %d articles; older ones are in the site's archives (/archive/N/feed.%s)", maxOffset, f.Ext())}
	}
	return feedPage{format: f, facet: fc, limit: n, page: page}, nil
}

// renderFeedPage renders p. RFC 5005 paging links lead to older pages,
// and the site's first page, in RSS and Atom, to the newest archive page.
func (s *Server) renderFeedPage(ctx context.Context, p feedPage, changed time.Time) (*rendered, error) {
	items, err := s.latest(ctx, p.facet, (p.page-1)*p.limit, p.limit+1)
	if err != nil {
		return nil, err
	}
	more := len(items) > p.limit
	items = items[:min(p.limit, len(items))]
	var deleted []feed.Tombstone
	if p.page == 1 {
		if deleted, err = s.read.DeletedIn(ctx, p.facet); err != nil {
			return nil, err
		}
	}
	if len(items) == 0 && p.page > 1 && p.facet.Site() {
		return nil, errPastLastPage
	}
	if len(items) == 0 && (p.page > 1 || !p.facet.Site() && len(deleted) == 0) {
		// A facet exists while it has articles or recent deletions; an
		// empty Atom feed is valid, but some readers reject one without
		// entries.
		return nil, feed.ErrNotFound
	}
	shown := shownFacet(p.facet, items)
	c, err := s.pageChannel(ctx, p, shown)
	if err != nil {
		return nil, err
	}
	c.Deleted = deleted
	// A page too deep to walk is not served (parseFeedPage): linking it
	// would lead the site's reader to the open archive page, which holds
	// the newest items again, and a facet's to an error.
	if more && p.page < maxPage && p.page*p.limit <= maxOffset {
		c.Links = append(c.Links, feed.Link{Rel: "next", Href: s.facetFeedURL(shown, p.format) + s.feedQuery(p.limit, p.page+1)})
	}
	return s.renderFeed(p.format, c, items, s.ccFeed, changed)
}

// pageChannel is the channel of page p of a feed whose facet is spelled
// as shown (as the newest article spells it), without its items,
// deletions and "next" link: ids, self, hub and the paging links.
func (s *Server) pageChannel(ctx context.Context, p feedPage, shown feed.Facet) (*feed.Channel, error) {
	c := s.facetChannel(shown, p.format)
	// Links name the facet as filed, not as this request spelled it:
	// every spelling shares one cache entry.
	base := s.facetFeedURL(shown, p.format)
	// By its key, the facet names the same feed whatever the newest
	// article's spelling: its Atom id and its WebSub topic stay the same.
	key := keyed(p.facet)
	if !p.facet.Site() {
		c.FeedID = s.facetFeedURL(key, feed.Atom)
	}
	c.SelfURL = base + s.feedQuery(p.limit, p.page)
	if s.cfg.Hub != "" && p.page <= 1 {
		// With a hub, self names the WebSub topic (W3C WebSub 4), which a
		// subscriber subscribes to: one per feed whatever its ?limit=, its
		// facet spelled by its key. Later pages are documents of their
		// own, not topics.
		c.Hub, c.SelfURL = s.cfg.Hub, s.facetFeedURL(key, p.format)
	}
	if p.page > 1 {
		c.Links = append(c.Links,
			feed.Link{Rel: "first", Href: base + s.feedQuery(p.limit, 1)},
			feed.Link{Rel: "previous", Href: base + s.feedQuery(p.limit, p.page-1)})
	}
	if p.facet.Site() && p.page == 1 && p.format != feed.JSON {
		last, err := s.read.LastSeq(ctx)
		if err != nil {
			return nil, err
		}
		if last > 0 {
			// The open archive page: everything that ever arrived is on
			// the chain, even what the feed's window has dropped. JSON
			// Feed has no archives: its renderer would make this link
			// next_url, the next page of this feed, and the open archive
			// page holds the newest articles, this page's own.
			c.Links = append(c.Links, feed.Link{Rel: "prev-archive", Href: s.archiveURL(last/uint64(s.cfg.ArchiveSize)+1, p.format)})
		}
	}
	return c, nil
}

// renderFeed assembles the feed of items from their kept fragments,
// rendering only those not kept (a changed article's), and its gzip
// variant from kept compressed parts (gzipparts.go).
func (s *Server) renderFeed(f feed.Format, c *feed.Channel, items []*feed.Article, cacheControl string, changed time.Time) (*rendered, error) {
	a, digests, gz, err := s.assembleFeed(f, c, items)
	if err != nil {
		return nil, err
	}
	rd := newFeedResponse(a, digests, gz, f.ContentType(), cacheControl, changed)
	rd.links = discoveryLinks(c)
	return rd, nil
}

// assembleFeed assembles the feed of items with its gzip variant, keeping
// the items' fragments and compressed parts it makes; digests are those
// of the items' fragments.
func (s *Server) assembleFeed(f feed.Format, c *feed.Channel, items []*feed.Article) (a *feed.Assembled, digests []*itemDigest, gz []byte, err error) {
	a, digests, err = s.assembleItems(f, c, items)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, digests, s.cache.fragments(s.cfg.ItemCacheBytes).gzipAssembled(a, digests), nil
}

// assembleItems assembles the feed of items, keeping the items' fragments
// it makes; digests are theirs.
func (s *Server) assembleItems(f feed.Format, c *feed.Channel, items []*feed.Article) (a *feed.Assembled, digests []*itemDigest, err error) {
	fs := s.cache.fragments(s.cfg.ItemCacheBytes)
	context := c.ItemContext()
	digests = make([]*itemDigest, len(items))
	a, err = feed.Assemble(f, c, items, func(i int, full bool) ([]byte, error) {
		b, d, err := fs.item(f, c, context, items[i], full)
		digests[i] = d
		return b, err
	})
	if err != nil {
		return nil, nil, err
	}
	return a, digests, nil
}

// discoveryLinks are the Link header values of a feed with a hub, none
// without: WebSub discovery (W3C WebSub 4) reads the hub and the topic
// from the headers first, so they repeat the body's hub and self links.
func discoveryLinks(c *feed.Channel) []string {
	if c.Hub == "" {
		return nil
	}
	return []string{"<" + c.Hub + `>; rel="hub"`, "<" + c.SelfURL + `>; rel="self"`}
}

func (s *Server) archiveURL(n uint64, f feed.Format) string {
	return s.cfg.BaseURL.String() + "archive/" + strconv.FormatUint(n, 10) + "/feed." + f.Ext()
}

// handleArchive serves GET /archive/{n}/feed.{rss,atom,json}: RFC 5005
// archive page n, the n-th ArchiveSize articles in order of arrival.
// Pages 1 … last/size are full; the page
// after them is open (partial, possibly empty) and is what the
// subscription feed links as prev-archive, so no article falls between the
// feed's window and the archives. A full page keeps its articles whatever
// arrives later and links the next page from the start; only an edit or a
// deletion of one of its own articles changes it.
func (s *Server) handleArchive(w http.ResponseWriter, r *http.Request) {
	allowCrossOrigin(w.Header())
	n, err := strconv.ParseUint(r.PathValue("n"), 10, 64)
	ext, ok := strings.CutPrefix(r.PathValue("file"), "feed.")
	f, known := feed.FormatByExt(ext)
	if err != nil || n < 1 || !ok || !known || n > 1<<40 {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	size := uint64(s.cfg.ArchiveSize)
	key := cacheKey{name: "archive " + f.Ext() + " " + strconv.FormatUint(n, 10)}
	rd, err := s.cache.fetch(r.Context(), key, negotiate(r.Header.Get("Accept-Encoding")), func(changed time.Time) (*rendered, error) {
		ctx := context.WithoutCancel(r.Context())
		last, err := s.read.LastSeq(ctx)
		if err != nil {
			return nil, err
		}
		open := last/size + 1
		if n > open {
			return nil, feed.ErrNotFound
		}
		items, err := s.read.Arrived(ctx, (n-1)*size+1, n*size)
		if err != nil {
			return nil, err
		}
		c := s.channel("", f)
		c.SelfURL = s.archiveURL(n, f)
		c.Archive = true
		c.Links = append(c.Links, feed.Link{Rel: "current", Href: s.feedURL("", f)})
		if n > 1 {
			c.Links = append(c.Links, feed.Link{Rel: "prev-archive", Href: s.archiveURL(n-1, f)})
		}
		cc := s.ccFeed
		if n < open { // full
			c.Links = append(c.Links, feed.Link{Rel: "next-archive", Href: s.archiveURL(n+1, f)})
			cc = s.ccArchive
		}
		return s.renderFeed(f, c, items, cc, changed)
	})
	if err != nil {
		if r.Context().Err() == nil { // else the client went away
			s.fail(w, r, err)
		}
		return
	}
	rd.serve(w, r)
}
