package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/mmcdole/gofeed"

	"sokbo/feed"
	"sokbo/server"
)

// countingStore counts the feed reads that reach the store.
type countingStore struct {
	server.Store
	latest atomic.Int64
	delay  time.Duration
}

func (c *countingStore) Latest(ctx context.Context, category string, offset, limit int) ([]*feed.Article, error) {
	c.latest.Add(1)
	time.Sleep(c.delay)
	return c.Store.Latest(ctx, category, offset, limit)
}

func doc(title, date string, cats ...string) []byte {
	return []byte(fmt.Sprintf("---\ntitle: %q\ndate: %s\ncategories: [%s]\n---\n<p>%s 본문. <mark>강조된 문장.</mark></p>\n", title, date, strings.Join(cats, ", "), title))
}

// testClock stands still at its start, plus an offset the test can move
// forward: "within the second of a change" must not depend on how fast a
// loaded machine runs the test.
type testClock struct {
	start time.Time
	off   atomic.Int64
}

func (c *testClock) Now() time.Time          { return c.start.Add(time.Duration(c.off.Load())) }
func (c *testClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

func TestConditionalAndCompressed(t *testing.T) {
	clock := &testClock{start: time.Now()}
	e := startWith(t, func(c *server.Config) { c.Now = clock.Now }, nil)
	if r := e.post(seed(t)); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	// Within the second of a change, Last-Modified is withheld (another
	// change could follow under the same date) and If-Modified-Since is
	// not honoured.
	if r := e.do("GET", "/feed.rss", nil); r.Header.Get("Last-Modified") != "" || r.Header.Get("ETag") == "" {
		t.Errorf("right after a change: Last-Modified %q, ETag %q", r.Header.Get("Last-Modified"), r.Header.Get("ETag"))
	}
	if r := e.do("GET", "/feed.rss", nil, "If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); r.Code != 200 {
		t.Errorf("If-Modified-Since within the second of a change: %d, want 200", r.Code)
	}
	clock.Advance(2 * time.Second)
	for _, path := range []string{"/feed.rss", "/feed.atom", "/feed.json", "/category/News/feed.rss", "/", "/category/News/"} {
		t.Run(path, func(t *testing.T) {
			plain := e.do("GET", path, nil)
			if plain.Code != 200 {
				t.Fatalf("GET: %d", plain.Code)
			}
			etag, lm := plain.Header.Get("ETag"), plain.Header.Get("Last-Modified")
			if !strings.HasPrefix(etag, `"`) || lm == "" {
				t.Fatalf("ETag %q (want strong), Last-Modified %q", etag, lm)
			}
			if cc := plain.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=60") {
				t.Errorf("Cache-Control = %q", cc)
			}
			if v := plain.Header.Get("Vary"); v != "Accept-Encoding" {
				t.Errorf("Vary = %q", v)
			}
			for _, tc := range []struct {
				hdr  []string
				code int
			}{
				{[]string{"If-None-Match", etag}, 304},
				{[]string{"If-None-Match", "W/" + etag}, 304},
				{[]string{"If-None-Match", `"other", ` + etag}, 304},
				{[]string{"If-None-Match", `"other"`}, 200},
				{[]string{"If-Modified-Since", lm}, 304},
				{[]string{"If-Modified-Since", "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
				// If-None-Match wins over If-Modified-Since.
				{[]string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, 200},
			} {
				r := e.do("GET", path, nil, tc.hdr...)
				if r.Code != tc.code {
					t.Errorf("%q: %d, want %d", tc.hdr, r.Code, tc.code)
				}
				if r.Code == 304 && len(r.Body) != 0 {
					t.Errorf("%q: 304 with a body", tc.hdr)
				}
				// A 304 carries what updates a cached copy (RFC 9110
				// 15.4.5), not the representation's metadata.
				if r.Code == 304 {
					if r.Header.Get("ETag") != etag || r.Header.Get("Cache-Control") == "" || r.Header.Get("Vary") != "Accept-Encoding" {
						t.Errorf("%q: 304 headers %v lack ETag %s, Cache-Control or Vary", tc.hdr, r.Header, etag)
					}
					for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Security-Policy"} {
						if v := r.Header.Get(k); v != "" {
							t.Errorf("%q: 304 with %s: %s", tc.hdr, k, v)
						}
					}
				}
			}
			// Compressed variants decode to the same bytes and have their
			// own strong ETags.
			for _, enc := range []string{"gzip", "br"} {
				r := e.do("GET", path, nil, "Accept-Encoding", enc)
				if got := r.Header.Get("Content-Encoding"); got != enc {
					t.Fatalf("Accept-Encoding %s: Content-Encoding %q", enc, got)
				}
				var rd io.Reader
				if enc == "gzip" {
					zr, err := gzip.NewReader(bytes.NewReader(r.Body))
					if err != nil {
						t.Fatal(err)
					}
					rd = zr
				} else {
					rd = brotli.NewReader(bytes.NewReader(r.Body))
				}
				got, err := io.ReadAll(rd)
				if err != nil || !bytes.Equal(got, plain.Body) {
					t.Errorf("%s body differs from identity (err %v)", enc, err)
				}
				if r.Header.Get("ETag") == etag || len(r.Body) >= len(plain.Body) {
					t.Errorf("%s: ETag %q (identity %q), %d bytes (identity %d)", enc, r.Header.Get("ETag"), etag, len(r.Body), len(plain.Body))
				}
				if nm := e.do("GET", path, nil, "Accept-Encoding", enc, "If-None-Match", r.Header.Get("ETag")); nm.Code != 304 {
					t.Errorf("%s revalidation: %d", enc, nm.Code)
				}
			}
			if h := e.do("HEAD", path, nil); h.Code != 200 || len(h.Body) != 0 || h.Header.Get("ETag") != etag {
				t.Errorf("HEAD: %d, %d bytes, ETag %q", h.Code, len(h.Body), h.Header.Get("ETag"))
			}
		})
	}
}

// TestContentEncoding: the coding negotiated (see TestNegotiate for the
// header's grammar) is the one served, identity included.
func TestContentEncoding(t *testing.T) {
	e := start(t)
	for _, tc := range []struct{ accept, want string }{
		{"", ""},
		{"gzip, deflate", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"*;q=0, identity", ""},
	} {
		r := e.do("GET", "/feed.rss", nil, "Accept-Encoding", tc.accept)
		if got := r.Header.Get("Content-Encoding"); r.Code != 200 || got != tc.want {
			t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, want 200 %q", tc.accept, r.Code, got, tc.want)
		}
	}
}

// TestRenderedOnce: concurrent requests for a feed not rendered yet read
// the store once; later requests none; a write touching another category
// leaves this one cached.
func TestRenderedOnce(t *testing.T) {
	var cs *countingStore
	e := startWith(t, nil, func(st server.Store) server.Store {
		cs = &countingStore{Store: st, delay: 50 * time.Millisecond}
		return cs
	})
	e.post(doc("스포츠 기사", "2026-11-20", "스포츠"))
	e.post(doc("경제 기사", "2026-11-21", "경제"))
	cs.latest.Store(0)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if r := e.do("GET", "/category/스포츠/feed.atom", nil); r.Code != 200 {
				t.Errorf("GET: %d", r.Code)
			}
		})
	}
	wg.Wait()
	if n := cs.latest.Load(); n != 1 {
		t.Errorf("20 concurrent requests read the store %d times, want 1", n)
	}
	e.post(doc("경제 기사 2", "2026-11-22", "경제"))
	e.do("GET", "/category/스포츠/feed.atom", nil)
	if n := cs.latest.Load(); n != 1 {
		t.Errorf("a post to another category re-rendered this one: %d reads", n)
	}
	e.post(doc("스포츠 기사 2", "2026-11-23", "스포츠"))
	if items := feedItems(t, e, "/category/스포츠/feed.atom"); len(items) != 2 {
		t.Errorf("%d items after a post to the category, want 2", len(items))
	}
}

