package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"sokbo/feed"
)

// pageHeaderValues are set on every HTML page: nothing external may load
// or run (images only from this site), no framing, no referrer beyond the
// origin to other sites.
var pageHeaderValues = http.Header{
	"Content-Security-Policy": {pageCSP("")},
	"Referrer-Policy":         {"strict-origin-when-cross-origin"},
}

// pageCSP is the Content-Security-Policy of pages, with images allowed
// from this site and from imgSrc too, a CSP source ("" for none).
func pageCSP(imgSrc string) string {
	if imgSrc != "" {
		imgSrc = " " + imgSrc
	}
	return "default-src 'none'; img-src 'self' data:" + imgSrc + "; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// pageHeader is pageHeaderValues for the cached pages, with the origin of
// a configured icon on another site among the image sources: some
// browsers (Firefox) hold a page's icon to img-src.
func (s *Server) pageHeader() http.Header {
	origin := foreignOrigin(s.iconURL(), s.cfg.BaseURL)
	if origin == "" {
		return pageHeaderValues
	}
	h := pageHeaderValues.Clone()
	h.Set("Content-Security-Policy", pageCSP(origin))
	return h
}

// feedLink is a feed autodiscovery link. The template writes the media
// type from Ext as literal text: html/template would escape its "+".
type feedLink struct {
	Ext, Title, Href string
}

type listPage struct {
	Lang, Title, Description string
	Home                     string
	pageIcons
	Feeds []feedLink
	Items []listItem
}

type listItem struct {
	Title, Link string
	Date        pageTime
	Categories  []catLink
}

type catLink struct{ Name, Href string }

type articlePage struct {
	Lang, SiteTitle, Home string
	pageIcons
	// Feeds are the head's feed links: the site's, then each of the
	// article's categories', so that a reader given the article's URL
	// finds them all. Foot lists the site's alone, at the page's foot.
	Feeds              []feedLink
	Foot               struct{ Feeds []feedLink }
	A                  *feed.Article
	Canonical          string
	Published, Updated pageTime
	Categories         []catLink
	Summary            feed.Summary
	Content            template.HTML
}


// feedFormats are the formats a feed is offered in, with the names pages
// give them.
var feedFormats = []struct {
	format feed.Format
	name   string
}{{feed.RSS, "RSS"}, {feed.Atom, "Atom"}, {feed.JSON, "JSON Feed"}}

// feedLinks are the links to the site's feeds (category "") or a
// category's, one per format.
func (s *Server) feedLinks(category string) []feedLink {
	title := s.cfg.Title
	if category != "" {
		title += " — " + category
	}
	var out []feedLink
	for _, ff := range feedFormats {
		out = append(out, feedLink{
			Ext:   ff.format.Ext(),
			Title: title + " (" + ff.name + ")",
			Href:  s.feedURL(category, ff.format),
		})
	}
	return out
}

// categoryLinks are the links to the pages of the named categories.
func (s *Server) categoryLinks(names []string) []catLink {
	var out []catLink
	for _, n := range names {
		out = append(out, catLink{Name: n, Href: s.cfg.BaseURL.String() + categoryPath(n)})
	}
	return out
}

// renderPage renders the template name, a page that is cached like a feed.
func (s *Server) renderPage(name string, data any, changed time.Time) (*rendered, error) {
	var buf bytes.Buffer
	if err := s.cfg.Templates.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s page: %w", name, err)
	}
	return newRendered(buf.Bytes(), "text/html; charset=utf-8", s.ccFeed, changed, s.pageHeader()), nil
}

// servePage serves a cached page, rendering it with render when needed.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, k cacheKey, render func(ctx context.Context, changed time.Time) (*rendered, error)) {
	rd, err := s.cache.fetch(r.Context(), k, negotiate(r.Header.Get("Accept-Encoding")), func(changed time.Time) (*rendered, error) {
		return render(context.WithoutCancel(r.Context()), changed)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd.serve(w, r)
}

// handleIndex serves GET /: the latest headlines, with links to every feed.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, feed.Facet{})
}

// serveList serves the headlines page of the site (the zero Facet) or of
// a category, a tag or an author, from the cache.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, fc feed.Facet) {
	s.servePage(w, r, cacheKey{scope: scope(fc), name: "list"}, func(ctx context.Context, changed time.Time) (*rendered, error) {
		return s.renderList(ctx, fc, changed)
	})
}

// renderList renders the headlines page: the feed's items as links. A
// tag's or an author's page exists while an article carries it (a
// category's page may wait for its first story).
func (s *Server) renderList(ctx context.Context, fc feed.Facet, changed time.Time) (*rendered, error) {
	items, err := s.latest(ctx, fc, 0, s.cfg.FeedLimit)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 && !fc.Site() && fc.Kind != feed.CategoryFacet {
		return nil, feed.ErrNotFound
	}
	fc = shownFacet(fc, items)
	ch := s.facetChannel(fc, feed.RSS)
	p := listPage{Lang: s.cfg.Lang, Title: ch.Title, Description: s.cfg.Description, Home: s.cfg.BaseURL.String(), pageIcons: s.pageIcons(), Feeds: s.facetFeedLinks(fc)}
	for _, a := range items {
		p.Items = append(p.Items, listItem{
			Title:      a.Title,
			Link:       ch.Link(a),
			Date:       newPageTime(a.Published, s.cfg.Location, p.Lang),
			Categories: s.categoryLinks(a.Categories),
		})
	}
	return s.renderPage("list", p, changed)
}

// handlePage serves GET /articles/{id}: the article's readable page.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	id := articleID(r)
	// Article pages belong to the site's scope, which every write touches:
	// a scope per article would grow the cache's bookkeeping with the
	// archive, and a page is quick to render again.
	s.servePage(w, r, cacheKey{name: "page " + id}, func(ctx context.Context, changed time.Time) (*rendered, error) {
		return s.renderArticle(ctx, id, changed)
	})
}

// renderArticle renders the page of article id.
func (s *Server) renderArticle(ctx context.Context, id string, changed time.Time) (*rendered, error) {
	a, err := s.read.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ch := s.channel("", feed.RSS)
	p := articlePage{
		Lang:       a.Lang,
		SiteTitle:  s.cfg.Title,
		Home:       s.cfg.BaseURL.String(),
		pageIcons:  s.pageIcons(),
		A:          a,
		Canonical:  ch.Link(a),
		Categories: s.categoryLinks(a.Categories),
		Summary:    a.Summary(s.cfg.SummaryHighlights),
		// ContentHTML was sanitized when the article was ingested.
		Content: template.HTML(a.ContentHTML),
	}
	if p.Lang == "" {
		p.Lang = s.cfg.Lang
	}
	p.Foot.Feeds = s.feedLinks("")
	p.Feeds = slices.Clone(p.Foot.Feeds)
	for _, c := range a.Categories {
		p.Feeds = append(p.Feeds, s.feedLinks(c)...)
	}
	// The page is in the article's language, and so are its dates.
	p.Published = newPageTime(a.Published, s.cfg.Location, p.Lang)
	p.Updated = newPageTime(a.Updated, s.cfg.Location, p.Lang)
	return s.renderPage("article", p, changed)
}

// pageHeaders sets the security headers of HTML pages on h.
func pageHeaders(h http.Header) {
	setHeaders(h, pageHeaderValues)
}
