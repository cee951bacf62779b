package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sokbo/feed"
	"sokbo/server"
	"sokbo/store"
)

const token = "test-token"

// client does not ask for gzip behind the tests' back (the default
// transport adds Accept-Encoding: gzip and decompresses silently).
// It does not follow redirects either, so tests see them.
var client = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type env struct {
	URL    string
	Base   *url.URL
	DB     *store.DB
	Server *server.Server
	path   string
	t      testing.TB
}

// start runs a real server on 127.0.0.1 over a bbolt file in a temp dir.
func start(t testing.TB) *env {
	t.Helper()
	return startWith(t, nil, nil)
}

// startWith is start with the configuration edited and the store wrapped
// (to count its calls).
func startWith(t testing.TB, edit func(*server.Config), wrap func(server.Store) server.Store) *env {
	t.Helper()
	return startStore(t, store.Options{}, edit, wrap)
}

// startStore is startWith with the store's options.
func startStore(t testing.TB, opt store.Options, edit func(*server.Config), wrap func(server.Store) server.Store) *env {
	t.Helper()
	return startAt(t, filepath.Join(t.TempDir(), "sokbo.db"), opt, edit, wrap)
}

// startAt is startStore over the store file at path.
func startAt(t testing.TB, path string, opt store.Options, edit func(*server.Config), wrap func(server.Store) server.Store) *env {
	t.Helper()
	db, err := store.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{DB: db, path: path, t: t}
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	ts.Listener = server.CheckFraming(ts.Config, ts.Listener) // as sokbo serve does
	ts.Start()
	t.Cleanup(func() { ts.Close(); db.Close() })
	e.URL = ts.URL
	e.Base, _ = url.Parse(ts.URL + "/")
	cfg := server.Config{
		Title:             "sokbo test",
		BaseURL:           e.Base,
		Lang:              "ko",
		Tokens:            []server.Token{{Name: "test", Secret: token}},
		SummaryHighlights: 5,
		MaxBody:           64 << 10,
	}
	if edit != nil {
		edit(&cfg)
	}
	var st server.Store = db
	if wrap != nil {
		st = wrap(db)
	}
	e.Server = server.New(cfg, st)
	h = e.Server
	return e
}

