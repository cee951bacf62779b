package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

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
		DateSet:     true,
		Hash:        "hash-" + id,
	}
}

// put stores a and fails the test on error.
func put(tb testing.TB, db *store.DB, a *feed.Article) (*feed.Article, bool) {
	tb.Helper()
	stored, prev, err := db.Put(context.Background(), a)
	if err != nil {
		tb.Fatalf("Put(%q): %v", a.ID, err)
	}
	return stored, prev == nil
}

// latestIDs returns the ids Latest returns.
func latestIDs(tb testing.TB, db *store.DB, category string, offset, limit int) []string {
	tb.Helper()
	as, err := db.Latest(context.Background(), category, offset, limit)
	if err != nil {
		tb.Fatalf("Latest(%q, %d, %d): %v", category, offset, limit, err)
	}
	ids := []string{}
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
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

func TestPutCreate(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(a *feed.Article)
		wantUpdated time.Time
	}{
		{"no updated date", func(a *feed.Article) {}, t0},
		{"updated date", func(a *feed.Article) {
			a.Updated, a.UpdatedSet = t0.Add(time.Hour), true
		}, t0.Add(time.Hour)},
		{"updated before published", func(a *feed.Article) {
			a.Updated, a.UpdatedSet = t0.Add(-time.Hour), true
		}, t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTemp(t, &clock{t: t0.Add(99 * time.Hour)})
			a := article("a", t0, "News")
			tt.edit(a)
			before := *a

			stored, created := put(t, db, a)
			if !created {
				t.Errorf("created = false, want true")
			}
			if diff := cmp.Diff(&before, a); diff != "" {
				t.Errorf("Put modified its argument (-before +after):\n%s", diff)
			}
			if !stored.Updated.Equal(tt.wantUpdated) {
				t.Errorf("Updated = %v, want %v", stored.Updated, tt.wantUpdated)
			}
			want := before
			want.Updated = tt.wantUpdated
			want.Seq = 1 // the first arrival
			if diff := cmp.Diff(&want, stored); diff != "" {
				t.Errorf("stored article (-want +got):\n%s", diff)
			}
			got, err := db.Get(context.Background(), "a")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if diff := cmp.Diff(stored, got); diff != "" {
				t.Errorf("Get differs from Put's result (-put +get):\n%s", diff)
			}
			mustCheck(t, db)
		})
	}
}

func TestPutInvalid(t *testing.T) {
	tests := []struct {
		name string
		a    *feed.Article
	}{
		{"nil", nil},
		{"empty id", article("", t0)},
		{"id too long", article(strings.Repeat("i", 32761), t0)},
		{"no guid", func() *feed.Article { a := article("a", t0); a.GUID = ""; return a }()},
		{"year beyond json", article("a", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "News")},
		// Fails after the item and the first category are written.
		{"category too long", article("a", t0, "News", strings.Repeat("x", 40000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTemp(t, nil)
			if _, _, err := db.Put(context.Background(), tt.a); err == nil {
				t.Fatalf("Put succeeded, want error")
			}
			// Nothing written, not even an index entry.
			if got := latestIDs(t, db, "", 0, 10); len(got) != 0 {
				t.Errorf("site feed = %v, want empty", got)
			}
			if got := latestIDs(t, db, "news", 0, 10); len(got) != 0 {
				t.Errorf("category feed = %v, want empty", got)
			}
			mustCheck(t, db)
		})
	}
}

// TestPutUpdateRollback checks that an update failing halfway leaves the
// stored article and its index entries as they were.
func TestPutUpdateRollback(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	orig, _ := put(t, db, article("a", t0, "Politics"))

	a := article("a", t0.Add(time.Hour), "News", strings.Repeat("x", 40000))
	a.Hash = "hash-a-2"
	if _, _, err := db.Put(ctx, a); err == nil {
		t.Fatal("Put succeeded, want error")
	}
	got, err := db.Get(ctx, "a")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if diff := cmp.Diff(orig, got); diff != "" {
		t.Errorf("article after failed update (-want +got):\n%s", diff)
	}
	for cat, want := range map[string][]string{"": {"a"}, "politics": {"a"}, "news": {}} {
		if got := latestIDs(t, db, cat, 0, 10); !cmp.Equal(got, want) {
			t.Errorf("feed %q = %v, want %v", cat, got, want)
		}
	}
	mustCheck(t, db)
}

func TestPutIdempotent(t *testing.T) {
	c := &clock{t: t0.Add(time.Hour)}
	db, path := openTemp(t, c)
	first, _ := put(t, db, article("a", t0, "News"))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	c.Set(t0.Add(5 * time.Hour))
	again := article("a", t0, "News")
	again.Title = "not written: the hash is unchanged"
	stored, created := put(t, db, again)
	// Any commit, even an empty one, writes a new meta page.
	if after, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	} else if !bytes.Equal(before, after) {
		t.Errorf("re-put changed the store file")
	}
	if created {
		t.Errorf("created = true, want false")
	}
	if diff := cmp.Diff(first, stored); diff != "" {
		t.Errorf("re-put changed the article (-first +second):\n%s", diff)
	}
	if !stored.Updated.Equal(t0) {
		t.Errorf("Updated = %v, want %v", stored.Updated, t0)
	}
	if got, want := latestIDs(t, db, "", 0, 10), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("site feed = %v, want %v", got, want)
	}
	if got, want := latestIDs(t, db, "news", 0, 10), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("category feed = %v, want %v", got, want)
	}
	mustCheck(t, db)
}

