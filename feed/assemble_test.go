package feed_test

import (
	"bytes"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
)

// assemble is feed.Assemble with each item rendered now by feed.Item.
func assemble(t testing.TB, f feed.Format, c *feed.Channel, items []*feed.Article) []byte {
	t.Helper()
	a, err := feed.Assemble(f, c, items, func(i int, full bool) ([]byte, error) {
		return feed.Item(f, c, items[i], full)
	})
	if err != nil {
		t.Fatalf("assemble %s: %v", f.Ext(), err)
	}
	body := a.Bytes()
	if len(body) != a.Len {
		t.Fatalf("assemble %s: %d bytes, Len says %d", f.Ext(), len(body), a.Len)
	}
	for i := range items {
		frag, err := feed.Item(f, c, items[i], c.Fulls(items)[i])
		if err != nil {
			t.Fatal(err)
		}
		if got := body[a.Starts[i]:a.Ends[i]]; !bytes.Equal(got, frag) {
			t.Fatalf("assemble %s: item %d's span holds %q, not its fragment", f.Ext(), i, got)
		}
		// Ranges across the pieces: from inside the item before to
		// inside this one, and this item with what follows it.
		from, to := max(a.Starts[i]-7, 0), min(a.Ends[i]+5, len(body))
		for _, r := range [][2]int{{from, a.Starts[i] + 3}, {a.Starts[i], a.Ends[i]}, {from, to}, {0, to}, {to, len(body)}} {
			if got := a.AppendRange([]byte("x"), r[0], r[1]); !bytes.Equal(got[1:], body[r[0]:r[1]]) || got[0] != 'x' {
				t.Fatalf("assemble %s: AppendRange(%d, %d) = %q, want %q", f.Ext(), r[0], r[1], got, body[r[0]:r[1]])
			}
		}
	}
	return body
}

// sameAssembled fails unless Assemble and Write make the same bytes.
func sameAssembled(t testing.TB, f feed.Format, c *feed.Channel, items []*feed.Article) {
	t.Helper()
	want := renderChannel(t, f, c, items)
	if got := assemble(t, f, c, items); !bytes.Equal(got, want) {
		t.Errorf("%s: assembled feed differs from the written one (-written +assembled):\n%s", f.Ext(), cmp.Diff(string(want), string(got)))
	}
}

// TestAssembleGolden: for every golden fixture, and channels that differ
// in what an item reads from them, the assembled feed is byte for byte
// the written one.
func TestAssembleGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(f feed.Format, c *feed.Channel) []*feed.Article
	}{
		{"feed", func(feed.Format, *feed.Channel) []*feed.Article { return articles() }},
		{"empty", func(feed.Format, *feed.Channel) []*feed.Article { return nil }},
		{"one", func(feed.Format, *feed.Channel) []*feed.Article { return articles()[:1] }},
		{"archive", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.Archive, c.Hub = true, ""
			c.Links = []feed.Link{
				{Rel: "current", Href: "https://news.example.com/feed." + f.Ext()},
				{Rel: "prev-archive", Href: "https://news.example.com/archive/1/feed." + f.Ext()},
			}
			return articles()[1:]
		}},
		{"oversized", oversized},
		{"tombstones and paging", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.Deleted = []feed.Tombstone{{ID: "gone", GUID: "tag:news.example.com,2026:gone", When: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}}
			c.Links = []feed.Link{{Rel: "next", Href: "https://news.example.com/feed." + f.Ext() + "?page=2"}}
			return articles()
		}},
		{"no author, other language", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.Author, c.Lang, c.Description = "", "en", ""
			return articles()
		}},
		{"full, UTC, no icon", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.ContentMode, c.Location, c.Icon, c.Logo = feed.ContentFull, nil, "", ""
			return articles()
		}},
		{"summary", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.ContentMode = feed.ContentSummary
			return oversized(f, c)
		}},
		{"no hub", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.Hub = ""
			return articles()
		}},
		{"tombstones only", func(f feed.Format, c *feed.Channel) []*feed.Article {
			c.Deleted = []feed.Tombstone{{ID: "gone", GUID: "tag:news.example.com,2026:gone", When: time.Unix(1, 0)}}
			return nil
		}},
	} {
		for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
			t.Run(tc.name+"."+f.Ext(), func(t *testing.T) {
				t.Parallel()
				c := channel(t, f)
				items := tc.setup(f, c)
				sameAssembled(t, f, c, items)
			})
		}
	}
}

