package feed_test

import (
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"

	"sokbo/feed"
)

// formats are the three feed formats, for tests that run over each.
var formats = []feed.Format{feed.RSS, feed.Atom, feed.JSON}

// Parts of the first of articles() as its content carries them, escaped
// as the content's HTML escapes them.
const (
	leadImg    = `<p><img src="https://news.example.com/assets/img/a.jpg" alt="대통령실 &lt;발표&gt; &amp; &#34;]]&gt;&#34; 끝"></p>`
	excerptP   = `<p>요약 &lt;문장&gt; &amp; 설명.</p>`
	pointsList = `<ul><li><strong>첫 문장입니다.</strong></li><li><strong>둘째 문장입니다.</strong></li></ul>`
	bodyP      = `<p>본문 <b>강조</b> 끝</p>`
	firstLink  = `https://news.example.com/articles/2026-11-24-%EB%8C%80%ED%86%B5%EB%A0%B9%EC%8B%A4-%EB%B0%9C%ED%91%9C`
)

// parsed renders items in format f for c and reads them back with
// gofeed, a third-party parser.
func parsed(t *testing.T, f feed.Format, c *feed.Channel, items []*feed.Article) *gofeed.Feed {
	t.Helper()
	b := renderChannel(t, f, c, items)
	if f != feed.JSON {
		wellFormed(t, b)
	}
	p, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("%s: gofeed: %v", f.Ext(), err)
	}
	if len(p.Items) != len(items) {
		t.Fatalf("%s: %d items, want %d", f.Ext(), len(p.Items), len(items))
	}
	return p
}

