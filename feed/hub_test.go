package feed_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"sokbo/feed"
)

// discovered reads back the WebSub hubs and the self (topic) URL a feed
// document names, with third-party parsers where they keep them: gofeed
// for the RSS atom:link elements, the Atom links and the JSON feed_url;
// encoding/json for the JSON Feed hubs, which gofeed does not read.
func discovered(t testing.TB, f feed.Format, b []byte) (hubs []string, self string) {
	t.Helper()
	switch f {
	case feed.RSS:
		p, err := gofeed.NewParser().Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gofeed rss: %v", err)
		}
		for _, l := range p.Extensions["atom"]["link"] {
			if l.Attrs["rel"] == "hub" {
				hubs = append(hubs, l.Attrs["href"])
			}
		}
		return hubs, p.FeedLink
	case feed.Atom:
		p, err := (&atom.Parser{}).Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gofeed atom: %v", err)
		}
		for _, l := range p.Links {
			switch l.Rel {
			case "hub":
				hubs = append(hubs, l.Href)
			case "self":
				self = l.Href
			}
		}
		return hubs, self
	default:
		p, err := gofeed.NewParser().Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gofeed json: %v", err)
		}
		var v struct {
			Hubs []struct{ Type, URL string } `json:"hubs"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		for _, h := range v.Hubs {
			if h.Type != "WebSub" {
				t.Errorf("json hub %q has type %q, want WebSub", h.URL, h.Type)
			}
			hubs = append(hubs, h.URL)
		}
		return hubs, p.FeedLink
	}
}

// TestHubDiscovery: with a hub, every format names it once (W3C WebSub 4)
// beside its self link, whether or not the feed has items, and the
// assembled feed says the same; without one, nothing names a hub.
func TestHubDiscovery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		hub   string
		items []*feed.Article
	}{
		{"hub", "https://news.example.com/websub", articles()},
		{"hub, no items", "https://news.example.com/websub", nil},
		{"external hub", "https://hub.example.org/?x=1&y=2", articles()},
		{"no hub", "", articles()},
	} {
		for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
			t.Run(tc.name+"."+f.Ext(), func(t *testing.T) {
				t.Parallel()
				c := channel(t, f)
				c.Hub = tc.hub
				b := renderChannel(t, f, c, tc.items)
				if f != feed.JSON {
					wellFormed(t, b)
				}
				hubs, self := discovered(t, f, b)
				var want []string
				if tc.hub != "" {
					want = []string{tc.hub}
				}
				if len(hubs) != len(want) || len(want) == 1 && hubs[0] != want[0] {
					t.Errorf("hubs %q, want %q", hubs, want)
				}
				if self != c.SelfURL {
					t.Errorf("self %q, want %q", self, c.SelfURL)
				}
				if tc.hub == "" && (bytes.Contains(b, []byte(`rel="hub"`)) || bytes.Contains(b, []byte(`"hubs"`))) {
					t.Errorf("a feed without a hub mentions one:\n%s", b)
				}
				sameAssembled(t, f, c, tc.items)
			})
		}
	}
}
