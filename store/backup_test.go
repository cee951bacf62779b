package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/store"
)

// TestBackup: a snapshot taken while writes go on is a store file that
// opens, is sound, and holds what was committed before it at least; its
// size is announced before it is written.
func TestBackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now})
	for i := range 20 {
		put(t, db, article(fmt.Sprintf("before-%02d", i), t0.Add(time.Duration(i)*time.Minute), "News"))
	}
	del(t, db, "before-00")

	// Writers go on during the backup.
	stop := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				errc <- nil
				return
			default:
			}
			if _, err := db.Put(ctx, article(fmt.Sprintf("during-%04d", i), t0, "News")); err != nil {
				errc <- err
				return
			}
		}
	}()

	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	announced := int64(-1)
	n, err := db.Backup(ctx, f, func(size int64) { announced = size })
	close(stop)
	if err := wait(t, errc); err != nil {
		t.Errorf("Put during the backup: %v", err)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if n != fi.Size() || announced != n {
		t.Errorf("Backup wrote %d bytes, announced %d, file has %d", n, announced, fi.Size())
	}

	b := openAt(t, path, store.Options{Now: c.Now})
	mustCheck(t, b)
	for i := 1; i < 20; i++ {
		want, err := db.Get(ctx, fmt.Sprintf("before-%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Get(ctx, want.ID)
		if err != nil {
			t.Errorf("backup: %v", err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("backup of %s (-store +backup):\n%s", want.ID, diff)
		}
	}
	if got := deletedIDs(t, b, ""); !cmp.Equal(got, []string{"before-00"}) {
		t.Errorf("backup's Deleted = %v, want [before-00]", got)
	}
}