// TestContentModes: what each mode puts in an item's content, as a reader
// parses it from each format, while the summary stays the same in every
// mode.
func TestContentModes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		mode          feed.ContentMode
		first, second string
	}{
		{"both", feed.ContentBoth, leadImg + excerptP + pointsList + bodyP, "<p>The first paragraph.</p>"},
		{"full", feed.ContentFull, leadImg + bodyP, "<p>The first paragraph.</p>"},
		{"summary", feed.ContentSummary,
			leadImg + excerptP + pointsList + `<p><a href="` + firstLink + `">기사 전문 보기</a></p>`,
			`<p>The first paragraph.</p><p><a href="https://elsewhere.example.org/story">기사 전문 보기</a></p>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range formats {
				c := channel(t, f)
				c.ContentMode = tc.mode
				p := parsed(t, f, c, articles())
				if got := p.Items[0].Content; got != tc.first {
					t.Errorf("%s: first content\n%q, want\n%q", f.Ext(), got, tc.first)
				}
				if got := p.Items[1].Content; got != tc.second {
					t.Errorf("%s: second content\n%q, want\n%q", f.Ext(), got, tc.second)
				}
				// The summary fields are the mode's business in no format.
				c.ContentMode = feed.ContentFull
				full := parsed(t, f, c, articles())
				for i := range p.Items {
					if p.Items[i].Description != full.Items[i].Description {
						t.Errorf("%s: item %d summary %q, want %q as in full mode", f.Ext(), i, p.Items[i].Description, full.Items[i].Description)
					}
				}
			}
		})
	}
}

// TestHighlightsInContent: the highlighted sentences, up to the channel's
// number, are in the parsed content of every format in the modes that
// show key points, ahead of the article; full mode has none of them.
func TestHighlightsInContent(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		for _, mode := range []feed.ContentMode{feed.ContentBoth, feed.ContentSummary, feed.ContentFull} {
			c := channel(t, f)
			c.ContentMode = mode
			content := parsed(t, f, c, articles()).Items[0].Content
			for _, h := range []string{"첫 문장입니다.", "둘째 문장입니다."} {
				if got, want := strings.Contains(content, "<strong>"+h+"</strong>"), mode != feed.ContentFull; got != want {
					t.Errorf("%s mode %d: highlight %q in content %v, want %v: %q", f.Ext(), mode, h, got, want, content)
				}
			}
			if strings.Contains(content, "셋째") {
				t.Errorf("%s mode %d: more highlights than the channel's 2: %q", f.Ext(), mode, content)
			}
			if i := strings.Index(content, "본문"); mode == feed.ContentBoth && i < strings.Index(content, "첫 문장입니다.") {
				t.Errorf("%s: the article comes before the key points: %q", f.Ext(), content)
			}
		}
	}
}

// TestReadLabel: a teaser's link is worded in the item's language, or the
// feed's when the item names none.
func TestReadLabel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ item, feedLang, want string }{
		{"ko", "en", "기사 전문 보기"},
		{"ko-KR", "en", "기사 전문 보기"},
		{"en", "ko", "Read the article"},
		{"ja", "ko", "Read the article"},
		{"", "ko", "기사 전문 보기"},
		{"", "en-US", "Read the article"},
	} {
		c := channel(t, feed.JSON)
		c.ContentMode, c.Lang = feed.ContentSummary, tc.feedLang
		a := articles()[1]
		a.Lang = tc.item
		content, full := c.Content(a, -1)
		if want := `<a href="https://elsewhere.example.org/story">` + tc.want + `</a>`; full || !strings.Contains(content, want) {
			t.Errorf("item %q, feed %q: content %q (full %v), want %q", tc.item, tc.feedLang, content, full, want)
		}
	}
}

// TestLeadImage: the front-matter image opens the content unless the
// body the content carries shows it already; a teaser, which carries no
// body, always shows it.
func TestLeadImage(t *testing.T) {
	t.Parallel()
	const img = "https://news.example.com/assets/img/a.jpg?w=1&h=2"
	inBody := `<p><img src="https://news.example.com/assets/img/a.jpg?w=1&amp;h=2" alt="x"></p><p>본문</p>`
	for _, tc := range []struct {
		name, image, body string
		mode              feed.ContentMode
		want              bool
	}{
		{"not in the body, both", img, "<p>본문</p>", feed.ContentBoth, true},
		{"not in the body, full", img, "<p>본문</p>", feed.ContentFull, true},
		{"in the body, both", img, inBody, feed.ContentBoth, false},
		{"in the body, full", img, inBody, feed.ContentFull, false},
		{"in the body, summary", img, inBody, feed.ContentSummary, true},
		{"linked, not shown", img, `<p><a href="` + img + `">사진</a></p>`, feed.ContentFull, true},
		{"no image", "", "<p>본문</p>", feed.ContentBoth, false},
	} {
		c := channel(t, feed.RSS)
		c.ContentMode = tc.mode
		a := articles()[0]
		a.Image, a.ContentHTML, a.Title = tc.image, tc.body, "제목 \"A&B\""
		content, _ := c.Content(a, -1)
		lead := `<p><img src="https://news.example.com/assets/img/a.jpg?w=1&amp;h=2" alt="제목 &#34;A&amp;B&#34;"></p>`
		if got := strings.HasPrefix(content, lead); got != tc.want {
			t.Errorf("%s: content opens with the lead image: %v, want %v: %q", tc.name, got, tc.want, content)
		}
		if n := strings.Count(content, "<img"); tc.image != "" && n != 1 {
			t.Errorf("%s: %d images in %q, want 1", tc.name, n, content)
		}
	}
}

// TestSanitizedContent passes each format's parsed item content through
// bluemonday's UGC policy, standing in for a reader's sanitizer (which
// drops span, mark, style and class): the key points, their emphasis,
// the link and the lead image survive it.
func TestSanitizedContent(t *testing.T) {
	t.Parallel()
	policy := bluemonday.UGCPolicy()
	for _, f := range formats {
		for _, mode := range []feed.ContentMode{feed.ContentBoth, feed.ContentSummary, feed.ContentFull} {
			c := channel(t, f)
			c.ContentMode = mode
			clean := policy.Sanitize(parsed(t, f, c, articles()).Items[0].Content)
			// The policy drops the alt text of this title, whose quotes
			// and brackets its pattern for alt refuses; the image stays.
			want := []string{`<img src="https://news.example.com/assets/img/a.jpg"`}
			if mode != feed.ContentFull {
				want = append(want, excerptP, "<li><strong>첫 문장입니다.</strong></li>", "<li><strong>둘째 문장입니다.</strong></li>")
			}
			if mode == feed.ContentSummary {
				want = append(want, `href="`+firstLink+`"`, ">기사 전문 보기</a>")
			} else {
				want = append(want, "<b>강조</b>")
			}
			for _, s := range want {
				if !strings.Contains(clean, s) {
					t.Errorf("%s mode %d: sanitized content lacks %q:\n%s", f.Ext(), mode, s, clean)
				}
			}
		}
	}
}

// TestBoundsCountKeyPoints: the item bound applies to the content with its
// key points and lead image, not to the body alone; a summary channel
// carries no body whatever the bounds.
func TestBoundsCountKeyPoints(t *testing.T) {
	t.Parallel()
	a := articles()[0]
	// No character Clean drops, so the content is as long as counted.
	a.Title, a.ContentHTML = "제목", "<p>본문 <b>강조</b></p>"
	for _, mode := range []feed.ContentMode{feed.ContentFull, feed.ContentBoth, feed.ContentSummary} {
		c := channel(t, feed.RSS)
		c.ContentMode = mode
		// The lead image (and in ContentBoth the key points) take the
		// content past a bound the body alone would meet.
		c.MaxItemContent = len(a.ContentHTML)
		if _, full := c.Content(a, -1); full {
			t.Errorf("mode %d, bound = the body's size: full", mode)
		}
		c.MaxItemContent = 0
		content, full := c.Content(a, -1)
		if want := mode != feed.ContentSummary; full != want {
			t.Errorf("mode %d, no bound: full %v, want %v", mode, full, want)
		}
		if !full {
			continue
		}
		c.MaxItemContent = len(content)
		if _, full := c.Content(a, -1); !full {
			t.Errorf("mode %d, bound = the content's size: not full", mode)
		}
		if _, full := c.Content(a, len(content)-1); full {
			t.Errorf("mode %d, room a byte short: full", mode)
		}
	}
	c := channel(t, feed.RSS)
	c.ContentMode = feed.ContentSummary
	for i, full := range c.Fulls(articles()) {
		if full {
			t.Errorf("summary channel: item %d carries its body", i)
		}
	}
}