func seed(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type resp struct {
	Code   int
	Header http.Header
	Body   []byte
}

// do makes a request. It is called from goroutines too, so a transport
// failure is reported with Errorf (never Fatal) and answered as status 0,
// which every caller's status check then rejects.
func (e *env) do(method, path string, body []byte, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Errorf("%s %s: %v", method, path, err)
		return resp{}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		e.t.Errorf("%s %s: %v", method, path, err)
		return resp{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Errorf("%s %s: reading the body: %v", method, path, err)
		return resp{}
	}
	return resp{res.StatusCode, res.Header, b}
}

func (e *env) post(doc []byte, hdr ...string) resp {
	e.t.Helper()
	return e.do("POST", "/api/articles", doc, append([]string{"Authorization", "Bearer " + token, "Content-Type", "text/markdown; charset=utf-8"}, hdr...)...)
}

type article struct {
	ID         string    `json:"id"`
	GUID       string    `json:"guid"`
	Title      string    `json:"title"`
	Categories []string  `json:"categories"`
	Highlights []string  `json:"highlights"`
	Image      string    `json:"image"`
	Excerpt    string    `json:"excerpt"`
	Link       string    `json:"link"`
	Published  time.Time `json:"published"`
	Updated    time.Time `json:"updated"`
}

func decode(t testing.TB, b []byte) article {
	t.Helper()
	var a article
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return a
}

// The seed's first five highlighted sentences (of 16), widened to whole
// sentences: what a summary shows after the excerpt.
var seedSentences = []string{
	"대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 양국 간 긴밀한 협력은 지속적으로 유지될 것이라는 입장을 밝혔습니다.",
	"대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다.",
	"우리 정부는 이와 같은 초당적 지지를 활용하여 동맹을 더욱 강화할 계획입니다.",
	"이러한 발언은 그가 대선 후보직을 사퇴한 이유 중 하나로 이해될 수 있습니다.",
	"다만, 대통령실은 타국의 국내 정치 관련 상황에 언급하기를 원치 않는다고 강조했습니다.",
}

const seedExcerpt = "한미 동맹의 미국 내 지지는 초당적이라는 대통령실의 발언이 주목받고 있다."

// TestSeedEndToEnd posts the seed article to a real server and reads all
// three feeds back with gofeed.
func TestSeedEndToEnd(t *testing.T) {
	e := start(t)
	r := e.post(seed(t))
	if r.Code != http.StatusCreated {
		t.Fatalf("POST seed: %d %s", r.Code, r.Body)
	}
	a := decode(t, r.Body)
	if a.ID == "" || a.GUID == "" {
		t.Fatalf("stored article lacks id or guid: %s", r.Body)
	}
	if loc := r.Header.Get("Location"); loc != e.Base.JoinPath("api", "articles", a.ID).String() {
		t.Errorf("Location = %q", loc)
	}
	if len(a.Highlights) != 16 {
		t.Fatalf("%d highlights, want the seed's 16: %q", len(a.Highlights), a.Highlights)
	}
	for i, s := range seedSentences {
		if a.Highlights[i] != s {
			t.Errorf("highlight %d = %q, want %q", i, a.Highlights[i], s)
		}
	}
	wantImage := e.URL + "/assets/img/newsdao_breakingnews.jpg"

	// The public JSON API shows the same, with all highlights, and the
	// content the POST's answer leaves out; neither shows the store's
	// bookkeeping.
	g := e.do("GET", "/api/articles/"+url.PathEscape(a.ID), nil)
	if g.Code != 200 || len(decode(t, g.Body).Highlights) != len(a.Highlights) {
		t.Fatalf("GET article: %d %s", g.Code, g.Body)
	}
	var posted, got map[string]any
	if err := json.Unmarshal(r.Body, &posted); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(g.Body, &got); err != nil {
		t.Fatal(err)
	}
	if c, _ := got["content_html"].(string); !strings.Contains(c, "<b>") {
		t.Errorf("GET article: content_html %.80q", c)
	}
	if _, ok := posted["content_html"]; ok {
		t.Error("POST answer repeats content_html")
	}
	for _, k := range []string{"hash", "seq", "date_set", "updated_set"} {
		if _, ok := got[k]; ok {
			t.Errorf("GET article shows %s", k)
		}
		if _, ok := posted[k]; ok {
			t.Errorf("POST answer shows %s", k)
		}
	}
	for _, k := range []string{"id", "guid", "link", "summary", "title", "published", "updated", "highlights"} {
		if got[k] == nil || posted[k] == nil {
			t.Errorf("%s missing: GET %v, POST %v", k, got[k], posted[k])
		}
	}

	for _, tc := range []struct{ path, ctype string }{
		{"/feed.rss", "application/rss+xml; charset=utf-8"},
		{"/feed.atom", "application/atom+xml; charset=utf-8"},
		{"/feed.json", "application/feed+json; charset=utf-8"},
		{"/category/News/feed.rss", "application/rss+xml; charset=utf-8"},
		{"/category/news/feed.atom", "application/atom+xml; charset=utf-8"},
		{"/category/News/feed.json", "application/feed+json; charset=utf-8"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := e.do("GET", tc.path, nil)
			if r.Code != 200 {
				t.Fatalf("GET %s: %d %s", tc.path, r.Code, r.Body)
			}
			if got := r.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
			}
			if !strings.HasSuffix(tc.path, ".json") {
				wellFormed(t, r.Body)
			}
			f, err := gofeed.NewParser().ParseString(string(r.Body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if len(f.Items) != 1 {
				t.Fatalf("%d items, want 1", len(f.Items))
			}
			it := f.Items[0]
			if it.Title != "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!" {
				t.Errorf("title = %q", it.Title)
			}
			if len(it.Categories) == 0 || it.Categories[0] != "News" {
				t.Errorf("categories = %q", it.Categories)
			}
			if it.GUID != a.GUID {
				t.Errorf("guid = %q, want %q", it.GUID, a.GUID)
			}
			if it.Link != e.Base.JoinPath("articles", a.ID).String() {
				t.Errorf("link = %q", it.Link)
			}
			if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.Published.Truncate(time.Second)) {
				t.Errorf("published = %v, want %v", it.PublishedParsed, a.Published)
			}
			// RSS has no updated date; Atom and JSON Feed do.
			if !strings.HasSuffix(tc.path, ".rss") && (it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(a.Updated.Truncate(time.Second))) {
				t.Errorf("updated = %v, want %v", it.UpdatedParsed, a.Updated)
			}
			if strings.Contains(it.Description, "앞으로도 이러한 협력은") {
				t.Errorf("summary holds more than 5 highlights")
			}
			if img := imageOf(it); img != wantImage {
				t.Errorf("image = %q, want %q", img, wantImage)
			}
			// The summary: the excerpt, then the highlighted sentences in order.
			sum := it.Description
			last := strings.Index(sum, seedExcerpt)
			if last < 0 {
				t.Errorf("summary lacks the excerpt: %q", sum)
			}
			for _, s := range seedSentences {
				i := strings.Index(sum, s)
				if i < last {
					t.Errorf("summary lacks %q after the previous part: %q", s, sum)
				}
				last = i
			}
			if !strings.Contains(it.Content, "양국 간 긴밀한 협력은 지속적으로 유지될 것") ||
				!strings.Contains(it.Content, `src="`+wantImage+`"`) {
				t.Errorf("content lacks the body or its absolute image: %.300q", it.Content)
			}
		})
	}
}

