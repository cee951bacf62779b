package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
	"sokbo/store"
)

// TestRun writes into a store made by the store, in each mode, and checks
// what it reports and that the posts are in the store's buckets.
func TestRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sokbo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &feed.Article{ID: "first", GUID: "tag:news.example,2026:first", Title: "First", Categories: []string{"News"}, Published: time.Now()}
	if _, err := db.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "store"}, `^store: 3 posts, write p50 [0-9.]+ ms, p90 [0-9.]+ ms\n$`},
		{[]string{"-mode", "bolt"}, `^bolt: 3 posts, write p50 [0-9.]+ ms, p90 [0-9.]+ ms, [1-9][0-9.]* pages a commit\n$`},
		{[]string{"-mode", "bolt", "-with", "seq,changes,facets"}, `^bolt \+changes,facets,seq: 3 posts, .*pages a commit\n$`},
	} {
		var out bytes.Buffer
		if err := run(append([]string{"-db", path, "-n", "3", "-gap", "0"}, tc.args...), &out); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if !regexp.MustCompile(tc.want).MatchString(out.String()) {
			t.Errorf("%v: %q, want %s", tc.args, out.String(), tc.want)
		}
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	_ = bdb.View(func(tx *bolt.Tx) error {
		floor := 0
		_ = tx.Bucket(bucketItems).ForEach(func(k, _ []byte) error {
			if strings.HasPrefix(string(k), "floor-") {
				floor++
			}
			return nil
		})
		if want := 3 * (3 + 5); floor != want {
			t.Errorf("%d floor articles stored, want %d", floor, want)
		}
		if n := tx.Bucket(bucketTime).Stats().KeyN; n != 1+floor {
			t.Errorf("time index: %d entries, want %d", n, 1+floor)
		}
		if tx.Bucket(bucketChanges) == nil || tx.Bucket(bucketChanges).Sequence() < 1+3+5+8 {
			t.Errorf("change log: missing or short")
		}
		return nil
	})
	for _, bad := range [][]string{{"-mode", "other"}, {"-with", "nothing"}, {"-n", "0"}, {}} {
		args := bad
		if len(bad) > 0 {
			args = append([]string{"-db", path}, bad...)
		}
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
