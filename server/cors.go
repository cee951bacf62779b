package server

import (
	"net/http"
	"strings"

	"sokbo/feed"
)

// The feeds (JSON Feed included) are public
// documents: any site may read them from a browser, e.g. to build its own
// headlines widget from /feed.json. Nothing that takes a token is opened,
// and credentials are never allowed: "*" does not send cookies.

// allowCrossOrigin sets the CORS headers of a public GET's answer, before
// any status, so that 304s and errors carry them too. The exposed headers
// are what a script revalidates with, and Link names a feed's WebSub hub
// and self.
func allowCrossOrigin(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified, Link")
}

// crossOriginRoutes registers the answers to cross-origin preflight
// requests for the public feeds: a fetch that sends If-None-Match or
// If-Modified-Since is preflighted. The patterns take every method, so
// that the GET routes' Allow stays "GET, HEAD" for a method that is
// neither: OPTIONS is a CORS preflight here, not a method of the
// resource.
func (s *Server) crossOriginRoutes() {
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		s.mux.HandleFunc("/feed."+f.Ext(), s.handlePreflight)
	}
	s.mux.HandleFunc("/archive/{n}/{file}", s.handlePreflight)
	for _, k := range []feed.FacetKind{feed.CategoryFacet, feed.TagFacet, feed.AuthorFacet} {
		s.mux.HandleFunc("/"+facetSegment(k)+"/{path...}", func(w http.ResponseWriter, r *http.Request) {
			// Only a facet's feeds are cross-origin documents, not its
			// page.
			last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
			if !strings.HasPrefix(last, "feed.") {
				r.Header.Del("Access-Control-Request-Method")
			}
			s.handlePreflight(w, r)
		})
	}
}

// handlePreflight answers a CORS preflight for a public GET: any origin,
// reading only, with the conditional headers a client revalidates with,
// cached by the browser for a day. Any other request that reaches it (a
// method the GET route does not take) is a 405, as the mux would answer.
func (s *Server) handlePreflight(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		w.Header().Set("Allow", "GET, HEAD")
		s.fail(w, r, &statusError{http.StatusMethodNotAllowed, r.Method + " is not allowed here; allowed: GET, HEAD"})
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD")
	h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
