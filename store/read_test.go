package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"sokbo/feed"
	"sokbo/store"
)

func TestGetNotFound(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t, nil)
	for _, id := range []string{"missing", ""} {
		if _, err := db.Get(context.Background(), id); !errors.Is(err, feed.ErrNotFound) {
			t.Errorf("Get(%q): err = %v, want ErrNotFound", id, err)
		}
	}
}

func TestLatest(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t, nil)
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range []*feed.Article{
		article("old", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)), // before 1970
		article("ancient", time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)),
		article("future", far),
		article("future2", far.Add(time.Hour)), // same clamped key as future
		article("m1", t0),
		article("m2", t0.Add(time.Minute)),
		article("tie-a", t0.Add(time.Hour)),
		article("tie-b", t0.Add(time.Hour)),
		article("tie-ab", t0.Add(time.Hour)),
	} {
		put(t, db, a)
	}
	all := []string{"future2", "future", "tie-b", "tie-ab", "tie-a", "m2", "m1", "old", "ancient"}
	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 100, all},
		{0, 3, all[:3]},
		{3, 3, all[3:6]},
		{8, 3, all[8:]},
		{9, 3, []string{}},
		{100, 3, []string{}},
		{0, 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("offset=%d,limit=%d", tt.offset, tt.limit), func(t *testing.T) {
			if got := latestIDs(t, db, "", tt.offset, tt.limit); !cmp.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range [][2]int{{-1, 10}, {0, -1}} {
		if _, err := db.Latest(context.Background(), "", bad[0], bad[1]); err == nil {
			t.Errorf("Latest(offset %d, limit %d) succeeded, want error", bad[0], bad[1])
		}
	}
	mustCheck(t, db)
}

func TestLatestCategory(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t, nil)
	industry := "경제/산업"
	decomposed := norm.NFD.String(industry)
	if decomposed == industry {
		t.Fatal("test setup: NFD form equals NFC form")
	}
	put(t, db, article("a", t0, "News", "news", " NEWS ")) // one category, three spellings
	put(t, db, article("b", t0.Add(time.Hour), decomposed, "Sports"))
	put(t, db, article("c", t0.Add(2*time.Hour), industry+" ", "news"))
	put(t, db, article("d", t0.Add(3*time.Hour), "  ", ""))

	tests := []struct {
		category string
		want     []string
	}{
		{"News", []string{"c", "a"}},
		{"news", []string{"c", "a"}},
		{"  NeWs\t", []string{"c", "a"}},
		{industry, []string{"c", "b"}},
		{decomposed, []string{"c", "b"}},
		{"SPORTS", []string{"b"}},
		{"unknown", []string{}},
		{"   ", []string{}},
		{"", []string{"d", "c", "b", "a"}},
	}
	for _, tt := range tests {
		if got := latestIDs(t, db, tt.category, 0, 10); !cmp.Equal(got, tt.want) {
			t.Errorf("Latest(%q) = %v, want %v", tt.category, got, tt.want)
		}
	}
	// The stored article keeps the categories as written.
	b, err := db.Get(context.Background(), "b")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if want := []string{decomposed, "Sports"}; !cmp.Equal(b.Categories, want) {
		t.Errorf("Categories = %q, want %q", b.Categories, want)
	}
	mustCheck(t, db)
}

// TestLatestReadsOnlyWindow shows that Latest reads only the articles it
// returns: with the oldest article made undecodable, the newest page of a
// large store still loads, and only a page that reaches that article fails.
func TestLatestReadsOnlyWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a store with 5,000 articles")
	}
	t.Parallel()
	const n = 5000
	path := dbPath(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	fill(t, db, n)
	db.Close()
	editBolt(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("items")).Put([]byte(fillID(0)), []byte("{not json"))
	})
	db = openAt(t, path, store.Options{})

	var want []string
	for i := n - 1; i >= n-10; i-- {
		want = append(want, fillID(i))
	}
	for _, cat := range []string{"", "news"} {
		if got := latestIDs(t, db, cat, 0, 10); !cmp.Equal(got, want) {
			t.Errorf("Latest(%q) = %v, want %v", cat, got, want)
		}
	}
	if got := latestIDs(t, db, "", n-11, 10); len(got) != 10 || got[9] != fillID(1) {
		t.Errorf("page before the broken article = %v, want 10 ending at %s", got, fillID(1))
	}
	if _, err := db.Latest(context.Background(), "", n-5, 10); err == nil {
		t.Errorf("Latest over the broken article succeeded, want error")
	}
}

