package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/feed"
	"sokbo/store"
)

func TestPutCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(a *feed.Article)
		wantUpdated time.Time
	}{
		{"no updated date", func(a *feed.Article) {}, t0},
		{"updated date", func(a *feed.Article) { a.Updated = t0.Add(time.Hour) }, t0.Add(time.Hour)},
		{"updated before published", func(a *feed.Article) { a.Updated = t0.Add(-time.Hour) }, t0},
		{"published in another zone", func(a *feed.Article) {
			a.Published = t0.In(time.FixedZone("KST", 9*3600))
		}, t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, _ := openTemp(t, &clock{t: t0.Add(99 * time.Hour)})
			a := article("a", t0, "News")
			tt.edit(a)
			before := *a

			c := put(t, db, a)
			if diff := cmp.Diff(&before, a); diff != "" {
				t.Errorf("Put modified its argument (-before +after):\n%s", diff)
			}
			want := before
			want.Published = t0 // in UTC, as stored
			want.Updated = tt.wantUpdated
			if diff := cmp.Diff(feed.Change{Outcome: feed.Created, Article: &want, Seq: 1}, c); diff != "" {
				t.Errorf("change (-want +got):\n%s", diff)
			}
			if c.Article != nil && (c.Article.Published.Location() != time.UTC || c.Article.Updated.Location() != time.UTC) {
				t.Errorf("stored dates in %v and %v, want UTC", c.Article.Published.Location(), c.Article.Updated.Location())
			}
			got, err := db.Get(context.Background(), "a")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if diff := cmp.Diff(c.Article, got); diff != "" {
				t.Errorf("Get differs from Put's result (-put +get):\n%s", diff)
			}
			if seq, err := store.Seq(db, "a"); err != nil || seq != 1 {
				t.Errorf("Seq = %d, %v, want 1, the first arrival", seq, err)
			}
			mustCheck(t, db)
		})
	}
}

func TestPutInvalid(t *testing.T) {
	t.Parallel()
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
			t.Parallel()
			db, _ := openTemp(t, nil)
			c, err := db.Put(context.Background(), tt.a)
			if err == nil {
				t.Fatalf("Put succeeded, want error")
			}
			if diff := cmp.Diff(feed.Change{}, c); diff != "" {
				t.Errorf("change of a failed Put (-want +got):\n%s", diff)
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
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	orig := put(t, db, article("a", t0, "Politics")).Article

	a := article("a", t0.Add(time.Hour), "News", strings.Repeat("x", 40000))
	a.Title = "A new title"
	if _, err := db.Put(ctx, a); err == nil {
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

// TestPutUnchanged: posting the same content again (the GUID aside, which
// ingest may derive differently) changes nothing, not even the file.
func TestPutUnchanged(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0.Add(time.Hour)}
	db, path := openTemp(t, c)
	first := put(t, db, article("a", t0, "News")).Article
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	groups := counts(db)

	c.Set(t0.Add(5 * time.Hour))
	again := article("a", t0, "News")
	again.GUID = "tag:example.org,2024:derived-again"
	got := put(t, db, again)

	want := feed.Change{Outcome: feed.Unchanged, Article: first, Prev: first}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("change of a re-post (-want +got):\n%s", diff)
	}
	if got.Changed() {
		t.Errorf("Changed() = true, want false")
	}
	// Any commit, even an empty one, writes a new meta page.
	if after, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	} else if !bytes.Equal(before, after) {
		t.Errorf("re-post changed the store file")
	}
	if g, w := groupsSince(db, groups); g != 1 || w != 1 {
		t.Errorf("re-post: %d groups of %d writes, want 1 of 1 (rolled back)", g, w)
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
	t.Parallel()
	now := t0.Add(48 * time.Hour)
	tests := []struct {
		name          string
		edit          func(a *feed.Article)
		wantPublished time.Time
		wantUpdated   time.Time
	}{
		{"no date keeps published", func(a *feed.Article) { a.Published = time.Time{} }, t0, now},
		{"date moves published", func(a *feed.Article) { a.Published = t0.Add(-24 * time.Hour) }, t0.Add(-24 * time.Hour), now},
		{"updated date given", func(a *feed.Article) { a.Updated = t0.Add(3 * time.Hour) }, t0, t0.Add(3 * time.Hour)},
		{"updated date before published", func(a *feed.Article) { a.Updated = t0.Add(-3 * time.Hour) }, t0, t0},
		{"clock before published", func(a *feed.Article) { a.Published = now.Add(time.Hour) }, now.Add(time.Hour), now.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: t0}
			db, _ := openTemp(t, c)
			put(t, db, article("other", t0.Add(-12*time.Hour), "Sports"))
			orig := put(t, db, article("a", t0, "Politics", "News")).Article

			c.Set(now)
			a := article("a", t0, "Economy", "news")
			a.GUID = "tag:example.org,2024:changed"
			a.Title = "New title"
			tt.edit(a)
			got := put(t, db, a)

			want := *a
			want.GUID = orig.GUID // kept from the first version
			want.Published, want.Updated = tt.wantPublished, tt.wantUpdated
			if diff := cmp.Diff(feed.Change{Outcome: feed.Updated, Article: &want, Prev: orig, Seq: 3}, got); diff != "" {
				t.Errorf("change (-want +got):\n%s", diff)
			}
			stored, err := db.Get(context.Background(), "a")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if diff := cmp.Diff(got.Article, stored); diff != "" {
				t.Errorf("Get differs from Put's result (-put +get):\n%s", diff)
			}
			if seq, err := store.Seq(db, "a"); err != nil || seq != 2 {
				t.Errorf("Seq = %d, %v, want 2, kept from the first version", seq, err)
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
			if tt.wantPublished.Before(t0.Add(-12 * time.Hour)) {
				wantSite = []string{"other", "a"}
			}
			if got := latestIDs(t, db, "", 0, 10); !cmp.Equal(got, wantSite) {
				t.Errorf("site feed = %v, want %v", got, wantSite)
			}
			mustCheck(t, db)
		})
	}
}

