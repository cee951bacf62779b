package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sokbo/feed"
)

// pageHeaderValues are set on every HTML page. Images may come from any
// https host, since newsrooms keep their photos on CDNs; scripts, styles
// and connections (the live stream's EventSource) only from this site;
// no one may frame a page, and no referrer goes beyond the origin to
// other sites.
var pageHeaderValues = http.Header{
	"Content-Security-Policy": {pageCSP("")},
	"Referrer-Policy":         {"strict-origin-when-cross-origin"},
}

// pageCSP is the Content-Security-Policy of pages, with images allowed
// from imgSrc too, a CSP source ("" for none) beyond https: (an icon on
// a plain-http host). Styles allow 'unsafe-inline': the pages' own CSS is
// inline (one request fewer) and an article's body carries style
// attributes for its highlight colours; a style cannot run code, and
// scripts stay locked to this site.
func pageCSP(imgSrc string) string {
	if imgSrc != "" {
		imgSrc = " " + imgSrc
	}
	return "default-src 'none'; img-src 'self' data: https:" + imgSrc + "; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// pageHeader is pageHeaderValues for the cached pages, with the origin of
// a configured icon on a plain-http site among the image sources: some
// browsers (Firefox) hold a page's icon to img-src.
func (s *Server) pageHeader() http.Header {
	origin := foreignOrigin(s.iconURL(), s.cfg.BaseURL)
	if origin == "" || strings.HasPrefix(origin, "https:") {
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

// pageHead is what the "head" partial of layout.html reads, shared by
// every page (and by other templates that include the partial).
type pageHead struct {
	Lang, Title string
	// SiteName is the site's title, Home its URL.
	SiteName, Home string
	pageIcons
	Feeds []feedLink
	// L are the page's labels in its language.
	L pageLabels
	// Live is the live stream the page follows; nil where there is none
	// (articles, tags, authors).
	Live *pageLive
}

type listPage struct {
	pageHead
	// Heading is the page's h1: the site's title on the index, the
	// facet's label on a facet's page.
	Heading, Description string
	// Nav are the categories of the latest headlines, the most used
	// first, Current marking the page's own.
	Nav   []catLink
	Items []listItem
}

// pageLive is what live.js needs: the stream, and how to write what it
// brings as the page writes its own headlines.
type pageLive struct {
	Script, Events, Base, TimeZone, Category string
	// Max is how many headlines the list keeps, as many as it was served
	// with at most.
	Max int
}

type listItem struct {
	ID, Title, Link, Excerpt string
	Date                     pageTime
	Categories               []catLink
	// Image is the lead image of the top stories; Lazy that it is below
	// the fold and may wait.
	Image string
	Lazy  bool
}

type catLink struct {
	Name, Href, Feed string
	Current          bool
}

type articlePage struct {
	pageHead
	SiteTitle string
	// Feeds (in pageHead) are the head's feed links: the site's, then
	// each of the article's categories', so that a reader given the
	// article's URL finds them all. Foot lists the site's alone, at the
	// page's foot.
	Foot               struct{ Feeds []feedLink }
	A                  *feed.Article
	Canonical          string
	Published, Updated pageTime
	Categories         []catLink
	Summary            feed.Summary
	// Image is the front-matter image when the body does not show it.
	Image   string
	Content template.HTML
}

// errorPageData is the error page's: the status and what went wrong.
type errorPageData struct {
	pageHead
	Code int
	Msg  string
}

// topStories is how many headlines of a list show their image.
const topStories = 3

// listLength is how many headlines a page lists at most, and
// excerptRunes how much of each excerpt it shows: 50 Korean headlines
// with their percent-encoded links weigh some 65 KB, and a page is to
// stay under 50 KB; the feeds keep the rest.
const (
	listLength   = 30
	excerptRunes = 160
)

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
		out = append(out, catLink{Name: n, Href: s.cfg.BaseURL.String() + categoryPath(n), Feed: s.feedURL(n, feed.RSS)})
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

// renderList renders the headlines page: the feed's items with their
// time, excerpt and categories, the top stories' images, and the
// categories of those items as navigation.
func (s *Server) renderList(ctx context.Context, fc feed.Facet, changed time.Time) (*rendered, error) {
	items, fc, err := s.listed(ctx, fc, min(s.cfg.FeedLimit, listLength))
	if err != nil {
		return nil, err
	}
	ch := s.facetChannel(fc, feed.RSS)
	p := listPage{
		pageHead:    s.head(s.cfg.Lang, ch.Title, s.facetFeedLinks(fc)),
		Heading:     s.cfg.Title,
		Description: s.cfg.Description,
	}
	if !fc.Site() {
		p.Heading = facetLabel(fc)
		p.Description = ""
	}
	for i, a := range items {
		it := listItem{
			ID:         a.ID,
			Title:      a.Title,
			Link:       ch.Link(a),
			Excerpt:    clip(a.Summary(0).Text, excerptRunes),
			Date:       newPageTime(a.Published, s.cfg.Location, p.Lang),
			Categories: s.categoryLinks(a.Categories),
		}
		if i < topStories && a.Image != "" {
			it.Image, it.Lazy = a.Image, i > 0
		}
		p.Items = append(p.Items, it)
	}
	p.Nav = s.categoryNav(items, fc)
	if fc.Site() || fc.Kind == feed.CategoryFacet {
		base := s.cfg.BaseURL.String()
		p.Live = &pageLive{
			Script:   base + liveScriptPath(),
			Events:   base + "events",
			Base:     base,
			TimeZone: s.cfg.Location.String(),
			Category: fc.Name,
			Max:      listLength,
		}
		if !fc.Site() {
			p.Live.Events = base + facetPath(fc) + "events"
		}
	}
	return s.renderPage("list", p, changed)
}

// listed is the newest limit articles of fc's list (the site's, a
// category's, a tag's or an author's), and fc named as they spell it
// (shownFacet). A category's list exists while its feed does, with
// articles or tombstones (renderFeedPage's rule), so that an unknown name
// is feed.ErrNotFound rather than an empty list; a tag's or an author's
// while it has articles.
func (s *Server) listed(ctx context.Context, fc feed.Facet, limit int) ([]*feed.Article, feed.Facet, error) {
	items, err := s.latest(ctx, fc, 0, limit)
	if err != nil {
		return nil, fc, err
	}
	if len(items) == 0 && !fc.Site() && fc.Kind != feed.CategoryFacet {
		// A tag's or an author's page lists articles: without one, it is
		// not there, even while its feed carries tombstones.
		return nil, fc, feed.ErrNotFound
	}
	if len(items) == 0 && !fc.Site() {
		deleted, err := s.read.DeletedIn(ctx, fc)
		if err != nil {
			return nil, fc, err
		}
		if len(deleted) == 0 {
			return nil, fc, feed.ErrNotFound
		}
	}
	return items, shownFacet(fc, items), nil
}

// clip is s cut to at most n runes, at a space where there is one in
// its last fifth, with an ellipsis when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*4/5 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.") + "…"
}

// categoryNav is the site's categories as the pages show them: those of
// items (the latest headlines), the most used first, then by name. The
// store keeps no list of categories; the latest ones are those a reader
// wants to reach.
func (s *Server) categoryNav(items []*feed.Article, current feed.Facet) []catLink {
	count := map[string]int{}
	var names []string
	for _, a := range items {
		for _, c := range a.Categories {
			k := feed.CategoryKey(c)
			if count[k] == 0 {
				names = append(names, c)
			}
			count[k]++
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if d := count[feed.CategoryKey(b)] - count[feed.CategoryKey(a)]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := s.categoryLinks(names)
	for i := range out {
		out[i].Current = current.Kind == feed.CategoryFacet && !current.Site() && feed.CategoryKey(out[i].Name) == current.Key()
	}
	return out
}

// head is the head of a page in language lang titled title.
func (s *Server) head(lang, title string, feeds []feedLink) pageHead {
	if lang == "" {
		lang = s.cfg.Lang
	}
	return pageHead{Lang: lang, Title: title, SiteName: s.cfg.Title, Home: s.cfg.BaseURL.String(), pageIcons: s.pageIcons(), Feeds: feeds, L: labelsFor(lang)}
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

// renderArticle renders the page of article id: its lead image, key
// points, body without empty paragraphs, times and categories.
func (s *Server) renderArticle(ctx context.Context, id string, changed time.Time) (*rendered, error) {
	a, err := s.read.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ch := s.channel("", feed.RSS)
	feeds := s.feedLinks("")
	p := articlePage{
		pageHead:   s.head(a.Lang, a.Title+" — "+s.cfg.Title, slices.Clone(feeds)),
		SiteTitle:  s.cfg.Title,
		A:          a,
		Canonical:  ch.Link(a),
		Categories: s.categoryLinks(a.Categories),
		Summary:    a.Summary(s.cfg.SummaryHighlights),
	}
	p.Foot.Feeds = feeds
	for _, c := range a.Categories {
		p.Feeds = append(p.Feeds, s.feedLinks(c)...)
	}
	var shown bool
	p.Content, shown = pageBody(a.ContentHTML, a.Image)
	if !shown {
		p.Image = a.Image
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

// pageBody is an article's body as its page shows it: without the empty
// paragraphs editors leave as spacing (<p>&nbsp;</p>, <p><br></p>), which
// the page's own margins already give, with text colours made readable on
// both the light and the dark page (pageStyle), and an alt on every image (""
// for one without: the text around it says what it shows, and a screen
// reader then skips it rather than reading its file name). shows reports
// whether the body shows the image src. Pages are cached, so this runs
// once per render, not per request.
func pageBody(body, src string) (out template.HTML, shows bool) {
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(body), root)
	if err != nil {
		// ContentHTML was sanitized and serialized at ingest: show it as
		// it is rather than fail the page.
		return template.HTML(body), false
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				restyle(c)
			}
			switch {
			case c.Type != html.ElementNode:
			case c.DataAtom == atom.P && blankNode(c):
				n.RemoveChild(c)
			case c.DataAtom == atom.Img:
				if v, _ := nodeAttr(c, "src"); src != "" && v == src {
					shows = true
				}
				if _, ok := nodeAttr(c, "alt"); !ok {
					c.Attr = append(c.Attr, html.Attribute{Key: "alt"})
				}
			default:
				walk(c)
			}
			c = next
		}
	}
	walk(root)
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return template.HTML(body), shows
		}
	}
	// Sanitized at ingest; this only took paragraphs out and added alts.
	return template.HTML(b.String()), shows
}

// restyle rewrites n's style attribute with pageStyle, dropping one left
// empty.
func restyle(n *html.Node) {
	for i, a := range n.Attr {
		if a.Namespace != "" || a.Key != "style" {
			continue
		}
		if v := pageStyle(a.Val); v != "" {
			n.Attr[i].Val = v
		} else {
			n.Attr = slices.Delete(n.Attr, i, i+1)
		}
		return
	}
}

// blankNode reports whether n holds nothing a reader sees: only spaces,
// no-break spaces and line breaks, maybe inside inline formatting.
func blankNode(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(strings.ReplaceAll(c.Data, "\u00a0", " ")) != "" {
				return false
			}
		case html.CommentNode:
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Br:
			case atom.Span, atom.B, atom.Strong, atom.Em, atom.I, atom.U:
				if !blankNode(c) {
					return false
				}
			default:
				return false
			}
		default:
			return false
		}
	}
	return true
}