func imageOf(it *gofeed.Item) string {
	if it.Image != nil {
		return it.Image.URL
	}
	for _, enc := range it.Enclosures {
		if strings.HasPrefix(enc.Type, "image/") {
			return enc.URL
		}
	}
	if m := it.Extensions["media"]["content"]; len(m) > 0 {
		return m[0].Attrs["url"]
	}
	return ""
}

func wellFormed(t testing.TB, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
}

func TestRepostUpdateDelete(t *testing.T) {
	e := start(t)
	doc := seed(t)
	first := e.post(doc)
	if first.Code != 201 {
		t.Fatalf("first post: %d %s", first.Code, first.Body)
	}
	a := decode(t, first.Body)
	again := e.post(doc)
	if again.Code != 200 {
		t.Fatalf("re-post: %d %s", again.Code, again.Body)
	}
	if b := decode(t, again.Body); b.ID != a.ID || !b.Updated.Equal(a.Updated) {
		t.Errorf("re-post changed the article: %+v → %+v", a, b)
	}
	items := feedItems(t, e, "/feed.json")
	if len(items) != 1 {
		t.Fatalf("%d items after re-post, want 1", len(items))
	}

	page := "/articles/" + url.PathEscape(a.ID)
	if p := e.do("GET", page, nil); p.Code != 200 || strings.Contains(string(p.Body), "경제/산업") {
		t.Fatalf("page before the update: %d", p.Code)
	}
	// The same identity with other content updates; published stays.
	changed := bytes.Replace(doc, []byte("categories:\n  - News"), []byte("categories:\n  - 경제/산업"), 1)
	up := e.post(changed)
	if up.Code != 200 {
		t.Fatalf("update: %d %s", up.Code, up.Body)
	}
	b := decode(t, up.Body)
	if b.ID != a.ID || b.GUID != a.GUID || !b.Published.Equal(a.Published) {
		t.Errorf("update changed identity or published: %+v → %+v", a, b)
	}
	if p := e.do("GET", page, nil); !strings.Contains(string(p.Body), "경제/산업") {
		t.Errorf("article page not updated")
	}
	// Its old category has no articles left: it no longer exists.
	if r := e.do("GET", "/category/News/feed.json", nil); r.Code != 404 {
		t.Errorf("old category feed: %d, want 404 (empty)", r.Code)
	}
	if n := len(feedItems(t, e, "/category/"+url.PathEscape("경제/산업")+"/feed.json")); n != 1 {
		t.Errorf("%d items in the new category, want 1", n)
	}

	del := e.do("DELETE", "/api/articles/"+url.PathEscape(a.ID), nil, "Authorization", "Bearer "+token)
	if del.Code != 204 {
		t.Fatalf("delete: %d %s", del.Code, del.Body)
	}
	for _, p := range []string{"/feed.rss", "/feed.atom", "/feed.json"} {
		if n := len(feedItems(t, e, p)); n != 0 {
			t.Errorf("%s has %d items after delete", p, n)
		}
	}
	// Its category keeps existing while the deletion is recent: its Atom
	// feed tells aggregators to remove the entry (RFC 6721).
	cat := e.do("GET", "/category/"+url.PathEscape("경제/산업")+"/feed.atom", nil)
	if cat.Code != 200 || !strings.Contains(string(cat.Body), `<at:deleted-entry ref="`+a.GUID+`" when="`) {
		t.Errorf("category Atom feed after delete: %d\n%s", cat.Code, cat.Body)
	}
	site := e.do("GET", "/feed.atom", nil)
	if !strings.Contains(string(site.Body), `xmlns:at="http://purl.org/atompub/tombstones/1.0"`) || !strings.Contains(string(site.Body), `ref="`+a.GUID+`"`) {
		t.Errorf("site Atom feed lacks the tombstone:\n%s", site.Body)
	}
	for _, p := range []string{"/feed.rss", "/feed.json"} {
		if strings.Contains(string(e.do("GET", p, nil).Body), a.GUID) {
			t.Errorf("%s still mentions the deleted article", p)
		}
	}
	if g := e.do("GET", "/api/articles/"+url.PathEscape(a.ID), nil); g.Code != 404 {
		t.Errorf("GET deleted: %d", g.Code)
	}
	// Posting it again (in another category) brings it back, without its
	// tombstone, also in the category it was deleted from.
	e.do("GET", "/category/"+url.PathEscape("경제/산업")+"/feed.atom", nil) // cached with the tombstone
	if r := e.post(bytes.Replace(changed, []byte("경제/산업"), []byte("Other"), 1)); r.Code != 201 {
		t.Fatalf("post again: %d %s", r.Code, r.Body)
	}
	if strings.Contains(string(e.do("GET", "/feed.atom", nil).Body), "deleted-entry") {
		t.Errorf("tombstone kept after the article came back")
	}
	if strings.Contains(string(e.do("GET", "/category/"+url.PathEscape("경제/산업")+"/feed.atom", nil).Body), "deleted-entry") {
		t.Errorf("tombstone kept in the category feed after the article came back")
	}
}

