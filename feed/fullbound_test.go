package feed

import (
	"strings"
	"testing"
)

// FuzzOpeningBound checks that openingBound is never below the opening
// it bounds, in every content mode, whatever the text escapes to.
func FuzzOpeningBound(f *testing.F) {
	f.Add("제목", "https://cdn.example/a.jpg", "요약", "강조된 문장.", 3)
	f.Add(`"<&>'`, `https://x/"'&`, `&&&&`, `""""`, 1)
	f.Add("", "", "", "", 0)
	f.Fuzz(func(t *testing.T, title, image, excerpt, highlight string, highlights int) {
		a := &Article{Title: title, Image: image, Excerpt: excerpt, Lead: excerpt + excerpt,
			Highlights: []string{highlight, highlight + highlight}, ContentHTML: "<p>body</p>"}
		for _, mode := range []ContentMode{ContentBoth, ContentFull, ContentSummary} {
			c := &Channel{ContentMode: mode, Highlights: highlights}
			if got, bound := len(c.opening(a)), c.openingBound(a); got > bound {
				t.Errorf("mode %v: opening is %d bytes, bound %d", mode, got, bound)
			}
		}
	})
}

// TestFullsBound checks that Fulls answers the same with the bound's
// shortcut as by measuring, around the feed's and the item's limits.
func TestFullsBound(t *testing.T) {
	var items []*Article
	for i := range 6 {
		items = append(items, &Article{Title: "기사", Excerpt: strings.Repeat("요약 ", i*40), Highlights: []string{strings.Repeat(`"강조" `, i*30)},
			Image: "https://cdn.example/a.jpg", ContentHTML: strings.Repeat("<p>본문</p>", 100*(6-i))})
	}
	total := 0
	for _, a := range items {
		total += (&Channel{ContentMode: ContentBoth, Highlights: 5}).fullSize(a)
	}
	// Both ways are taken: the shortcut without bounds, the measure at
	// the edges.
	if !(&Channel{ContentMode: ContentBoth, Highlights: 5}).allFit(items) {
		t.Fatal("without bounds, allFit says an item does not fit")
	}
	if (&Channel{ContentMode: ContentBoth, Highlights: 5, MaxFeedContent: total}).allFit(items) {
		t.Fatal("at the feed's exact size, allFit says all fit: the bound is no bound")
	}
	for _, feedMax := range []int{0, total / 3, total - 1, total, total + 1, 10 * total} {
		for _, itemMax := range []int{0, 1000, 3000, 100000} {
			c := &Channel{ContentMode: ContentBoth, Highlights: 5, MaxFeedContent: feedMax, MaxItemContent: itemMax}
			got, want := c.Fulls(items), c.measuredFulls(items, make([]bool, len(items)))
			if fmtBools(got) != fmtBools(want) {
				t.Errorf("feed %d, item %d: Fulls %v, measured %v", feedMax, itemMax, got, want)
			}
		}
	}
}

func fmtBools(bs []bool) string {
	var b strings.Builder
	for _, v := range bs {
		if v {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}
