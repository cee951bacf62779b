package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"sokbo/server"
)

// withHub configures the hub as the command does: at BASE_URL/websub.
func withHub(c *server.Config) { c.Hub = c.BaseURL.JoinPath("websub").String() }

// linkRels reads the Link header fields (RFC 8288), however many and
// however joined, into rel → target URLs.
func linkRels(h http.Header) map[string][]string {
	rels := map[string][]string{}
	for _, v := range h.Values("Link") {
		for {
			start, end := strings.IndexByte(v, '<'), strings.IndexByte(v, '>')
			if start < 0 || end < start {
				break
			}
			target := v[start+1 : end]
			v = v[end+1:]
			params := v
			if next := strings.IndexByte(v, '<'); next >= 0 {
				params, v = v[:next], v[next:]
			}
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.Trim(p, " ,"), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "rel") {
					for _, rel := range strings.Fields(strings.Trim(val, `"`)) {
						rels[rel] = append(rels[rel], target)
					}
				}
			}
		}
	}
	return rels
}

// bodyDiscovery reads the hubs and the self link a feed document names:
// the atom:link or link elements of RSS and Atom with encoding/xml, the
// JSON Feed hubs with encoding/json; gofeed must read the document too,
// and agree on self.
func bodyDiscovery(t testing.TB, ext string, b []byte) (hubs []string, self string) {
	t.Helper()
	p, err := gofeed.NewParser().Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gofeed %s: %v", ext, err)
	}
	if ext == "json" {
		var v struct {
			FeedURL string `json:"feed_url"`
			Hubs    []struct {
				Type string `json:"type"`
				URL  string `json:"url"`
			} `json:"hubs"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		for _, h := range v.Hubs {
			if h.Type != "WebSub" {
				t.Errorf("hub %s of type %q, want WebSub", h.URL, h.Type)
			}
			hubs = append(hubs, h.URL)
		}
		self = v.FeedURL
	} else {
		type link struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		}
		type links struct {
			Links []link `xml:"http://www.w3.org/2005/Atom link"`
		}
		var doc struct {
			links         // Atom's feed element
			Channel links `xml:"channel"` // RSS's channel
		}
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		for _, l := range append(doc.Links, doc.Channel.Links...) {
			switch l.Rel {
			case "hub":
				hubs = append(hubs, l.Href)
			case "self":
				self = l.Href
			}
		}
	}
	if p.FeedLink != self {
		t.Errorf("gofeed reads self %q, the document says %q", p.FeedLink, self)
	}
	return hubs, self
}

// TestFeedDiscovery: with a hub configured, every site and category feed
// names it and its topic, the canonical feed URL (the category spelled by
// its key) whatever limit was asked for, in its body (W3C WebSub 4) and in Link headers on 200,
// HEAD, compressed and 304 answers alike.
func TestFeedDiscovery(t *testing.T) {
	e := startWith(t, withHub, nil)
	for i := range 3 {
		if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News", "경제/산업")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	hub := e.URL + "/websub"
	for _, ext := range []string{"rss", "atom", "json"} {
		for _, tc := range []struct {
			name, path, topic string
		}{
			{"site", "/feed." + ext, "/feed." + ext},
			{"site, a limit", "/feed." + ext + "?limit=2", "/feed." + ext},
			{"category", "/category/News/feed." + ext, "/category/news/feed." + ext},
			{"category, another spelling", "/category/NEWS/feed." + ext + "?limit=1", "/category/news/feed." + ext},
			{"category with a slash", "/category/%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85/feed." + ext, "/category/%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85/feed." + ext},
		} {
			t.Run(ext+" "+tc.name, func(t *testing.T) {
				topic := e.URL + tc.topic
				r := e.do("GET", tc.path, nil)
				if r.Code != 200 {
					t.Fatalf("GET: %d %s", r.Code, r.Body)
				}
				hubs, self := bodyDiscovery(t, ext, r.Body)
				if !slices.Equal(hubs, []string{hub}) || self != topic {
					t.Errorf("body: hubs %q, self %q; want [%s], %s", hubs, self, hub, topic)
				}
				checkLinks := func(what string, h http.Header) {
					t.Helper()
					rels := linkRels(h)
					if !slices.Equal(rels["hub"], []string{hub}) || !slices.Equal(rels["self"], []string{topic}) {
						t.Errorf("%s: Link %q, want hub %s and self %s", what, h.Values("Link"), hub, topic)
					}
				}
				checkLinks("200", r.Header)
				etag := r.Header.Get("ETag")
				nm := e.do("GET", tc.path, nil, "If-None-Match", etag)
				if nm.Code != 304 {
					t.Fatalf("If-None-Match %s: %d, want 304", etag, nm.Code)
				}
				checkLinks("304", nm.Header)
				if h := e.do("HEAD", tc.path, nil); h.Code != 200 {
					t.Errorf("HEAD: %d", h.Code)
				} else {
					checkLinks("HEAD", h.Header)
				}
				gz := e.do("GET", tc.path, nil, "Accept-Encoding", "gzip")
				if gz.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("gzip: Content-Encoding %q", gz.Header.Get("Content-Encoding"))
				}
				checkLinks("gzip", gz.Header)
				zr, err := gzip.NewReader(bytes.NewReader(gz.Body))
				if err != nil {
					t.Fatal(err)
				}
				if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, r.Body) {
					t.Errorf("gzip body differs from identity (err %v)", err)
				}
				if nm := e.do("GET", tc.path, nil, "Accept-Encoding", "gzip", "If-None-Match", gz.Header.Get("ETag")); nm.Code != 304 {
					t.Errorf("gzip revalidation: %d, want 304", nm.Code)
				} else {
					checkLinks("gzip 304", nm.Header)
				}
			})
		}
	}
}

// TestNoDiscovery: archive documents, which never change once full, and
// pages past the first, are not topics: they name no hub even with one configured, and keep their own URL
// as self; without a hub no feed names one, in body or headers.
func TestNoDiscovery(t *testing.T) {
	hubbed := startWith(t, func(c *server.Config) { withHub(c); c.ArchiveSize = 2 }, nil)
	plain := startWith(t, nil, nil)
	for _, e := range []*env{hubbed, plain} {
		for i := range 3 {
			if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News")); r.Code != 201 {
				t.Fatalf("post: %d %s", r.Code, r.Body)
			}
		}
	}
	for _, ext := range []string{"rss", "atom", "json"} {
		for _, tc := range []struct {
			name, path, self string
			e                *env
		}{
			{"full archive", "/archive/1/feed." + ext, "/archive/1/feed." + ext, hubbed},
			{"open archive", "/archive/2/feed." + ext, "/archive/2/feed." + ext, hubbed},
			{"site, page 2", "/feed." + ext + "?limit=2&page=2", "/feed." + ext + "?limit=2&page=2", hubbed},
			{"no hub, site", "/feed." + ext, "/feed." + ext, plain},
			{"no hub, category", "/category/News/feed." + ext, "/category/News/feed." + ext, plain},
		} {
			t.Run(ext+" "+tc.name, func(t *testing.T) {
				r := tc.e.do("GET", tc.path, nil)
				if r.Code != 200 {
					t.Fatalf("GET: %d %s", r.Code, r.Body)
				}
				hubs, self := bodyDiscovery(t, ext, r.Body)
				if len(hubs) != 0 || self != tc.e.URL+tc.self {
					t.Errorf("body: hubs %q, self %q; want none, %s", hubs, self, tc.e.URL+tc.self)
				}
				if bytes.Contains(r.Body, []byte("websub")) {
					t.Errorf("body mentions the hub:\n%s", r.Body)
				}
				if l := r.Header.Values("Link"); len(l) != 0 {
					t.Errorf("200 with Link %q", l)
				}
				if nm := tc.e.do("GET", tc.path, nil, "If-None-Match", r.Header.Get("ETag")); nm.Code != 304 || len(nm.Header.Values("Link")) != 0 {
					t.Errorf("revalidation: %d with Link %q; want 304 without", nm.Code, nm.Header.Values("Link"))
				}
			})
		}
	}
}
