package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sokbo/bench/corpus"
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

// BenchmarkFeedGETLoopback serves the cached feed gzipped over loopback
// HTTP with keep-alive, and revalidates it (304), next to a minimal
// handler answering the same bytes and validators: the ratio of the two is
// what the serving target is about (bench/ measures it with a load
// generator instead of Go's client).
func BenchmarkFeedGETLoopback(b *testing.B) {
	h := benchServer(b, 60)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/feed.rss", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(rec, req)
	body, ctype, etag := rec.Body.Bytes(), rec.Header().Get("Content-Type"), rec.Header().Get("ETag")
	minimal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Vary", "Accept-Encoding")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	for _, sc := range []struct {
		name string
		inm  string
		code int
	}{{"gzip", "", 200}, {"304", etag, 304}} {
		for _, sv := range []struct {
			name string
			h    http.Handler
		}{{"sokbo", h}, {"minimal", minimal}} {
			b.Run(sc.name+"/"+sv.name, func(b *testing.B) {
				ts := httptest.NewServer(sv.h)
				defer ts.Close()
				c := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}}
				defer c.CloseIdleConnections()
				b.RunParallel(func(pb *testing.PB) {
					req, _ := http.NewRequest("GET", ts.URL+"/feed.rss", nil)
					req.Header.Set("Accept-Encoding", "gzip")
					if sc.inm != "" {
						req.Header.Set("If-None-Match", sc.inm)
					}
					for pb.Next() {
						res, err := c.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != sc.code {
							b.Errorf("status %d, want %d", res.StatusCode, sc.code)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkFeedRender measures a feed's cost after a write, the first GET
// of the site's RSS feed of 50 seed-sized items after a POST invalidated
// it: assembled (one new item) and sent as it is, gzipped or brotli'd.
func BenchmarkFeedRender(b *testing.B) {
	h := benchServer(b, 60)
	doc := string(seed(b))
	i := 0
	for _, coding := range []string{"identity", "gzip", "br"} {
		b.Run(coding, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				body := fmt.Sprintf("---\nid: extra-%d\ndate: 2026-12-01\n%s", i, doc[4:])
				req := httptest.NewRequest("POST", "/api/articles", stringsReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				h.ServeHTTP(httptest.NewRecorder(), req)
				i++
				b.StartTimer()
				w := &discard{h: http.Header{}}
				req = httptest.NewRequest("GET", "/feed.rss", nil)
				req.Header.Set("Accept-Encoding", coding)
				h.ServeHTTP(w, req)
				if w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
		})
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

// corpusFeeds returns the site's RSS and JSON feeds at limit (with the
// default item bounds) over n distinct newsroom-shaped articles
// (bench/corpus), which compress like real news more than the seed
// repeated does.
func corpusFeeds(b *testing.B, n, limit int) map[string][]byte {
	b.Helper()
	h := benchServer(b, 0)
	for i := range n {
		req := httptest.NewRequest("POST", "/api/articles", bytes.NewReader(corpus.Article(i, corpus.New(1, i))))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("post %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	out := map[string][]byte{}
	for _, f := range []string{"rss", "json"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprintf("/feed.%s?limit=%d", f, limit), nil))
		if rec.Code != 200 {
			b.Fatalf("feed.%s: %d", f, rec.Code)
		}
		out[fmt.Sprintf("%s%d", f, limit)] = rec.Body.Bytes()
	}
	return out
}

// BenchmarkCompress measures time and size of gzip and brotli at the
// levels worth considering, on the site's default feed (50 items) and on
// the largest a ?limit= can ask for (500 items, bounded by the feed's
// content bound): what compressionLevels was chosen from.
func BenchmarkCompress(b *testing.B) {
	bodies := corpusFeeds(b, 500, 50)
	for k, v := range corpusFeeds(b, 500, 500) {
		bodies[k] = v
	}
	for _, name := range []string{"rss50", "json50", "rss500", "json500"} {
		body := bodies[name]
		for _, c := range []struct {
			coding string
			level  int
		}{{"gzip", 1}, {"gzip", 4}, {"gzip", 6}, {"br", 0}, {"br", 1}, {"br", 4}, {"br", 5}} {
			b.Run(fmt.Sprintf("%s/%s-%d", name, c.coding, c.level), func(b *testing.B) {
				var out []byte
				for b.Loop() {
					var err error
					if out, err = server.CompressAt(body, c.coding, c.level); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(body)))
				b.ReportMetric(float64(len(body)), "in-bytes")
				b.ReportMetric(float64(len(out)), "out-bytes")
			})
		}
	}
}

// BenchmarkFreshLoop is bench/fresh.sh's round over loopback HTTP, in one
// process so that it can be profiled: POST a new newsroom-shaped article in
// News, dated now, then GET the site's and News's feeds in the three
// formats with gzip on one keep-alive connection (the bodies are read,
// not checked), over 1,000 stored articles.
func BenchmarkFreshLoop(b *testing.B) {
	h := benchServer(b, 0)
	for i := range 1000 {
		req := httptest.NewRequest("POST", "/api/articles", bytes.NewReader(corpus.Article(i, corpus.New(1, i))))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("post %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	c := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxConnsPerHost: 1}}
	defer c.CloseIdleConnections()
	do := func(req *http.Request, want int) {
		res, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			b.Fatalf("%s %s: %d", req.Method, req.URL.Path, res.StatusCode)
		}
	}
	feeds := []string{"/feed.rss", "/feed.atom", "/feed.json", "/category/News/feed.rss", "/category/News/feed.atom", "/category/News/feed.json"}
	n := 0
	for b.Loop() {
		doc := corpus.Template(corpus.New(2, n))
		doc = regexp.MustCompile(`(?s)\ncategories:\n.*?\n(tags:)`).ReplaceAll(doc, []byte("\ncategories:\n  - News\n$1"))
		doc = bytes.Replace(doc, []byte(corpus.IDPlaceholder), fmt.Appendf(nil, "fresh-%d", n), 1)
		doc = bytes.Replace(doc, []byte(corpus.DatePlaceholder), []byte(time.Now().UTC().Format("2006-01-02 15:04:05.000000 -0700")), 1)
		n++
		req, _ := http.NewRequest("POST", ts.URL+"/api/articles", bytes.NewReader(doc))
		req.Header.Set("Authorization", "Bearer "+token)
		do(req, 201)
		for _, f := range feeds {
			req, _ := http.NewRequest("GET", ts.URL+f, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			do(req, 200)
		}
	}
}