func TestArrived(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	if last, err := db.LastSeq(ctx); err != nil || last != 0 {
		t.Errorf("LastSeq of an empty store = %d, %v; want 0", last, err)
	}
	// Arrival order differs from publication order.
	for i, id := range []string{"c", "a", "d", "b"} {
		put(t, db, article(id, t0.Add(time.Duration(-i)*time.Hour)))
	}
	del(t, db, "d")
	last, err := db.LastSeq(ctx)
	if err != nil || last != 4 {
		t.Fatalf("LastSeq = %d, %v; want 4 (the deleted article's included)", last, err)
	}
	arrived := func(from, to uint64) []string {
		t.Helper()
		as, err := db.Arrived(ctx, from, to)
		if err != nil {
			t.Fatalf("Arrived(%d, %d): %v", from, to, err)
		}
		return ids(as)
	}
	tests := []struct {
		from, to uint64
		want     []string
	}{
		{1, 4, []string{"b", "a", "c"}},
		{2, 3, []string{"a"}},
		{3, 3, []string{}},
		{4, 100, []string{"b"}},
		{5, 100, []string{}},
		{3, 1, []string{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, arrived(tt.from, tt.to)); diff != "" {
			t.Errorf("Arrived(%d, %d) newest first (-want +got):\n%s", tt.from, tt.to, diff)
		}
	}

	// An update keeps the arrival number.
	a := article("a", t0)
	a.Title = "Changed"
	if c := put(t, db, a); c.Outcome != feed.Updated {
		t.Fatalf("outcome %v, want updated", c.Outcome)
	}
	if got, err := db.Arrived(ctx, 2, 2); err != nil || len(got) != 1 || got[0].ID != "a" || got[0].Title != "Changed" {
		t.Errorf("Arrived(2, 2) after the update = %v, %v; want the updated a", ids(got), err)
	}
	if last, err := db.LastSeq(ctx); err != nil || last != 4 {
		t.Errorf("LastSeq after an update = %d, %v; want 4", last, err)
	}
	// A deleted article posted again is a new arrival.
	put(t, db, article("d", t0))
	if diff := cmp.Diff([]string{"d", "b", "a", "c"}, arrived(1, 5)); diff != "" {
		t.Errorf("Arrived(1, 5) after re-creating d (-want +got):\n%s", diff)
	}
	mustCheck(t, db)
}

// TestLatestSeesUpdates: the decoded-article cache never hides an update.
func TestLatestSeesUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	for i := range 3 {
		a := article("a", t0, "News")
		a.Title = fmt.Sprintf("v%d", i)
		put(t, db, a)
		for _, cat := range []string{"", "news"} {
			got, err := db.Latest(ctx, cat, 0, 1)
			if err != nil || len(got) != 1 || got[0].Title != a.Title {
				t.Fatalf("Latest(%q) after update %d = %v, %v; want title %q", cat, i, got, err, a.Title)
			}
		}
		if got, err := db.Arrived(ctx, 1, 1); err != nil || len(got) != 1 || got[0].Title != a.Title {
			t.Fatalf("Arrived after update %d = %v, %v; want title %q", i, got, err, a.Title)
		}
	}
}

// BenchmarkLatest reads the newest 10 of stores of 1,000 and 20,000
// articles: the time per read should not grow with the store.
func BenchmarkLatest(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 20000} {
		db, _ := openTemp(b, nil)
		fill(b, db, n)
		for _, bc := range []struct {
			name     string
			category string
			offset   int
		}{
			{"site", "", 0},
			{"category", "news", 0},
			{"rare-category", "rare", 0},
			{"site-offset-100", "", 100},
		} {
			b.Run(fmt.Sprintf("n=%d/%s", n, bc.name), func(b *testing.B) {
				for b.Loop() {
					as, err := db.Latest(ctx, bc.category, bc.offset, 10)
					if err != nil {
						b.Fatal(err)
					}
					if len(as) != 10 {
						b.Fatalf("got %d articles, want 10", len(as))
					}
				}
			})
		}
	}
}

// TestLatestRemembered: a list read again in the same state of the store
// is the same list, whatever a caller did to the copy it got; any write,
// an edit of an article in the list too, is seen by the next read; a
// facet's list is not another facet's.
func TestLatestRemembered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	put(t, db, article("a", t0, "News"))
	put(t, db, article("b", t0.Add(time.Minute), "Sports"))
	first, err := db.Latest(ctx, "", 0, 10)
	if err != nil || len(first) != 2 {
		t.Fatalf("Latest: %d articles, %v", len(first), err)
	}
	first[0] = nil // a caller's copy
	if got := latestIDs(t, db, "", 0, 10); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("site read again: %v, want [b a]", got)
	}
	if got := latestIDs(t, db, "News", 0, 10); !slices.Equal(got, []string{"a"}) {
		t.Errorf("News: %v, want [a]", got)
	}
	if got := latestIDs(t, db, "Sports", 0, 10); !slices.Equal(got, []string{"b"}) {
		t.Errorf("Sports: %v, want [b]", got)
	}
	put(t, db, article("c", t0.Add(2*time.Minute), "News"))
	if got := latestIDs(t, db, "News", 0, 10); !slices.Equal(got, []string{"c", "a"}) {
		t.Errorf("News after a post: %v, want [c a]", got)
	}
	edited := article("a", t0, "News")
	edited.Title = "Edited"
	put(t, db, edited)
	as, err := db.Latest(ctx, "News", 0, 10)
	if err != nil || len(as) != 2 || as[1].Title != "Edited" {
		t.Fatalf("News after an edit: %v, %v", as, err)
	}
	if got := latestIDs(t, db, "", 1, 1); !slices.Equal(got, []string{"b"}) {
		t.Errorf("site, offset 1 limit 1: %v, want [b]", got)
	}
}