func feedItems(t testing.TB, e *env, path string) []*gofeed.Item {
	t.Helper()
	r := e.do("GET", path, nil)
	if r.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
	}
	f, err := gofeed.NewParser().ParseString(string(r.Body))
	if err != nil {
		t.Fatalf("gofeed %s: %v", path, err)
	}
	return f.Items
}

// TestRejected: every bad request gets a 4xx with a JSON error naming the
// problem, and the store is unchanged.
func TestRejected(t *testing.T) {
	e := start(t)
	ok := e.post([]byte("---\ntitle: kept\n---\nbody"))
	if ok.Code != 201 {
		t.Fatalf("setup post: %d %s", ok.Code, ok.Body)
	}
	before := e.do("GET", "/feed.json", nil).Body
	big := append([]byte("---\ntitle: big\n---\n"), bytes.Repeat([]byte("가"), 64<<10)...)
	for _, tc := range []struct {
		name string
		do   func() resp
		code int
		want string
	}{
		{"no token", func() resp { return e.do("POST", "/api/articles", seed(t)) }, 401, "Authorization"},
		{"wrong token", func() resp {
			return e.do("POST", "/api/articles", seed(t), "Authorization", "Bearer nope")
		}, 401, "Authorization"},
		{"json body", func() resp { return e.post(seed(t), "Content-Type", "application/json") }, 415, "Content-Type"},
		{"latin1", func() resp { return e.post(seed(t), "Content-Type", "text/plain; charset=iso-8859-1") }, 415, "charset"},
		{"too large", func() resp { return e.post(big) }, 413, "limit"},
		{"no title", func() resp { return e.post([]byte("---\nexcerpt: x\n---\nbody")) }, 400, "title"},
		{"no front matter", func() resp { return e.post([]byte("just text")) }, 400, "front matter"},
		{"bad yaml", func() resp { return e.post([]byte("---\ntitle: a\ncategories: [x\n---\nbody")) }, 400, "line"},
		{"invalid utf-8", func() resp { return e.post([]byte("---\ntitle: a\xff\n---\nbody")) }, 400, "UTF-8"},
		{"bad limit", func() resp { return e.do("GET", "/feed.rss?limit=0", nil) }, 400, "limit"},
		{"huge limit", func() resp { return e.do("GET", "/feed.rss?limit=100000", nil) }, 400, "limit"},
		{"delete no token", func() resp { return e.do("DELETE", "/api/articles/kept", nil) }, 401, "Authorization"},
		{"delete missing", func() resp {
			return e.do("DELETE", "/api/articles/nope", nil, "Authorization", "Bearer "+token)
		}, 404, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.do()
			if r.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", r.Code, tc.code, r.Body)
			}
			var body struct{ Error string }
			if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == "" {
				t.Fatalf("body %q is not a JSON error: %v", r.Body, err)
			}
			if !strings.Contains(strings.ToLower(body.Error), strings.ToLower(tc.want)) {
				t.Errorf("error %q does not name %q", body.Error, tc.want)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	if after := e.do("GET", "/feed.json", nil).Body; !bytes.Equal(before, after) {
		t.Errorf("rejected requests changed the feed:\n%s\n→\n%s", before, after)
	}
}

func TestPagesAndLimits(t *testing.T) {
	e := start(t)
	for i, title := range []string{"first <one> & ]]>", "second", "third"} {
		doc := "---\ntitle: \"" + strings.ReplaceAll(title, `"`, `\"`) + "\"\ndate: 2026-11-2" + string(rune('1'+i)) + " 10:00:00 +0900\ncategories: [경제/산업, 속보]\n---\n<p>본문 <script>alert(1)</script><a href=\"/x\" onclick=\"evil()\">link</a></p>"
		if r := e.post([]byte(doc)); r.Code != 201 {
			t.Fatalf("post %d: %d %s", i, r.Code, r.Body)
		}
	}
	items := feedItems(t, e, "/feed.rss?limit=2")
	if len(items) != 2 || items[0].Title != "third" || items[1].Title != "second" {
		t.Fatalf("limit=2 gave %d items: %v", len(items), items)
	}
	all := feedItems(t, e, "/feed.atom")
	if got := all[2].Title; got != "first <one> & ]]>" {
		t.Errorf("title round trip = %q", got)
	}
	if c := all[0].Content; strings.Contains(c, "<script") || strings.Contains(c, "onclick") || !strings.Contains(c, `href="`+e.URL+`/x"`) {
		t.Errorf("content not sanitized or link not absolute: %q", c)
	}
	// Category names with "/" and non-ASCII, percent-encoded or not.
	for _, p := range []string{"/category/" + url.PathEscape("경제/산업") + "/feed.rss", "/category/경제/산업/feed.rss"} {
		if n := len(feedItems(t, e, p)); n != 3 {
			t.Errorf("%s: %d items, want 3", p, n)
		}
	}
	if r := e.do("GET", "/category/none/feed.json", nil); r.Code != 404 {
		t.Errorf("unknown category: %d, want 404", r.Code)
	}
	// The self link is the URL as requested, the title the name as filed.
	if r := e.do("GET", "/category/%EC%86%8D%EB%B3%B4/feed.atom", nil); !strings.Contains(string(r.Body), `href="`+e.URL+`/category/%EC%86%8D%EB%B3%B4/feed.atom" rel="self"`) {
		t.Errorf("category self link:\n%s", r.Body)
	}
	if r := e.do("GET", "/category/%EC%86%8D%EB%B3%B4", nil); r.Code != 301 || r.Header.Get("Location") != "/category/%EC%86%8D%EB%B3%B4/" {
		t.Errorf("category without slash: %d → %q", r.Code, r.Header.Get("Location"))
	}
	if r := e.do("GET", "/articles/nope", nil); r.Code != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("missing page: %d %s", r.Code, r.Header.Get("Content-Type"))
	}

	idx := e.do("GET", "/", nil)
	page := string(idx.Body)
	if idx.Code != 200 || !strings.Contains(page, `rel="alternate" type="application/atom+xml"`) || !strings.Contains(page, "first &lt;one&gt; &amp; ]]&gt;") {
		t.Errorf("index page: %d %s", idx.Code, page)
	}
	if csp := idx.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	link := all[0].Link
	u, _ := url.Parse(link)
	art := e.do("GET", u.EscapedPath(), nil)
	if art.Code != 200 || strings.Contains(string(art.Body), "<script") || !strings.Contains(string(art.Body), `type="application/rss+xml"`) {
		t.Errorf("article page %s: %d %s", link, art.Code, art.Body)
	}
	if r := e.do("GET", "/articles/nope", nil); r.Code != 404 {
		t.Errorf("missing article page: %d", r.Code)
	}
	if r := e.do("HEAD", "/feed.rss", nil); r.Code != 200 || len(r.Body) != 0 {
		t.Errorf("HEAD: %d, %d bytes", r.Code, len(r.Body))
	}
}

// TestDotCategories: categories named "." and ".." get links that URL
// resolution cannot turn into "this" or "the parent" directory.
func TestDotCategories(t *testing.T) {
	e := start(t)
	r := e.post([]byte("---\ntitle: dots\ncategories: [\"..\", \".\"]\n---\n<p>x</p>\n"))
	if r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	page := string(e.do("GET", "/articles/dots", nil).Body)
	if strings.Contains(page, "/category/../") || strings.Contains(page, "/category/./") || !strings.Contains(page, "/category/%2E%2E/") {
		t.Errorf("page links:\n%s", page)
	}
	for _, p := range []string{"/category/%2E%2E/feed.rss", "/category/%2E/feed.atom"} {
		if n := len(feedItems(t, e, p)); n != 1 {
			t.Errorf("%s: %d items", p, n)
		}
	}
}

// TestBackupWhilePosting: a snapshot taken while articles keep arriving is
// a sound database holding every article acknowledged before it started.
func TestBackupWhilePosting(t *testing.T) {
	e := start(t)
	for i := range 20 {
		if r := e.post(doc(fmt.Sprintf("before %d", i), "2026-11-01", "News")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				e.post(doc(fmt.Sprintf("during %d-%d", w, i), "2026-11-02", "News"))
			}
		})
	}
	if r := e.do("GET", "/api/backup", nil); r.Code != 401 {
		t.Errorf("backup without token: %d", r.Code)
	}
	r := e.do("GET", "/api/backup", nil, "Authorization", "Bearer "+token)
	close(stop)
	wg.Wait()
	if r.Code != 200 || r.Header.Get("Content-Length") != fmt.Sprint(len(r.Body)) {
		t.Fatalf("backup: %d, Content-Length %s, %d bytes", r.Code, r.Header.Get("Content-Length"), len(r.Body))
	}
	path := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(path, r.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer db.Close()
	if problems, err := db.Check(context.Background()); err != nil || len(problems) > 0 {
		t.Fatalf("backup check: %v %q", err, problems)
	}
	for i := range 20 {
		if _, err := db.Get(context.Background(), fmt.Sprintf("2026-11-01-before-%d", i)); err != nil {
			t.Errorf("article acknowledged before the backup: %v", err)
		}
	}
}