// TestPutUndated: an article posted without a date is dated by the store's
// clock (to the nanosecond, in UTC) and keeps that date when posted
// again, changed or not; undated posts of one second list in the order
// they came.
func TestPutUndated(t *testing.T) {
	t.Parallel()
	seoul := time.FixedZone("KST", 9*3600)
	first := time.Date(2024, 5, 1, 18, 30, 15, 123456789, seoul)
	c := &clock{t: first}
	db, _ := openTemp(t, c)
	put(t, db, article("dated", first.Add(30*time.Minute)))

	created := put(t, db, article("a", time.Time{}, "News"))
	wantDate := time.Date(2024, 5, 1, 9, 30, 15, 123456789, time.UTC)
	if created.Outcome != feed.Created || !created.Article.Published.Equal(wantDate) || !created.Article.Updated.Equal(wantDate) {
		t.Fatalf("created %v, published %v, updated %v; want created, both %v", created.Outcome, created.Article.Published, created.Article.Updated, wantDate)
	}
	if loc := created.Article.Published.Location(); loc != time.UTC {
		t.Errorf("Published in %v, want UTC", loc)
	}

	c.Set(first.Add(time.Hour))
	again := put(t, db, article("a", time.Time{}, "News"))
	if diff := cmp.Diff(feed.Change{Outcome: feed.Unchanged, Article: created.Article, Prev: created.Article}, again); diff != "" {
		t.Errorf("undated re-post (-want +got):\n%s", diff)
	}

	later := first.Add(2*time.Hour + 500*time.Millisecond)
	c.Set(later)
	changed := article("a", time.Time{}, "News")
	changed.Title = "Corrected title"
	updated := put(t, db, changed)
	if updated.Outcome != feed.Updated {
		t.Fatalf("outcome %v, want updated", updated.Outcome)
	}
	if got := updated.Article.Published; !got.Equal(wantDate) {
		t.Errorf("Published after the update = %v, want the first date %v", got, wantDate)
	}
	if got := updated.Article.Updated; !got.Equal(later) || got.Location() != time.UTC {
		t.Errorf("Updated = %v, want the clock %v in UTC", got, later)
	}
	// The site feed orders by the date the store gave: "b", posted a
	// nanosecond after "a" was, comes before it, whatever their ids say.
	c.Set(first.Add(time.Nanosecond))
	put(t, db, article("0-b", time.Time{}, "News"))
	if got, want := latestIDs(t, db, "", 0, 10), []string{"dated", "0-b", "a"}; !cmp.Equal(got, want) {
		t.Errorf("site feed = %v, want %v", got, want)
	}
	mustCheck(t, db)
}

