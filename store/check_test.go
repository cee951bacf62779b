package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/store"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(tx *bolt.Tx) error
		want []string // substrings, one per expected problem
	}{
		{"sound", func(tx *bolt.Tx) error { return nil }, nil},
		{"orphan time entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("time")).Put(indexKey(t0, "ghost"), nil)
		}, []string{`time index: entry for missing article "ghost"`}},
		{"orphan category entry", func(tx *bolt.Tx) error {
			b, err := tx.Bucket([]byte("cats")).CreateBucketIfNotExists([]byte("ghosts"))
			if err != nil {
				return err
			}
			return b.Put(indexKey(t0, "ghost"), nil)
		}, []string{`category "ghosts": entry for missing article "ghost"`}},
		{"stale category entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("cats")).Bucket([]byte("sports")).Put(indexKey(t0, "a"), nil)
		}, []string{`category "sports": stale entry for article "a"`}},
		{"wrong time", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("time")).Put(indexKey(t0.Add(time.Second), "a"), nil)
		}, []string{`time index: stale entry for article "a"`}},
		{"missing time entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("time")).Delete(indexKey(t0, "a"))
		}, []string{`time index: missing entry for article "a"`}},
		{"missing category", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("cats")).DeleteBucket([]byte("news"))
		}, []string{`category "news": missing entry for article "a"`}},
		{"undecodable item", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("items")).Put([]byte("b"), []byte("{not json"))
		}, []string{
			`items: article "b": cannot decode`,
			`time index: stale entry for article "b"`,
			`category "sports": stale entry for article "b"`,
			`arrival index: stale entry 2 for article "b"`,
		}},
		{"unknown record version", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("items")).Put([]byte("b"), []byte{9, 2, 0})
		}, []string{
			`items: article "b": cannot decode: unknown record version 9`,
			`time index: stale entry for article "b"`,
			`category "sports": stale entry for article "b"`,
			`arrival index: stale entry 2 for article "b"`,
		}},
		{"missing arrival entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("seq")).Delete([]byte{0, 0, 0, 0, 0, 0, 0, 1})
		}, []string{`arrival index: missing entry 1 for article "a"`}},
		{"tombstone of an existing article", func(tx *bolt.Tx) error {
			v := []byte(`{"id":"a","guid":"tag:example.org,2024:a","when":"2024-05-01T09:00:00Z"}`)
			if err := tx.Bucket([]byte("deleted")).Put(indexKey(t0, "a"), v); err != nil {
				return err
			}
			return tx.Bucket([]byte("deleted-ids")).Put([]byte("a"), indexKey(t0, "a"))
		}, []string{`deleted: tombstone for article "a", which exists`}},
		{"tombstone id index entry without tombstone", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("deleted-ids")).Put([]byte("ghost"), indexKey(t0, "ghost"))
		}, []string{`deleted: id index entry "ghost" points to no tombstone of it`}},
		{"tombstone missing from the id index", func(tx *bolt.Tx) error {
			v := []byte(`{"id":"ghost","guid":"tag:example.org,2024:ghost","when":"2024-01-01T00:00:00Z"}`)
			return tx.Bucket([]byte("deleted")).Put(indexKey(t0, "ghost"), v)
		}, []string{`of article "ghost" is not in the id index`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := dbPath(t)
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			put(t, db, article("a", t0, "News"))
			put(t, db, article("b", t0.Add(time.Hour), "Sports"))
			mustCheck(t, db)
			db.Close()

			editBolt(t, path, tt.edit)

			// Read-only, as sokbo check opens it: an open for writing
			// would rebuild the tombstones' id index.
			db = openAt(t, path, store.Options{ReadOnly: true})
			problems, err := db.Check(ctx)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if len(problems) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(problems), len(tt.want), strings.Join(problems, "\n"))
			}
			for _, w := range tt.want {
				found := false
				for _, p := range problems {
					found = found || strings.Contains(p, w)
				}
				if !found {
					t.Errorf("no problem mentions %q; got:\n%s", w, strings.Join(problems, "\n"))
				}
			}
		})
	}
}