// TestRateLimit: a token over its rate gets 429 with Retry-After; another
// token is not affected.
func TestRateLimit(t *testing.T) {
	e := startWith(t, func(c *server.Config) {
		c.Tokens = []server.Token{
			{Name: "slow", Secret: "slow-token-0123456789", Rate: 0.5, Burst: 2},
			{Name: "test", Secret: token},
		}
	}, nil)
	post := func(tok string, i int) resp {
		return e.do("POST", "/api/articles", doc(fmt.Sprintf("rate %s %d", tok[:4], i), "2026-11-01", "News"), "Authorization", "Bearer "+tok)
	}
	for i := range 2 {
		if r := post("slow-token-0123456789", i); r.Code != 201 {
			t.Fatalf("post %d within the burst: %d %s", i, r.Code, r.Body)
		}
	}
	r := post("slow-token-0123456789", 2)
	if r.Code != 429 || r.Header.Get("Retry-After") != "2" || !strings.Contains(string(r.Body), `"error"`) {
		t.Errorf("over the rate: %d, Retry-After %q, %s", r.Code, r.Header.Get("Retry-After"), r.Body)
	}
	for i := range 5 {
		if r := post(token, i); r.Code != 201 {
			t.Errorf("other token throttled: %d", r.Code)
		}
	}
	// A refused post changed nothing.
	if g := e.do("GET", "/api/articles/2026-11-01-rate-slow-2", nil); g.Code != 404 {
		t.Errorf("throttled post was stored: %d", g.Code)
	}
}

