package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"sokbo/server"
	"sokbo/store"
)

// benchServer is a server over a store of n seed-shaped articles, called
// directly (no network), to measure the handler alone.
func benchServer(b *testing.B, n int) http.Handler {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	base, _ := url.Parse("http://127.0.0.1/")
	h := server.New(server.Config{BaseURL: base, Tokens: []server.Token{{Name: "test", Secret: token}}}, db)
	doc := string(seed(b))
	for i := range n {
		body := fmt.Sprintf("---\nid: bench-%d\ndate: 2026-11-%02d 10:%02d:00 +0900\n%s", i, 1+i%28, i%60, doc[4:])
		req := httptest.NewRequest("POST", "/api/articles", stringsReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("post %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	return h
}

// BenchmarkFeedGET serves a cached 50-item feed, as an aggregator polls it:
// plain, gzip, and a 304 revalidation.
func BenchmarkFeedGET(b *testing.B) {
	h := benchServer(b, 60)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.rss", nil))
	etag := rec.Header().Get("ETag")
	for _, bc := range []struct{ name, header, value string }{
		{"plain", "", ""},
		{"gzip", "Accept-Encoding", "gzip, deflate, br;q=0.5"},
		{"304", "If-None-Match", etag},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/feed.rss", nil)
			if bc.header != "" {
				req.Header.Set(bc.header, bc.value)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := &discard{h: http.Header{}}
					h.ServeHTTP(w, req)
					if w.code != 200 && w.code != 304 {
						b.Errorf("status %d", w.code)
						return
					}
				}
			})
		})
	}
}

// BenchmarkFeedRender measures a feed's cost after a write: render, gzip
// and brotli of 50 seed-sized items (a POST invalidates it every time).
func BenchmarkFeedRender(b *testing.B) {
	h := benchServer(b, 60)
	doc := string(seed(b))
	i := 0
	for b.Loop() {
		b.StopTimer()
		body := fmt.Sprintf("---\nid: extra-%d\ndate: 2026-10-01\n%s", i, doc[4:])
		req := httptest.NewRequest("POST", "/api/articles", stringsReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(httptest.NewRecorder(), req)
		i++
		b.StartTimer()
		w := &discard{h: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest("GET", "/feed.rss", nil))
		if w.code != 200 {
			b.Fatalf("status %d", w.code)
		}
	}
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.code = code }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// BenchmarkPost posts seed-sized articles through the handler from 32
// goroutines (parse, sanitize, store with group commits, respond).
func BenchmarkPost(b *testing.B) {
	h := benchServer(b, 0)
	doc := string(seed(b))
	var n atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf("---\nid: post-%d\n%s", n.Add(1), doc[4:])
			req := httptest.NewRequest("POST", "/api/articles", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			w := &discard{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != 201 {
				b.Errorf("status %d", w.code)
				return
			}
		}
	})
}
