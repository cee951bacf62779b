package server

import (
	"context"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
)

// A feed opened in a browser is a wall of XML (Chromium shows RSS as plain
// text and is removing XSLT, so an <?xml-stylesheet?> would not help), so
// a request that prefers HTML gets a readable view of the same feed
// instead. Readers name feed or XML types, or */*, at least as high as
// text/html, and keep getting the feed's exact bytes.

// maxAcceptParts bounds the media ranges prefersHTML reads, so a huge
// Accept header costs bounded work; a browser sends fewer than ten.
const maxAcceptParts = 32

// prefersHTML reports whether an Accept header asks for HTML over feed f:
// text/html or application/xhtml+xml has a q strictly higher than every
// range that f's own media type would match. Ties, an absent header and a
// malformed one get the feed.
func prefersHTML(accept string, f feed.Format) bool {
	if accept == "" {
		return false
	}
	own := strings.ToLower(mediaType(f.ContentType()))
	htmlQ, feedQ := -1.0, -1.0
	parts := strings.SplitN(accept, ",", maxAcceptParts+1)
	if len(parts) > maxAcceptParts {
		return false
	}
	for _, part := range parts {
		typ, params, _ := strings.Cut(part, ";")
		typ = strings.ToLower(strings.TrimSpace(typ))
		if typ == "" {
			continue
		}
		q, ok := acceptQ(params)
		if !ok || !strings.Contains(typ, "/") {
			return false
		}
		switch {
		case typ == "text/html" || typ == "application/xhtml+xml":
			htmlQ = max(htmlQ, q)
		case feedRange(typ, own):
			feedQ = max(feedQ, q)
		}
	}
	return htmlQ > 0 && htmlQ > feedQ
}

// feedRange reports whether media range typ would be answered with a feed
// of media type own: own itself, the generic XML or JSON types a reader
// may name, or a wildcard.
func feedRange(typ, own string) bool {
	switch typ {
	case own, "*/*", "application/*", "text/*", "application/xml", "text/xml":
		return true
	case "application/json":
		return own == "application/feed+json"
	}
	return false
}

// acceptQ reads the q parameter of a media range's parameters; absent, it
// is 1. ok is false for a q that is not a number in [0, 1].
func acceptQ(params string) (q float64, ok bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}

// mediaType is a Content-Type without its parameters.
func mediaType(ctype string) string {
	t, _, _ := strings.Cut(ctype, ";")
	return strings.TrimSpace(t)
}

// viewKey is the cache key of the HTML view of feed page p: its own entry,
// so that its ETag differs from the feed's.
func viewKey(p feedPage) cacheKey {
	k := feedKey(p)
	k.name = "view " + k.name
	return k
}

// feedViewLabels are the words of a feed's view in its language.
type feedViewLabels struct {
	Explain, Address, Formats, Live string
}

// feedViewLabelSets are the view's labels by primary language; any other
// language gets English. Read only.
var feedViewLabelSets = map[string]feedViewLabels{
	"ko": {Explain: "이 페이지는 피드입니다. 주소를 피드 리더에 복사해 넣으면 새 기사를 받아 볼 수 있습니다.", Address: "피드 주소", Formats: "다른 형식", Live: "새 기사는 WebSub으로 바로 전달됩니다."},
	"en": {Explain: "This is a feed: copy its address into your feed reader to get new stories.", Address: "Feed address", Formats: "Other formats", Live: "New stories are pushed at once over WebSub."},
}

// feedViewItem is one item of a feed's view.
type feedViewItem struct {
	Title, Link, Excerpt string
	Date                 pageTime
}

// feedView is what the "feed" template receives.
type feedView struct {
	pageHead
	// Heading is the feed's title; the page's Title names the format too.
	Heading string
	// URL is the feed's address, as a reader subscribes to it.
	URL string
	// Hub is the feed's WebSub hub, empty without one.
	Hub   string
	V     feedViewLabels
	Items []feedViewItem
	Foot  struct{ Feeds []feedLink }
}

// renderFeedView renders the HTML view of feed page p: the feed's title,
// what a feed is for, its address, its other formats and its items.
func (s *Server) renderFeedView(ctx context.Context, p feedPage, changed time.Time) (*rendered, error) {
	items, err := s.latest(ctx, p.facet, (p.page-1)*p.limit, p.limit)
	if err != nil {
		return nil, err
	}
	// A page is to stay under 50 KB, as the headline pages do (listLength):
	// the view shows the newest of the page's items, the feed has them all.
	shownItems := items[:min(len(items), listLength)]
	if len(items) == 0 && p.page > 1 && p.facet.Site() {
		return nil, errPastLastPage
	}
	if len(items) == 0 && !p.facet.Site() {
		// The feed itself may still list deletions; a view of none is a
		// page about nothing.
		if p.page > 1 {
			return nil, feed.ErrNotFound
		}
		deleted, err := s.read.DeletedIn(ctx, p.facet)
		if err != nil {
			return nil, err
		}
		if len(deleted) == 0 {
			return nil, feed.ErrNotFound
		}
	}
	shown := shownFacet(p.facet, items)
	c, err := s.pageChannel(ctx, p, shown)
	if err != nil {
		return nil, err
	}
	var formats []feedLink
	name := p.format.Ext()
	for _, ff := range feedFormats {
		if ff.format == p.format {
			name = ff.name
		} else {
			formats = append(formats, feedLink{Ext: ff.format.Ext(), Title: ff.name, Href: s.facetFeedURL(shown, ff.format) + s.feedQuery(p.limit, p.page)})
		}
	}
	lang := s.cfg.Lang
	v := feedView{
		pageHead: s.head(lang, c.Title+" ("+name+")", formats),
		Heading:  c.Title,
		URL:      c.SelfURL,
		Hub:      c.Hub,
		V:        feedViewLabelSets["en"],
	}
	if l, ok := feedViewLabelSets[primaryLang(lang)]; ok {
		v.V = l
	}
	v.Foot.Feeds = formats
	for _, a := range shownItems {
		v.Items = append(v.Items, feedViewItem{
			Title:   a.Title,
			Link:    c.Link(a),
			Excerpt: clip(a.Summary(0).Text, excerptRunes), // as the headline pages: the excerpt, else the lead
			Date:    newPageTime(a.Published, s.cfg.Location, lang),
		})
	}
	return s.renderPage("feed", v, changed)
}
