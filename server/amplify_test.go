package server_test

// Tests of issue 12: what a client without a token can make the server
// spend is bounded.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sokbo/feed"
	"sokbo/server"
)

// gateStore counts the feed reads that reach the store and how many run
// at once (the most it saw), and holds those of the category "slow" until
// open is closed.
type gateStore struct {
	server.Store
	latest         atomic.Int64
	running, most  atomic.Int64
	open, entered  chan struct{}
	enteredOnce    sync.Once
	slowMaxRunning int64
}

func newGateStore(st server.Store) *gateStore {
	return &gateStore{Store: st, open: make(chan struct{}), entered: make(chan struct{}, 64)}
}

func (g *gateStore) Latest(ctx context.Context, category string, offset, limit int) ([]*feed.Article, error) {
	g.latest.Add(1)
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
	if feed.CategoryKey(category) == "slow" {
		g.entered <- struct{}{}
		<-g.open
	}
	return g.Store.Latest(ctx, category, offset, limit)
}

// TestLimitNormalised: limits between the served values, other spellings
// of a category and unknown query parameters are all answered from one
// cache entry, rendered once.
func TestLimitNormalised(t *testing.T) {
	var gs *gateStore
	e := startWith(t, nil, func(st server.Store) server.Store { gs = newGateStore(st); return gs })
	for i := range 7 {
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News"))
	}
	for _, tc := range []struct {
		name  string
		paths []string
		self  string // the self link all of them carry
	}{
		{"limits up to 5", []string{"/feed.atom?limit=3", "/feed.atom?limit=4", "/feed.atom?limit=5", "/feed.atom?limit=05", "/feed.atom?limit=%2B5"}, "/feed.atom?limit=5"},
		{"junk parameters", []string{"/feed.atom", "/feed.atom?x=1", "/feed.atom?utm_source=a&utm_medium=b", "/feed.atom?limit=50&page=1&x", "/feed.atom?limit=49"}, "/feed.atom"},
		{"category spellings", []string{"/category/News/feed.atom", "/category/news/feed.atom", "/category/NEWS/feed.atom", "/category/%20news%20/feed.atom?y=2"}, "/category/News/feed.atom"},
		{"pages", []string{"/feed.atom?limit=2&page=2", "/feed.atom?limit=2&page=2&z=9"}, "/feed.atom?limit=2&page=2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := gs.latest.Load()
			var etag string
			for _, p := range tc.paths {
				r := e.do("GET", p, nil)
				if r.Code != 200 {
					t.Fatalf("%s: %d %s", p, r.Code, r.Body)
				}
				if etag == "" {
					etag = r.Header.Get("ETag")
				} else if got := r.Header.Get("ETag"); got != etag {
					t.Errorf("%s: ETag %s, want the first's %s", p, got, etag)
				}
				if want := `href="` + e.URL + tc.self + `" rel="self"`; !bytes.Contains(r.Body, []byte(strings.ReplaceAll(want, "&", "&amp;"))) {
					t.Errorf("%s: no self link %s", p, want)
				}
			}
			if n := gs.latest.Load() - before; n != 1 {
				t.Errorf("%d requests read the store %d times, want 1", len(tc.paths), n)
			}
		})
	}
	if items := feedItems(t, e, "/feed.rss?limit=3"); len(items) != 5 {
		t.Errorf("limit=3: %d items, want 5 (rounded up)", len(items))
	}
}

// TestPastLastPage: a page of the site feed past its last, or too deep to
// walk, redirects to the open archive page, which exists.
func TestPastLastPage(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.ArchiveSize = 3 }, nil)
	for i := range 7 {
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News"))
	}
	for _, f := range []string{"rss", "atom", "json"} {
		for _, q := range []string{"?limit=2&page=5", "?page=2", "?limit=500&page=100", "?page=100000&junk=1"} {
			r := e.do("GET", "/feed."+f+q, nil)
			want := e.URL + "/archive/3/feed." + f // 7 arrivals, 3 a page: page 3 is open
			if r.Code != http.StatusFound || r.Header.Get("Location") != want {
				t.Errorf("%s%s: %d → %q, want 302 → %s", f, q, r.Code, r.Header.Get("Location"), want)
				continue
			}
			if a := e.do("GET", strings.TrimPrefix(want, e.URL), nil); a.Code != 200 {
				t.Errorf("%s: %d", want, a.Code)
			}
		}
		// The last page itself is served.
		if r := e.do("GET", "/feed."+f+"?limit=2&page=4", nil); r.Code != 200 {
			t.Errorf("%s last page: %d", f, r.Code)
		}
	}
}