// nodeAttr is the value of n's attribute key, and whether it has one.
func nodeAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// pageLabels are the words a page's templates write around its content.
type pageLabels struct {
	Latest, Categories, Feeds, Live, Offline, KeyPoints, Updated, Home, Empty, Skip, NotFound string
}

// pageLabelSets are the labels by primary language; pages in any other
// language get English. Read only.
var pageLabelSets = map[string]pageLabels{
	"ko": {Latest: "최신 기사", Categories: "카테고리", Feeds: "피드", Live: "실시간", Offline: "연결 안 됨", KeyPoints: "핵심", Updated: "수정", Home: "첫 페이지로", Empty: "아직 기사가 없습니다.", Skip: "본문으로 건너뛰기", NotFound: "찾는 페이지가 없습니다."},
	"en": {Latest: "Latest", Categories: "Categories", Feeds: "Feeds", Live: "Live", Offline: "Offline", KeyPoints: "Key points", Updated: "Updated", Home: "Home", Empty: "No articles yet.", Skip: "Skip to content", NotFound: "There is no page here."},
}

// labelsFor are the labels of a page in language lang.
func labelsFor(lang string) pageLabels {
	if l, ok := pageLabelSets[primaryLang(lang)]; ok {
		return l
	}
	return pageLabelSets["en"]
}

