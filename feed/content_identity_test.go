package feed_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"sokbo/feed"
)

// TestIdentity: the icon is RSS's <image> (with the channel's title and
// link), Atom's <icon> and JSON Feed's icon and favicon; the logo is
// Atom's <logo>, only when set. Read back with gofeed's format parsers.
func TestIdentity(t *testing.T) {
	t.Parallel()
	const icon, logo = "https://news.example.com/icon.png", "https://cdn.example.net/logo.png"
	for _, tc := range []struct {
		name, icon, logo string
	}{
		{"icon and logo", icon, logo},
		{"icon only", icon, ""},
		{"neither", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ch := func(f feed.Format) *feed.Channel {
				c := channel(t, f)
				c.Icon, c.Logo = tc.icon, tc.logo
				return c
			}
			r, err := (&rss.Parser{}).Parse(bytes.NewReader(renderChannel(t, feed.RSS, ch(feed.RSS), articles())))
			if err != nil {
				t.Fatalf("rss: %v", err)
			}
			if tc.icon == "" {
				if r.Image != nil {
					t.Errorf("rss: image %+v, want none", r.Image)
				}
			} else if r.Image == nil || r.Image.URL != tc.icon || r.Image.Title != r.Title || r.Image.Link != r.Link {
				t.Errorf("rss: image %+v, want %s titled %q linking to %s", r.Image, tc.icon, r.Title, r.Link)
			}

			a, err := (&atom.Parser{}).Parse(bytes.NewReader(renderChannel(t, feed.Atom, ch(feed.Atom), articles())))
			if err != nil {
				t.Fatalf("atom: %v", err)
			}
			if a.Icon != tc.icon || a.Logo != tc.logo {
				t.Errorf("atom: icon %q, logo %q; want %q, %q", a.Icon, a.Logo, tc.icon, tc.logo)
			}

			j, err := (&gojson.Parser{}).Parse(bytes.NewReader(renderChannel(t, feed.JSON, ch(feed.JSON), articles())))
			if err != nil {
				t.Fatalf("json: %v", err)
			}
			if j.Icon != tc.icon || j.Favicon != tc.icon {
				t.Errorf("json: icon %q, favicon %q; want %q for both", j.Icon, j.Favicon, tc.icon)
			}
		})
	}
}

// TestAuthors: with an Author, items of articles that name none carry it
// in all three formats; without one, they carry none in any, JSON Feed has
// no feed-level authors (items would inherit them), and Atom names the
// site's title as the feed's author, which RFC 4287 requires. Articles
// that name authors keep theirs either way.
func TestAuthors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, author string
		second       []string // the authors of articles()[1], which names none
		atomFeed     []string
		jsonFeed     []string
	}{
		{"site author", "편집국", []string{"편집국"}, []string{"편집국"}, []string{"편집국"}},
		{"none", "", nil, []string{"속보 <Breaking> & ]]> news"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range formats {
				c := channel(t, f)
				c.Author = tc.author
				p := parsed(t, f, c, articles())
				firstWant := []string{"김기자", "Jane Doe"}
				if f == feed.RSS {
					firstWant = []string{"김기자, Jane Doe"} // one dc:creator
				}
				if diff := cmp.Diff(firstWant, names(p.Items[0].Authors)); diff != "" {
					t.Errorf("%s: first item's authors (-want +got):\n%s", f.Ext(), diff)
				}
				if diff := cmp.Diff(tc.second, names(p.Items[1].Authors)); diff != "" {
					t.Errorf("%s: second item's authors (-want +got):\n%s", f.Ext(), diff)
				}
				var feedWant []string // RSS names no feed author
				switch f {
				case feed.Atom:
					feedWant = tc.atomFeed
				case feed.JSON:
					feedWant = tc.jsonFeed
				}
				if diff := cmp.Diff(feedWant, names(p.Authors)); diff != "" {
					t.Errorf("%s: feed authors (-want +got):\n%s", f.Ext(), diff)
				}
			}
		})
	}
}

// names are the names of people as gofeed reads them.
func names(people []*gofeed.Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.Name)
	}
	return out
}

// TestRSSDates: RSS dates carry the offset of the channel's time zone
// (UTC without one) and stand for the same instants; Atom and JSON Feed
// write UTC.
func TestRSSDates(t *testing.T) {
	t.Parallel()
	items := articles()
	for _, tc := range []struct {
		name     string
		loc      *time.Location
		pub, upd string
	}{
		{"Seoul", seoul, "Tue, 24 Nov 2026 18:30:00 +0900", "Tue, 24 Nov 2026 19:30:00 +0900"},
		{"New York", time.FixedZone("America/New_York", -5*60*60), "Tue, 24 Nov 2026 04:30:00 -0500", "Tue, 24 Nov 2026 05:30:00 -0500"},
		{"none", nil, "Tue, 24 Nov 2026 09:30:00 +0000", "Tue, 24 Nov 2026 10:30:00 +0000"},
	} {
		c := channel(t, feed.RSS)
		c.Location = tc.loc
		r, err := (&rss.Parser{}).Parse(bytes.NewReader(renderChannel(t, feed.RSS, c, items)))
		if err != nil {
			t.Fatalf("%s: rss: %v", tc.name, err)
		}
		if r.LastBuildDate != tc.upd || r.Items[0].PubDate != tc.pub {
			t.Errorf("%s: lastBuildDate %q, pubDate %q; want %q, %q", tc.name, r.LastBuildDate, r.Items[0].PubDate, tc.upd, tc.pub)
		}
		if r.Items[0].PubDateParsed == nil || !r.Items[0].PubDateParsed.Equal(items[0].Published) {
			t.Errorf("%s: pubDate reads as %v, want %v", tc.name, r.Items[0].PubDateParsed, items[0].Published)
		}
		if r.LastBuildDateParsed == nil || !r.LastBuildDateParsed.Equal(items[0].Updated) {
			t.Errorf("%s: lastBuildDate reads as %v, want %v", tc.name, r.LastBuildDateParsed, items[0].Updated)
		}
	}
	for _, f := range []feed.Format{feed.Atom, feed.JSON} {
		if b := renderChannel(t, f, channel(t, f), items); !strings.Contains(string(b), "2026-11-24T09:30:00Z") {
			t.Errorf("%s: no UTC date in\n%s", f.Ext(), b)
		}
	}
}
