// Package server is sokbo's HTTP interface: the ingest API, the feeds, the
// article pages, and the one place where errors become HTTP statuses.
package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

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
}

// New returns a server over st. Zero settings in cfg get their defaults
// (DefaultConfig).
func New(cfg Config, st Store) *Server {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, read: st, write: st, admin: st, mux: http.NewServeMux(), log: cfg.Logger, cache: newCache(cfg.CacheEntries, cfg.CacheBytes, cfg.Now),
		styles: new(ingest.StyleCache)}
	s.ccFeed = fmt.Sprintf("public, max-age=%d", int(cfg.MaxAge.Seconds()))
	if cfg.StaleWhileRevalidate > 0 {
		s.ccFeed += fmt.Sprintf(", stale-while-revalidate=%d", int(cfg.StaleWhileRevalidate.Seconds()))
	}
	// A full archive page keeps its articles: only an edit or a deletion
	// of one of them changes it, which a day's staleness tolerates.
	s.ccArchive = "public, max-age=86400"
	for _, t := range cfg.Tokens {
		if t.Secret != "" {
			s.clients = append(s.clients, &client{name: t.Name, secret: []byte(t.Secret), bucket: newBucket(t.Rate, t.Burst)})
		}
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST /api/articles", s.handlePost)
	s.mux.HandleFunc("GET /api/articles/{id}", s.handleGetArticle)
	s.mux.HandleFunc("DELETE /api/articles/{id}", s.handleDelete)
	s.mux.HandleFunc("GET /api/backup", s.handleBackup)
	s.mux.HandleFunc("GET /api/stats", s.handleStats)
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		s.mux.HandleFunc("GET /feed."+f.Ext(), func(w http.ResponseWriter, r *http.Request) {
			s.serveFeed(w, r, f, "")
		})
	}
	s.mux.HandleFunc("GET /category/{path...}", s.handleCategory)
	s.mux.HandleFunc("GET /archive/{n}/{file}", s.handleArchive)
	s.mux.HandleFunc("GET /articles/{id}", s.handlePage)
	s.mux.HandleFunc("GET /{$}", s.handleIndex)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
}

// ServeHTTP implements http.Handler. A request no route matches gets the
// mux's status (404, or 405 with Allow) in the service's own style: an HTML
// page where a person browses, JSON under /api/ and for feeds.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // which sets the path values Handler does not
		return
	}
	// The mux's own answer says which status, and sets Allow for a 405.
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if allow := rec.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	switch rec.code {
	case http.StatusMethodNotAllowed:
		s.fail(w, r, &statusError{rec.code, r.Method + " is not allowed here; allowed: " + rec.header.Get("Allow")})
	case http.StatusNotFound, 0:
		s.fail(w, r, feed.ErrNotFound)
	default: // a redirect the mux makes (a cleaned path)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.code)
	}
}

// statusRecorder keeps the status and headers of the mux's answer to an
// unmatched request, and drops its plain-text body.
type statusRecorder struct {
	header http.Header
	code   int
}

func (rec *statusRecorder) Header() http.Header { return rec.header }
func (rec *statusRecorder) WriteHeader(code int) {
	if rec.code == 0 {
		rec.code = code
	}
}
func (rec *statusRecorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return len(b), nil
}

// feedURL is the URL of a feed: the site's (category "") or a category's.
func (s *Server) feedURL(category string, f feed.Format) string {
	return s.cfg.BaseURL.String() + feedPath(category, f)
}

// feedPath is a feed's path relative to the base URL, with the category
// percent-encoded as one segment ("/" becomes %2F).
func feedPath(category string, f feed.Format) string {
	if category == "" {
		return "feed." + f.Ext()
	}
	return categoryPath(category) + "feed." + f.Ext()
}

// categoryPath is the path of a category's page relative to the base URL:
// its name percent-encoded as one segment ("경제/산업" → %EA…%2F…), with a
// name of dots escaped too, which URL resolution would otherwise read as
// "this" or "the parent" directory.
func categoryPath(name string) string {
	seg := url.PathEscape(name)
	if strings.Trim(seg, ".") == "" {
		seg = strings.ReplaceAll(seg, ".", "%2E")
	}
	return "category/" + seg + "/"
}
