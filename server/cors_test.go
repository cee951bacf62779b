package server_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestCrossOrigin(t *testing.T) {
	e := start(t)
	e.mustPost(tagDoc("기사", "2026-11-24T09:30:00+09:00", []string{"선거"}, []string{"김기자"}, "정치"))
	origin := "http://127.0.0.1:1"
	feeds := []string{
		"/feed.rss", "/feed.atom", "/feed.json",
		"/category/%EC%A0%95%EC%B9%98/feed.json",
		"/tag/%EC%84%A0%EA%B1%B0/feed.rss",
		"/author/%EA%B9%80%EA%B8%B0%EC%9E%90/feed.atom",
		"/archive/1/feed.json",
		"/category/none/feed.json", // 404
		"/embed.json", "/embed.json?category=%EC%A0%95%EC%B9%98&limit=3",
		"/embed.json?category=none", // 404
	}
	for _, path := range feeds {
		t.Run("GET "+path, func(t *testing.T) {
			r := e.do("GET", path, nil, "Origin", origin)
			check := func(name string, r resp) {
				t.Helper()
				if got := r.Header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("%s: %d, Allow-Origin %q", name, r.Code, got)
				}
				if got := r.Header.Get("Access-Control-Expose-Headers"); got != "ETag, Last-Modified, Link" {
					t.Errorf("%s: Expose-Headers %q", name, got)
				}
				if r.Header.Get("Access-Control-Allow-Credentials") != "" {
					t.Errorf("%s: credentials allowed", name)
				}
			}
			check("GET", r)
			check("HEAD", e.do("HEAD", path, nil, "Origin", origin))
			if r.Code == 200 {
				nm := e.do("GET", path, nil, "Origin", origin, "If-None-Match", r.Header.Get("ETag"))
				if nm.Code != http.StatusNotModified {
					t.Errorf("revalidated: %d", nm.Code)
				}
				check("304", nm)
			}
			pre := e.do("OPTIONS", path, nil, "Origin", origin, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match")
			if pre.Code != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" ||
				pre.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
				pre.Header.Get("Access-Control-Allow-Headers") != "If-None-Match, If-Modified-Since" ||
				pre.Header.Get("Access-Control-Max-Age") == "" {
				t.Errorf("preflight: %d %v", pre.Code, pre.Header)
			}
		})
	}
	// An article's JSON is public too, as its feeds are.
	a := e.mustPost(tagDoc("공개", "2026-11-24T10:00:00+09:00", nil, nil, "정치"))
	if r := e.do("GET", "/api/articles/"+url.PathEscape(a.ID), nil, "Origin", origin); r.Code != 200 || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET /api/articles/{id}: %d, Allow-Origin %q", r.Code, r.Header.Get("Access-Control-Allow-Origin"))
	}
	// What takes a token, and the pages, are not opened to other sites.
	for _, path := range []string{"/api/stats", "/api/backup", "/api/articles", "/category/%EC%A0%95%EC%B9%98/", "/"} {
		for _, method := range []string{"GET", "OPTIONS"} {
			r := e.do(method, path, nil, "Origin", origin, "Authorization", "Bearer "+token, "Access-Control-Request-Method", "GET")
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s %s: %d with Allow-Origin", method, path, r.Code)
			}
		}
	}
}
