package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"sokbo/server"
)

// feedPaths are the site's feed in the three formats.
var feedPaths = []string{"/feed.rss", "/feed.atom", "/feed.json"}

// TestContentModeFeeds posts the seed to servers configured with each
// feeds.content and reads every format back with gofeed: the default
// opens the content with the key points (the excerpt, then the
// highlighted sentences in bold) before the article; full is the article;
// summary the key points and a link in the site's language. The seed's
// image is in its body, so only the summary, which has no body, shows it
// as a lead image; no content shows it twice.
func TestContentModeFeeds(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"", server.ContentBoth, server.ContentFull, server.ContentSummary} {
		t.Run("mode "+mode, func(t *testing.T) {
			t.Parallel()
			e := startWith(t, func(c *server.Config) { c.Content = mode }, nil)
			if r := e.post(seed(t)); r.Code != 201 {
				t.Fatalf("post: %d %s", r.Code, r.Body)
			}
			wantImage := `src="` + e.URL + `/assets/img/newsdao_breakingnews.jpg"`
			for _, path := range feedPaths {
				it := parseFeed(t, e, path).Items[0]
				c := it.Content
				if n := strings.Count(c, wantImage); n != 1 {
					t.Errorf("%s: the image %d times in %.300q, want once", path, n, c)
				}
				body := strings.Index(c, "<h2>한미동맹과 미국 내 지지</h2>")
				points := strings.Index(c, "<p>"+seedExcerpt)
				bold := strings.Index(c, "<li><strong>"+seedSentences[0]+"</strong></li>")
				link := strings.Index(c, `<a href="`+it.Link+`">기사 전문 보기</a>`)
				switch mode {
				case "", server.ContentBoth:
					if points < 0 || bold < points || body < bold || link >= 0 {
						t.Errorf("%s: key points at %d, %d, article at %d, link at %d: %.600q", path, points, bold, body, link, c)
					}
				case server.ContentFull:
					if points >= 0 || bold >= 0 || body < 0 || link >= 0 {
						t.Errorf("%s: key points at %d, %d, article at %d, link at %d: %.600q", path, points, bold, body, link, c)
					}
				case server.ContentSummary:
					if points < 0 || bold < points || body >= 0 || link < bold {
						t.Errorf("%s: key points at %d, %d, article at %d, link at %d: %.600q", path, points, bold, body, link, c)
					}
				}
				// The summary fields do not depend on the mode.
				if !strings.Contains(it.Description, seedSentences[0]) || strings.Contains(it.Description, "<strong>") {
					t.Errorf("%s: summary %.300q", path, it.Description)
				}
			}
		})
	}
}

// parseFeed gets path and reads it with gofeed.
func parseFeed(t *testing.T, e *env, path string) *gofeed.Feed {
	t.Helper()
	r := e.do("GET", path, nil)
	if r.Code != 200 {
		t.Fatalf("GET %s: %d", path, r.Code)
	}
	f, err := gofeed.NewParser().ParseString(string(r.Body))
	if err != nil {
		t.Fatalf("%s: gofeed: %v", path, err)
	}
	return f
}

// TestFeedIdentity: the configured icon and logo, a site path resolved
// against the base URL, an empty icon the built-in one at BASE/icon.png;
// site.author on the items of articles that name none; RSS dates in the
// configured zone (Asia/Seoul by default).
func TestFeedIdentity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, icon, logo, author string
		wantIcon, wantLogo       string // relative to the server's URL when starting with "/"
	}{
		{"defaults", "", "", "", "/icon.png", ""},
		{"configured", "/static/sokbo.png", "https://cdn.example.net/logo.png", "편집국", "/static/sokbo.png", "https://cdn.example.net/logo.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startWith(t, func(c *server.Config) { c.Icon, c.Logo, c.Author = tc.icon, tc.logo, tc.author }, nil)
			if r := e.post(seed(t)); r.Code != 201 {
				t.Fatalf("post: %d %s", r.Code, r.Body)
			}
			abs := func(u string) string {
				if strings.HasPrefix(u, "/") {
					return e.URL + u
				}
				return u
			}
			wantIcon, wantLogo := abs(tc.wantIcon), abs(tc.wantLogo)

			r, err := (&rss.Parser{}).Parse(bytes.NewReader(e.do("GET", "/feed.rss", nil).Body))
			if err != nil {
				t.Fatalf("rss: %v", err)
			}
			if r.Image == nil || r.Image.URL != wantIcon || r.Image.Title != r.Title || r.Image.Link != r.Link {
				t.Errorf("rss image %+v, want %s", r.Image, wantIcon)
			}
			if !strings.HasSuffix(r.LastBuildDate, " +0900") || !strings.HasSuffix(r.Items[0].PubDate, " +0900") {
				t.Errorf("rss dates %q, %q: want Seoul's offset", r.LastBuildDate, r.Items[0].PubDate)
			}
			if got := creator(r.Items[0]); got != tc.author {
				t.Errorf("rss dc:creator %q, want %q", got, tc.author)
			}

			a, err := (&atom.Parser{}).Parse(bytes.NewReader(e.do("GET", "/feed.atom", nil).Body))
			if err != nil {
				t.Fatalf("atom: %v", err)
			}
			if a.Icon != wantIcon || a.Logo != wantLogo {
				t.Errorf("atom icon %q, logo %q; want %q, %q", a.Icon, a.Logo, wantIcon, wantLogo)
			}
			var entryAuthors []string
			for _, p := range a.Entries[0].Authors {
				entryAuthors = append(entryAuthors, p.Name)
			}
			if want := tc.author; strings.Join(entryAuthors, ",") != want {
				t.Errorf("atom entry authors %q, want %q", entryAuthors, want)
			}
			if len(a.Authors) != 1 || tc.author == "" && a.Authors[0].Name != "sokbo test" {
				t.Errorf("atom feed authors %+v, want one (the site's title without site.author)", a.Authors)
			}

			j, err := (&gojson.Parser{}).Parse(bytes.NewReader(e.do("GET", "/feed.json", nil).Body))
			if err != nil {
				t.Fatalf("json: %v", err)
			}
			if j.Icon != wantIcon || j.Favicon != wantIcon {
				t.Errorf("json icon %q, favicon %q; want %q", j.Icon, j.Favicon, wantIcon)
			}
			if tc.author == "" && (len(j.Authors) > 0 || len(j.Items[0].Authors) > 0) {
				t.Errorf("json authors %+v, item authors %+v; want none", j.Authors, j.Items[0].Authors)
			}
			if tc.author != "" && (len(j.Items[0].Authors) != 1 || j.Items[0].Authors[0].Name != tc.author) {
				t.Errorf("json item authors %+v, want %q", j.Items[0].Authors, tc.author)
			}
		})
	}
}

// creator is an RSS item's dc:creator.
func creator(it *rss.Item) string {
	if it.DublinCoreExt == nil || len(it.DublinCoreExt.Creator) == 0 {
		return ""
	}
	return it.DublinCoreExt.Creator[0]
}