// The backgrounds an article's text sits on, light and dark (the CSS's
// --bg), which its own colours must stand out from.
var (
	lightBG = rgb{0xff, 0xff, 0xff}
	darkBG  = rgb{0x14, 0x16, 0x1a}
)

// minContrast is WCAG's AA ratio for body text.
const minContrast = 4.5

// pageStyle rewrites an element's style attribute for the page: a text
// colour the newsroom chose (red #ee2323 on white is 4.3:1) becomes two
// custom properties, --c for light pages and --cd for dark ones, each
// the nearest shade with a contrast of 4.5:1 to that page's background,
// so a highlight keeps its hue and stays readable in both schemes (the
// CSS picks one). A colour it cannot read is dropped: the text inherits
// the page's own.
func pageStyle(style string) string {
	var out []string
	for _, decl := range strings.Split(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		if strings.ToLower(strings.TrimSpace(prop)) != "color" {
			out = append(out, strings.TrimSpace(decl))
			continue
		}
		c, ok := parseColor(strings.TrimSpace(val))
		if !ok {
			continue
		}
		out = append(out, "--c: "+readable(c, lightBG, rgb{}).hex(), "--cd: "+readable(c, darkBG, rgb{0xff, 0xff, 0xff}).hex())
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "; ") + ";"
}

