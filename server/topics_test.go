package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"
	"golang.org/x/text/unicode/norm"

	"sokbo/feed"
	"sokbo/server"
)

// 경제 and 경제/산업 percent-encoded as one segment.
const (
	econ     = "%EA%B2%BD%EC%A0%9C"
	econInds = "%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85"
)

// TestTopic: the live feeds are topics under every spelling the server
// serves as them, each named by the feed's canonical URL; anything else,
// a URL that a GET would answer with another document, a redirect or an
// error included, is not a topic.
func TestTopic(t *testing.T) {
	// The canonical URL is the one the feeds name as self: the base URL
	// as configured, its host's case included.
	const base, configured = "https://news.example.com/sokbo/", "https://News.Example.com/sokbo/"
	e := startWith(t, func(c *server.Config) { c.BaseURL, _ = url.Parse(configured) }, nil)
	tests := []struct {
		name, url string
		want      string // canonical; "" when not a topic
	}{
		{"site rss", base + "feed.rss", configured + "feed.rss"},
		{"site atom", base + "feed.atom", configured + "feed.atom"},
		{"site json", base + "feed.json", configured + "feed.json"},
		{"scheme and host cased, default port", "HTTPS://NEWS.example.COM:443/sokbo/feed.atom", configured + "feed.atom"},
		{"category", base + "category/news/feed.rss", configured + "category/news/feed.rss"},
		{"category cased", base + "category/NeWs/feed.rss", configured + "category/news/feed.rss"},
		{"category spaced", base + "category/Breaking%20%20News%20/feed.json", configured + "category/breaking%20news/feed.json"},
		{"korean category", base + "category/" + econ + "/feed.json", configured + "category/" + econ + "/feed.json"},
		{"lower-case escapes", base + "category/" + strings.ToLower(econ) + "/feed.json", configured + "category/" + econ + "/feed.json"},
		{"unescaped IRI", base + "category/경제/feed.atom", configured + "category/" + econ + "/feed.atom"},
		{"decomposed Hangul", base + "category/" + url.PathEscape(norm.NFD.String("경제")) + "/feed.atom", configured + "category/" + econ + "/feed.atom"},
		{"slash escaped", base + "category/" + econInds + "/feed.atom", configured + "category/" + econInds + "/feed.atom"},
		{"slash bare", base + "category/경제/산업/feed.atom", configured + "category/" + econInds + "/feed.atom"},
		{"dot category", base + "category/%2E%2E/feed.rss", configured + "category/%2E%2E/feed.rss"},
		{"category without articles yet", base + "category/nothing-yet/feed.rss", configured + "category/nothing-yet/feed.rss"},

		{"query", base + "feed.rss?limit=10", ""},
		{"empty query", base + "feed.rss?", ""},
		{"category with a query", base + "category/news/feed.rss?page=2", ""},
		{"fragment", base + "feed.rss#top", ""},
		{"other scheme", "http://news.example.com/sokbo/feed.rss", ""},
		{"other host", "https://example.com/sokbo/feed.rss", ""},
		{"other port", "https://news.example.com:8443/sokbo/feed.rss", ""},
		{"user info", "https://reader@news.example.com/sokbo/feed.rss", ""},
		{"outside the base path", "https://news.example.com/feed.rss", ""},
		{"relative", "/sokbo/feed.rss", ""},
		{"not a URL", "feed.rss", ""},
		{"empty", "", ""},
		{"bad URL", "https://news.example.com/sokbo/%zz/feed.rss", ""},
		{"mailto", "mailto:desk@news.example.com", ""},
		{"unknown format", base + "feed.xml", ""},
		{"category, unknown format", base + "category/news/feed.xml", ""},
		{"archive", base + "archive/1/feed.rss", ""},
		{"home page", base, ""},
		{"category page", base + "category/news/", ""},
		{"article page", base + "articles/feed.rss", ""},
		{"no category", base + "category/feed.rss", ""},
		{"empty category", base + "category//feed.rss", ""},
		{"blank category", base + "category/%20/feed.rss", ""},
		{"dot segment", base + "./feed.rss", ""},
		{"dot-dot segment", base + "category/news/../feed.rss", ""},
		{"not UTF-8", base + "category/%FF/feed.rss", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := e.Server.Topic(tt.url)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("Topic(%q) = %q, %v; want %q, %v", tt.url, got, ok, tt.want, tt.want != "")
			}
			if ok {
				if again, ok := e.Server.Topic(got); again != got || !ok {
					t.Errorf("Topic of the canonical %q = %q, %v; want itself", got, again, ok)
				}
			}
		})
	}
}

