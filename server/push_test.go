package server_test

import (
	"net/http"
	"testing"

	"sokbo/feed"
)

// TestHandleCategory: a handler mounted with HandleCategory gets the
// category's name unescaped however the path spells it, beside the feeds,
// which it leaves alone.
func TestHandleCategory(t *testing.T) {
	var got []string
	e := startWith(t, nil, nil)
	e.Server.HandleCategory("events", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.PathValue("name"))
		w.WriteHeader(http.StatusNoContent)
	}))
	if r := e.post(doc("기사", "2026-11-01", "경제/산업")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	for _, path := range []string{
		"/category/News/events",
		"/category/%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85/events",
		"/category/경제/산업/events",
	} {
		if r := e.do("GET", path, nil); r.Code != http.StatusNoContent {
			t.Errorf("GET %s: %d, want the handler's 204", path, r.Code)
		}
	}
	if want := []string{"News", "경제/산업", "경제/산업"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("names %q, want %q", got, want)
	}
	if r := e.do("GET", "/category/경제/산업/feed.rss", nil); r.Code != 200 || r.Header.Get("Content-Type") != feed.RSS.ContentType() {
		t.Errorf("the feed beside it: %d %s", r.Code, r.Header.Get("Content-Type"))
	}
}
