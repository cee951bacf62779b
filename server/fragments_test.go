package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"sokbo/server"
)

// gunzip decompresses a whole gzip body with the standard library, which
// checks its CRC-32 and length.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// itemStats reads /api/stats (the kept items' counters among them).
func itemStats(t *testing.T, e *env) map[string]float64 {
	t.Helper()
	r := e.do("GET", "/api/stats", nil, "Authorization", "Bearer "+token)
	var v map[string]float64
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("stats: %d %s %v", r.Code, r.Body, err)
	}
	return v
}

// TestAssembledFeedsFresh: whatever the budget of kept items — none fits,
// some are evicted, all are kept — every feed a server assembles after
// posts, edits and deletions is byte for byte what a server that has
// kept nothing renders over the same store, and the kept bytes stay
// within the budget.
func TestAssembledFeedsFresh(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		budget int64
	}{
		{"nothing fits", 1},
		{"evicting", 24 << 10},
		{"all kept", 16 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			edit := func(c *server.Config) { c.ItemCacheBytes = tc.budget; c.MaxFeedContent = 600 }
			e := startWith(t, edit, nil)
			// The reference: a server made now over the same store, with
			// nothing cached, which renders every item it serves.
			reference := func(path string) ([]byte, string) {
				cfg := server.Config{Title: "sokbo test", BaseURL: e.Base, Lang: "ko", SummaryHighlights: 5, MaxBody: 64 << 10}
				edit(&cfg)
				rec := httptest.NewRecorder()
				server.New(cfg, e.DB).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				return rec.Body.Bytes(), rec.Header().Get("ETag")
			}
			paths := []string{"/category/News/feed.rss", "/category/경제/feed.atom", "/archive/1/feed.json"}
			for _, f := range []string{"rss", "atom", "json"} {
				paths = append(paths, "/feed."+f, "/feed."+f+"?limit=5&page=2", "/category/News/feed."+f)
			}
			check := func(step string) {
				t.Helper()
				for _, p := range paths {
					got := e.do("GET", p, nil)
					want, etag := reference(p)
					if got.Code != 200 || !bytes.Equal(got.Body, want) {
						t.Fatalf("%s: GET %s: %d, %d bytes; want the %d bytes rendered from scratch", step, p, got.Code, len(got.Body), len(want))
					}
					// The same feed has the same (strong) ETag, whatever
					// was kept to make it.
					if got.Header.Get("ETag") != etag {
						t.Fatalf("%s: GET %s: ETag %s; rendered from scratch, %s", step, p, got.Header.Get("ETag"), etag)
					}
					// The gzip variant, stitched from kept parts, is the
					// same bytes compressed.
					gz := e.do("GET", p, nil, "Accept-Encoding", "gzip")
					if gz.Header.Get("Content-Encoding") != "gzip" {
						t.Fatalf("%s: GET %s, gzip: Content-Encoding %q", step, p, gz.Header.Get("Content-Encoding"))
					}
					if body := gunzip(t, gz.Body); !bytes.Equal(body, want) {
						t.Fatalf("%s: GET %s, gzip: %d bytes decompressed; want the %d bytes rendered from scratch", step, p, len(body), len(want))
					}
				}
				if kept := itemStats(t, e)["item_bytes"]; kept > float64(tc.budget) {
					t.Errorf("%s: %v bytes of items kept, budget %d", step, kept, tc.budget)
				}
			}
			for i := range 12 {
				cats := []string{"News", "경제"}[i%2:]
				if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), cats...)); r.Code != 201 {
					t.Fatalf("post %d: %d %s", i, r.Code, r.Body)
				}
			}
			check("posted")
			// An edit changes one item's body (and its size, so another
			// item may now fit the feed's bound, or not): no feed keeps
			// the old one.
			edited := bytes.Replace(doc("기사 10", "2026-11-11", "News"), []byte("본문."), []byte("고친 본문, 더 길게 고친 본문."), 1)
			if r := e.post(edited); r.Code != 200 {
				t.Fatalf("edit: %d %s", r.Code, r.Body)
			}
			check("edited")
			if r := e.do("DELETE", "/api/articles/2026-11-12-기사-11", nil, "Authorization", "Bearer "+token); r.Code != 204 {
				t.Fatalf("delete: %d %s", r.Code, r.Body)
			}
			check("deleted")
		})
	}
}

// TestWriteRendersOnlyItsItem: after a post, the site's and the category's
// feeds in the three formats render the new article's item once per
// format (shared by the two feeds) and take every other item as kept.
func TestWriteRendersOnlyItsItem(t *testing.T) {
	t.Parallel()
	e := start(t)
	// Articles of about 13 KB, so that deflate's window holds a few.
	bigDoc := func(title, date string) []byte {
		return bytes.Replace(doc(title, date, "News"), []byte("본문."), bytes.Repeat([]byte(title+" 본문. "), 600), 1)
	}
	for i := range 20 {
		if r := e.post(bigDoc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1))); r.Code != 201 {
			t.Fatalf("post %d: %d %s", i, r.Code, r.Body)
		}
	}
	feeds := []string{"/feed.rss", "/feed.atom", "/feed.json", "/category/News/feed.rss", "/category/News/feed.atom", "/category/News/feed.json"}
	get := func() {
		for _, p := range feeds {
			if r := e.do("GET", p, nil); r.Code != 200 {
				t.Fatalf("GET %s: %d", p, r.Code)
			}
		}
	}
	get()
	before := itemStats(t, e)
	if r := e.post(bigDoc("새 기사", "2026-11-30")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	get()
	after := itemStats(t, e)
	if misses, hits := after["item_misses"]-before["item_misses"], after["item_hits"]-before["item_hits"]; misses != 3 || hits != 6*21-3 {
		t.Errorf("after a post, the six feeds rendered %v items and took %v kept; want 3 and %d", misses, hits, 6*21-3)
	}
	// The gzip parts compressed again: per format, the new item's and
	// those of the items whose window (32 KiB, two or three of these
	// 13 KB items) it entered; the category's feed, the same items in the
	// same order, takes the site's.
	if misses := after["gzip_part_misses"] - before["gzip_part_misses"]; misses < 3*2 || misses > 3*4 {
		t.Errorf("after a post, %v gzip parts compressed; want 2 to 4 per format", misses)
	}
	get()
	if again := itemStats(t, e); again["gzip_part_misses"] != after["gzip_part_misses"] || again["item_misses"] != after["item_misses"] {
		t.Errorf("feeds served again without a write rendered %v items and compressed %v parts", again["item_misses"]-after["item_misses"], again["gzip_part_misses"]-after["gzip_part_misses"])
	}
}
