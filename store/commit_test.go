package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
	"sokbo/store"
)

// TestGroupCommit runs many writers at once, some of them failing (a
// delete of a missing article, an article without GUID): the failures are
// reported to their callers alone and every other write is committed.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbPath(t)
	db := openAt(t, path, store.Options{})
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			switch i % 10 {
			case 3:
				_, errs[i] = db.Delete(ctx, fmt.Sprintf("missing-%d", i))
			case 7:
				a := article(fmt.Sprintf("a%03d", i), t0)
				a.GUID = ""
				_, errs[i] = db.Put(ctx, a)
			default:
				_, errs[i] = db.Put(ctx, article(fmt.Sprintf("a%03d", i), t0.Add(time.Duration(i)*time.Second), "News"))
			}
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch i % 10 {
		case 3:
			if !errors.Is(err, feed.ErrNotFound) {
				t.Errorf("delete %d: err = %v, want ErrNotFound", i, err)
			}
		case 7:
			if err == nil {
				t.Errorf("put %d without guid succeeded", i)
			}
		default:
			if err != nil {
				t.Errorf("put %d: %v", i, err)
			}
			ok++
		}
	}
	if g, w := db.Groups(); w != n-n/10 || g < 1 || g > w {
		// Puts without a GUID fail before reaching the writer.
		t.Errorf("Groups = %d groups of %d writes, want 1 to %d groups of %d", g, w, w, n-n/10)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, store.Options{})
	if got := latestIDs(t, db, "news", 0, 1000); len(got) != ok {
		t.Errorf("%d articles after reopen, want %d", len(got), ok)
	}
	mustCheck(t, db)
}

// TestGroupCommitUnchanged: a group whose writes change nothing commits
// nothing, and a change in a group of no-ops is committed.
func TestGroupCommitUnchanged(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	put(t, db, article("a", t0))
	put(t, db, article("b", t0))

	// Both re-posts and an update in one group: announce one write, hand
	// the others over while it is announced, then withdraw it.
	before := counts(db)
	withdraw := db.ExpectWrite()
	changed := article("b", t0)
	changed.Title = "Changed"
	var errcs []<-chan error
	for _, a := range []*feed.Article{article("a", t0), changed} {
		errc, err := store.HandOver(db, a)
		if err != nil {
			t.Fatal(err)
		}
		errcs = append(errcs, errc)
	}
	withdraw()
	for _, errc := range errcs {
		if err := wait(t, errc); err != nil {
			t.Fatal(err)
		}
	}
	if g, w := groupsSince(db, before); g != 1 || w != 2 {
		t.Errorf("%d groups of %d writes, want 1 of 2", g, w)
	}
	if got, err := db.Get(context.Background(), "b"); err != nil || got.Title != "Changed" {
		t.Errorf("b after the group: %+v, %v; want the new title", got, err)
	}
	mustCheck(t, db)
}

// TestExpectWriteLone: a lone write, with nothing announced, commits at
// once; so does one whose announcement is withdrawn before it is put. The
// linger is far longer than the test: a commit that waited for it would
// show as a failed wait, never as a slow pass.
func TestExpectWriteLone(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	before := counts(db)
	putNow(t, db, article("lone", t0))
	withdraw := db.ExpectWrite()
	withdraw()
	putNow(t, db, article("lone-announced", t0))
	if g, w := groupsSince(db, before); g != 2 || w != 2 {
		t.Errorf("lone writes: %d groups of %d writes, want 2 of 2", g, w)
	}
	if n := store.Expected(db); n != 0 {
		t.Errorf("%d writes still announced", n)
	}
}

// TestExpectWriteHolds: a write taken while another is announced is held
// for it, and both are committed in one group once it is withdrawn.
func TestExpectWriteHolds(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	before := counts(db)

	withdraw := db.ExpectWrite()
	if n := store.Expected(db); n != 1 {
		t.Fatalf("Expected = %d after one ExpectWrite, want 1", n)
	}
	held, err := store.HandOver(db, article("held", t0))
	if err != nil {
		t.Fatal(err)
	}
	// Were it not held, the writer would commit it on its own, and the
	// next would make a second group.
	announced, err := store.HandOver(db, article("announced", t0.Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	withdraw()
	for _, errc := range []<-chan error{held, announced} {
		if err := wait(t, errc); err != nil {
			t.Fatal(err)
		}
	}
	if g, w := groupsSince(db, before); g != 1 || w != 2 {
		t.Errorf("%d groups of %d writes, want 1 of 2", g, w)
	}
	if got := latestIDs(t, db, "", 0, 10); len(got) != 2 {
		t.Errorf("stored %v, want both", got)
	}
	mustCheck(t, db)
}

// TestExpectWriteShares: posters that announced their writes share one
// commit, however their writes interleave: the writer holds it until the
// last announcement is withdrawn.
func TestExpectWriteShares(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	const n = 6
	before := counts(db)
	withdraws := make([]func(), n)
	for i := range withdraws {
		withdraws[i] = db.ExpectWrite()
	}
	errc := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer withdraws[i]()
			done, err := store.HandOver(db, article(fmt.Sprintf("p%d", i), t0.Add(time.Duration(i)*time.Minute)))
			if err != nil {
				errc <- err
				return
			}
			withdraws[i]()
			errc <- <-done
		})
	}
	for range n {
		if err := wait(t, errc); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
	if g, w := groupsSince(db, before); g != 1 || w != n {
		t.Errorf("%d announced writes: %d groups of %d writes, want 1 of %d", n, g, w, n)
	}
	if got := latestIDs(t, db, "", 0, 100); len(got) != n {
		t.Errorf("%d articles stored, want %d", len(got), n)
	}
	if a := store.Expected(db); a != 0 {
		t.Errorf("%d writes still announced", a)
	}
	mustCheck(t, db)
}

