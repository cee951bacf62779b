// Package server is sokbo's HTTP interface: the ingest API, the feeds, the
// article pages, and the one place where errors become HTTP statuses.
package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// Server serves sokbo's HTTP interface.
type Server struct {
	cfg   Config
	read  Reader
	write Writer
	admin Admin
	mux   *http.ServeMux
	log   *slog.Logger
	cache *cache
	// clients are the configured tokens with their rate limiters.
	clients []*client
	// Cache-Control values, computed once.
	ccFeed, ccArchive string
	// styles remembers the sanitized inline styles across posts.
	styles *ingest.StyleCache
	// backups holds a token per backup being served (backup.go), and
	// backupStall is how long one may wait on a client that stopped reading.
	backups     chan struct{}
	backupStall time.Duration
	// onChange are given every committed change, and categoryFiles serve
	// /category/{name}/{file} beside the feeds (push.go).
	onChange      []func(feed.Change)
	categoryFiles map[string]http.Handler
	// embedJS is the widget's script (embed.go).
	embedJS *rendered
	// prefilling is set while a write's prefills may start (prefill.go).
	prefilling atomic.Bool
}

// New returns a server over st. Zero settings in cfg get their defaults
// (DefaultConfig).
func New(cfg Config, st Store) *Server {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, read: st, write: st, admin: st, mux: http.NewServeMux(), log: cfg.Logger, cache: newCache(cfg.CacheEntries, cfg.CacheBytes, cfg.Now),
		styles: new(ingest.StyleCache), backups: make(chan struct{}, defaultBackupSlots), backupStall: defaultBackupStall}
	s.ccFeed = fmt.Sprintf("public, max-age=%d", int(cfg.MaxAge.Seconds()))
	if cfg.StaleWhileRevalidate > 0 {
		s.ccFeed += fmt.Sprintf(", stale-while-revalidate=%d", int(cfg.StaleWhileRevalidate.Seconds()))
	}
	// A full archive page keeps its articles: only an edit or a deletion
	// of one of them changes it, which a day's staleness tolerates.
	s.ccArchive = "public, max-age=86400"
	s.embedJS = newEmbedJS()
	for _, t := range cfg.Tokens {
		if t.Secret != "" {
			s.clients = append(s.clients, &client{name: t.Name, secret: []byte(t.Secret), limiter: newLimiter(t.Rate, t.Burst)})
		}
	}
	s.routes()
	s.facetRoutes()
	return s
}

// feedURL is the URL of a feed: the site's (category "") or a category's.
func (s *Server) feedURL(category string, f feed.Format) string {
	return s.facetFeedURL(feed.Facet{Kind: feed.CategoryFacet, Name: category}, f)
}

// facetFeedURL is the URL of the site's feed (the zero Facet) or of a
// category's, a tag's or an author's.
func (s *Server) facetFeedURL(fc feed.Facet, f feed.Format) string {
	return s.cfg.BaseURL.String() + facetFeedPath(fc, f)
}

// facetFeedPath is a feed's path relative to the base URL, with the
// facet's name percent-encoded as one segment ("/" becomes %2F).
func facetFeedPath(fc feed.Facet, f feed.Format) string {
	if fc.Site() {
		return "feed." + f.Ext()
	}
	return facetPath(fc) + "feed." + f.Ext()
}

// categoryPath is the path of a category's page relative to the base URL.
func categoryPath(name string) string {
	return facetPath(feed.Facet{Kind: feed.CategoryFacet, Name: name})
}

// facetPath is the path of a facet's page relative to the base URL, under
// its kind's segment (facetSegment): its name percent-encoded as one
// segment ("경제/산업" → %EA…%2F…), with a name of dots escaped too, which
// URL resolution would otherwise read as "this" or "the parent" directory.
func facetPath(fc feed.Facet) string {
	seg := url.PathEscape(fc.Name)
	if strings.Trim(seg, ".") == "" {
		seg = strings.ReplaceAll(seg, ".", "%2E")
	}
	return facetSegment(fc.Kind) + "/" + seg + "/"
}