// TestTopicsServed: on a real server, the canonical URL of a topic is
// served, and so is every other spelling Topic accepts, as the same feed.
func TestTopicsServed(t *testing.T) {
	e := startWith(t, withHub, nil)
	if r := e.post(doc("경제 기사", "2026-11-20", "경제/산업", "News")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	host := strings.TrimPrefix(e.URL, "http://")
	for _, path := range []string{
		"/feed.json",
		"/category/NEWS/feed.rss",
		"/category/" + strings.ToLower(econInds) + "/feed.atom",
		"/category/경제/산업/feed.atom",
		"/category/" + url.PathEscape(norm.NFD.String("경제/산업 ")) + "/feed.json",
	} {
		t.Run(path, func(t *testing.T) {
			canonical, ok := e.Server.Topic("HTTP://" + host + path)
			if !ok {
				t.Fatalf("Topic(%s) is not a topic", path)
			}
			got := e.do("GET", path, nil)
			want := e.do("GET", strings.TrimPrefix(canonical, e.URL), nil)
			if got.Code != 200 || want.Code != 200 {
				t.Fatalf("GET %s: %d, GET %s: %d; want 200", path, got.Code, canonical, want.Code)
			}
			if !bytes.Equal(got.Body, want.Body) {
				t.Errorf("GET %s and GET %s differ", path, canonical)
			}
			if _, self := bodyDiscovery(t, canonical[strings.LastIndexByte(canonical, '.')+1:], got.Body); self != canonical {
				t.Errorf("the feed's self is %s, Topic says %s", self, canonical)
			}
		})
	}
}

func TestTopicsOf(t *testing.T) {
	e := startWith(t, func(c *server.Config) {
		c.BaseURL, _ = url.Parse("https://news.example.com/")
	}, nil)
	site := []string{"https://news.example.com/feed.rss", "https://news.example.com/feed.atom", "https://news.example.com/feed.json"}
	category := func(seg string) []string {
		return []string{
			"https://news.example.com/category/" + seg + "/feed.rss",
			"https://news.example.com/category/" + seg + "/feed.atom",
			"https://news.example.com/category/" + seg + "/feed.json",
		}
	}
	tests := []struct {
		name       string
		categories []string
		want       []string
	}{
		{"none", nil, site},
		{"one", []string{"News"}, slices.Concat(site, category("news"))},
		{"repeated spellings", []string{"News", "경제/산업", "NEWS ", norm.NFD.String("경제/산업")}, slices.Concat(site, category("news"), category(econInds))},
		{"blank ones dropped", []string{" ", "", "Sports"}, slices.Concat(site, category("sports"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var facets []feed.Facet
			for _, name := range tt.categories {
				facets = append(facets, feed.Facet{Kind: feed.CategoryFacet, Name: name})
			}
			got := e.Server.TopicsOf(facets)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TopicsOf(%q) (-want +got):\n%s", tt.categories, diff)
			}
			for _, topic := range got {
				if c, ok := e.Server.Topic(topic); c != topic || !ok {
					t.Errorf("TopicsOf gave %s, which Topic reads as %q, %v", topic, c, ok)
				}
			}
		})
	}
}

// TestDocument: a topic's document is the body a GET of the feed answers,
// uncompressed, with its media type; the GET and any number of documents
// cost one render, whichever comes first; a write is in the next one.
func TestDocument(t *testing.T) {
	var cs *countingStore
	e := startWith(t, withHub, func(st server.Store) server.Store {
		cs = &countingStore{Store: st}
		return cs
	})
	for _, d := range [][]byte{
		doc("경제 기사", "2026-11-20", "경제"),
		doc("뉴스 기사", "2026-11-21", "News"),
		doc("둘 다", "2026-11-22", "News", "경제"),
	} {
		if r := e.post(d); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	ctx := context.Background()
	tests := []struct {
		name, topic, path string
		documentFirst     bool
	}{
		{"site rss", "/feed.rss", "/feed.rss", false},
		{"site atom", "/feed.atom", "/feed.atom", false},
		{"site json", "/feed.json", "/feed.json", true},
		{"category atom", "/category/" + econ + "/feed.atom", "/category/" + econ + "/feed.atom", false},
		{"category rss, other spellings", "/category/NEWS/feed.rss", "/category/news/feed.rss", true},
		{"category json", "/category/news/feed.json", "/category/News/feed.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topic := e.URL + tt.topic
			before := cs.latest.Load()
			var body []byte
			var ctype string
			var err error
			if tt.documentFirst {
				body, ctype, err = e.Server.Document(ctx, topic)
			}
			r := e.do("GET", tt.path, nil)
			if r.Code != 200 || r.Header.Get("Content-Encoding") != "" {
				t.Fatalf("GET %s: %d, Content-Encoding %q", tt.path, r.Code, r.Header.Get("Content-Encoding"))
			}
			if !tt.documentFirst {
				body, ctype, err = e.Server.Document(ctx, topic)
			}
			if err != nil {
				t.Fatalf("Document: %v", err)
			}
			if !bytes.Equal(body, r.Body) {
				t.Errorf("Document differs from the GET:\n%s\nGET:\n%s", body, r.Body)
			}
			if want := r.Header.Get("Content-Type"); ctype != want {
				t.Errorf("Document's type %q, the GET's %q", ctype, want)
			}
			again, _, err := e.Server.Document(ctx, topic)
			if err != nil || !bytes.Equal(again, body) {
				t.Errorf("second Document: %v, equal %v", err, bytes.Equal(again, body))
			}
			if n := cs.latest.Load() - before; n != 1 {
				t.Errorf("a GET and two Documents rendered %d times, want 1", n)
			}
		})
	}

	if r := e.post(doc("새 경제 기사", "2026-11-23", "경제")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	body, _, err := e.Server.Document(ctx, e.URL+"/category/"+econ+"/feed.atom")
	if err != nil || !bytes.Contains(body, []byte("새 경제 기사")) {
		t.Errorf("Document after a post: %v, holds the new article: %v", err, bytes.Contains(body, []byte("새 경제 기사")))
	}

	for _, topic := range []string{e.URL + "/feed.rss?limit=5", e.URL + "/archive/1/feed.rss", "https://elsewhere.example/feed.rss"} {
		if _, _, err := e.Server.Document(ctx, topic); !errors.Is(err, feed.ErrNotFound) {
			t.Errorf("Document(%s) = %v, want feed.ErrNotFound", topic, err)
		}
	}
	// A category's topic before its first story: valid, but like its GET
	// there is no feed yet.
	empty := e.URL + "/category/nothing-yet/feed.rss"
	if _, ok := e.Server.Topic(empty); !ok {
		t.Errorf("Topic(%s) is not a topic", empty)
	}
	if _, _, err := e.Server.Document(ctx, empty); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("Document(%s) = %v, want feed.ErrNotFound", empty, err)
	}
}

// itemBlock finds the items of an RSS or Atom document.
var itemBlock = regexp.MustCompile(`(?s)<item>.*?</item>|<entry>.*?</entry>`)

// items returns the item fragments of a feed document by their title:
// the XML elements, or the JSON objects as the document spells them.
func items(t testing.TB, ext string, b []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	if ext == "json" {
		var v struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		for _, raw := range v.Items {
			var it struct {
				Title string `json:"title"`
			}
			if err := json.Unmarshal(raw, &it); err != nil {
				t.Fatal(err)
			}
			out[it.Title] = raw
		}
		return out
	}
	title := regexp.MustCompile(`<title[^>]*>([^<]*)</title>`)
	for _, m := range itemBlock.FindAll(b, -1) {
		out[string(title.FindSubmatch(m)[1])] = m
	}
	return out
}

// tombstones returns the refs of an Atom document's RFC 6721 deleted
// entries.
func tombstones(t testing.TB, b []byte) []string {
	t.Helper()
	var v struct {
		Deleted []struct {
			Ref string `xml:"ref,attr"`
		} `xml:"http://purl.org/atompub/tombstones/1.0 deleted-entry"`
	}
	if err := xml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range v.Deleted {
		out = append(out, d.Ref)
	}
	return out
}

// TestChangesDocument: the "changes" document of a topic holds exactly
// the changed articles still in it, newest first, each once, with the
// items' bytes of the topic's feed and its channel (title, links, self,
// hub); a deleted article is an Atom tombstone and absent elsewhere, one
// moved to another category is absent.
func TestChangesDocument(t *testing.T) {
	e := startWith(t, withHub, nil)
	ctx := context.Background()
	posted := map[string]article{}
	post := func(d []byte) {
		t.Helper()
		r := e.post(d)
		if r.Code != 200 && r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
		a := decode(t, r.Body)
		posted[a.Title] = a
	}
	post(doc("가 기사", "2026-11-20", "News"))       // unchanged: not in the documents
	post(doc("나 기사", "2026-11-21", "News", "경제")) //
	post(doc("다 기사", "2026-11-22", "경제"))         //
	post(doc("라 기사", "2026-11-23", "News"))       // deleted
	post(doc("마 기사", "2026-11-19", "News"))       // moved to 경제
	last, err := e.DB.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	post(doc("나 기사", "2026-11-21", "News", "경제", "Extra")) // updated
	post(doc("다 기사", "2026-11-22", "경제"))                  // unchanged
	if r := e.do("DELETE", "/api/articles/"+url.PathEscape(posted["라 기사"].ID), nil, "Authorization", "Bearer "+token); r.Code != 204 {
		t.Fatalf("delete: %d %s", r.Code, r.Body)
	}
	post(doc("마 기사", "2026-11-19", "경제"))
	changes, _, err := e.DB.ChangesAfter(ctx, last, 100)
	if err != nil {
		t.Fatal(err)
	}
	// 다 was not changed since last, but a hub may name an article twice
	// or one it had named before; it is in the document as it is now.
	changes = append(changes, changes[0], feed.LoggedChange{ID: posted["다 기사"].ID, Outcome: feed.Created})

	tombstone := posted["라 기사"].GUID
	tests := []struct {
		name, topic string
		titles      []string // newest first
		tombstones  []string // in Atom
	}{
		{"site", "/feed.", []string{"다 기사", "나 기사", "마 기사"}, []string{tombstone}},
		{"news", "/category/news/feed.", []string{"나 기사"}, []string{tombstone}},
		{"경제", "/category/" + econ + "/feed.", []string{"다 기사", "나 기사", "마 기사"}, nil},
		{"a category spelled otherwise", "/category/EXTRA/feed.", []string{"나 기사"}, nil},
	}
	for _, tt := range tests {
		for _, ext := range []string{"rss", "atom", "json"} {
			t.Run(tt.name+" "+ext, func(t *testing.T) {
				topic := e.URL + tt.topic + ext
				body, ctype, err := e.Server.ChangesDocument(ctx, topic, changes)
				if err != nil {
					t.Fatalf("ChangesDocument: %v", err)
				}
				if f, _ := feed.FormatByExt(ext); ctype != f.ContentType() {
					t.Errorf("type %q, want %q", ctype, f.ContentType())
				}
				got, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("gofeed: %v\n%s", err, body)
				}
				var titles []string
				for _, it := range got.Items {
					titles = append(titles, it.Title)
				}
				if diff := cmp.Diff(tt.titles, titles); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				var wantTombs []string
				if ext == "atom" {
					wantTombs = tt.tombstones
					if diff := cmp.Diff(wantTombs, tombstones(t, body)); diff != "" {
						t.Errorf("tombstones (-want +got):\n%s", diff)
					}
				} else if bytes.Contains(body, []byte(posted["라 기사"].ID)) {
					t.Errorf("the deleted article is in the %s document:\n%s", ext, body)
				}

				// The topic's feed: the same channel, the same items.
				full, _, err := e.Server.Document(ctx, topic)
				if err != nil {
					t.Fatalf("Document: %v", err)
				}
				want, err := gofeed.NewParser().Parse(bytes.NewReader(full))
				if err != nil {
					t.Fatal(err)
				}
				type head struct {
					Title, Description, Link, FeedLink, Language string
					Links                                        []string
				}
				headOf := func(f *gofeed.Feed) head {
					return head{f.Title, f.Description, f.Link, f.FeedLink, f.Language, f.Links}
				}
				if diff := cmp.Diff(headOf(want), headOf(got)); diff != "" {
					t.Errorf("channel differs from the feed's (-feed +changes):\n%s", diff)
				}
				wantHubs, wantSelf := bodyDiscovery(t, ext, full)
				hubs, self := bodyDiscovery(t, ext, body)
				if !slices.Equal(hubs, wantHubs) || self != wantSelf || len(hubs) != 1 {
					t.Errorf("hubs %q, self %s; the feed's %q, %s", hubs, self, wantHubs, wantSelf)
				}
				fullItems := items(t, ext, full)
				for title, b := range items(t, ext, body) {
					if !bytes.Equal(b, fullItems[title]) {
						t.Errorf("item %s differs from the feed's:\n%s\nfeed:\n%s", title, b, fullItems[title])
					}
				}
			})
		}
	}

	t.Run("no changes", func(t *testing.T) {
		body, _, err := e.Server.ChangesDocument(ctx, e.URL+"/feed.atom", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err != nil || len(got.Items) != 0 {
			t.Errorf("gofeed: %v, %d items; want none", err, len(got.Items))
		}
	})
	t.Run("not a topic", func(t *testing.T) {
		for _, topic := range []string{e.URL + "/feed.atom?limit=1", e.URL + "/archive/1/feed.atom", e.URL + "/"} {
			if _, _, err := e.Server.ChangesDocument(ctx, topic, changes); !errors.Is(err, feed.ErrNotFound) {
				t.Errorf("ChangesDocument(%s) = %v, want feed.ErrNotFound", topic, err)
			}
		}
	})
}
