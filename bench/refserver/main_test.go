package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandler(t *testing.T) {
	h := &handler{
		identity: newRepresentation([]byte("plain"), `"a"`, ""),
		gzip:     newRepresentation([]byte("gz"), `"a-gzip"`, "gzip"),
		ctype:    []string{"application/rss+xml; charset=utf-8"},
	}
	for _, c := range []struct {
		ae, inm      string
		code         int
		enc, etag, b string
	}{
		{"", "", 200, "", `"a"`, "plain"},
		{"gzip, deflate", "", 200, "gzip", `"a-gzip"`, "gz"},
		{"br", "", 200, "", `"a"`, "plain"},
		{"gzip;q=0", "", 200, "", `"a"`, "plain"},
		{"gzip", `"a-gzip"`, 304, "", `"a-gzip"`, ""},
		{"gzip", `W/"x", "a-gzip"`, 304, "", `"a-gzip"`, ""},
		{"gzip", `"a"`, 200, "gzip", `"a-gzip"`, "gz"},
	} {
		r := httptest.NewRequest("GET", "/feed.rss", nil)
		if c.ae != "" {
			r.Header.Set("Accept-Encoding", c.ae)
		}
		if c.inm != "" {
			r.Header.Set("If-None-Match", c.inm)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.code || w.Header().Get("Content-Encoding") != c.enc || w.Header().Get("ETag") != c.etag || w.Body.String() != c.b || w.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("AE %q INM %q: %d %q %q %q", c.ae, c.inm, w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("ETag"), w.Body.String())
		}
	}
	r := httptest.NewRequest("POST", "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
}
