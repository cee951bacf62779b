package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestErrorStyle: whatever answers an error, a handler or the mux finding
// no route, it comes in the style of the URL: an HTML page for a person's
// page, JSON {"error": ...} for the API and the feeds. TestUnmatched has
// the basic cases.
func TestErrorStyle(t *testing.T) {
	e := start(t)
	for _, tc := range []struct {
		method, path string
		code         int
		html         bool   // else JSON
		allow        string // on a 405
	}{
		// No route.
		{"GET", "/api", 404, false, ""},
		{"GET", "/archive/1", 404, false, ""},
		{"GET", "/articles/a/b", 404, true, ""},
		{"OPTIONS", "/feed.rss", 405, false, "GET, HEAD"},
		{"POST", "/api/articles/x", 405, false, "DELETE, GET, HEAD"},
		{"PUT", "/articles/x", 405, false, "GET, HEAD"},
		// A handler's own error.
		{"GET", "/articles/nope", 404, true, ""},
		{"GET", "/category/News/feed.xml", 404, false, ""},
		{"GET", "/category/nope/feed.atom", 404, false, ""},
		{"GET", "/category/News/index.html", 404, true, ""},
		{"GET", "/archive/9/feed.json", 404, false, ""},
		{"GET", "/feed.rss?limit=0", 400, false, ""},
		{"GET", "/api/stats", 401, false, ""},
	} {
		r := e.do(tc.method, tc.path, nil)
		ct := r.Header.Get("Content-Type")
		if r.Code != tc.code || r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, Allow %q", tc.method, tc.path, r.Code, r.Header.Get("Allow"), tc.code, tc.allow)
		}
		if tc.html {
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(r.Body), "<h1>404</h1>") {
				t.Errorf("%s %s: %q, %q; want an HTML page", tc.method, tc.path, ct, r.Body)
			}
			continue
		}
		var body map[string]string
		if err := json.Unmarshal(r.Body, &body); err != nil || body["error"] == "" || !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: %q, %q; want a JSON error", tc.method, tc.path, ct, r.Body)
		}
	}
}

// TestUnroutedHeadAndRedirects: a HEAD no route matches has the status and
// no body; paths the mux cleans are still redirected, not refused.
func TestUnroutedHeadAndRedirects(t *testing.T) {
	e := start(t)
	if r := e.do("HEAD", "/nope", nil); r.Code != 404 || len(r.Body) != 0 {
		t.Errorf("HEAD /nope: %d, %d bytes", r.Code, len(r.Body))
	}
	for _, tc := range []struct{ path, location string }{
		{"/./feed.rss", "/feed.rss"},
		{"//feed.atom", "/feed.atom"},
		{"/category/News", "/category/News/"},
	} {
		if r := e.do("GET", tc.path, nil); r.Code/100 != 3 || r.Header.Get("Location") != tc.location {
			t.Errorf("GET %s: %d to %q, want a redirect to %q", tc.path, r.Code, r.Header.Get("Location"), tc.location)
		}
	}
}