// TestReadYourWrites: a GET that starts after a POST returned sees the
// article, while other clients keep the feed hot in the cache.
func TestReadYourWrites(t *testing.T) {
	e := start(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					e.do("GET", "/feed.json?limit=5", nil)
				}
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()
	for i := range 30 {
		title := fmt.Sprintf("속보 %d", i)
		if r := e.post(doc(title, fmt.Sprintf("2026-11-25T10:%02d:00Z", i), "속보")); r.Code != 201 {
			t.Fatalf("post %d: %d %s", i, r.Code, r.Body)
		}
		items := feedItems(t, e, "/feed.json?limit=5")
		if len(items) == 0 || items[0].Title != title {
			t.Fatalf("after post %d the feed's newest is %v", i, items)
		}
		if cat := feedItems(t, e, "/category/속보/feed.rss?limit=5"); cat[0].Title != title {
			t.Fatalf("after post %d the category feed's newest is %q", i, cat[0].Title)
		}
	}
}

// TestPaging walks a feed's RFC 5005 next links to its end.
func TestPaging(t *testing.T) {
	e := start(t)
	for i := range 7 {
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News"))
	}
	for _, f := range []string{"rss", "atom", "json"} {
		var titles []string
		next := e.URL + "/feed." + f + "?limit=2"
		for pages := 0; next != ""; pages++ {
			if pages > 4 {
				t.Fatalf("%s: more than 4 pages", f)
			}
			r := e.do("GET", strings.TrimPrefix(next, e.URL), nil)
			if r.Code != 200 {
				t.Fatalf("%s: %d", next, r.Code)
			}
			p, err := gofeed.NewParser().ParseString(string(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				titles = append(titles, it.Title)
			}
			next = nextLink(r.Body, f)
		}
		want := []string{"기사 6", "기사 5", "기사 4", "기사 3", "기사 2", "기사 1", "기사 0"}
		if strings.Join(titles, ",") != strings.Join(want, ",") {
			t.Errorf("%s: walked %q, want %q", f, titles, want)
		}
	}
	// Past the end, and too deep to walk, the site feed's pages redirect
	// to the archives (TestPastLastPage); a category's are not found, or
	// refused.
	if r := e.do("GET", "/category/News/feed.rss?limit=2&page=9", nil); r.Code != 404 {
		t.Errorf("category page past the end: %d", r.Code)
	}
	if r := e.do("GET", "/category/News/feed.rss?limit=500&page=100", nil); r.Code != 400 || !strings.Contains(string(r.Body), "archive") {
		t.Errorf("category page too deep: %d %s", r.Code, r.Body)
	}
}

// nextLink finds the link to older items: RFC 5005 rel="next" in XML,
// next_url in JSON Feed.
func nextLink(b []byte, f string) string {
	s := string(b)
	if f == "json" {
		_, after, ok := strings.Cut(s, `"next_url": "`)
		if !ok {
			return ""
		}
		return after[:strings.IndexByte(after, '"')]
	}
	for _, part := range strings.Split(s, "<") {
		if strings.Contains(part, `rel="next"`) {
			_, after, _ := strings.Cut(part, `href="`)
			return strings.ReplaceAll(after[:strings.IndexByte(after, '"')], "&amp;", "&")
		}
	}
	return ""
}

func TestArchives(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.ArchiveSize = 3; c.FeedLimit = 2 }, nil)
	for i := range 7 {
		// Published out of arrival order: archives follow arrival.
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-10-%02d", 20-i), "News"))
	}
	// 7 arrivals: pages 1 and 2 are full, page 3 is open (기사 6 alone).
	sub := e.do("GET", "/feed.atom", nil)
	if !bytes.Contains(sub.Body, []byte(`href="`+e.URL+`/archive/3/feed.atom" rel="prev-archive"`)) {
		t.Errorf("subscription feed lacks prev-archive to the open page 3:\n%s", sub.Body)
	}
	a2 := e.do("GET", "/archive/2/feed.atom", nil)
	for _, want := range []string{"<fh:archive", `rel="current"`, `archive/1/feed.atom" rel="prev-archive"`, `archive/3/feed.atom" rel="next-archive"`} {
		if a2.Code != 200 || !bytes.Contains(a2.Body, []byte(want)) {
			t.Errorf("archive 2 lacks %s: %d\n%s", want, a2.Code, a2.Body)
		}
	}
	if cc := a2.Header.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Errorf("full archive Cache-Control = %q", cc)
	}
	if cc := e.do("GET", "/archive/3/feed.atom", nil).Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=60") {
		t.Errorf("open archive Cache-Control = %q", cc)
	}
	titles := func(path string) string {
		p, err := gofeed.NewParser().ParseString(string(e.do("GET", path, nil).Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Title)
		}
		return strings.Join(out, ",")
	}
	if got := titles("/archive/2/feed.atom"); got != "기사 5,기사 4,기사 3" {
		t.Errorf("archive 2 holds %q", got)
	}
	// Feed and archive chain together hold every article: the feed's
	// window (2 by date) does not hide 기사 6, the open page has it.
	all := titles("/feed.atom") + "," + titles("/archive/3/feed.atom") + "," + titles("/archive/2/feed.atom") + "," + titles("/archive/1/feed.atom")
	for i := range 7 {
		if !strings.Contains(all, fmt.Sprintf("기사 %d", i)) {
			t.Errorf("기사 %d is on no document of the chain: %s", i, all)
		}
	}
	for _, f := range []string{"rss", "json"} {
		if r := e.do("GET", "/archive/1/feed."+f, nil); r.Code != 200 {
			t.Errorf("archive 1 %s: %d", f, r.Code)
		}
	}
	for _, path := range []string{"/archive/4/feed.atom", "/archive/0/feed.atom", "/archive/x/feed.atom", "/archive/1/feed.xml"} {
		if r := e.do("GET", path, nil); r.Code != 404 {
			t.Errorf("%s: %d, want 404", path, r.Code)
		}
	}
	// Two more arrivals fill page 3 and open page 4; page 2 does not change.
	e.post(doc("기사 7", "2026-01-01", "News"))
	e.post(doc("기사 8", "2026-01-02", "News"))
	if again := e.do("GET", "/archive/2/feed.atom", nil); again.Header.Get("ETag") != a2.Header.Get("ETag") {
		t.Errorf("archive 2 changed when page 3 filled")
	}
	if r := e.do("GET", "/archive/4/feed.atom", nil); r.Code != 200 {
		t.Errorf("open archive 4: %d", r.Code)
	}
}

