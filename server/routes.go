package server

import (
	"net/http"

	"sokbo/feed"
)

// routes registers every route with the mux; the handlers' doc comments
// say what each serves.
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
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /"+iconPath, s.handleIcon)
	s.mux.HandleFunc("GET /"+faviconPath, s.handleFavicon)
	s.assetRoutes()
	s.embedRoutes()
	s.crossOriginRoutes()
}

// handleHealth serves GET /healthz: "ok" while the process serves.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// ServeHTTP implements http.Handler. A request no route matches gets the
// mux's status (404, or 405 with Allow) in the service's own style: an
// HTML page where a person browses, JSON under /api/ and for feeds. A
// request whose framing is ambiguous (framing.go) or whose path is not
// UTF-8 is refused before any route sees it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := checkFraming(r); err != nil {
		// Its body cannot be told from the next request: nothing more is
		// read from this connection.
		w.Header().Set("Connection", "close")
		s.fail(w, r, err)
		return
	}
	if err := checkPath(r); err != nil {
		s.fail(w, r, err)
		return
	}
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r) // which sets the path values Handler does not
		return
	}
	s.unrouted(w, r, h)
}

// unrouted answers r, which no route matches, with the status of the
// mux's answer h but the body in the service's style (see fail).
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &statusRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	// Without a pattern, the mux answers only 404 or 405.
	if rec.code == http.StatusMethodNotAllowed {
		allow := rec.header.Get("Allow")
		w.Header().Set("Allow", allow)
		s.fail(w, r, &statusError{rec.code, r.Method + " is not allowed here; allowed: " + allow})
		return
	}
	s.fail(w, r, feed.ErrNotFound)
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