func TestPutUpdate(t *testing.T) {
	now := t0.Add(48 * time.Hour)
	tests := []struct {
		name          string
		edit          func(a *feed.Article)
		wantPublished time.Time
		wantUpdated   time.Time
	}{
		{"no date keeps published", func(a *feed.Article) {
			a.Published, a.DateSet = t0.Add(24*time.Hour), false
		}, t0, now},
		{"date set moves published", func(a *feed.Article) {
			a.Published = t0.Add(-24 * time.Hour)
		}, t0.Add(-24 * time.Hour), now},
		{"updated date given", func(a *feed.Article) {
			a.Updated, a.UpdatedSet = t0.Add(3*time.Hour), true
		}, t0, t0.Add(3 * time.Hour)},
		{"clock before published", func(a *feed.Article) {
			a.Published = now.Add(time.Hour)
		}, now.Add(time.Hour), now.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: t0}
			db, _ := openTemp(t, c)
			put(t, db, article("other", t0.Add(-12*time.Hour), "Sports"))
			orig, _ := put(t, db, article("a", t0, "Politics", "News"))

			c.Set(now)
			a := article("a", t0, "Economy", "news")
			a.GUID = "tag:example.org,2024:changed"
			a.Title = "New title"
			a.Hash = "hash-a-2"
			tt.edit(a)
			stored, created := put(t, db, a)
			if created {
				t.Errorf("created = true, want false")
			}
			if stored.GUID != orig.GUID {
				t.Errorf("GUID = %q, want the original %q", stored.GUID, orig.GUID)
			}
			if stored.Title != "New title" || stored.Hash != "hash-a-2" {
				t.Errorf("Title, Hash = %q, %q, want the new ones", stored.Title, stored.Hash)
			}
			if !stored.Published.Equal(tt.wantPublished) {
				t.Errorf("Published = %v, want %v", stored.Published, tt.wantPublished)
			}
			if !stored.Updated.Equal(tt.wantUpdated) {
				t.Errorf("Updated = %v, want %v", stored.Updated, tt.wantUpdated)
			}
			got, err := db.Get(context.Background(), "a")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if diff := cmp.Diff(stored, got); diff != "" {
				t.Errorf("Get differs from Put's result (-put +get):\n%s", diff)
			}

			feeds := map[string][]string{
				"politics": {},
				"Economy":  {"a"},
				"NEWS":     {"a"},
				"sports":   {"other"},
			}
			for cat, want := range feeds {
				if got := latestIDs(t, db, cat, 0, 10); !cmp.Equal(got, want) {
					t.Errorf("category %q feed = %v, want %v", cat, got, want)
				}
			}
			wantSite := []string{"a", "other"}
			if stored.Published.Before(t0.Add(-12 * time.Hour)) {
				wantSite = []string{"other", "a"}
			}
			if got := latestIDs(t, db, "", 0, 10); !cmp.Equal(got, wantSite) {
				t.Errorf("site feed = %v, want %v", got, wantSite)
			}
			mustCheck(t, db)
		})
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	put(t, db, article("a", t0, "News", "경제/산업"))
	put(t, db, article("b", t0.Add(time.Hour), "News"))

	if _, err := db.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := db.Get(ctx, "a"); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	feeds := map[string][]string{"": {"b"}, "news": {"b"}, "경제/산업": {}}
	for cat, want := range feeds {
		if got := latestIDs(t, db, cat, 0, 10); !cmp.Equal(got, want) {
			t.Errorf("feed %q = %v, want %v", cat, got, want)
		}
	}
	if _, err := db.Delete(ctx, "a"); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("second Delete: err = %v, want ErrNotFound", err)
	}
	mustCheck(t, db)

	// The id is free again: a new put creates.
	if _, created := put(t, db, article("a", t0, "News")); !created {
		t.Errorf("put after Delete: created = false, want true")
	}
	mustCheck(t, db)
}