// TestCacheBounded: however many distinct feeds clients ask for, the cache
// keeps within its byte budget.
func TestCacheBounded(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.CacheBytes = 30_000 }, nil)
	for i := range 5 {
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News"))
	}
	one := len(e.do("GET", "/feed.rss?limit=5", nil).Body)
	for n := 1; n <= 60; n++ {
		for _, p := range []string{"/feed.rss", "/feed.atom", "/feed.json"} {
			if r := e.do("GET", fmt.Sprintf("%s?limit=%d", p, n), nil); r.Code != 200 {
				t.Fatalf("%s: %d", p, r.Code)
			}
		}
	}
	var st struct {
		Entries int `json:"cache_entries"`
	}
	r := e.do("GET", "/api/stats", nil, "Authorization", "Bearer "+token)
	if err := json.Unmarshal(r.Body, &st); err != nil {
		t.Fatal(err)
	}
	if max := 30_000 / one * 2; st.Entries > max || st.Entries == 0 {
		t.Errorf("%d cached entries of ≈%d bytes each, want at most %d for a 30 kB budget", st.Entries, one, max)
	}
}

// TestFeedRoutes: the site's feeds answer GET and HEAD alike, refuse other
// methods with the allowed ones, and leave near misses not found.
func TestFeedRoutes(t *testing.T) {
	e := start(t)
	if r := e.post(seed(t)); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		path := "/feed." + f.Ext()
		get := e.do("GET", path, nil)
		if get.Code != http.StatusOK || get.Header.Get("Content-Type") != f.ContentType() || len(get.Body) == 0 {
			t.Fatalf("GET %s: %d %q, %d bytes", path, get.Code, get.Header.Get("Content-Type"), len(get.Body))
		}
		head := e.do("HEAD", path, nil)
		if head.Code != http.StatusOK || len(head.Body) != 0 ||
			head.Header.Get("ETag") != get.Header.Get("ETag") || head.Header.Get("Content-Length") != strconv.Itoa(len(get.Body)) {
			t.Errorf("HEAD %s: %d, %d bytes, ETag %q (GET %q), Content-Length %q", path, head.Code, len(head.Body),
				head.Header.Get("ETag"), get.Header.Get("ETag"), head.Header.Get("Content-Length"))
		}
		for _, m := range []string{"POST", "PUT", "DELETE"} {
			if r := e.do(m, path, nil); r.Code != http.StatusMethodNotAllowed || !strings.Contains(r.Header.Get("Allow"), "GET") {
				t.Errorf("%s %s: %d, Allow %q; want 405 allowing GET", m, path, r.Code, r.Header.Get("Allow"))
			}
		}
		if r := e.do("GET", "/%66eed."+f.Ext(), nil); r.Code != http.StatusOK || r.Header.Get("ETag") != get.Header.Get("ETag") {
			t.Errorf("GET of %s escaped: %d, ETag %q; want it as %s", path, r.Code, r.Header.Get("ETag"), path)
		}
		for _, p := range []string{path + "/", "/Feed." + f.Ext(), path + "x"} {
			if r := e.do("GET", p, nil); r.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, r.Code)
			}
		}
	}
}
