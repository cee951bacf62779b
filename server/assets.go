package server

import (
	"embed"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// static holds the pages' script. The styles are inline in layout.html:
// a few KB, and no request before the first paint.
//
//go:embed static/live.js
var static embed.FS

// liveJSPath is the route of the live script.
const liveJSPath = "assets/live.js"

// liveJS is the live script, which the lists load to follow their live
// stream; built once, never changed (as the built-in icon).
var liveJS = func() *asset {
	b, err := static.ReadFile("static/live.js")
	if err != nil {
		panic(err) // embedded at build time
	}
	return newAsset(b, "text/javascript; charset=utf-8")
}()

// liveScriptPath is the live script's URL relative to the base URL,
// naming its version.
func liveScriptPath() string { return liveJSPath + "?v=" + assetVersion(liveJS) }

// assetVersion is what an asset's URL says of its version: its ETag
// without the quotes.
func assetVersion(a *asset) string { return strings.Trim(a.etag, `"`) }

// assetRoutes registers the pages' own files (the live script).
func (s *Server) assetRoutes() {
	s.mux.HandleFunc("GET /"+liveJSPath, func(w http.ResponseWriter, r *http.Request) {
		serveVersioned(w, r, liveJS)
	})
}

// serveVersioned serves a, for a year when the URL names its version
// (?v=, as the pages link it: a new build links a new URL), else
// revalidated by its ETag each time (a URL typed or kept from elsewhere).
func serveVersioned(w http.ResponseWriter, r *http.Request, a *asset) {
	h := w.Header()
	if r.URL.Query().Get("v") == assetVersion(a) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", a.etag)
	if notModified(r, a.etag, time.Time{}) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}
