package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"
	"golang.org/x/text/unicode/norm"

	"sokbo/feed"
	"sokbo/server"
	"sokbo/store"
)

// tagDoc is doc with tags and authors.
func tagDoc(title, date string, tags, authors []string, cats ...string) []byte {
	list := func(names []string) string {
		var q []string
		for _, n := range names {
			q = append(q, fmt.Sprintf("%q", n))
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return []byte(fmt.Sprintf("---\ntitle: %q\ndate: %s\ncategories: %s\ntags: %s\nauthors: %s\n---\n<p>%s 본문. <mark>강조된 문장.</mark></p>\n",
		title, date, list(cats), list(tags), list(authors), title))
}

// mustPost posts d and fails the test unless it is stored.
func (e *env) mustPost(d []byte) article {
	e.t.Helper()
	r := e.post(d)
	if r.Code != 200 && r.Code != 201 {
		e.t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	return decode(e.t, r.Body)
}

// parsed reads a feed with gofeed, failing the test unless it is served.
func parsed(t testing.TB, e *env, path string) (*gofeed.Feed, resp) {
	t.Helper()
	r := e.do("GET", path, nil)
	if r.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
	}
	f, err := gofeed.NewParser().ParseString(string(r.Body))
	if err != nil {
		t.Fatalf("gofeed %s: %v", path, err)
	}
	return f, r
}

func titles(items []*gofeed.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

// TestTagAndAuthorFeeds: a tag's and an author's feeds, in the three
// formats read by gofeed, hold the articles carrying them, newest first,
// under a title naming them as the newest article spells them; every
// spelling of the name (case, spacing, NFD) is the same cached feed; an
// unknown tag or author, or a category asked for as a tag, is 404; their
// pages link their feeds as alternates.
func TestTagAndAuthorFeeds(t *testing.T) {
	e := start(t)
	e.mustPost(tagDoc("선거 기사", "2026-11-20", []string{"선거", "Economy"}, []string{"홍길동"}, "정치"))
	e.mustPost(tagDoc("시장 기사", "2026-11-21", []string{"economy"}, []string{"Kim Min", "홍길동"}, "경제"))
	e.mustPost(tagDoc("스포츠 기사", "2026-11-22", nil, []string{"Lee"}, "스포츠"))

	hong := url.PathEscape("홍길동")
	for _, tt := range []struct {
		path, title, home string
		want              []string
	}{
		{"/tag/economy/", "sokbo test — #economy", "/tag/economy/", []string{"시장 기사", "선거 기사"}},
		{"/tag/" + url.PathEscape("선거") + "/", "sokbo test — #선거", "/tag/" + url.PathEscape("선거") + "/", []string{"선거 기사"}},
		{"/author/" + hong + "/", "sokbo test — 홍길동", "/author/" + hong + "/", []string{"시장 기사", "선거 기사"}},
		{"/author/kim%20min/", "sokbo test — Kim Min", "/author/Kim%20Min/", []string{"시장 기사"}},
	} {
		for _, ext := range []string{"rss", "atom", "json"} {
			f, _ := parsed(t, e, tt.path+"feed."+ext)
			if f.Title != tt.title {
				t.Errorf("%sfeed.%s: title %q, want %q", tt.path, ext, f.Title, tt.title)
			}
			if got := titles(f.Items); !cmp.Equal(got, tt.want) {
				t.Errorf("%sfeed.%s: items %q, want %q", tt.path, ext, got, tt.want)
			}
			if f.Link != e.URL+tt.home {
				t.Errorf("%sfeed.%s: link %q, want %q", tt.path, ext, f.Link, e.URL+tt.home)
			}
		}
	}

	// Case, spacing and Unicode normalization do not make another feed.
	base := e.do("GET", "/tag/economy/feed.atom", nil)
	for _, p := range []string{
		"/tag/ECONOMY/feed.atom",
		"/tag/%20Economy%20/feed.atom",
		"/author/" + url.PathEscape(norm.NFD.String("홍길동")) + "/feed.atom",
	} {
		r := e.do("GET", p, nil)
		want := base
		if strings.HasPrefix(p, "/author/") {
			want = e.do("GET", "/author/"+hong+"/feed.atom", nil)
		}
		if r.Code != 200 || r.Header.Get("ETag") != want.Header.Get("ETag") {
			t.Errorf("GET %s: %d, ETag %s; want the feed's %s", p, r.Code, r.Header.Get("ETag"), want.Header.Get("ETag"))
		}
	}

	for _, p := range []string{
		"/tag/none/feed.rss", "/tag/none/feed.json", "/author/nobody/feed.atom",
		"/tag/none/", "/author/nobody/",
		"/tag/" + url.PathEscape("정치") + "/feed.rss", // a category, not a tag
		"/author/economy/feed.rss",                   // a tag, not an author
		"/tag/economy/feed.xml", "/tag/economy/other",
	} {
		if r := e.do("GET", p, nil); r.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.Code)
		}
	}
	if r := e.do("GET", "/tag/economy", nil); r.Code != 301 || r.Header.Get("Location") != "/tag/economy/" {
		t.Errorf("tag without slash: %d → %q", r.Code, r.Header.Get("Location"))
	}
	if r := e.do("GET", "/tag/%20/feed.rss", nil); r.Code != 400 {
		t.Errorf("blank tag: %d, want 400", r.Code)
	}

	for _, tt := range []struct{ path, title, feeds string }{
		{"/tag/Economy/", "sokbo test — #economy", e.URL + "/tag/economy/feed."},
		{"/author/" + hong + "/", "sokbo test — 홍길동", e.URL + "/author/" + hong + "/feed."},
	} {
		r := e.do("GET", tt.path, nil)
		page := string(r.Body)
		if r.Code != 200 || !strings.Contains(page, "<title>"+tt.title+"</title>") || !strings.Contains(page, "시장 기사") {
			t.Errorf("page %s: %d\n%s", tt.path, r.Code, page)
		}
		for _, f := range []struct{ ext, typ, name string }{{"rss", "rss+xml", "RSS"}, {"atom", "atom+xml", "Atom"}, {"json", "feed+json", "JSON Feed"}} {
			want := `<link rel="alternate" type="application/` + f.typ + `" title="` + tt.title + ` (` + f.name + `)" href="` + tt.feeds + f.ext + `">`
			if !strings.Contains(page, want) {
				t.Errorf("page %s lacks %s", tt.path, want)
			}
		}
	}
}

// TestFacetPaging: a tag's and an author's feeds page as a category's do:
// their next links walk every article once, a page past the last is 404
// and one too deep to walk is refused.
func TestFacetPaging(t *testing.T) {
	e := start(t)
	var want []string
	for i := range 7 {
		title := fmt.Sprintf("기사 %d", i)
		e.mustPost(tagDoc(title, fmt.Sprintf("2026-11-%02d", i+1), []string{"속보"}, []string{"Desk"}, "News"))
		want = append([]string{title}, want...)
	}
	e.mustPost(tagDoc("other", "2026-11-30", []string{"other"}, []string{"Else"}))
	for _, start := range []string{"/tag/" + url.PathEscape("속보") + "/feed.", "/author/desk/feed."} {
		for _, f := range []string{"rss", "atom", "json"} {
			var got []string
			next := e.URL + start + f + "?limit=2"
			for pages := 0; next != ""; pages++ {
				if pages > 4 {
					t.Fatalf("%s%s: more than 4 pages", start, f)
				}
				p, r := parsed(t, e, strings.TrimPrefix(next, e.URL))
				got = append(got, titles(p.Items)...)
				next = nextLink(r.Body, f)
			}
			if !cmp.Equal(got, want) {
				t.Errorf("%s%s: walked %q, want %q", start, f, got, want)
			}
		}
		if r := e.do("GET", start+"rss?limit=2&page=9", nil); r.Code != 404 {
			t.Errorf("%s page past the end: %d", start, r.Code)
		}
		if r := e.do("GET", start+"rss?limit=500&page=100", nil); r.Code != 400 {
			t.Errorf("%s page too deep: %d", start, r.Code)
		}
	}
}

// TestFacetTombstones: a deleted article is an RFC 6721 tombstone in the
// Atom feeds of its tags and authors, and gone from their RSS and JSON
// feeds; a tag whose only article is deleted keeps its Atom feed for the
// tombstone while the store keeps it.
func TestFacetTombstones(t *testing.T) {
	e := start(t)
	gone := e.mustPost(tagDoc("지울 기사", "2026-11-20", []string{"Rumor", "선거"}, []string{"홍길동"}))
	e.mustPost(tagDoc("남는 기사", "2026-11-21", []string{"선거"}, []string{"홍길동"}))
	if r := e.do("DELETE", "/api/articles/"+gone.ID, nil, "Authorization", "Bearer "+token); r.Code != 200 && r.Code != 204 {
		t.Fatalf("delete: %d %s", r.Code, r.Body)
	}
	for _, base := range []string{"/tag/rumor/", "/tag/" + url.PathEscape("선거") + "/", "/author/" + url.PathEscape("홍길동") + "/"} {
		r := e.do("GET", base+"feed.atom", nil)
		if r.Code != 200 {
			t.Fatalf("GET %sfeed.atom: %d %s", base, r.Code, r.Body)
		}
		if got := tombstones(t, r.Body); !cmp.Equal(got, []string{gone.GUID}) {
			t.Errorf("%sfeed.atom: tombstones %q, want %q", base, got, gone.GUID)
		}
		for _, ext := range []string{"rss", "json"} {
			f, _ := parsed(t, e, base+"feed."+ext)
			if slices.Contains(titles(f.Items), "지울 기사") {
				t.Errorf("%sfeed.%s still carries the deleted article", base, ext)
			}
		}
	}
	// The tag's page lists articles, of which it has none left.
	if r := e.do("GET", "/tag/rumor/", nil); r.Code != 404 {
		t.Errorf("page of a tag without articles: %d, want 404", r.Code)
	}
}

// latestInCounter counts the tag and author feed reads that reach the
// store.
type latestInCounter struct {
	server.Store
	n atomic.Int64
}

func (c *latestInCounter) LatestIn(ctx context.Context, f feed.Facet, offset, limit int) ([]*feed.Article, error) {
	c.n.Add(1)
	return c.Store.LatestIn(ctx, f, offset, limit)
}

// TestFacetCacheInvalidation: a tag's cached feed and page stay cached
// through writes that do not touch the tag, and change with the writes
// that give the tag to an article or take it away.
func TestFacetCacheInvalidation(t *testing.T) {
	var c *latestInCounter
	e := startWith(t, nil, func(st server.Store) server.Store { c = &latestInCounter{Store: st}; return c })
	e.mustPost(tagDoc("A", "2026-11-20", []string{"alpha"}, nil))
	e.mustPost(tagDoc("B", "2026-11-21", []string{"beta"}, nil))
	titlesOf := func(path string) []string {
		t.Helper()
		r := e.do("GET", path, nil)
		if r.Code == 404 {
			return nil
		}
		f, _ := parsed(t, e, path)
		return titles(f.Items)
	}
	if got := titlesOf("/tag/alpha/feed.atom"); !cmp.Equal(got, []string{"A"}) {
		t.Fatalf("alpha: %q", got)
	}
	page := e.do("GET", "/tag/alpha/", nil)
	reads := c.n.Load()

	e.mustPost(tagDoc("C", "2026-11-22", []string{"beta"}, []string{"Lee"}))
	if got := titlesOf("/tag/alpha/feed.atom"); !cmp.Equal(got, []string{"A"}) {
		t.Errorf("alpha after a post to beta: %q", got)
	}
	if again := e.do("GET", "/tag/alpha/", nil); again.Header.Get("ETag") != page.Header.Get("ETag") {
		t.Errorf("alpha's page changed with a post to beta")
	}
	if n := c.n.Load(); n != reads {
		t.Errorf("a post to another tag made alpha's feed or page read the store again (%d reads)", n-reads)
	}

	e.mustPost(tagDoc("B", "2026-11-21", []string{"beta", "ALPHA"}, nil)) // B gains the tag
	if got := titlesOf("/tag/alpha/feed.atom"); !cmp.Equal(got, []string{"B", "A"}) {
		t.Errorf("alpha after B gained it: %q", got)
	}
	if p := e.do("GET", "/tag/alpha/", nil); !bytes.Contains(p.Body, []byte(">B</a>")) {
		t.Errorf("alpha's page after B gained it:\n%s", p.Body)
	}
	e.mustPost(tagDoc("A", "2026-11-20", nil, nil)) // A loses it
	if got := titlesOf("/tag/alpha/feed.json"); !cmp.Equal(got, []string{"B"}) {
		t.Errorf("alpha after A lost it: %q", got)
	}
	e.mustPost(tagDoc("B", "2026-11-21", []string{"beta"}, nil)) // and B
	for _, p := range []string{"/tag/alpha/feed.atom", "/tag/alpha/feed.rss", "/tag/alpha/"} {
		if r := e.do("GET", p, nil); r.Code != 404 {
			t.Errorf("GET %s once no article has the tag: %d, want 404", p, r.Code)
		}
	}
	if got := titlesOf("/author/lee/feed.rss"); !cmp.Equal(got, []string{"C"}) {
		t.Errorf("author lee: %q", got)
	}
}

// TestFacetTopics: tag and author feeds are WebSub topics, named by their
// key like a category's; TopicsOf names them for a change's facets; a
// topic's document is the feed a GET serves.
func TestFacetTopics(t *testing.T) {
	e := startWith(t, withHub, nil)
	e.mustPost(tagDoc("경제 기사", "2026-11-20", []string{"Economy"}, []string{"홍길동"}, "News"))
	hong := url.PathEscape("홍길동")
	for _, tt := range []struct{ url, want string }{
		{e.URL + "/tag/ECONOMY/feed.rss", e.URL + "/tag/economy/feed.rss"},
		{e.URL + "/tag/economy/feed.json", e.URL + "/tag/economy/feed.json"},
		{e.URL + "/author/" + url.PathEscape(norm.NFD.String("홍길동")) + "/feed.atom", e.URL + "/author/" + hong + "/feed.atom"},
		{e.URL + "/tag/not-yet/feed.atom", e.URL + "/tag/not-yet/feed.atom"},
		{e.URL + "/tag/economy/", ""},
		{e.URL + "/tag/feed.rss", ""},
		{e.URL + "/tags/economy/feed.rss", ""},
		{e.URL + "/author/%20/feed.rss", ""},
		{e.URL + "/tag/economy/feed.rss?page=2", ""},
	} {
		got, ok := e.Server.Topic(tt.url)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Topic(%s) = %q, %v; want %q", tt.url, got, ok, tt.want)
		}
	}
	got := e.Server.TopicsOf([]feed.Facet{
		{Kind: feed.CategoryFacet, Name: "News"},
		{Kind: feed.TagFacet, Name: "Economy"},
		{Kind: feed.TagFacet, Name: "ECONOMY "},
		{Kind: feed.AuthorFacet, Name: "홍길동"},
		{Kind: feed.TagFacet, Name: " "},
	})
	var want []string
	for _, p := range []string{"/", "/category/news/", "/tag/economy/", "/author/" + hong + "/"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			want = append(want, e.URL+p+"feed."+ext)
		}
	}
	want[0], want[1], want[2] = e.URL+"/feed.rss", e.URL+"/feed.atom", e.URL+"/feed.json"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopicsOf (-want +got):\n%s", diff)
	}
	for _, topic := range want[3:] {
		body, _, err := e.Server.Document(context.Background(), topic)
		if err != nil {
			t.Fatalf("Document(%s): %v", topic, err)
		}
		r := e.do("GET", strings.TrimPrefix(topic, e.URL), nil)
		if !bytes.Equal(body, r.Body) {
			t.Errorf("Document(%s) is not what a GET serves", topic)
		}
		if _, self := bodyDiscovery(t, topic[strings.LastIndexByte(topic, '.')+1:], r.Body); self != topic {
			t.Errorf("%s names itself %s", topic, self)
		}
	}
}

