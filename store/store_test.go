package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
	"sokbo/store"
)

// TestReopen: what a store holds survives closing it, in a file of mode
// 0600 that Open creates with its directories.
func TestReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new", "dir", "sokbo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var want []*feed.Article
	for i := range 5 {
		c := put(t, db, article(fmt.Sprintf("a%d", i), t0.Add(time.Duration(i)*time.Hour), "News"))
		want = append([]*feed.Article{c.Article}, want...)
	}
	del(t, db, "a2")
	want = append(want[:2], want[3:]...)
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %v, want 0600", mode)
	}

	db = openAt(t, path, store.Options{})
	for _, cat := range []string{"", "news"} {
		got, err := db.Latest(ctx, cat, 0, 10)
		if err != nil {
			t.Fatalf("Latest: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("feed %q after reopen (-want +got):\n%s", cat, diff)
		}
	}
	if got := deletedIDs(t, db, ""); !cmp.Equal(got, []string{"a2"}) {
		t.Errorf("Deleted after reopen = %v, want [a2]", got)
	}
	// The arrival numbers go on where they stopped.
	put(t, db, article("a5", t0))
	if seq, err := store.Seq(db, "a5"); err != nil || seq != 6 {
		t.Errorf("Seq of the first article after reopen = %d, %v; want 6", seq, err)
	}
	mustCheck(t, db)
}

// TestOpenLocked: a file held by another open store is ErrLocked after the
// timeout, not a hang; read-only opens are refused too, since the holder
// writes.
func TestOpenLocked(t *testing.T) {
	t.Parallel()
	_, path := openTemp(t, nil)
	tests := []struct {
		name string
		opt  store.Options
	}{
		{"short timeout", store.Options{Timeout: 50 * time.Millisecond}},
		{"read-only", store.Options{Timeout: 50 * time.Millisecond, ReadOnly: true}},
		{"default timeout", store.Options{}}, // one second, not forever
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			second, err := store.Open(path, tt.opt)
			if err == nil {
				second.Close()
				t.Fatal("second Open of a locked file succeeded, want error")
			}
			if !errors.Is(err, store.ErrLocked) {
				t.Errorf("second Open: %v, want an error wrapping ErrLocked", err)
			}
		})
	}
}

// TestOpenAfterClose: closing a store releases its lock.
func TestOpenAfterClose(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	db, err := store.Open(path, store.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	openAt(t, path, store.Options{Timeout: 50 * time.Millisecond})
}

func TestReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbPath(t)
	if _, err := store.Open(path, store.Options{ReadOnly: true}); err == nil {
		t.Errorf("read-only Open of a missing file succeeded, want error")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	put(t, db, article("a", t0, "News"))
	db.Close()

	ro := openAt(t, path, store.Options{ReadOnly: true})
	// Two read-only stores share the file.
	openAt(t, path, store.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	if _, err := ro.Get(ctx, "a"); err != nil {
		t.Errorf("Get: %v", err)
	}
	if got, want := latestIDs(t, ro, "news", 0, 10), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("category feed = %v, want %v", got, want)
	}
	if _, err := ro.Put(ctx, article("b", t0)); err == nil {
		t.Errorf("Put on a read-only store succeeded, want error")
	}
	if _, err := ro.Delete(ctx, "a"); err == nil {
		t.Errorf("Delete on a read-only store succeeded, want error")
	}
	mustCheck(t, ro)
}

func TestContextCanceled(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t, nil)
	put(t, db, article("a", t0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"Put":     func() error { _, err := db.Put(ctx, article("b", t0)); return err },
		"Get":     func() error { _, err := db.Get(ctx, "a"); return err },
		"Delete":  func() error { _, err := db.Delete(ctx, "a"); return err },
		"Latest":  func() error { _, err := db.Latest(ctx, "", 0, 10); return err },
		"Arrived": func() error { _, err := db.Arrived(ctx, 1, 10); return err },
		"LastSeq": func() error { _, err := db.LastSeq(ctx); return err },
		"Deleted": func() error { _, err := db.Deleted(ctx, ""); return err },
		"Check":   func() error { _, err := db.Check(ctx); return err },
		"Backup":  func() error { _, err := db.Backup(ctx, io.Discard, nil); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
	if got, want := latestIDs(t, db, "", 0, 10), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("site feed = %v, want %v", got, want)
	}
}
