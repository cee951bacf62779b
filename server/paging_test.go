package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"sokbo/server"
)

// pagingLink finds a feed-level link of a feed document: RSS and Atom
// rel="next", "previous" or "first", or JSON Feed's next_url for "next".
func pagingLink(b []byte, f, rel string) string {
	switch {
	case rel == "next":
		return nextLink(b, f)
	case f == "json":
		return ""
	}
	for _, part := range strings.Split(string(b), "<") {
		if strings.Contains(part, `rel="`+rel+`"`) {
			_, after, _ := strings.Cut(part, `href="`)
			return strings.ReplaceAll(after[:strings.IndexByte(after, '"')], "&amp;", "&")
		}
	}
	return ""
}

// TestPagingLinksDistinct walks the next links of every feed (the site's,
// a category's, a tag's and an author's, in every format, at limits that
// are served as asked, rounded up, or hold every article on one page),
// and checks that no two pages share an item, that the walk holds every
// article, and that each page's previous and first links lead to other
// items than its own. JSON Feed's next_url included: on a page that has
// every article, it used to lead to the open archive page, the newest
// articles again.
func TestPagingLinksDistinct(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.FeedLimit = 3; c.ArchiveSize = 4 }, nil)
	const n = 11
	for i := range n {
		e.mustPost(tagDoc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), []string{"T"}, []string{"W"}, "News"))
	}
	guids := func(path string) ([]string, []byte) {
		t.Helper()
		r := e.do("GET", path, nil)
		if r.Code != 200 {
			t.Fatalf("GET %s: %d %s (Location %q)", path, r.Code, r.Body, r.Header.Get("Location"))
		}
		p, err := gofeed.NewParser().ParseString(string(r.Body))
		if err != nil {
			t.Fatalf("gofeed %s: %v", path, err)
		}
		var out []string
		for _, it := range p.Items {
			out = append(out, it.GUID)
		}
		return out, r.Body
	}
	for _, feedPath := range []string{"/feed.", "/category/News/feed.", "/tag/t/feed.", "/author/w/feed."} {
		for _, f := range []string{"rss", "atom", "json"} {
			for _, q := range []string{"", "?limit=2", "?limit=4", "?limit=20", "?page=2"} {
				start := feedPath + f + q
				seen := map[string]string{} // guid → the page it was on
				next := start
				for pages := 0; next != ""; pages++ {
					if pages > n {
						t.Fatalf("%s: more pages than articles", start)
					}
					items, body := guids(next)
					for _, g := range items {
						if other, dup := seen[g]; dup {
							t.Errorf("%s: item %s on %s and on %s", start, g, other, next)
						}
						seen[g] = next
					}
					for _, rel := range []string{"previous", "first"} {
						link := pagingLink(body, f, rel)
						if link == "" {
							continue
						}
						u, err := url.Parse(link)
						if err != nil {
							t.Fatal(err)
						}
						theirs, _ := guids(u.RequestURI())
						for _, g := range theirs {
							if slices.Contains(items, g) {
								t.Errorf("%s: its %s link %s holds its item %s", next, rel, link, g)
							}
						}
					}
					if link := pagingLink(body, f, "next"); link != "" {
						u, err := url.Parse(link)
						if err != nil {
							t.Fatal(err)
						}
						next = u.RequestURI()
					} else {
						next = ""
					}
				}
				if want := n; q != "?page=2" && len(seen) != want {
					t.Errorf("%s: the walk holds %d articles, want %d", start, len(seen), want)
				}
			}
		}
	}
}