// TestPutChange checks the change each outcome reports, in one article's
// life: created, posted again, updated, deleted, and posted again within
// the tombstone window.
func TestPutChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now, KeepDeleted: time.Hour})

	v1 := article("a", t0, "News")
	s1 := *v1
	s1.Updated = t0
	v2 := article("a", t0, "News", "Economy")
	v2.ContentHTML = "<p>Corrected body</p>"
	s2 := *v2
	s2.Updated = t0.Add(10 * time.Minute)

	steps := []struct {
		name  string
		at    time.Duration // after t0
		write func() (feed.Change, error)
		want  feed.Change
	}{
		{"create", 0, func() (feed.Change, error) { return db.Put(ctx, v1) },
			feed.Change{Outcome: feed.Created, Article: &s1, Seq: 1}},
		{"post again", 5 * time.Minute, func() (feed.Change, error) { return db.Put(ctx, v1) },
			feed.Change{Outcome: feed.Unchanged, Article: &s1, Prev: &s1}},
		{"update", 10 * time.Minute, func() (feed.Change, error) { return db.Put(ctx, v2) },
			feed.Change{Outcome: feed.Updated, Article: &s2, Prev: &s1, Seq: 2}},
		{"delete", 20 * time.Minute, func() (feed.Change, error) { return db.Delete(ctx, "a") },
			feed.Change{Outcome: feed.Deleted, Prev: &s2, Seq: 3}},
		{"revive", 30 * time.Minute, func() (feed.Change, error) { return db.Put(ctx, v1) },
			feed.Change{Outcome: feed.Created, Article: &s1, Revived: &feed.Tombstone{
				ID: "a", GUID: v1.GUID, When: t0.Add(20 * time.Minute), Categories: []string{"News", "Economy"},
			}, Seq: 4}},
	}
	for _, st := range steps {
		c.Set(t0.Add(st.at))
		got, err := st.write()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: change (-want +got):\n%s", st.name, diff)
		}
		if got.Changed() != (st.want.Outcome != feed.Unchanged) {
			t.Errorf("%s: Changed() = %v", st.name, got.Changed())
		}
	}
	mustCheck(t, db)
}

// TestPutRevived: a deleted article posted again reports the tombstone it
// removed while the store keeps it (KeepDeleted, bounds included), and
// none after; either way the tombstone is gone.
func TestPutRevived(t *testing.T) {
	t.Parallel()
	const keep = time.Hour
	tests := []struct {
		after       time.Duration // between the delete and the new post
		wantRevived bool
	}{
		{0, true},
		{30 * time.Minute, true},
		{keep, true},
		{keep + time.Nanosecond, false},
		{3 * keep, false},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			t.Parallel()
			c := &clock{t: t0}
			db := openAt(t, dbPath(t), store.Options{Now: c.Now, KeepDeleted: keep})
			put(t, db, article("a", t0, "News"))
			del(t, db, "a")

			c.Set(t0.Add(tt.after))
			got := put(t, db, article("a", t0, "Sports"))
			var want *feed.Tombstone
			if tt.wantRevived {
				want = &feed.Tombstone{ID: "a", GUID: "tag:example.org,2024:a", When: t0, Categories: []string{"News"}}
			}
			if got.Outcome != feed.Created {
				t.Errorf("outcome %v, want created", got.Outcome)
			}
			if diff := cmp.Diff(want, got.Revived); diff != "" {
				t.Errorf("Revived (-want +got):\n%s", diff)
			}
			// Back at the deletion, when a tombstone would still be kept:
			// none is listed, the post removed it.
			c.Set(t0)
			if got := deletedIDs(t, db, ""); len(got) != 0 {
				t.Errorf("Deleted = %v after the article was posted again, want none", got)
			}
			mustCheck(t, db)
		})
	}
}

