package server_test

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"sokbo/server"
)

// parsePage parses a page with the HTML5 parser a browser uses.
func parsePage(t testing.TB, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse page: %v\n%s", err, b)
	}
	return doc
}

// elements are the elements named tag under n, in document order.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

// attr is n's attribute key; ok is false when n has none.
func attr(n *html.Node, key string) (v string, ok bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// text is the text under n.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// page gets path, which must be an HTML page, and parses it.
func (e *env) page(path string) *html.Node {
	e.t.Helper()
	r := e.do("GET", path, nil)
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		e.t.Fatalf("GET %s: %d %s %s", path, r.Code, r.Header.Get("Content-Type"), r.Body)
	}
	return parsePage(e.t, r.Body)
}

// times are the <time> elements of a page, as datetime → text.
func times(n *html.Node) map[string]string {
	out := map[string]string{}
	for _, el := range elements(n, "time") {
		dt, _ := attr(el, "datetime")
		out[dt] = text(el)
	}
	return out
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestPageTimes: the index, a category page and an article page show the
// moment an article was published in the configured zone, written as the
// page's language writes it, with the same moment and that zone's offset
// in datetime. The article was published at 00:30 in Seoul: the day
// before (and a morning) in New York.
func TestPageTimes(t *testing.T) {
	for _, tc := range []struct {
		zone, lang         string
		datetime, readable string
	}{
		{"Asia/Seoul", "ko", "2026-11-24T00:30:00+09:00", "2026년 11월 24일 오전 12:30"},
		{"Asia/Seoul", "en", "2026-11-24T00:30:00+09:00", "Nov 24, 2026, 12:30 AM"},
		{"America/New_York", "ko", "2026-11-23T10:30:00-05:00", "2026년 11월 23일 오전 10:30"},
		{"America/New_York", "en", "2026-11-23T10:30:00-05:00", "Nov 23, 2026, 10:30 AM"},
	} {
		t.Run(tc.zone+"/"+tc.lang, func(t *testing.T) {
			e := startWith(t, func(c *server.Config) {
				c.Location = mustZone(t, tc.zone)
				c.Lang = tc.lang
			}, nil)
			if r := e.post(doc("자정 직후", "2026-11-24 00:30:00 +0900", "속보")); r.Code != http.StatusCreated {
				t.Fatalf("post: %d %s", r.Code, r.Body)
			}
			for _, path := range []string{"/", "/category/" + url.PathEscape("속보") + "/", "/articles/" + articleIDOf(t, e)} {
				got := times(e.page(path))
				if got[tc.datetime] != tc.readable {
					t.Errorf("%s: times %q, want %q at %s", path, got, tc.readable, tc.datetime)
				}
			}
		})
	}
}

// articleIDOf is the id of the one article e holds.
func articleIDOf(t testing.TB, e *env) string {
	t.Helper()
	items := feedItems(t, e, "/feed.json")
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	u, err := url.Parse(items[0].Link)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.EscapedPath(), "/articles/")
}

// TestArticleLang: an article page is in the article's own language (its
// lang: line), and writes its dates that way; one without is in the
// site's.
func TestArticleLang(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.Lang = "en" }, nil)
	for _, d := range []string{
		"---\ntitle: 한국어 기사\nid: ko-article\nlang: ko\ndate: 2026-11-24 12:30:00 +0900\n---\n<p>본문</p>\n",
		"---\ntitle: English article\nid: en-article\ndate: 2026-11-24 12:30:00 +0900\n---\n<p>Body</p>\n",
	} {
		if r := e.post([]byte(d)); r.Code != http.StatusCreated {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	for _, tc := range []struct{ id, lang, readable string }{
		{"ko-article", "ko", "2026년 11월 24일 오후 12:30"},
		{"en-article", "en", "Nov 24, 2026, 12:30 PM"},
	} {
		p := e.page("/articles/" + tc.id)
		if lang, _ := attr(elements(p, "html")[0], "lang"); lang != tc.lang {
			t.Errorf("%s: <html lang=%q>, want %q", tc.id, lang, tc.lang)
		}
		if got := times(p)["2026-11-24T12:30:00+09:00"]; got != tc.readable {
			t.Errorf("%s: time %q, want %q", tc.id, got, tc.readable)
		}
	}
}

// TestArticleCategoryFeeds: an article page's head links the site's feeds
// and every one of its categories' feeds, each in three formats, so that
// a reader given only the article's URL discovers them; each link is a
// feed the server serves. Its body links each category's RSS beside the
// category, and its foot the site's feeds alone.
func TestArticleCategoryFeeds(t *testing.T) {
	e := start(t)
	if r := e.post(doc("분류 기사", "2026-11-24", "경제/산업", "속보")); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	p := e.page("/articles/" + articleIDOf(t, e))
	type link struct{ typ, title, href string }
	var got []link
	for _, el := range elements(p, "link") {
		if rel, _ := attr(el, "rel"); rel != "alternate" {
			continue
		}
		typ, _ := attr(el, "type")
		title, _ := attr(el, "title")
		href, _ := attr(el, "href")
		got = append(got, link{typ, title, href})
	}
	var want []link
	for _, c := range []string{"", "경제/산업", "속보"} {
		base, title := e.URL+"/", "sokbo test"
		if c != "" {
			base += "category/" + url.PathEscape(c) + "/"
			title += " — " + c
		}
		want = append(want,
			link{"application/rss+xml", title + " (RSS)", base + "feed.rss"},
			link{"application/atom+xml", title + " (Atom)", base + "feed.atom"},
			link{"application/feed+json", title + " (JSON Feed)", base + "feed.json"})
	}
	if !slices.Equal(got, want) {
		t.Errorf("alternate links:\n got %q\nwant %q", got, want)
	}
	for _, l := range got {
		u, _ := url.Parse(l.href)
		if r := e.do("GET", u.EscapedPath(), nil); r.Code != http.StatusOK || len(feedItems(t, e, u.EscapedPath())) != 1 {
			t.Errorf("GET %s: %d, want the feed of the article", l.href, r.Code)
		}
	}
	var foot []string
	for _, el := range elements(p, "a") {
		if href, _ := attr(el, "href"); strings.Contains(href, "feed.") {
			foot = append(foot, href)
		}
	}
	// Each category's RSS beside its name, then the site's feeds at the foot.
	if want := []string{e.URL + "/category/" + url.PathEscape("경제/산업") + "/feed.rss", e.URL + "/category/" + url.PathEscape("속보") + "/feed.rss",
		e.URL + "/feed.rss", e.URL + "/feed.atom", e.URL + "/feed.json"}; !slices.Equal(foot, want) {
		t.Errorf("feed links in the body: %q, want %q", foot, want)
	}
}
