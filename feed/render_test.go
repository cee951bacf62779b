package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"sokbo/feed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func channel(t testing.TB, f feed.Format) *feed.Channel {
	t.Helper()
	base, err := url.Parse("https://news.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	return &feed.Channel{
		Title:       "속보 <Breaking> & ]]> news",
		Description: "Breaking news",
		BaseURL:     base,
		HomeURL:     base.String(),
		SelfURL:     base.String() + "feed." + f.Ext(),
		Hub:         base.String() + "websub",
		FeedID:      base.String() + "feed.atom",
		Lang:        "ko",
		Author:      "sokbo",
		Icon:        base.String() + "icon.png",
		Logo:        base.String() + "logo.png",
		Location:    seoul,
		ContentMode: feed.ContentBoth, // the service's default
		TTL:         5,
		Highlights:  2,
		Generator:   "sokbo test",
	}
}

// seoul is the service's default time zone, fixed so that the tests need
// no time zone database.
var seoul = time.FixedZone("Asia/Seoul", 9*60*60)

func articles() []*feed.Article {
	pub := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	return []*feed.Article{
		{
			ID:          "2026-11-24-대통령실-발표",
			GUID:        "tag:news.example.com,2026-11-24:2026-11-24-%EB%8C%80",
			Title:       "대통령실 <발표> & \"]]>\" \x0b끝",
			Authors:     []string{"김기자", "Jane Doe"},
			Categories:  []string{"News", "경제/산업"},
			Tags:        []string{"news", "한미동맹"},
			Lang:        "ko",
			Image:       "https://news.example.com/assets/img/a.jpg",
			Excerpt:     "요약 <문장> & 설명.",
			Highlights:  []string{"첫 문장입니다.", "둘째 문장입니다.", "셋째는 요약에 없습니다."},
			ContentHTML: "<p>본문 <b>강조</b> \x01끝</p>",
			Published:   pub,
			Updated:     pub.Add(time.Hour),
		},
		{
			ID:          "plain",
			GUID:        "tag:news.example.com,2026-11-23:plain",
			Title:       "Lead only",
			URL:         "https://elsewhere.example.org/story",
			Lead:        "The first paragraph.",
			ContentHTML: "<p>The first paragraph.</p>",
			Published:   pub.Add(-24 * time.Hour),
			Updated:     pub.Add(-24 * time.Hour),
		},
	}
}

func render(t testing.TB, f feed.Format, items []*feed.Article) []byte {
	t.Helper()
	return renderChannel(t, f, channel(t, f), items)
}

func renderChannel(t testing.TB, f feed.Format, c *feed.Channel, items []*feed.Article) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := feed.Write(&buf, f, c, items); err != nil {
		t.Fatalf("render %s: %v", f.Ext(), err)
	}
	return buf.Bytes()
}

// TestGolden compares each format's rendering of a full feed in each
// content mode (feed: the default, key points and article), an empty and
// an archive feed with testdata/.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		for _, tc := range []struct {
			name  string
			mode  feed.ContentMode
			items []*feed.Article
		}{
			{"feed", feed.ContentBoth, articles()},
			{"feed-full", feed.ContentFull, articles()},
			{"feed-summary", feed.ContentSummary, articles()},
			{"empty", feed.ContentBoth, nil},
			{"archive", feed.ContentBoth, articles()[1:]},
		} {
			name, items := tc.name, tc.items
			t.Run(name+"."+f.Ext(), func(t *testing.T) {
				t.Parallel()
				c := channel(t, f)
				c.ContentMode = tc.mode
				if name == "archive" {
					// An archive document is not a topic: no hub.
					c.Archive, c.Hub = true, ""
					c.Links = []feed.Link{
						{Rel: "current", Href: "https://news.example.com/feed." + f.Ext()},
						{Rel: "prev-archive", Href: "https://news.example.com/archive/1/feed." + f.Ext()},
					}
				}
				got := renderChannel(t, f, c, items)
				if f != feed.JSON {
					wellFormed(t, got)
				}
				checkGolden(t, filepath.Join("testdata", name+"."+f.Ext()), got)
			})
		}
	}
}

// checkGolden compares got with the golden file, rewriting it first under
// -update.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./feed -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from golden (-want +got):\n%s", golden, diff)
	}
}

