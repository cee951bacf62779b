package store_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
	"sokbo/store"
)

// t0 is the base time of the test articles.
var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// dbPath returns the path of a store file in a fresh temporary directory.
func dbPath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "sokbo.db")
}

// openAt opens the store at path and closes it when the test ends.
func openAt(tb testing.TB, path string, opt store.Options) *store.DB {
	tb.Helper()
	db, err := store.Open(path, opt)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// openTemp opens a new store in a temporary directory with clock c.
func openTemp(tb testing.TB, c *clock) (*store.DB, string) {
	tb.Helper()
	path := dbPath(tb)
	opt := store.Options{}
	if c != nil {
		opt.Now = c.Now
	}
	return openAt(tb, path, opt), path
}

// article returns a new article published at pub with the given categories.
func article(id string, pub time.Time, cats ...string) *feed.Article {
	return &feed.Article{
		ID:          id,
		GUID:        "tag:example.org,2024:" + id,
		Title:       "Title of " + id,
		Categories:  cats,
		ContentHTML: "<p>Body of " + id + "</p>",
		Published:   pub,
	}
}

// put stores a and fails the test on error.
func put(tb testing.TB, db *store.DB, a *feed.Article) feed.Change {
	tb.Helper()
	c, err := db.Put(context.Background(), a)
	if err != nil {
		tb.Fatalf("Put(%q): %v", a.ID, err)
	}
	return c
}

// del deletes id and fails the test on error.
func del(tb testing.TB, db *store.DB, id string) feed.Change {
	tb.Helper()
	c, err := db.Delete(context.Background(), id)
	if err != nil {
		tb.Fatalf("Delete(%q): %v", id, err)
	}
	return c
}

// ids returns the ids of as.
func ids(as []*feed.Article) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// latestIDs returns the ids Latest returns.
func latestIDs(tb testing.TB, db *store.DB, category string, offset, limit int) []string {
	tb.Helper()
	as, err := db.Latest(context.Background(), category, offset, limit)
	if err != nil {
		tb.Fatalf("Latest(%q, %d, %d): %v", category, offset, limit, err)
	}
	return ids(as)
}

// deletedIDs returns the ids of the tombstones Deleted returns.
func deletedIDs(tb testing.TB, db *store.DB, category string) []string {
	tb.Helper()
	ts, err := db.Deleted(context.Background(), category)
	if err != nil {
		tb.Fatalf("Deleted(%q): %v", category, err)
	}
	out := []string{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

// mustCheck fails the test unless Check finds nothing.
func mustCheck(tb testing.TB, db *store.DB) {
	tb.Helper()
	problems, err := db.Check(context.Background())
	if err != nil {
		tb.Fatalf("Check: %v", err)
	}
	if len(problems) > 0 {
		tb.Errorf("Check found problems:\n%s", strings.Join(problems, "\n"))
	}
}

// editBolt opens the store file with bbolt directly, to change it the way
// only a bug, a hand edit or an older version could. The store must be
// closed.
func editBolt(tb testing.TB, path string, fn func(tx *bolt.Tx) error) {
	tb.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatalf("bolt.Open: %v", err)
	}
	defer bdb.Close()
	if err := bdb.Update(fn); err != nil {
		tb.Fatalf("edit store file: %v", err)
	}
}

// indexKey builds an index key as the store does.
func indexKey(t time.Time, id string) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())^1<<63)
	return append(k, id...)
}

// fillID is the id of the i-th article fill writes; ids sort as i does.
func fillID(i int) string { return fmt.Sprintf("art-%06d", i) }

// fill stores n articles, the i-th published i minutes after t0, all in
// category "News" and every tenth in "Rare". It writes from 32 goroutines,
// so the writes are group-committed as a busy newsroom's would be.
func fill(tb testing.TB, db *store.DB, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := w; i < n; i += 32 {
				cats := []string{"News"}
				if i%10 == 0 {
					cats = append(cats, "Rare")
				}
				if _, err := db.Put(context.Background(), article(fillID(i), t0.Add(time.Duration(i)*time.Minute), cats...)); err != nil {
					tb.Errorf("Put(%s): %v", fillID(i), err)
					return
				}
			}
		})
	}
	wg.Wait()
	if tb.Failed() {
		tb.FailNow()
	}
}

// counts returns the store's write groups and writes so far.
func counts(db *store.DB) [2]uint64 {
	g, w := db.Groups()
	return [2]uint64{g, w}
}

// groupsSince returns the write groups and writes made since before.
func groupsSince(db *store.DB, before [2]uint64) (groups, writes uint64) {
	g, w := db.Groups()
	return g - before[0], w - before[1]
}

// wait returns the result of a write running in another goroutine, and
// fails the test if none arrives in 30 s: a write that the writer holds
// for an hour-long linger shows as a failure, not as a hung test.
func wait(tb testing.TB, errc <-chan error) error {
	tb.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(30 * time.Second):
		tb.Fatal("the write did not return in 30 s")
		return nil
	}
}

// putAsync runs Put of a in another goroutine; its error arrives on the
// channel.
func putAsync(db *store.DB, a *feed.Article) <-chan error {
	errc := make(chan error, 1)
	go func() {
		_, err := db.Put(context.Background(), a)
		errc <- err
	}()
	return errc
}

// putNow is put that fails the test instead of hanging when Put does not
// return.
func putNow(tb testing.TB, db *store.DB, a *feed.Article) {
	tb.Helper()
	if err := wait(tb, putAsync(db, a)); err != nil {
		tb.Fatalf("Put(%q): %v", a.ID, err)
	}
}
