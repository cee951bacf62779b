package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
	"sokbo/store"
)

// TestChangeLog: every write that changed something is numbered in order,
// with its article's id and the categories, tags and authors it touched; unchanged writes
// and refused ones are not; the log survives reopening the file.
func TestChangeLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: t0}
	path := dbPath(t)
	db := openAt(t, path, store.Options{Now: c.Now})

	put(t, db, article("a", t0, "News"))
	put(t, db, article("a", t0, "News")) // unchanged
	moved := article("a", t0, "Economy")
	put(t, db, moved)
	b := article("b", t0)
	b.Tags = []string{"선거", "Seoul"}
	b.Authors = []string{"김기자"}
	put(t, db, b)
	del(t, db, "a")
	b2 := article("b", t0)
	b2.Tags = []string{"seoul"}
	put(t, db, b2) // drops a tag and the author: their feeds change too

	want := []feed.LoggedChange{
		{Seq: 1, Outcome: feed.Created, ID: "a", Categories: []string{"News"}, When: t0},
		{Seq: 2, Outcome: feed.Updated, ID: "a", Categories: []string{"News", "Economy"}, When: t0},
		{Seq: 3, Outcome: feed.Created, ID: "b", Tags: []string{"선거", "Seoul"}, Authors: []string{"김기자"}, When: t0},
		{Seq: 4, Outcome: feed.Deleted, ID: "a", Categories: []string{"Economy"}, When: t0},
		{Seq: 5, Outcome: feed.Updated, ID: "b", Tags: []string{"선거", "Seoul"}, Authors: []string{"김기자"}, When: t0},
	}
	got, complete, err := db.ChangesAfter(ctx, 0, 100)
	if err != nil || !complete {
		t.Fatalf("ChangesAfter(0) = complete %v, %v", complete, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ChangesAfter(0) (-want +got):\n%s", diff)
	}
	got, _, _ = db.ChangesAfter(ctx, 2, 1)
	if diff := cmp.Diff(want[2:3], got); diff != "" {
		t.Errorf("ChangesAfter(2, limit 1) (-want +got):\n%s", diff)
	}
	if got, _, _ := db.ChangesAfter(ctx, 5, 10); len(got) != 0 {
		t.Errorf("ChangesAfter(last) = %v, want none", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, store.Options{Now: c.Now})
	if n, err := db.LastChange(ctx); n != 5 || err != nil {
		t.Errorf("LastChange after reopening = %d, %v; want 5", n, err)
	}
	if c := put(t, db, article("c", t0)); c.Seq != 6 {
		t.Errorf("next change numbered %d, want 6", c.Seq)
	}
}
