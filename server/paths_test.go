package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFDLookup: ids are stored in NFC, and every lookup by id — the JSON
// API, the article page, a deletion — finds the article by its NFD
// spelling too.
func TestNFDLookup(t *testing.T) {
	e := start(t)
	const id = "속보-café"
	nfd := url.PathEscape(norm.NFD.String(id))
	if nfd == url.PathEscape(id) {
		t.Fatal("the test id has no NFD spelling of its own")
	}
	if r := e.post([]byte("---\ntitle: NFD\nid: " + id + "\n---\nbody\n")); r.Code != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.Code, r.Body)
	}
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/api/articles/" + nfd, http.StatusOK},
		{"GET", "/articles/" + nfd, http.StatusOK},
		{"HEAD", "/articles/" + nfd, http.StatusOK},
		{"DELETE", "/api/articles/" + nfd, http.StatusNoContent},
		// Deleted by its NFD spelling: gone under either.
		{"GET", "/api/articles/" + url.PathEscape(id), http.StatusNotFound},
		{"GET", "/articles/" + nfd, http.StatusNotFound},
	} {
		r := e.do(tc.method, tc.path, nil, "Authorization", "Bearer "+token)
		if r.Code != tc.code {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, r.Code, r.Body, tc.code)
		}
		if tc.method == "GET" && tc.code == http.StatusOK && strings.HasPrefix(tc.path, "/api/") && decode(t, r.Body).ID != id {
			t.Errorf("%s %s: id %q, want %q", tc.method, tc.path, decode(t, r.Body).ID, id)
		}
	}
}

// TestPathNotUTF8: a path whose percent-decoded bytes are not UTF-8 is a
// 400 in the style of the URL (a page, or JSON), and no answer repeats the
// bytes.
func TestPathNotUTF8(t *testing.T) {
	e := start(t)
	if r := e.post(doc("Invalid paths", "2026-11-24 09:00:00 +0900", "News")); r.Code != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.Code, r.Body)
	}
	for _, tc := range []struct {
		path string
		html bool
	}{
		{"/articles/%FF", true},
		{"/articles/ok%FF%FEok", true},
		{"/category/%FF/", true},
		{"/category/News%C3/", true},
		{"/category/%FF/feed.atom", false},
		{"/api/articles/%FF", false},
		{"/no-such-page/%FF", true},
		{"/%FF", true},
	} {
		r := e.do("GET", tc.path, nil)
		ct := r.Header.Get("Content-Type")
		if r.Code != http.StatusBadRequest {
			t.Errorf("GET %s: %d %q, want 400", tc.path, r.Code, r.Body)
		}
		if !utf8.Valid(r.Body) {
			t.Errorf("GET %s: the answer is not UTF-8: %q", tc.path, r.Body)
		}
		if tc.html != strings.HasPrefix(ct, "text/html") || !strings.Contains(string(r.Body), "path: not valid UTF-8") {
			t.Errorf("GET %s: %q %q; want %s naming the path", tc.path, ct, r.Body, map[bool]string{true: "a page", false: "JSON"}[tc.html])
		}
	}
	// Valid percent-encoded UTF-8 is still served.
	if r := e.do("GET", "/category/"+url.PathEscape("News")+"/", nil); r.Code != http.StatusOK {
		t.Errorf("GET the category page: %d", r.Code)
	}
}
