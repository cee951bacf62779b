package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"sokbo/feed"
)

// Facets: besides the site, a category, a tag and an author each have a
// headlines page and three feeds, as WordPress and Hugo offer them:
//
//	/category/{name}/  /category/{name}/feed.rss|atom|json
//	/tag/{name}/       /tag/{name}/feed.rss|atom|json
//	/author/{name}/    /author/{name}/feed.rss|atom|json
//
// A facet (feed.Facet) is matched by the feed.CategoryKey of its name, so
// every spelling of it is one feed, one cache scope and one WebSub topic;
// links spell it as its newest article does. Its feeds are paged, cached
// and carry tombstones as the site's are.

// facetSegment is the first segment of the paths of a kind's pages and
// feeds.
func facetSegment(k feed.FacetKind) string {
	switch k {
	case feed.TagFacet:
		return "tag"
	case feed.AuthorFacet:
		return "author"
	}
	return "category"
}

// facetRoutes registers the tags' and authors' pages and feeds; the
// categories' route is among the others (routes).
func (s *Server) facetRoutes() {
	for _, k := range []feed.FacetKind{feed.TagFacet, feed.AuthorFacet} {
		s.mux.HandleFunc("GET /"+facetSegment(k)+"/{path...}", func(w http.ResponseWriter, r *http.Request) {
			s.serveFacet(w, r, k)
		})
	}
}

// handleCategory serves GET /category/{name}/feed.{rss,atom,json} and the
// category's headlines page at /category/{name}/, and the files mounted
// with HandleCategory beside them.
func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request) {
	s.serveFacet(w, r, feed.CategoryFacet)
}

// serveFacet serves GET /{segment}/{name}/feed.{rss,atom,json} and the
// facet's headlines page at /{segment}/{name}/, segment being kind's
// (facetSegment). The name is one percent-encoded segment ("경제%2F산업"),
// but an unencoded "/" inside it is accepted too: everything before the
// last segment is the name.
func (s *Server) serveFacet(w http.ResponseWriter, r *http.Request, kind feed.FacetKind) {
	seg := facetSegment(kind)
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/"+seg+"/")
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		if p != "" {
			// /category/News → the page /category/News/
			http.Redirect(w, r, s.cfg.BaseURL.JoinPath().Path+seg+"/"+p+"/", http.StatusMovedPermanently)
			return
		}
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	raw, file := p[:i], p[i+1:]
	name, err := url.PathUnescape(raw)
	if err != nil || strings.TrimSpace(name) == "" {
		s.fail(w, r, &statusError{http.StatusBadRequest, seg + ": not a valid percent-encoded name"})
		return
	}
	fc := feed.Facet{Kind: kind, Name: name}
	if file == "" {
		s.serveList(w, r, fc)
		return
	}
	if h, ok := s.categoryFiles[file]; ok && kind == feed.CategoryFacet {
		r.SetPathValue("name", name)
		h.ServeHTTP(w, r)
		return
	}
	ext, ok := strings.CutPrefix(file, "feed.")
	if !ok {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	f, ok := feed.FormatByExt(ext)
	if !ok {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	s.serveFacetFeed(w, r, f, fc)
}

// latest reads offset and limit of fc's feed, newest first. The site's
// and categories' feeds are read with Reader.Latest, as before facets
// were, so that a wrapper of the Reader sees those reads as it always
// did; tags' and authors' with LatestIn.
func (s *Server) latest(ctx context.Context, fc feed.Facet, offset, limit int) ([]*feed.Article, error) {
	if fc.Site() || fc.Kind == feed.CategoryFacet {
		return s.read.Latest(ctx, fc.Name, offset, limit)
	}
	return s.read.LatestIn(ctx, fc, offset, limit)
}

// shownFacet is fc named as the newest of items (its feed's) spells it,
// lookups ignoring case, or as the URL gave it with its spacing folded.
func shownFacet(fc feed.Facet, items []*feed.Article) feed.Facet {
	if fc.Site() {
		return fc
	}
	key := fc.Key()
	for _, a := range items {
		for _, name := range fc.Kind.Of(a) {
			if feed.CategoryKey(name) == key {
				return feed.Facet{Kind: fc.Kind, Name: name}
			}
		}
	}
	return feed.Facet{Kind: fc.Kind, Name: strings.Join(strings.Fields(fc.Name), " ")}
}

// facetLabel is how titles name a facet: a category and an author by
// name, a tag with a "#" before it.
func facetLabel(fc feed.Facet) string {
	if fc.Kind == feed.TagFacet {
		return "#" + fc.Name
	}
	return fc.Name
}

// facetChannel describes fc's feed in format f: "sokbo — #태그" for a tag,
// "sokbo — 홍길동" for an author, with the facet's page and feed URLs.
// channel makes the site's and the categories'; a tag's or an author's is
// the site's, renamed and pointed at the facet.
func (s *Server) facetChannel(fc feed.Facet, f feed.Format) *feed.Channel {
	if fc.Site() || fc.Kind == feed.CategoryFacet {
		return s.channel(fc.Name, f)
	}
	c := s.channel("", f)
	c.Title = s.cfg.Title + " — " + facetLabel(fc)
	c.Description = facetLabel(fc) + " — " + s.cfg.Title
	c.HomeURL = s.cfg.BaseURL.String() + facetPath(fc)
	c.SelfURL = s.facetFeedURL(fc, f)
	c.FeedID = s.facetFeedURL(fc, feed.Atom)
	return c
}

// facetFeedLinks are the links to fc's feeds, one per format, titled as
// the feeds are.
func (s *Server) facetFeedLinks(fc feed.Facet) []feedLink {
	title := s.cfg.Title
	if !fc.Site() {
		title += " — " + facetLabel(fc)
	}
	var out []feedLink
	for _, ff := range feedFormats {
		out = append(out, feedLink{
			Ext:   ff.format.Ext(),
			Title: title + " (" + ff.name + ")",
			Href:  s.facetFeedURL(fc, ff.format),
		})
	}
	return out
}