// TestOversizedItems: an article whose body is over feeds' item bound is
// stored whole, and each feed carries its summary and a link instead, in
// every format, readable; an article under the bound is carried whole.
func TestOversizedItems(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.MaxItemContent = 4 << 10 }, nil)
	long := strings.Repeat("<p>아주 긴 본문 long body text.</p>\n", 400)
	big := "---\nid: big\ntitle: Big story\ndate: 2026-11-24\nexcerpt: 짧은 요약.\n---\n<p><mark>강조된 문장.</mark></p>\n" + long
	if r := e.post([]byte(big)); r.Code != 201 {
		t.Fatalf("post big: %d %s", r.Code, r.Body)
	}
	if r := e.post(doc("작은 기사", "2026-11-23", "News")); r.Code != 201 {
		t.Fatalf("post small: %d %s", r.Code, r.Body)
	}
	stored := e.do("GET", "/api/articles/big", nil)
	if !bytes.Contains(stored.Body, []byte("long body text")) || bytes.Count(stored.Body, []byte("long body text")) != 400 {
		t.Errorf("the stored article lost its body: %d bytes", len(stored.Body))
	}
	for _, f := range []string{"rss", "atom", "json"} {
		r := e.do("GET", "/feed."+f, nil)
		if r.Code != 200 {
			t.Fatalf("%s: %d", f, r.Code)
		}
		if len(r.Body) > 16<<10 {
			t.Errorf("%s: %d bytes, want the big article's summary only", f, len(r.Body))
		}
		p, err := gofeed.NewParser().ParseString(string(r.Body))
		if err != nil || len(p.Items) != 2 {
			t.Fatalf("%s: gofeed: %v", f, err)
		}
		c := p.Items[0].Content
		if strings.Contains(c, "long body") || !strings.Contains(c, "짧은 요약.") || !strings.Contains(c, "강조된 문장.") ||
			!strings.Contains(c, `<a href="`+e.URL+`/articles/big">Big story</a>`) {
			t.Errorf("%s: oversized item's content = %.300q, want its summary and link", f, c)
		}
		if c := p.Items[1].Content; !strings.Contains(c, "작은 기사 본문.") {
			t.Errorf("%s: small item's content = %q, want its body", f, c)
		}
	}
}

// TestRenderConcurrency: however many uncached variants are asked for at
// once, at most RenderSlots renders run together, and while every slot is
// taken a cached feed is served at once (TestFetchWaits: a request waiting
// for a slot gives up when its client does).
func TestRenderConcurrency(t *testing.T) {
	var gs *gateStore
	e := startWith(t, nil, func(st server.Store) server.Store { gs = newGateStore(st); return gs })
	for i := range 30 {
		e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i%28+1), "News", "slow"))
	}
	if r := e.do("GET", "/feed.rss", nil); r.Code != 200 {
		t.Fatalf("GET: %d", r.Code)
	}
	slots := server.RenderSlots()
	gs.most.Store(0)
	// Hold every slot with renders of the slow category.
	var held sync.WaitGroup
	for i := range slots {
		held.Go(func() {
			if r := e.do("GET", fmt.Sprintf("/category/slow/feed.%s?limit=1&page=%d", []string{"rss", "atom", "json"}[i%3], 1+i/3), nil); r.Code != 200 {
				t.Errorf("slow feed: %d", r.Code)
			}
		})
	}
	for range slots {
		<-gs.entered
	}
	// Uncached variants wait for a slot.
	var waiting sync.WaitGroup
	for i := range 8 {
		waiting.Go(func() {
			path := fmt.Sprintf("/feed.%s?limit=%d&page=%d", []string{"rss", "atom", "json"}[i%3], []int{1, 2, 5, 10}[i%4], 1+i/4)
			if r := e.do("GET", path, nil, "Accept-Encoding", []string{"gzip", "br"}[i%2]); r.Code != 200 {
				t.Errorf("%s: %d", path, r.Code)
			}
		})
	}
	// The cached feed is served while every slot is taken.
	if r := e.do("GET", "/feed.rss", nil); r.Code != 200 {
		t.Errorf("cached feed while renders wait: %d", r.Code)
	}
	close(gs.open)
	held.Wait()
	waiting.Wait()
	if most := gs.most.Load(); most > int64(slots) {
		t.Errorf("%d renders ran at once, want at most %d", most, slots)
	}
}

// TestBigArticlesFitCache: with 50 stored articles of about 1 MB each,
// the site's three feeds, in every coding, are cached together: a second
// GET of each reads nothing from the store.
func TestBigArticlesFitCache(t *testing.T) {
	var gs *gateStore
	e := startWith(t, nil, func(st server.Store) server.Store { gs = newGateStore(st); return gs })
	// Stored directly: ingesting 50 MB of HTML would be most of the test.
	para := "<p>" + strings.Repeat("긴 기사의 한 문단입니다. A long paragraph of a long article. ", 40) + "</p>\n"
	body := strings.Repeat(para, (1<<20)/len(para))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			pub := time.Date(2026, 11, 1+i%28, 10, i, 0, 0, time.UTC)
			a := &feed.Article{
				ID: fmt.Sprintf("big-%d", i), GUID: fmt.Sprintf("tag:example.com,2026-11-01:big-%d", i),
				Title: fmt.Sprintf("큰 기사 %d", i), Categories: []string{"News"}, Excerpt: fmt.Sprintf("요약 %d.", i),
				ContentHTML: body, Published: pub, Updated: pub,
			}
			if _, err := e.DB.PutExpected(context.Background(), a, e.DB.ExpectWrite()); err != nil {
				t.Errorf("store %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	feeds := []string{"/feed.rss", "/feed.atom", "/feed.json"}
	etags := map[string]string{}
	for _, p := range feeds {
		for _, enc := range []string{"", "gzip", "br"} {
			r := e.do("GET", p, nil, "Accept-Encoding", enc)
			if r.Code != 200 {
				t.Fatalf("%s: %d", p, r.Code)
			}
			etags[p+enc] = r.Header.Get("ETag")
		}
	}
	again := func(when string) {
		t.Helper()
		before := gs.latest.Load()
		for _, p := range feeds {
			for _, enc := range []string{"", "gzip", "br"} {
				if r := e.do("GET", p, nil, "Accept-Encoding", enc); r.Code != 200 || r.Header.Get("ETag") != etags[p+enc] {
					t.Errorf("%s %s: %d, ETag %s, want %s", when, p, r.Code, r.Header.Get("ETag"), etags[p+enc])
				}
			}
		}
		if n := gs.latest.Load() - before; n != 0 {
			t.Errorf("%s: the site's feeds read the store %d times, want 0 (cached)", when, n)
		}
	}
	again("second GET")
}