// TestChangeCategories checks feed.Change.Categories on real writes: the
// categories whose feeds a write touches.
func TestChangeCategories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	moved := article("a", t0, "Economy", "news")
	moved.Title = "Moved"
	steps := []struct {
		name  string
		write func() (feed.Change, error)
		want  []string
	}{
		{"create", func() (feed.Change, error) { return db.Put(ctx, article("a", t0, "Politics", "News")) },
			[]string{"Politics", "News"}},
		{"unchanged", func() (feed.Change, error) { return db.Put(ctx, article("a", t0, "Politics", "News")) },
			nil},
		{"moved to another category", func() (feed.Change, error) { return db.Put(ctx, moved) },
			[]string{"Politics", "News", "Economy"}},
		{"delete", func() (feed.Change, error) { return db.Delete(ctx, "a") },
			[]string{"Economy", "news"}},
		{"revive in another category", func() (feed.Change, error) { return db.Put(ctx, article("a", t0, "Sports")) },
			[]string{"Sports", "Economy", "news"}},
		{"no category", func() (feed.Change, error) { return db.Put(ctx, article("b", t0)) },
			nil},
	}
	for _, st := range steps {
		c, err := st.write()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, c.Categories()); diff != "" {
			t.Errorf("%s: Categories() (-want +got):\n%s", st.name, diff)
		}
	}
	// The feeds the move touched: the article left one, joined another.
	for cat, want := range map[string][]string{"politics": {}, "economy": {}, "news": {}, "sports": {"a"}} {
		if got := latestIDs(t, db, cat, 0, 10); !cmp.Equal(got, want) {
			t.Errorf("feed %q = %v, want %v", cat, got, want)
		}
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	a := put(t, db, article("a", t0, "News", "경제/산업")).Article
	put(t, db, article("b", t0.Add(time.Hour), "News"))

	c := del(t, db, "a")
	if diff := cmp.Diff(feed.Change{Outcome: feed.Deleted, Prev: a, Seq: 3}, c); diff != "" {
		t.Errorf("change (-want +got):\n%s", diff)
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
	if c, err := db.Delete(ctx, "a"); !errors.Is(err, feed.ErrNotFound) || c.Outcome != 0 {
		t.Errorf("second Delete: %v, %v; want no change, ErrNotFound", c.Outcome, err)
	}
	mustCheck(t, db)

	// The id is free again: a new put creates.
	if c := put(t, db, article("a", t0, "News")); c.Outcome != feed.Created {
		t.Errorf("put after Delete: %v, want created", c.Outcome)
	}
	mustCheck(t, db)
}

func TestClosed(t *testing.T) {
	t.Parallel()
	db, err := store.Open(dbPath(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Put(context.Background(), article("a", t0)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
	if _, err := db.Delete(context.Background(), "a"); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Delete after Close: %v, want ErrClosed", err)
	}
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				a := article(fmt.Sprintf("w%d-%d", w, i), t0.Add(time.Duration(i)*time.Minute), "News", fmt.Sprintf("w%d", w))
				if _, err := db.Put(ctx, a); err != nil {
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

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	b.Run("create", func(b *testing.B) {
		db, _ := openTemp(b, nil)
		i := 0
		for b.Loop() {
			a := article(fillID(i), t0.Add(time.Duration(i)*time.Minute), "News", "Economy")
			if _, err := db.Put(ctx, a); err != nil {
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
		b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(next.Add(1))
				a := article(fillID(i), t0.Add(time.Duration(i)*time.Minute), "News", "Economy")
				if _, err := db.Put(ctx, a); err != nil {
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
			a.Title = fmt.Sprintf("Title %d", i)
			a.Categories[1] = fmt.Sprintf("cat-%d", i%2)
			if _, err := db.Put(ctx, a); err != nil {
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
			if _, err := db.Put(ctx, a); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPutPrecondition: a write whose id was made from its title
// (feed.KeepsTitle) updates the article of the same title but is refused,
// changing nothing, when another title is stored under the id; a deleted
// article's id is free again; a write without precondition replaces.
func TestPutPrecondition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openAt(t, dbPath(t), store.Options{})
	titled := func(title, body string) *feed.Article {
		a := article("weather-update", t0)
		a.Title, a.ContentHTML = title, "<p>"+body+"</p>"
		return a
	}
	steps := []struct {
		name      string
		write     func() (feed.Change, error)
		want      feed.Outcome // 0: refused
		wantTitle string       // stored after the step
	}{
		{"create", func() (feed.Change, error) {
			a := titled("Weather update!", "one")
			return db.Put(ctx, a, feed.KeepsTitle(a))
		}, feed.Created, "Weather update!"},
		{"another title, same id", func() (feed.Change, error) {
			a := titled("weather: UPDATE", "two")
			return db.Put(ctx, a, feed.KeepsTitle(a))
		}, 0, "Weather update!"},
		{"same title, other case and spacing", func() (feed.Change, error) {
			a := titled("  weather  UPDATE! ", "three")
			return db.Put(ctx, a, feed.KeepsTitle(a))
		}, feed.Updated, "  weather  UPDATE! "},
		{"same title again, unchanged", func() (feed.Change, error) {
			a := titled("  weather  UPDATE! ", "three")
			return db.Put(ctx, a, feed.KeepsTitle(a))
		}, feed.Unchanged, "  weather  UPDATE! "},
		{"deleted", func() (feed.Change, error) { return db.Delete(ctx, "weather-update") }, feed.Deleted, ""},
		{"another title after the deletion", func() (feed.Change, error) {
			a := titled("weather: UPDATE", "four")
			return db.Put(ctx, a, feed.KeepsTitle(a))
		}, feed.Created, "weather: UPDATE"},
		{"no precondition: an explicit id replaces", func() (feed.Change, error) {
			return db.Put(ctx, titled("Something else", "five"))
		}, feed.Updated, "Something else"},
	}
	for _, st := range steps {
		c, err := st.write()
		var ce *feed.ConflictError
		switch {
		case st.want == 0 && !errors.As(err, &ce):
			t.Fatalf("%s: %v, %v; want a *feed.ConflictError", st.name, c.Outcome, err)
		case st.want == 0 && (ce.ID != "weather-update" || ce.Existing.Title != "Weather update!"):
			t.Errorf("%s: conflict with %q titled %q", st.name, ce.ID, ce.Existing.Title)
		case st.want != 0 && (err != nil || c.Outcome != st.want):
			t.Fatalf("%s: %v, %v; want %v", st.name, c.Outcome, err, st.want)
		}
		got, err := db.Get(ctx, "weather-update")
		switch {
		case st.wantTitle == "" && !errors.Is(err, feed.ErrNotFound):
			t.Errorf("%s: Get: %v, want not found", st.name, err)
		case st.wantTitle != "" && (err != nil || got.Title != st.wantTitle):
			t.Errorf("%s: stored %v (%v), want the title %q", st.name, got, err, st.wantTitle)
		}
	}
	mustCheck(t, db)
}

// TestPreconditionInGroup: a refused write fails alone in its group: the
// others commit in the same transaction, and the group is not rolled back
// and retried one write at a time (the precondition is asked once).
func TestPreconditionInGroup(t *testing.T) {
	t.Parallel()
	db := openAt(t, dbPath(t), store.Options{Linger: time.Hour})
	first := article("weather-update", t0)
	first.Title = "Weather update!"
	putNow(t, db, first)

	second := article("weather-update", t0)
	second.Title = "weather: UPDATE"
	var asked atomic.Int32
	keeps := feed.KeepsTitle(second)
	counted := func(stored *feed.Article) error { asked.Add(1); return keeps(stored) }

	before := counts(db)
	withdraw := db.ExpectWrite()
	var results []<-chan error
	for _, a := range []*feed.Article{article("a", t0), second, article("b", t0)} {
		var pre []feed.Precondition
		if a == second {
			pre = append(pre, counted)
		}
		errc, err := store.HandOver(db, a, pre...)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, errc)
	}
	withdraw()
	for i, errc := range results {
		err := wait(t, errc)
		var ce *feed.ConflictError
		if refused := errors.As(err, &ce); refused != (i == 1) || (!refused && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if g, w := groupsSince(db, before); g != 1 || w != 3 {
		t.Errorf("%d groups of %d writes, want 1 of 3", g, w)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the precondition was asked %d times, want once: the group was retried", n)
	}
	if got := latestIDs(t, db, "", 0, 10); len(got) != 3 {
		t.Errorf("stored %q, want a, b and weather-update", got)
	}
	if a, err := db.Get(context.Background(), "weather-update"); err != nil || a.Title != "Weather update!" {
		t.Errorf("weather-update: %v (%v), want the first article", a, err)
	}
	mustCheck(t, db)
}