// oversized is a feed of three articles under tight bounds: the newest fits
// (full body), the second's body is over MaxItemContent, and the third's
// would take the feed past MaxFeedContent, which the first has mostly spent.
func oversized(f feed.Format, c *feed.Channel) []*feed.Article {
	all := articles()
	big := *all[0]
	big.ID, big.GUID, big.Title = "big", "tag:news.example.com,2026-11-24:big", "Big <one> & more"
	big.ContentHTML = strings.Repeat("<p>긴 본문 long body.</p>", 100)
	big.Published = all[0].Published.Add(-time.Hour)
	c.MaxItemContent = 1000
	// What the first item's content takes with its body (the key points
	// counted), a byte more for the control character Clean drops, and
	// less room than the third's body needs.
	first, _ := c.Content(all[0], -1)
	c.MaxFeedContent = len(first) + 1 + 10
	return []*feed.Article{all[0], &big, all[1]}
}

// TestOversized: an item whose body is over the item bound, or over what
// the feed's bound leaves, carries its summary and a link to the article
// instead, in every format, still valid; the article itself keeps its body.
// In ContentFull (oversized-full) the summary keeps the form it had
// before the modes; in ContentBoth its highlights are bold.
func TestOversized(t *testing.T) {
	t.Parallel()
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		for golden, mode := range map[string]feed.ContentMode{"oversized": feed.ContentBoth, "oversized-full": feed.ContentFull} {
			t.Run(golden+"."+f.Ext(), func(t *testing.T) {
				t.Parallel()
				c := channel(t, f)
				c.ContentMode = mode
				checkOversized(t, f, c, golden)
			})
		}
	}
}

// checkOversized renders oversized(f, c), compares it with golden and
// checks that the items that do not fit carry their summary and link.
func checkOversized(t *testing.T, f feed.Format, c *feed.Channel, golden string) {
	t.Helper()
	items := oversized(f, c)
	bodies := []string{items[0].ContentHTML, items[1].ContentHTML, items[2].ContentHTML}
	got := renderChannel(t, f, c, items)
	if f != feed.JSON {
		wellFormed(t, got)
	}
	checkGolden(t, filepath.Join("testdata", golden+"."+f.Ext()), got)
	for i, a := range items {
		if a.ContentHTML != bodies[i] {
			t.Errorf("item %d: rendering changed the article's body", i)
		}
	}
	p, err := gofeed.NewParser().ParseString(string(got))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	if len(p.Items) != 3 {
		t.Fatalf("%d items, want 3", len(p.Items))
	}
	if !strings.Contains(p.Items[0].Content, "<b>강조</b>") {
		t.Errorf("the fitting item's content = %q, want its body", p.Items[0].Content)
	}
	for i, want := range []struct{ summary, link, title string }{
		{"첫 문장입니다.", "https://news.example.com/articles/big", "Big &lt;one&gt; &amp; more"},
		{"The first paragraph.", "https://elsewhere.example.org/story", "Lead only"},
	} {
		content := p.Items[i+1].Content
		if strings.Contains(content, "long body") || content == bodies[i+1] {
			t.Errorf("item %d carries its body: %q", i+1, content)
		}
		for _, s := range []string{want.summary, `<a href="` + want.link + `">` + want.title + "</a>"} {
			if !strings.Contains(content, s) {
				t.Errorf("item %d content %q lacks %q", i+1, content, s)
			}
		}
	}
}

// TestContentBound: Channel.Content keeps a body up to the item bound and
// within the room left, and gives the summary and link otherwise.
func TestContentBound(t *testing.T) {
	t.Parallel()
	a := articles()[1] // a 27-byte body
	for _, tc := range []struct {
		name          string
		maxItem, room int
		full          bool
	}{
		{"no bounds", 0, -1, true},
		{"at the item bound", 27, -1, true},
		{"over the item bound", 26, -1, false},
		{"exactly the room left", 0, 27, true},
		{"more than the room left", 100, 26, false},
		{"no room left", 100, 0, false},
	} {
		c := channel(t, feed.RSS)
		c.MaxItemContent = tc.maxItem
		content, full := c.Content(a, tc.room)
		if full != tc.full {
			t.Errorf("%s: full = %v, want %v", tc.name, full, tc.full)
		}
		if want := map[bool]string{true: a.ContentHTML, false: `<p>The first paragraph.</p><p><a href="https://elsewhere.example.org/story">Lead only</a></p>`}[tc.full]; content != want {
			t.Errorf("%s: content %q, want %q", tc.name, content, want)
		}
	}
}

// wellFormed checks that b is XML 1.0 that encoding/xml reads to the end.
func wellFormed(t testing.TB, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b)
		}
	}
}