// TestExpectWriteThenPut follows the protocol ExpectWrite documents (and
// the server follows): PutExpected with the announcement's withdraw. A write held
// for that announcement should share its commit with that Put.
func TestExpectWriteThenPut(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	before := counts(db)
	withdraw := db.ExpectWrite()
	held, err := store.HandOver(db, article("held", t0))
	if err != nil {
		t.Fatal(err)
	}
	// A big article, as a long report: Put prepares it for a while
	// before submitting it.
	announced := article("announced", t0.Add(time.Minute))
	announced.ContentHTML = strings.Repeat("<p>긴 기사의 본문.</p>", 1<<18)
	if _, err := db.PutExpected(context.Background(), announced, withdraw); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, held); err != nil {
		t.Fatal(err)
	}
	if g, w := groupsSince(db, before); g != 1 || w != 2 {
		t.Errorf("%d groups of %d writes, want 1 of 2: the held write was committed without the announced one", g, w)
	}
}

// TestExpectWriteWithdraw: an announcement given up releases a held write
// at once (well before the hour-long linger), and withdrawing twice counts
// once.
func TestExpectWriteWithdraw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})

	before := counts(db)
	withdraw := db.ExpectWrite()
	held, err := store.HandOver(db, article("held", t0))
	if err != nil {
		t.Fatal(err)
	}
	withdraw()
	withdraw() // a second call changes nothing
	if err := wait(t, held); err != nil {
		t.Fatal(err)
	}
	if n := store.Expected(db); n != 0 {
		t.Errorf("Expected = %d after withdrawing twice, want 0", n)
	}
	if g, w := groupsSince(db, before); g != 1 || w != 1 {
		t.Errorf("%d groups of %d writes, want 1 of 1", g, w)
	}
	// Nothing is announced now: the next write commits at once.
	putNow(t, db, article("next", t0.Add(time.Minute)))

	// A Put that fails before reaching the writer leaves the
	// announcement to its withdraw.
	withdraw = db.ExpectWrite()
	if _, err := db.Put(ctx, &feed.Article{}); err == nil {
		t.Error("Put of an article without id succeeded")
	}
	if n := store.Expected(db); n != 1 {
		t.Errorf("Expected = %d after a failed Put, want 1", n)
	}
	withdraw()
	putNow(t, db, article("after", t0.Add(2*time.Minute)))

	// An announcement to another store is not one to this store.
	other := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	defer other.ExpectWrite()()
	putNow(t, db, article("unrelated", t0))
	if n := store.Expected(db); n != 0 {
		t.Errorf("%d writes still announced", n)
	}
}

// TestExpectWriteLinger: an announcement never withdrawn holds a write
// only for the linger; a negative linger holds none.
func TestExpectWriteLinger(t *testing.T) {
	t.Parallel()
	for _, linger := range []time.Duration{20 * time.Millisecond, -1} {
		t.Run(linger.String(), func(t *testing.T) {
			t.Parallel()
			db := openAt(t, dbPath(t), store.Options{Linger: linger})
			withdraw := db.ExpectWrite()
			defer withdraw()
			before := counts(db)
			putNow(t, db, article("a", t0))
			if g, w := groupsSince(db, before); g != 1 || w != 1 {
				t.Errorf("%d groups of %d writes, want 1 of 1", g, w)
			}
			if n := store.Expected(db); n != 1 {
				t.Errorf("Expected = %d, want the one announcement", n)
			}
		})
	}
}

// TestExpectWriteClose: a commit held for an announced write is made when
// the store closes.
func TestExpectWriteClose(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	db, err := store.Open(path, store.Options{Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	withdraw := db.ExpectWrite()
	defer withdraw()
	held, err := store.HandOver(db, article("held", t0))
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	if err := wait(t, closed); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := wait(t, held); err != nil {
		t.Fatalf("held write: %v", err)
	}
	if _, err := db.Put(context.Background(), article("late", t0)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
	db = openAt(t, path, store.Options{ReadOnly: true})
	if _, err := db.Get(context.Background(), "held"); err != nil {
		t.Errorf("held article after close: %v", err)
	}
}

// TestPutExpectedFails: a PutExpected that fails, before or after it
// counts its write as on its way, withdraws its announcement and releases
// the write held for it at once (well before the hour-long linger); the
// store goes on committing.
func TestPutExpectedFails(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tooBig := article("big", t0)
	tooBig.ContentHTML = strings.Repeat("x", 64<<20) // more than the store reads back
	tests := []struct {
		name string
		ctx  context.Context
		a    *feed.Article
	}{
		{"canceled", canceled, article("a", t0)},
		{"invalid", context.Background(), &feed.Article{ID: "no-guid"}},
		{"too big to store", context.Background(), tooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
			before := counts(db)
			withdraw := db.ExpectWrite()
			held, err := store.HandOver(db, article("held", t0))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.PutExpected(tt.ctx, tt.a, withdraw); err == nil {
				t.Fatal("PutExpected succeeded, want error")
			}
			if n := store.Expected(db); n != 0 {
				t.Errorf("Expected = %d after the failed PutExpected, want 0", n)
			}
			if err := wait(t, held); err != nil {
				t.Fatalf("held write: %v", err)
			}
			if g, w := groupsSince(db, before); g != 1 || w != 1 {
				t.Errorf("%d groups of %d writes, want 1 of 1: the held write alone", g, w)
			}
			putNow(t, db, article("next", t0))
			if got, want := latestIDs(t, db, "", 0, 10), []string{"next", "held"}; !cmp.Equal(got, want) {
				t.Errorf("stored %v, want %v", got, want)
			}
		})
	}
}
