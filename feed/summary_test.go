package feed_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		a        feed.Article
		n        int
		want     feed.Summary
		wantHTML string
		wantText string
	}{{
		name:     "excerpt and the first n highlights",
		a:        feed.Article{Excerpt: "ex", Highlights: []string{"a", "b", "c"}, Lead: "lead"},
		n:        2,
		want:     feed.Summary{Text: "ex", Highlights: []string{"a", "b"}},
		wantHTML: "<p>ex</p><ul><li>a</li><li>b</li></ul>",
		wantText: "ex\na\nb",
	}, {
		name:     "n beyond the highlights",
		a:        feed.Article{Highlights: []string{"a"}},
		n:        5,
		want:     feed.Summary{Highlights: []string{"a"}},
		wantHTML: "<ul><li>a</li></ul>",
		wantText: "a",
	}, {
		name:     "the lead when there is nothing else",
		a:        feed.Article{Lead: "lead"},
		n:        5,
		want:     feed.Summary{Text: "lead"},
		wantHTML: "<p>lead</p>",
		wantText: "lead",
	}, {
		name:     "no lead beside highlights",
		a:        feed.Article{Highlights: []string{"h"}, Lead: "lead"},
		n:        5,
		want:     feed.Summary{Highlights: []string{"h"}},
		wantHTML: "<ul><li>h</li></ul>",
		wantText: "h",
	}, {
		name:     "the lead when no highlights are shown",
		a:        feed.Article{Highlights: []string{"h"}, Lead: "lead"},
		n:        0,
		want:     feed.Summary{Text: "lead"},
		wantHTML: "<p>lead</p>",
		wantText: "lead",
	}, {
		name:     "HTML escaped, text not",
		a:        feed.Article{Excerpt: "a<b & c", Highlights: []string{`"q"`}},
		n:        1,
		want:     feed.Summary{Text: "a<b & c", Highlights: []string{`"q"`}},
		wantHTML: "<p>a&lt;b &amp; c</p><ul><li>&#34;q&#34;</li></ul>",
		wantText: "a<b & c\n\"q\"",
	}, {
		name: "empty",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.a.Summary(tc.n)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Summary(%d) (-want +got):\n%s", tc.n, diff)
			}
			if h := feed.SummaryHTML(got); h != tc.wantHTML {
				t.Errorf("SummaryHTML = %q, want %q", h, tc.wantHTML)
			}
			if s := feed.SummaryText(got); s != tc.wantText {
				t.Errorf("SummaryText = %q, want %q", s, tc.wantText)
			}
		})
	}
}