// TestParsedByGofeed reads each format back with a third-party parser.
func TestParsedByGofeed(t *testing.T) {
	t.Parallel()
	want := articles()
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		t.Run(f.Ext(), func(t *testing.T) {
			t.Parallel()
			b := render(t, f, want)
			if f != feed.JSON {
				wellFormed(t, b)
			}
			got, err := gofeed.NewParser().ParseString(string(b))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if got.Title != "속보 <Breaking> & ]]> news" {
				t.Errorf("feed title = %q", got.Title)
			}
			if got.Language != "ko" {
				t.Errorf("language = %q, want ko", got.Language)
			}
			if len(got.Items) != 2 {
				t.Fatalf("%d items, want 2", len(got.Items))
			}
			checkFirstItem(t, f, got.Items[0], want[0])
			if got.Items[1].Link != "https://elsewhere.example.org/story" {
				t.Errorf("second link = %q, want the article's own url", got.Items[1].Link)
			}
			if got.Items[1].Description == "" || !strings.Contains(got.Items[1].Description, "The first paragraph.") {
				t.Errorf("lead-only summary = %q", got.Items[1].Description)
			}
		})
	}
}

// checkFirstItem checks what gofeed read of the first of articles(): every
// field the formats carry, cleaned and summarized as the channel says.
func checkFirstItem(t *testing.T, f feed.Format, it *gofeed.Item, a *feed.Article) {
	t.Helper()
	// The vertical tab is stripped: XML 1.0 forbids it.
	if want := "대통령실 <발표> & \"]]>\" 끝"; it.Title != want {
		t.Errorf("title = %q, want %q", it.Title, want)
	}
	if it.GUID != a.GUID {
		t.Errorf("guid = %q, want %q", it.GUID, a.GUID)
	}
	if want := "https://news.example.com/articles/2026-11-24-%EB%8C%80%ED%86%B5%EB%A0%B9%EC%8B%A4-%EB%B0%9C%ED%91%9C"; it.Link != want {
		t.Errorf("link = %q, want %q", it.Link, want)
	}
	if diff := cmp.Diff([]string{"News", "경제/산업", "한미동맹"}, it.Categories); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.Published) {
		t.Errorf("published = %v, want %v", it.PublishedParsed, a.Published)
	}
	if f != feed.RSS && (it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(a.Updated)) {
		t.Errorf("updated = %v, want %v", it.UpdatedParsed, a.Updated)
	}
	if it.Image == nil && !hasImage(it) {
		t.Errorf("no image found in %+v", it)
	}
	for _, s := range []string{"요약 <문장> & 설명.", "첫 문장입니다.", "둘째 문장입니다."} {
		if !strings.Contains(it.Description, s) && !strings.Contains(it.Description, htmlEscape(s)) {
			t.Errorf("summary %q lacks %q", it.Description, s)
		}
	}
	if strings.Contains(it.Description, "셋째") {
		t.Errorf("summary %q has more than the channel's 2 highlights", it.Description)
	}
	if !strings.Contains(it.Content, "<b>강조</b>") || strings.ContainsRune(it.Content, 1) {
		t.Errorf("content = %q", it.Content)
	}
	var names []string
	for _, p := range it.Authors {
		names = append(names, p.Name)
	}
	wantNames := []string{"김기자", "Jane Doe"}
	if f == feed.RSS {
		wantNames = []string{"김기자, Jane Doe"}
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("authors (-want +got):\n%s", diff)
	}
}

// htmlEscape is s as html.EscapeString writes it.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// hasImage reports whether the first article's image is among the item's
// enclosures or Media RSS content, where gofeed leaves it.
func hasImage(it *gofeed.Item) bool {
	for _, e := range it.Enclosures {
		if e.URL == "https://news.example.com/assets/img/a.jpg" {
			return true
		}
	}
	if m, ok := it.Extensions["media"]["content"]; ok && len(m) > 0 {
		return m[0].Attrs["url"] == "https://news.example.com/assets/img/a.jpg"
	}
	return false
}

