package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
	"sokbo/store"
)

func TestTombstones(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now, KeepDeleted: time.Hour})
	put(t, db, article("a", t0, "News"))
	put(t, db, article("b", t0, "Sports"))
	del(t, db, "a")

	got, err := db.Deleted(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []feed.Tombstone{{ID: "a", GUID: "tag:example.org,2024:a", When: t0, Categories: []string{"News"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Deleted (-want +got):\n%s", diff)
	}
	// A blank category is no category of any article (as for Latest),
	// not the site's list.
	for cat, want := range map[string][]string{"news": {"a"}, " NEWS": {"a"}, "sports": {}, "unknown": {}, "   ": {}} {
		if got := deletedIDs(t, db, cat); !cmp.Equal(got, want) {
			t.Errorf("Deleted(%q) = %v, want %v", cat, got, want)
		}
	}
	mustCheck(t, db)

	// Out of the window, a tombstone is no longer listed, even before the
	// next deletion drops it.
	c.Set(t0.Add(time.Hour + time.Second))
	if got := deletedIDs(t, db, ""); len(got) != 0 {
		t.Errorf("Deleted past the window = %v, want none", got)
	}
	// Two hours later a deletion drops the first tombstone: with the
	// clock set back, it is not listed either.
	c.Set(t0.Add(2 * time.Hour))
	del(t, db, "b")
	c.Set(t0.Add(30 * time.Minute))
	if got, want := deletedIDs(t, db, ""), []string{"b"}; !cmp.Equal(got, want) {
		t.Errorf("Deleted after the drop = %v, want %v", got, want)
	}
	c.Set(t0.Add(2 * time.Hour))
	mustCheck(t, db)

	// Posting an article again removes its tombstone.
	if r := put(t, db, article("b", t0, "Sports")).Revived; r == nil || r.ID != "b" {
		t.Errorf("Revived = %+v, want b's tombstone", r)
	}
	if got := deletedIDs(t, db, ""); len(got) != 0 {
		t.Errorf("tombstone kept for a re-created article: %v", got)
	}
	mustCheck(t, db)

	// Deleted twice: one tombstone, the newer.
	c.Set(t0.Add(3 * time.Hour))
	del(t, db, "b")
	put(t, db, article("b", t0, "Sports"))
	c.Set(t0.Add(3*time.Hour + time.Minute))
	del(t, db, "b")
	if got, err := db.Deleted(ctx, ""); err != nil || len(got) != 1 || !got[0].When.Equal(t0.Add(3*time.Hour+time.Minute)) {
		t.Errorf("after deleting twice: %+v, %v; want one tombstone of %v", got, err, t0.Add(3*time.Hour+time.Minute))
	}
	mustCheck(t, db)
}

// TestDeletedOrder: tombstones are listed newest first.
func TestDeletedOrder(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now})
	for _, id := range []string{"a", "b", "c", "d"} {
		put(t, db, article(id, t0, "News"))
	}
	for i, id := range []string{"c", "a", "d"} {
		c.Set(t0.Add(time.Duration(i) * time.Minute))
		del(t, db, id)
	}
	if got, want := deletedIDs(t, db, "news"), []string{"d", "a", "c"}; !cmp.Equal(got, want) {
		t.Errorf("Deleted = %v, want %v", got, want)
	}
}

// TestDeletedKeepDefault: without Options.KeepDeleted the store keeps
// tombstones for DefaultKeepDeleted.
func TestDeletedKeepDefault(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now})
	put(t, db, article("a", t0))
	del(t, db, "a")
	c.Set(t0.Add(store.DefaultKeepDeleted))
	if got := deletedIDs(t, db, ""); !cmp.Equal(got, []string{"a"}) {
		t.Errorf("Deleted at the end of the default window = %v, want [a]", got)
	}
	c.Set(t0.Add(store.DefaultKeepDeleted + time.Nanosecond))
	if got := deletedIDs(t, db, ""); len(got) != 0 {
		t.Errorf("Deleted past the default window = %v, want none", got)
	}
}

// TestTombstoneIndexFilled: a store written before the tombstones' id
// index gets it when opened for writing, and read-only listing works
// without it.
func TestTombstoneIndexFilled(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	opt := store.Options{Now: func() time.Time { return t0 }}
	db, err := store.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		put(t, db, article(id, t0, "News"))
	}
	for _, id := range []string{"a", "c"} {
		del(t, db, id)
	}
	db.Close()
	// Take the index away, as in a store of an older version.
	editBolt(t, path, func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("deleted-ids")) })

	ro, err := store.Open(path, store.Options{ReadOnly: true, Now: opt.Now})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := deletedIDs(t, ro, ""), []string{"c", "a"}; !cmp.Equal(got, want) {
		t.Errorf("read-only Deleted = %v, want %v", got, want)
	}
	ro.Close()

	db, err = store.Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	mustCheck(t, db) // reports tombstones missing from the index
	// The rebuilt index finds a's tombstone for the new post to remove.
	if r := put(t, db, article("a", t0, "News")).Revived; r == nil || r.ID != "a" {
		t.Errorf("Revived = %+v, want a's tombstone", r)
	}
	if got, want := deletedIDs(t, db, ""), []string{"c"}; !cmp.Equal(got, want) {
		t.Errorf("Deleted = %v, want %v", got, want)
	}
	mustCheck(t, db)
	db.Close()

	// A version without the index writes a tombstone after it exists (a
	// rollback): the next open sees the index disagree and rebuilds it.
	editBolt(t, path, func(tx *bolt.Tx) error {
		v := []byte(`{"id":"z","guid":"tag:example.org,2024:z","when":"2024-05-01T09:00:00Z"}`)
		return tx.Bucket([]byte("deleted")).Put(indexKey(t0, "z"), v)
	})
	db = openAt(t, path, opt)
	mustCheck(t, db)
	if r := put(t, db, article("z", t0)).Revived; r == nil || r.ID != "z" {
		t.Errorf("Revived = %+v, want z's tombstone", r)
	}
	if got, want := deletedIDs(t, db, ""), []string{"c"}; !cmp.Equal(got, want) {
		t.Errorf("Deleted = %v, want %v", got, want)
	}
	mustCheck(t, db)
}