func TestStats(t *testing.T) {
	e := start(t)
	if r := e.do("GET", "/api/stats", nil); r.Code != 401 {
		t.Errorf("stats without token: %d", r.Code)
	}
	stats := func() map[string]float64 {
		t.Helper()
		r := e.do("GET", "/api/stats", nil, "Authorization", "Bearer "+token)
		var v map[string]float64
		if err := json.Unmarshal(r.Body, &v); err != nil || v["goroutines"] < 1 || v["heap_alloc"] <= 0 {
			t.Fatalf("stats: %d %s %v", r.Code, r.Body, err)
		}
		return v
	}
	before := stats()
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if r := e.post(doc(fmt.Sprintf("stats %d", i), "2026-11-01", "News")); r.Code != 201 {
				t.Errorf("post: %d %s", r.Code, r.Body)
			}
		})
	}
	wg.Wait()
	after := stats()
	groups, writes := after["write_groups"]-before["write_groups"], after["writes"]-before["writes"]
	if writes != n || groups < 1 || groups > n {
		t.Errorf("%d posts: %v write groups of %v writes", n, groups, writes)
	}
}

// announcingStore records the announcements a server makes, and whether
// each was withdrawn before its Put (the store would otherwise hold the
// commit for it).
type announcingStore struct {
	server.Store
	announced, withdrawn, puts, putsWhileExpected atomic.Int64
}

