package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
	"sokbo/store"
)

// TestChangeLog: every write that changed something is numbered in order,
// with its article's id and the categories it touched; unchanged writes
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
	put(t, db, article("b", t0))
	del(t, db, "a")

	want := []feed.LoggedChange{
		{Seq: 1, Outcome: feed.Created, ID: "a", Categories: []string{"News"}, When: t0},
		{Seq: 2, Outcome: feed.Updated, ID: "a", Categories: []string{"News", "Economy"}, When: t0},
		{Seq: 3, Outcome: feed.Created, ID: "b", When: t0},
		{Seq: 4, Outcome: feed.Deleted, ID: "a", Categories: []string{"Economy"}, When: t0},
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
	if got, _, _ := db.ChangesAfter(ctx, 4, 10); len(got) != 0 {
		t.Errorf("ChangesAfter(last) = %v, want none", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, store.Options{Now: c.Now})
	if n, err := db.LastChange(ctx); n != 4 || err != nil {
		t.Errorf("LastChange after reopening = %d, %v; want 4", n, err)
	}
	if c := put(t, db, article("c", t0)); c.Seq != 5 {
		t.Errorf("next change numbered %d, want 5", c.Seq)
	}
}