func TestGetNotFound(t *testing.T) {
	db, _ := openTemp(t, nil)
	for _, id := range []string{"missing", ""} {
		if _, err := db.Get(context.Background(), id); !errors.Is(err, feed.ErrNotFound) {
			t.Errorf("Get(%q): err = %v, want ErrNotFound", id, err)
		}
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new", "dir", "sokbo.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var want []*feed.Article
	for i := range 5 {
		a, _ := put(t, db, article(fmt.Sprintf("a%d", i), t0.Add(time.Duration(i)*time.Hour), "News"))
		want = append([]*feed.Article{a}, want...)
	}
	if _, err := db.Delete(ctx, "a2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
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
	mustCheck(t, db)
}

func TestLatest(t *testing.T) {
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

// editBolt opens the store file with bbolt directly, to corrupt it the way
// only a bug or a hand edit could. The store must be closed.
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

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(tx *bolt.Tx) error
		want []string // substrings, one per expected problem
	}{
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
		{"missing arrival entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("seq")).Delete([]byte{0, 0, 0, 0, 0, 0, 0, 1})
		}, []string{`arrival index: missing entry 1 for article "a"`}},
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

// TestLatestReadsOnlyWindow shows that Latest reads only the articles it
// returns: with the oldest article made undecodable, the newest page of a
// large store still loads, and only a page that reaches that article fails.
func TestLatestReadsOnlyWindow(t *testing.T) {
	const n = 5000
	if testing.Short() {
		t.Skip("fills a store with 5,000 articles")
	}
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

func TestContextCanceled(t *testing.T) {
	db, _ := openTemp(t, nil)
	put(t, db, article("a", t0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"Put": func() error {
			_, _, err := db.Put(ctx, article("b", t0))
			return err
		},
		"Get":    func() error { _, err := db.Get(ctx, "a"); return err },
		"Delete": func() error { _, err := db.Delete(ctx, "a"); return err },
		"Latest": func() error { _, err := db.Latest(ctx, "", 0, 10); return err },
		"Check":  func() error { _, err := db.Check(ctx); return err },
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

func TestOpenLocked(t *testing.T) {
	_, path := openTemp(t, nil)
	tests := []struct {
		name    string
		timeout time.Duration
	}{
		{"explicit timeout", 50 * time.Millisecond},
		{"default timeout", 0}, // one second, not forever
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			second, err := store.Open(path, store.Options{Timeout: tt.timeout})
			if err == nil {
				second.Close()
				t.Fatal("second Open of a locked file succeeded, want error")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("second Open took %v, want it to fail fast", d)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
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
	if _, err := ro.Get(ctx, "a"); err != nil {
		t.Errorf("Get: %v", err)
	}
	if got, want := latestIDs(t, ro, "news", 0, 10), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("category feed = %v, want %v", got, want)
	}
	if _, _, err := ro.Put(ctx, article("b", t0)); err == nil {
		t.Errorf("Put on a read-only store succeeded, want error")
	}
	if _, err := ro.Delete(ctx, "a"); err == nil {
		t.Errorf("Delete on a read-only store succeeded, want error")
	}
	mustCheck(t, ro)
}

func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				a := article(fmt.Sprintf("w%d-%d", w, i), t0.Add(time.Duration(i)*time.Minute), "News", fmt.Sprintf("w%d", w))
				if _, _, err := db.Put(ctx, a); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				if _, err := db.Latest(ctx, "news", 0, 5); err != nil {
					t.Errorf("Latest: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := latestIDs(t, db, "", 0, 1000); len(got) != writers*each {
		t.Errorf("site feed has %d articles, want %d", len(got), writers*each)
	}
	mustCheck(t, db)
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
				if _, _, err := db.Put(context.Background(), article(fillID(i), t0.Add(time.Duration(i)*time.Minute), cats...)); err != nil {
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

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	b.Run("create", func(b *testing.B) {
		db, _ := openTemp(b, nil)
		i := 0
		for b.Loop() {
			a := article(fillID(i), t0.Add(time.Duration(i)*time.Minute), "News", "Economy")
			if _, _, err := db.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	// 32 writers at once, as a newsroom's bulk import: group commits make
	// the cost per article a fraction of one fsync.
	b.Run("create-32-writers", func(b *testing.B) {
		db, _ := openTemp(b, nil)
		var next atomic.Int64
		b.SetParallelism(32 / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(next.Add(1))
				a := article(fillID(i), t0.Add(time.Duration(i)*time.Minute), "News", "Economy")
				if _, _, err := db.Put(ctx, a); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("update", func(b *testing.B) {
		db, _ := openTemp(b, nil)
		a := article("a", t0, "News", "Economy")
		i := 0
		for b.Loop() {
			a.Hash = fmt.Sprintf("hash-%d", i)
			a.Categories[1] = fmt.Sprintf("cat-%d", i%2)
			if _, _, err := db.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		db, _ := openTemp(b, nil)
		a := article("a", t0, "News")
		put(b, db, a)
		for b.Loop() {
			if _, _, err := db.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
	})
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

// TestPutEmptyHash checks that an empty hash, which says nothing about the
// content, never makes a put a no-op.
func TestPutEmptyHash(t *testing.T) {
	db, _ := openTemp(t, &clock{t: t0.Add(time.Hour)})
	a := article("a", t0)
	a.Hash = ""
	put(t, db, a)
	a.Title = "Changed"
	stored, created := put(t, db, a)
	if created || stored.Title != "Changed" {
		t.Errorf("created, Title = %v, %q, want false, %q", created, stored.Title, "Changed")
	}
}

// TestGroupCommit runs many writers at once, some of them failing (a
// delete of a missing article, an article without GUID): the failures are
// reported to their callers alone and every other write is committed.
func TestGroupCommit(t *testing.T) {
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
				_, _, errs[i] = db.Put(ctx, a)
			default:
				_, _, errs[i] = db.Put(ctx, article(fmt.Sprintf("a%03d", i), t0.Add(time.Duration(i)*time.Second), "News"))
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
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, store.Options{})
	if got := latestIDs(t, db, "news", 0, 1000); len(got) != ok {
		t.Errorf("%d articles after reopen, want %d", len(got), ok)
	}
	mustCheck(t, db)
}

func TestArrived(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	// Arrival order differs from publication order.
	for i, id := range []string{"c", "a", "d", "b"} {
		put(t, db, article(id, t0.Add(time.Duration(-i)*time.Hour)))
	}
	if _, err := db.Delete(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	last, err := db.LastSeq(ctx)
	if err != nil || last != 4 {
		t.Fatalf("LastSeq = %d, %v; want 4", last, err)
	}
	got, err := db.Arrived(ctx, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"b", "a", "c"}, ids); diff != "" {
		t.Errorf("Arrived(1, 4) newest first (-want +got):\n%s", diff)
	}
	// An update keeps the arrival number.
	a := article("a", t0)
	a.Hash = "changed"
	stored, _ := put(t, db, a)
	if stored.Seq != 2 {
		t.Errorf("updated article has seq %d, want 2", stored.Seq)
	}
	if got, _ := db.Arrived(ctx, 2, 2); len(got) != 1 || got[0].ID != "a" {
		t.Errorf("Arrived(2, 2) = %v", got)
	}
}

func TestClosed(t *testing.T) {
	db, err := store.Open(dbPath(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Put(context.Background(), article("a", t0)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
}

func TestTombstones(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	db, err := store.Open(dbPath(t), store.Options{Now: c.Now, KeepDeleted: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	put(t, db, article("a", t0, "News"))
	put(t, db, article("b", t0, "Sports"))
	if _, err := db.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Deleted(ctx, "", t0.Add(-time.Hour))
	if err != nil || len(got) != 1 || got[0].ID != "a" || got[0].GUID != "tag:example.org,2024:a" || !got[0].When.Equal(t0) {
		t.Fatalf("Deleted = %+v, %v", got, err)
	}
	if got, _ := db.Deleted(ctx, "news", t0.Add(-time.Hour)); len(got) != 1 {
		t.Errorf("Deleted(news) = %+v", got)
	}
	if got, _ := db.Deleted(ctx, "sports", t0.Add(-time.Hour)); len(got) != 0 {
		t.Errorf("Deleted(sports) = %+v", got)
	}
	mustCheck(t, db)
	// Two hours later a deletion prunes the first tombstone.
	c.Set(t0.Add(2 * time.Hour))
	if _, err := db.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Deleted(ctx, "", time.Time{}); len(got) != 1 || got[0].ID != "b" {
		t.Errorf("after pruning: %+v", got)
	}
	if ts, err := db.Tombstone(ctx, "a"); err != nil || ts != nil {
		t.Errorf("Tombstone(a) after pruning = %+v, %v", ts, err)
	}
	if ts, err := db.Tombstone(ctx, "b"); err != nil || ts == nil || ts.ID != "b" || !slices.Equal(ts.Categories, []string{"Sports"}) {
		t.Errorf("Tombstone(b) = %+v, %v", ts, err)
	}
	mustCheck(t, db)
	// Re-creating an article removes its tombstone.
	put(t, db, article("b", t0, "Sports"))
	if got, _ := db.Deleted(ctx, "", time.Time{}); len(got) != 0 {
		t.Errorf("tombstone kept for a re-created article: %+v", got)
	}
	if ts, err := db.Tombstone(ctx, "b"); err != nil || ts != nil {
		t.Errorf("Tombstone(b) after re-creating = %+v, %v", ts, err)
	}
	mustCheck(t, db)
	// Deleted twice: one tombstone, the newer.
	c.Set(t0.Add(3 * time.Hour))
	if _, err := db.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	put(t, db, article("b", t0, "Sports"))
	c.Set(t0.Add(3*time.Hour + time.Minute))
	if _, err := db.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Deleted(ctx, "", time.Time{}); len(got) != 1 || !got[0].When.Equal(t0.Add(3*time.Hour+time.Minute)) {
		t.Errorf("after deleting twice: %+v", got)
	}
	mustCheck(t, db)
}

// TestTombstoneIndexFilled: a store written before the tombstones' id
// index gets it when opened for writing, and read-only lookups work
// without it.
func TestTombstoneIndexFilled(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	db, err := store.Open(path, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		put(t, db, article(id, t0, "News"))
	}
	for _, id := range []string{"a", "c"} {
		if _, err := db.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// Take the index away, as in a store of an older version.
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("deleted-ids")) }); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := ro.Tombstone(ctx, "c"); err != nil || ts == nil || ts.ID != "c" {
		t.Errorf("read-only Tombstone(c) = %+v, %v", ts, err)
	}
	ro.Close()

	db, err = store.Open(path, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if ts, err := db.Tombstone(ctx, id); err != nil || (ts != nil) != want {
			t.Errorf("Tombstone(%s) = %+v, %v", id, ts, err)
		}
	}
	mustCheck(t, db)
	put(t, db, article("a", t0, "News"))
	if ts, _ := db.Tombstone(ctx, "a"); ts != nil {
		t.Errorf("tombstone kept for a re-created article: %+v", ts)
	}
	if got, _ := db.Deleted(ctx, "", time.Time{}); len(got) != 1 || got[0].ID != "c" {
		t.Errorf("Deleted = %+v", got)
	}
	mustCheck(t, db)
	db.Close()

	// A version without the index writes a tombstone after it exists (a
	// rollback): the next open sees the index disagree and rebuilds it.
	raw, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bolt.Tx) error {
		v := []byte(`{"id":"z","guid":"tag:example.org,2024:z","when":"2024-01-01T00:00:00Z"}`)
		return tx.Bucket([]byte("deleted")).Put(indexKey(t0, "z"), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err = store.Open(path, store.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ts, err := db.Tombstone(ctx, "z"); err != nil || ts == nil || ts.ID != "z" {
		t.Errorf("Tombstone(z) after a write without the index = %+v, %v", ts, err)
	}
	mustCheck(t, db)
}

// TestLatestSeesUpdates: the decoded-article cache never hides an update.
func TestLatestSeesUpdates(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	for i := range 3 {
		a := article("a", t0, "News")
		a.Title, a.Hash = fmt.Sprintf("v%d", i), fmt.Sprintf("h%d", i)
		put(t, db, a)
		for _, cat := range []string{"", "news"} {
			got, err := db.Latest(ctx, cat, 0, 1)
			if err != nil || len(got) != 1 || got[0].Title != a.Title {
				t.Fatalf("Latest(%q) after update %d = %v, %v", cat, i, got, err)
			}
		}
		if got, _ := db.Arrived(ctx, 1, 1); len(got) != 1 || got[0].Title != a.Title {
			t.Fatalf("Arrived after update %d = %v", i, got)
		}
	}
}

// groupsSince returns the write groups and writes made since the counts
// before.
func groupsSince(db *store.DB, before [2]uint64) (groups, writes uint64) {
	g, w := db.Groups()
	return g - before[0], w - before[1]
}

func counts(db *store.DB) [2]uint64 {
	g, w := db.Groups()
	return [2]uint64{g, w}
}

// waitPut waits for the result of a Put running in another goroutine.
func waitPut(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Put did not return")
		return nil
	}
}

// putAsync runs an announced Put of a in another goroutine and returns
// once the writer has taken it (it withdraws the announcement then).
func putAsync(t *testing.T, db *store.DB, a *feed.Article) <-chan error {
	t.Helper()
	before := store.Announced(db)
	ctx, done := db.Preparing(context.Background())
	errc := make(chan error, 1)
	go func() {
		defer done()
		_, _, err := db.Put(ctx, a)
		errc <- err
	}()
	for deadline := time.Now().Add(30 * time.Second); store.Announced(db) != before; {
		if time.Now().After(deadline) {
			t.Fatal("the writer did not take the write")
		}
		time.Sleep(time.Millisecond)
	}
	return errc
}

// put1 is put that fails the test instead of hanging when Put does not
// return.
func put1(t *testing.T, db *store.DB, a *feed.Article) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, _, err := db.Put(context.Background(), a)
		errc <- err
	}()
	if err := waitPut(t, errc); err != nil {
		t.Fatal(err)
	}
}

func TestPreparingSharesCommit(t *testing.T) {
	ctx := context.Background()
	// The linger is far longer than the test: a commit that waits for it
	// shows as a hung Put, never as a slow pass.
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})

	// A lone write, with nothing being prepared, commits at once; so does
	// a lone announced one.
	before := counts(db)
	put1(t, db, article("lone", t0))
	if err := waitPut(t, putAsync(t, db, article("lone-announced", t0))); err != nil {
		t.Fatal(err)
	}
	if g, w := groupsSince(db, before); g != 2 || w != 2 {
		t.Errorf("lone writes: %d groups of %d writes, want 2 of 2", g, w)
	}

	// Posters that announced their writes share one commit, however their
	// Puts interleave: the writer holds it until it has taken the last.
	const n = 6
	before = counts(db)
	errc := make(chan error, n)
	for i := range n {
		pctx, done := db.Preparing(ctx)
		go func() {
			defer done()
			_, _, err := db.Put(pctx, article(fmt.Sprintf("p%d", i), t0.Add(time.Duration(i)*time.Minute)))
			errc <- err
		}()
	}
	for range n {
		if err := waitPut(t, errc); err != nil {
			t.Fatal(err)
		}
	}
	if g, w := groupsSince(db, before); g != 1 || w != n {
		t.Errorf("%d announced writes: %d groups of %d writes, want 1 of %d", n, g, w, n)
	}
	if got := latestIDs(t, db, "", 0, 100); len(got) != n+2 {
		t.Errorf("%d articles stored, want %d", len(got), n+2)
	}
	if a := store.Announced(db); a != 0 {
		t.Errorf("%d writes still announced", a)
	}
	mustCheck(t, db)
}

func TestPreparingGivenUp(t *testing.T) {
	ctx := context.Background()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})

	// A write announced and given up holds the commit of another only
	// until it is given up.
	_, done := db.Preparing(ctx)
	errc := putAsync(t, db, article("other", t0))
	select {
	case err := <-errc:
		t.Fatalf("Put returned (%v) while an announced write was being prepared", err)
	default:
	}
	done()
	done() // a second call changes nothing
	if err := waitPut(t, errc); err != nil {
		t.Fatal(err)
	}

	// Nothing is being prepared now: the next write commits at once.
	put1(t, db, article("next", t0.Add(time.Minute)))

	// A Put that fails before reaching the writer leaves the announcement
	// to done.
	pctx, done := db.Preparing(ctx)
	if _, _, err := db.Put(pctx, &feed.Article{}); err == nil {
		t.Fatal("Put of an article without id succeeded")
	}
	done()
	put1(t, db, article("after", t0.Add(2*time.Minute)))

	// An announcement to another store is not one to this store.
	other := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	octx, odone := other.Preparing(ctx)
	defer odone()
	if err := waitPut(t, putAsync(t, db, article("unrelated", t0))); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.Put(octx, article("foreign ctx", t0))
	if err != nil || store.Announced(other) != 1 {
		t.Errorf("Put with another store's announcement: %v, %d announced there", err, store.Announced(other))
	}
	if a := store.Announced(db); a != 0 {
		t.Errorf("%d writes still announced", a)
	}
}

func TestPreparingLingerBounded(t *testing.T) {
	ctx := context.Background()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Millisecond})
	// Announced and never submitted: the commit of another waits only
	// for the linger.
	_, done := db.Preparing(ctx)
	defer done()
	put1(t, db, article("a", t0))
}

func TestPreparingClose(t *testing.T) {
	ctx := context.Background()
	path := dbPath(t)
	db, err := store.Open(path, store.Options{Linger: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// A commit held for an announced write is made when the store closes.
	_, done := db.Preparing(ctx)
	defer done()
	errc := putAsync(t, db, article("held", t0))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := waitPut(t, errc); err != nil {
		t.Fatalf("held Put: %v", err)
	}
	db = openAt(t, path, store.Options{ReadOnly: true})
	if _, err := db.Get(ctx, "held"); err != nil {
		t.Errorf("held article after close: %v", err)
	}
}