func (s *announcingStore) ExpectWrite() func() {
	s.announced.Add(1)
	withdraw := s.Store.ExpectWrite()
	var once sync.Once
	return func() {
		once.Do(func() { s.withdrawn.Add(1) })
		withdraw()
	}
}

func (s *announcingStore) PutExpected(ctx context.Context, a *feed.Article, withdraw func(), pre ...feed.Precondition) (feed.Change, error) {
	s.puts.Add(1)
	if s.announced.Load() != s.withdrawn.Load()+1 {
		s.putsWhileExpected.Add(1) // another announcement stands, or none
	}
	c, err := s.Store.PutExpected(ctx, a, withdraw, pre...)
	if s.announced.Load() != s.withdrawn.Load() {
		s.putsWhileExpected.Add(1) // PutExpected left its announcement standing
	}
	return c, err
}

// TestPostsAnnounced: the server announces each post to the store while
// parsing it (so that concurrent posts share a commit), and withdraws the
// announcement of a post that fails. With a store that holds a commit for
// 20 s while a write is announced, a leaked announcement would hold every
// later post that long.
func TestPostsAnnounced(t *testing.T) {
	var st *announcingStore
	e := startStore(t, store.Options{Linger: 20 * time.Second}, nil, func(s server.Store) server.Store {
		st = &announcingStore{Store: s}
		return st
	})
	posted := func(name string, body []byte, want int) {
		t.Helper()
		done := make(chan resp, 1)
		go func() { done <- e.post(body) }()
		select {
		case r := <-done:
			if r.Code != want {
				t.Errorf("%s: %d %s, want %d", name, r.Code, r.Body, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no answer in 10 s (an announcement left standing?)", name)
		}
	}
	posted("first", doc("announced 1", "2026-11-01", "News"), 201)
	posted("no title", []byte("---\ncategories: [News]\n---\nbody"), 400)
	posted("bad yaml", []byte("---\ntitle: [\n---\nbody"), 400)
	posted("after the failures", doc("announced 2", "2026-11-01", "News"), 201)
	posted("unchanged re-post", doc("announced 2", "2026-11-01", "News"), 200)
	posted("last", doc("announced 3", "2026-11-01", "News"), 201)
	// Every post was announced while parsed and withdrawn, the failures
	// too; each Put carried exactly its own announcement and withdrew it
	// (the posts here are sequential).
	if a, w, p, pe := st.announced.Load(), st.withdrawn.Load(), st.puts.Load(), st.putsWhileExpected.Load(); a != 6 || w != 6 || p != 4 || pe != 0 {
		t.Errorf("%d announced, %d withdrawn, %d puts, %d with a wrong announcement count; want 6, 6, 4, 0", a, w, p, pe)
	}
}

// TestUnmatched: requests no route matches answer in the service's style:
// an HTML page for a person's GET, JSON under /api/ and for feeds; a
// wrong method is 405 with Allow.
func TestUnmatched(t *testing.T) {
	e := start(t)
	tests := []struct {
		method, path string
		code         int
		ctype        string
		allow        string
	}{
		{"GET", "/nope", 404, "text/html", ""},
		{"GET", "/articles/", 404, "text/html", ""},
		{"GET", "/api/nope", 404, "application/json", ""},
		{"GET", "/feed.xml", 404, "application/json", ""},
		{"DELETE", "/feed.rss", 405, "application/json", "GET, HEAD"},
		{"PUT", "/api/articles", 405, "application/json", "POST"},
		{"POST", "/", 405, "application/json", "GET, HEAD"},
	}
	for _, tt := range tests {
		r := e.do(tt.method, tt.path, nil)
		if r.Code != tt.code || !strings.HasPrefix(r.Header.Get("Content-Type"), tt.ctype) {
			t.Errorf("%s %s: %d %s, want %d %s", tt.method, tt.path, r.Code, r.Header.Get("Content-Type"), tt.code, tt.ctype)
		}
		if got := r.Header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
		if tt.ctype == "application/json" {
			var body struct{ Error string }
			if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == "" {
				t.Errorf("%s %s: body %q is not a JSON error", tt.method, tt.path, r.Body)
			}
		}
	}
}
