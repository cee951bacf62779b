package server

import (
	"testing"
	"time"

	"sokbo/feed"
)

// TestWithArticle: the guessed feed has the new article where the store
// would list it (newest first, then by id), no older version of it, and
// is nil when the article falls outside the feed.
func TestWithArticle(t *testing.T) {
	t.Parallel()
	day := func(d int, id string) *feed.Article {
		return &feed.Article{ID: id, Published: time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC)}
	}
	items := []*feed.Article{day(5, "e"), day(4, "d"), day(3, "c")}
	ids := func(as []*feed.Article) string {
		s := ""
		for _, a := range as {
			s += a.ID
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		a     *feed.Article
		limit int
		want  string
	}{
		{"newest", day(6, "x"), 3, "xed"},
		{"in the middle", day(4, "x"), 5, "exdc"}, // same day: the larger id first
		{"same day, smaller id", day(4, "a"), 5, "edac"},
		{"an update moves", day(2, "d"), 5, "ecd"},
		{"oldest, within the limit", day(1, "x"), 4, "edcx"},
		{"outside the limit", day(1, "x"), 3, ""},
		{"into an empty feed", day(1, "x"), 3, "x"},
	} {
		in := items
		if tc.name == "into an empty feed" {
			in = nil
		}
		if got := ids(withArticle(in, tc.a, tc.limit)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