// TestEmptyFeeds: a feed without items is still a valid document of its
// format.
func TestEmptyFeeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f     feed.Format
		check func(t *testing.T, b []byte)
	}{{
		f: feed.RSS,
	}, {
		f: feed.Atom,
		check: func(t *testing.T, b []byte) {
			if !bytes.Contains(b, []byte("<updated>1970-01-01T00:00:00Z</updated>")) {
				t.Errorf("empty Atom feed lacks a stable <updated>")
			}
		},
	}, {
		f: feed.JSON,
		check: func(t *testing.T, b []byte) {
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			if items, ok := v["items"].([]any); !ok || len(items) != 0 {
				t.Errorf("items = %#v, want an empty array (JSON Feed requires it)", v["items"])
			}
			if v["version"] != feed.JSONFeedVersion {
				t.Errorf("version = %v", v["version"])
			}
		},
	}} {
		t.Run(tc.f.Ext(), func(t *testing.T) {
			t.Parallel()
			b := render(t, tc.f, nil)
			if tc.f != feed.JSON {
				wellFormed(t, b)
			}
			if _, err := gofeed.NewParser().ParseString(string(b)); err != nil {
				t.Errorf("gofeed: %v", err)
			}
			if tc.check != nil {
				tc.check(t, b)
			}
		})
	}
}

// TestCategories: every format lists an article's categories and then its
// tags, each category once whatever its spelling, and none that cleaning
// leaves empty.
func TestCategories(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		categories, tags []string
		want             []string
	}{
		{"none", nil, nil, nil},
		{"categories then tags", []string{"B", "a"}, []string{"c"}, []string{"B", "a", "c"}},
		{"a tag repeating a category", []string{"News"}, []string{"news", " NEWS "}, []string{"News"}},
		{"decomposed Korean", []string{"경제"}, []string{"\u1100\u1167\u11bc\u110c\u1166"}, []string{"경제"}},
		{"blank and forbidden", []string{" ", "\x00"}, []string{"a\x01", "a"}, []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := articles()[1]
			a.Categories, a.Tags = tc.categories, tc.tags
			for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
				got, err := gofeed.NewParser().ParseString(string(render(t, f, []*feed.Article{a})))
				if err != nil {
					t.Fatalf("%s: gofeed: %v", f.Ext(), err)
				}
				if diff := cmp.Diff(tc.want, got.Items[0].Categories); diff != "" {
					t.Errorf("%s categories (-want +got):\n%s", f.Ext(), diff)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f         feed.Format
		ext, mime string
	}{
		{feed.RSS, "rss", feed.RSSType},
		{feed.Atom, "atom", feed.AtomType},
		{feed.JSON, "json", feed.JSONType},
	} {
		if got := tc.f.Ext(); got != tc.ext {
			t.Errorf("Format(%d).Ext() = %q, want %q", tc.f, got, tc.ext)
		}
		if got := tc.f.ContentType(); got != tc.mime {
			t.Errorf("Format(%d).ContentType() = %q, want %q", tc.f, got, tc.mime)
		}
		if got, ok := feed.FormatByExt(tc.ext); got != tc.f || !ok {
			t.Errorf("FormatByExt(%q) = %d, %v; want %d, true", tc.ext, got, ok, tc.f)
		}
	}
	if _, ok := feed.FormatByExt("xml"); ok {
		t.Errorf("FormatByExt(\"xml\") found a format")
	}
	var buf bytes.Buffer
	if err := feed.Write(&buf, feed.Format(3), channel(t, feed.RSS), nil); err == nil || buf.Len() > 0 {
		t.Errorf("Write of an unknown format: error %v, %d bytes written", err, buf.Len())
	}
}

// benchItems is a feed's worth of seed-sized articles.
func benchItems(n int) []*feed.Article {
	base := articles()[0]
	body := strings.Repeat("<p>대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 <b><span style=\"color: #ee2323\">양국 간 긴밀한 협력은 지속적으로 유지될 것</span></b>이라는 입장을 밝혔습니다.</p>\n", 25)
	items := make([]*feed.Article, n)
	for i := range items {
		a := *base
		a.ID = fmt.Sprintf("bench-%d", i)
		a.ContentHTML = body
		items[i] = &a
	}
	return items
}

// BenchmarkRender renders a 50-item feed of seed-sized articles.
func BenchmarkRender(b *testing.B) {
	items := benchItems(50)
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		b.Run(f.Ext(), func(b *testing.B) {
			c := channel(b, f)
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := feed.Write(&buf, f, c, items); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

// TestJSONEmptyContent: an item whose body sanitized to nothing still has
// the content_html JSON Feed 1.1 requires.
func TestJSONEmptyContent(t *testing.T) {
	t.Parallel()
	a := articles()[1]
	a.ContentHTML = ""
	var v struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(render(t, feed.JSON, []*feed.Article{a}), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Items) != 1 {
		t.Fatalf("%d items, want 1", len(v.Items))
	}
	if got, ok := v.Items[0]["content_html"]; !ok || got != "" {
		t.Errorf("content_html = %#v, present %v; want \"\"", got, ok)
	}
}