// rgb is an sRGB colour.
type rgb struct{ r, g, b uint8 }

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// luminance is c's relative luminance as WCAG defines it.
func (c rgb) luminance() float64 {
	lin := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is WCAG's contrast ratio of a and b.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// readable is c mixed toward toward (black on light pages, white on dark
// ones) by the least step of 5% that reaches minContrast against bg.
func readable(c, bg, toward rgb) rgb {
	mix := func(a, b uint8, t float64) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	for i := 0; i <= 20; i++ {
		t := float64(i) / 20
		m := rgb{mix(c.r, toward.r, t), mix(c.g, toward.g, t), mix(c.b, toward.b, t)}
		if contrast(m, bg) >= minContrast {
			return m
		}
	}
	return toward
}

// parseColor reads the colours ingest keeps that name their channels:
// #rgb, #rrggbb, #rrggbbaa and rgb()/rgba() with numbers (the alpha
// ignored: the text is drawn as if opaque, the safer guess).
func parseColor(v string) (rgb, bool) {
	v = strings.ToLower(v)
	if h, ok := strings.CutPrefix(v, "#"); ok {
		switch len(h) {
		case 3, 4:
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		case 6, 8:
			h = h[:6]
		default:
			return rgb{}, false
		}
		n, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return rgb{}, false
		}
		return rgb{uint8(n >> 16), uint8(n >> 8), uint8(n)}, true
	}
	inner, ok := strings.CutPrefix(v, "rgb(")
	if !ok {
		inner, ok = strings.CutPrefix(v, "rgba(")
	}
	inner, closed := strings.CutSuffix(inner, ")")
	if !ok || !closed {
		return rgb{}, false
	}
	parts := strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
	if len(parts) < 3 {
		return rgb{}, false
	}
	var ch [3]uint8
	for i := range ch {
		f, err := strconv.ParseFloat(strings.TrimSuffix(parts[i], "%"), 64)
		if err != nil {
			return rgb{}, false
		}
		if strings.HasSuffix(parts[i], "%") {
			f = f * 255 / 100
		}
		ch[i] = uint8(math.Round(math.Max(0, math.Min(255, f))))
	}
	return rgb{ch[0], ch[1], ch[2]}, true
}
