package server_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"sokbo/server"
)

const chromiumAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"

// varies reports whether h's Vary fields name field.
func varies(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

func TestFeedView(t *testing.T) {
	e := start(t)
	e.mustPost(tagDoc("첫 기사", "2026-11-24T09:30:00+09:00", []string{"선거"}, []string{"김기자"}, "정치"))
	e.mustPost(tagDoc("둘째 기사", "2026-11-24T10:30:00+09:00", []string{"선거"}, []string{"김기자"}, "정치"))
	readers := []string{
		"",
		"*/*",
		"application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4",
		"application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
	}
	for _, path := range []string{
		"/feed.rss", "/feed.atom", "/feed.json",
		"/category/%EC%A0%95%EC%B9%98/feed.rss",
		"/tag/%EC%84%A0%EA%B1%B0/feed.atom",
		"/author/%EA%B9%80%EA%B8%B0%EC%9E%90/feed.json",
	} {
		t.Run(path, func(t *testing.T) {
			feedResp := e.do("GET", path, nil, "Accept", "*/*")
			if feedResp.Code != 200 {
				t.Fatalf("GET %s: %d %s", path, feedResp.Code, feedResp.Body)
			}
			for _, accept := range readers {
				r := e.do("GET", path, nil, "Accept", accept)
				if r.Code != 200 || !bytes.Equal(r.Body, feedResp.Body) || r.Header.Get("ETag") != feedResp.Header.Get("ETag") {
					t.Errorf("Accept %q: %d, not the feed's bytes and ETag", accept, r.Code)
				}
				if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") {
					t.Errorf("Accept %q: Content-Type %s", accept, ct)
				}
			}
			view := e.do("GET", path, nil, "Accept", chromiumAccept)
			if view.Code != 200 {
				t.Fatalf("view: %d %s", view.Code, view.Body)
			}
			if ct := view.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("view Content-Type: %s", ct)
			}
			body := string(view.Body)
			for _, want := range []string{`<html lang="ko">`, "<h1>", "피드 리더에 복사해", `id="feed-url"`, e.URL + strings.SplitN(path, "?", 2)[0], "둘째 기사", "첫 기사", "<main", "<header", "<footer", `rel="icon"`} {
				if !strings.Contains(body, want) {
					t.Errorf("view lacks %q", want)
				}
			}
			if n := strings.Count(body, "<h1"); n != 1 {
				t.Errorf("view has %d h1", n)
			}
			if view.Header.Get("Content-Security-Policy") == "" {
				t.Error("view has no Content-Security-Policy")
			}
			if view.Header.Get("ETag") == feedResp.Header.Get("ETag") {
				t.Error("the view and the feed share an ETag")
			}
			for name, r := range map[string]resp{"feed": feedResp, "view": view} {
				if !varies(r.Header, "Accept") || !varies(r.Header, "Accept-Encoding") {
					t.Errorf("%s: Vary %q", name, r.Header.Values("Vary"))
				}
			}
			for name, accept := range map[string]string{"feed": "*/*", "view": chromiumAccept} {
				first := feedResp
				if name == "view" {
					first = view
				}
				nm := e.do("GET", path, nil, "Accept", accept, "If-None-Match", first.Header.Get("ETag"))
				if nm.Code != http.StatusNotModified || !varies(nm.Header, "Accept") {
					t.Errorf("%s revalidated: %d, Vary %q", name, nm.Code, nm.Header.Values("Vary"))
				}
				head := e.do("HEAD", path, nil, "Accept", accept)
				if head.Code != 200 || len(head.Body) != 0 || head.Header.Get("ETag") != first.Header.Get("ETag") || !varies(head.Header, "Accept") {
					t.Errorf("%s HEAD: %d, ETag %s, Vary %q", name, head.Code, head.Header.Get("ETag"), head.Header.Values("Vary"))
				}
			}
		})
	}
}

func TestFeedViewEnglishAndMissing(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.Lang = "en" }, nil)
	e.mustPost(doc("A story", "2026-11-24T09:30:00+09:00", "News"))
	view := e.do("GET", "/feed.atom", nil, "Accept", chromiumAccept)
	if view.Code != 200 || !strings.Contains(string(view.Body), "copy its address into your feed reader") || !strings.Contains(string(view.Body), `lang="en"`) {
		t.Errorf("English view: %d %s", view.Code, view.Body)
	}
	r := e.do("GET", "/category/Nothing/feed.rss", nil, "Accept", chromiumAccept)
	if r.Code != 404 {
		t.Errorf("view of an unknown category: %d", r.Code)
	}
	if !slices.Contains(r.Header.Values("Access-Control-Allow-Origin"), "*") {
		t.Errorf("404 of a feed without CORS: %v", r.Header)
	}
}