// TestPreFacetsDatabase: a database written before tags and authors had
// feeds (the store's fixture) serves them once the server opens it, its
// indexes built on open; its tombstone, which kept no tags, is in its
// category's Atom feed only.
func TestPreFacetsDatabase(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "store", "testdata", "prefacets.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sokbo.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	// The fixture's clock: its deletion is within the kept window.
	now := time.Date(2026, 11, 20, 19, 0, 0, 0, time.UTC)
	e := startAt(t, path, store.Options{Now: func() time.Time { return now }}, nil, nil)
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/tag/" + url.PathEscape("선거") + "/feed.atom", []string{"Article vote-2", "Article vote-1"}},
		{"/tag/Economy/feed.rss", []string{"Article market", "Article vote-1"}},
		{"/author/" + url.PathEscape("홍길동") + "/feed.json", []string{"Article market", "Article vote-1"}},
	} {
		f, r := parsed(t, e, tt.path)
		if got := titles(f.Items); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.path, got, tt.want)
		}
		if strings.HasSuffix(tt.path, ".atom") && len(tombstones(t, r.Body)) != 0 {
			t.Errorf("%s lists a tombstone that kept no tags", tt.path)
		}
	}
	cat := e.do("GET", "/category/"+url.PathEscape("정치")+"/feed.atom", nil)
	if got := tombstones(t, cat.Body); len(got) != 1 {
		t.Errorf("category feed tombstones: %q, want the deleted article's", got)
	}
}