// TestItemContext: a channel setting that changes an item's bytes changes
// the channel's ItemContext, so that a cache keyed by it never serves an
// item rendered for another channel; the feed-level settings change
// neither.
func TestItemContext(t *testing.T) {
	t.Parallel()
	other, _ := url.Parse("https://other.example.com/news/")
	for _, tc := range []struct {
		name        string
		change      func(c *feed.Channel)
		itemChanges bool
	}{
		{"base URL", func(c *feed.Channel) { c.BaseURL = other }, true},
		{"highlights", func(c *feed.Channel) { c.Highlights = 1 }, true},
		{"language", func(c *feed.Channel) { c.Lang = "en" }, true},
		{"no author", func(c *feed.Channel) { c.Author = "" }, true},
		{"another author", func(c *feed.Channel) { c.Author = "편집국" }, true},
		{"content mode", func(c *feed.Channel) { c.ContentMode = feed.ContentSummary }, true},
		{"time zone", func(c *feed.Channel) { c.Location = time.UTC }, true},
		{"icon, logo", func(c *feed.Channel) { c.Icon, c.Logo = "https://x/i.png", "" }, false},
		{"title (with an author)", func(c *feed.Channel) { c.Title = "경제 — sokbo" }, false},
		{"self, home, id, hub", func(c *feed.Channel) { c.SelfURL, c.HomeURL, c.FeedID, c.Hub = "x", "y", "z", "" }, false},
		{"links, archive, tombstones", func(c *feed.Channel) {
			c.Links = []feed.Link{{Rel: "next", Href: "n"}}
			c.Archive = true
			c.Deleted = []feed.Tombstone{{GUID: "g", When: time.Unix(5, 0)}}
		}, false},
		{"ttl, generator, updated, bounds", func(c *feed.Channel) {
			c.TTL, c.Generator, c.Updated = 9, "g", time.Unix(7, 0)
			c.MaxItemContent, c.MaxFeedContent = 1, 1
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
				a := articles()[0]
				a.Authors, a.Lang = nil, "en" // so that author and language matter in Atom
				base, changed := channel(t, f), channel(t, f)
				tc.change(changed)
				sameContext := base.ItemContext() == changed.ItemContext()
				if sameContext == tc.itemChanges {
					t.Errorf("%s: same ItemContext = %v, want %v", f.Ext(), sameContext, !tc.itemChanges)
				}
				for _, full := range []bool{true, false} {
					x, err := feed.Item(f, base, a, full)
					if err != nil {
						t.Fatal(err)
					}
					y, err := feed.Item(f, changed, a, full)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(x, y) && sameContext {
						t.Errorf("%s (full %v): the item's bytes changed under the same ItemContext", f.Ext(), full)
					}
				}
			}
		})
	}
}

// BenchmarkAssemble50 re-assembles a 50-item feed of seed-sized articles
// whose fragments are kept, as after a write that changed one of them: the
// frame is rendered, one item is rendered anew, the other 49 are copied.
func BenchmarkAssemble50(b *testing.B) {
	items := benchItems(50)
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		b.Run(f.Ext(), func(b *testing.B) {
			c := channel(b, f)
			kept := make([][]byte, len(items))
			for i, a := range items {
				var err error
				if kept[i], err = feed.Item(f, c, a, true); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			var n int
			for b.Loop() {
				out, err := feed.Assemble(f, c, items, func(i int, full bool) ([]byte, error) {
					if i == 0 {
						return feed.Item(f, c, items[i], full)
					}
					return kept[i], nil
				})
				if err != nil {
					b.Fatal(err)
				}
				n = out.Len
			}
			b.SetBytes(int64(n))
		})
	}
}
