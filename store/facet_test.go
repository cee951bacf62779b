package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"sokbo/feed"
	"sokbo/store"
)

// tagged returns article id published at pub with the given tags and
// authors, in category "News".
func tagged(id string, pub time.Time, tags, authors []string) *feed.Article {
	a := article(id, pub, "News")
	a.Tags, a.Authors = tags, authors
	return a
}

func tag(name string) feed.Facet    { return feed.Facet{Kind: feed.TagFacet, Name: name} }
func author(name string) feed.Facet { return feed.Facet{Kind: feed.AuthorFacet, Name: name} }

// facetIDs returns the ids LatestIn returns for f.
func facetIDs(tb testing.TB, db *store.DB, f feed.Facet) []string {
	tb.Helper()
	as, err := db.LatestIn(context.Background(), f, 0, 100)
	if err != nil {
		tb.Fatalf("LatestIn(%s): %v", f, err)
	}
	return ids(as)
}

// deletedIn returns the ids of the tombstones DeletedIn returns for f.
func deletedIn(tb testing.TB, db *store.DB, f feed.Facet) []string {
	tb.Helper()
	ts, err := db.DeletedIn(context.Background(), f)
	if err != nil {
		tb.Fatalf("DeletedIn(%s): %v", f, err)
	}
	out := []string{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

// TestFacetIndex: tags and authors are indexed as categories are, under
// their CategoryKey, in the write's transaction; an update that drops a
// tag takes the article out of its feed, and a deletion leaves a
// tombstone in the feeds of its tags and authors.
func TestFacetIndex(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	db := openAt(t, dbPath(t), store.Options{Now: c.Now})
	put(t, db, tagged("a", t0, []string{"선거", "Economy"}, []string{"홍길동"}))
	put(t, db, tagged("b", t0.Add(time.Hour), []string{"economy "}, []string{"Kim  Min", "홍길동"}))
	put(t, db, tagged("c", t0.Add(2*time.Hour), nil, nil))

	for _, tt := range []struct {
		f    feed.Facet
		want []string
	}{
		{tag("Economy"), []string{"b", "a"}},
		{tag("ECONOMY"), []string{"b", "a"}},
		{tag(" economy\t"), []string{"b", "a"}},
		{tag(norm.NFD.String("선거")), []string{"a"}},
		{tag("홍길동"), []string{}}, // an author, not a tag
		{author("홍길동"), []string{"b", "a"}},
		{author("kim min"), []string{"b"}},
		{author("nobody"), []string{}},
		{tag("   "), []string{}},
		{feed.Facet{}, []string{"c", "b", "a"}},
	} {
		if got := facetIDs(t, db, tt.f); !cmp.Equal(got, tt.want) {
			t.Errorf("LatestIn(%s) = %v, want %v", tt.f, got, tt.want)
		}
	}
	// Latest of a category reads the same index as before.
	if got, want := latestIDs(t, db, "news", 0, 10), []string{"c", "b", "a"}; !cmp.Equal(got, want) {
		t.Errorf("Latest(news) = %v, want %v", got, want)
	}
	mustCheck(t, db)

	// b loses its tag: the tag's feed no longer lists it.
	put(t, db, tagged("b", t0.Add(time.Hour), nil, []string{"Kim Min"}))
	if got, want := facetIDs(t, db, tag("economy")), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("after b lost its tag: %v, want %v", got, want)
	}
	if got, want := facetIDs(t, db, author("홍길동")), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("after b lost an author: %v, want %v", got, want)
	}
	mustCheck(t, db)

	// a is deleted: its tag's feed is empty, and lists its tombstone.
	del(t, db, "a")
	if got := facetIDs(t, db, tag("선거")); len(got) != 0 {
		t.Errorf("tag of a deleted article lists %v", got)
	}
	for _, tt := range []struct {
		f    feed.Facet
		want []string
	}{
		{tag("선거"), []string{"a"}},
		{tag("ECONOMY"), []string{"a"}},
		{author(norm.NFD.String("홍길동")), []string{"a"}},
		{author("kim min"), []string{}},
		{tag("news"), []string{}}, // a category, not a tag
		{feed.Facet{}, []string{"a"}},
	} {
		if got := deletedIn(t, db, tt.f); !cmp.Equal(got, tt.want) {
			t.Errorf("DeletedIn(%s) = %v, want %v", tt.f, got, tt.want)
		}
	}
	mustCheck(t, db)
}

// TestFacetNameTooLong: a tag or author whose key is longer than bbolt's
// key limit refuses the write, as a category does, and writes nothing.
func TestFacetNameTooLong(t *testing.T) {
	t.Parallel()
	db, _ := openTemp(t, nil)
	long := strings.Repeat("x", bolt.MaxKeySize+1)
	for _, a := range []*feed.Article{
		tagged("t", t0, []string{long}, nil),
		tagged("u", t0, nil, []string{long}),
	} {
		if _, err := db.Put(context.Background(), a); err == nil || !strings.Contains(err.Error(), "longer than") {
			t.Errorf("Put(%s) with a name of %d bytes: %v, want refused", a.ID, len(long), err)
		}
	}
	if got := latestIDs(t, db, "", 0, 10); len(got) != 0 {
		t.Errorf("refused writes stored %v", got)
	}
	mustCheck(t, db)
}

// TestFacetIndexBuilt: a store written before tags and authors were
// indexed (here: one whose tags and authors buckets are removed, and
// whose tombstone predates their being kept) opens read-only with empty
// tag and author feeds, which Check reports, and gets both indexes whole
// on its next open for writing. Its old tombstone is in no tag's list.
func TestFacetIndexBuilt(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	c := &clock{t: t0}
	db, err := store.Open(path, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c", "d"} {
		tags := []string{"Tag" + id, "Common"}
		put(t, db, tagged(id, t0.Add(time.Duration(i)*time.Hour), tags, []string{"Writer " + id}))
	}
	put(t, db, tagged("gone", t0.Add(-time.Hour), []string{"Common"}, []string{"Writer a"}))
	del(t, db, "gone")
	db.Close()

	editBolt(t, path, func(tx *bolt.Tx) error {
		for _, name := range []string{"tags", "authors"} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
		// The tombstone as an older version wrote it: categories only.
		deleted := tx.Bucket([]byte("deleted"))
		k, _ := deleted.Cursor().First()
		v := []byte(`{"id":"gone","guid":"tag:example.org,2024:gone","when":"2024-05-01T09:00:00Z","categories":["News"]}`)
		return deleted.Put(k, v)
	})

	ro := openAt(t, path, store.Options{ReadOnly: true, Now: c.Now})
	if got := facetIDs(t, ro, tag("common")); len(got) != 0 {
		t.Errorf("read-only, before the index is built: %v", got)
	}
	problems, err := ro.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"authors: no index (the store predates it; opening it for writing builds it)",
		"tags: no index (the store predates it; opening it for writing builds it)",
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("Check of the old store (-want +got):\n%s", diff)
	}
	ro.Close()

	db = openAt(t, path, store.Options{Now: c.Now})
	for _, tt := range []struct {
		f    feed.Facet
		want []string
	}{
		{tag("common"), []string{"d", "c", "b", "a"}},
		{tag("tagc"), []string{"c"}},
		{author("writer a"), []string{"a"}},
	} {
		if got := facetIDs(t, db, tt.f); !cmp.Equal(got, tt.want) {
			t.Errorf("LatestIn(%s) after the build = %v, want %v", tt.f, got, tt.want)
		}
	}
	if got := deletedIn(t, db, tag("common")); len(got) != 0 {
		t.Errorf("an old tombstone is in a tag's list: %v", got)
	}
	if got, want := deletedIn(t, db, feed.Facet{}), []string{"gone"}; !cmp.Equal(got, want) {
		t.Errorf("the site's tombstones = %v, want %v", got, want)
	}
	mustCheck(t, db)
	// Writes go on maintaining the built index.
	put(t, db, tagged("e", t0.Add(9*time.Hour), []string{"common"}, nil))
	del(t, db, "a")
	if got, want := facetIDs(t, db, tag("Common")), []string{"e", "d", "c", "b"}; !cmp.Equal(got, want) {
		t.Errorf("after more writes: %v, want %v", got, want)
	}
	mustCheck(t, db)
}

// TestFacetIndexBuiltPastDamage: an article that cannot be decoded does
// not keep an old store from opening; the others are indexed, and Check
// reports the damaged one.
func TestFacetIndexBuiltPastDamage(t *testing.T) {
	t.Parallel()
	path := dbPath(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	put(t, db, tagged("a", t0, []string{"x"}, nil))
	put(t, db, tagged("b", t0.Add(time.Hour), []string{"x"}, nil))
	db.Close()
	editBolt(t, path, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("tags")); err != nil {
			return err
		}
		return tx.Bucket([]byte("items")).Put([]byte("b"), []byte("{not json"))
	})
	db = openAt(t, path, store.Options{})
	if got, want := facetIDs(t, db, tag("x")), []string{"a"}; !cmp.Equal(got, want) {
		t.Errorf("LatestIn(tag x) = %v, want %v", got, want)
	}
	problems, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), `items: article "b": cannot decode`) {
		t.Errorf("Check: %q, want the damaged article reported", problems)
	}
}

// TestCheckFacets: Check compares the tags and authors indexes with the
// articles as it does the categories'.
func TestCheckFacets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(tx *bolt.Tx) error
		want []string
	}{
		{"sound", func(tx *bolt.Tx) error { return nil }, nil},
		{"orphan tag entry", func(tx *bolt.Tx) error {
			b, err := tx.Bucket([]byte("tags")).CreateBucketIfNotExists([]byte("ghosts"))
			if err != nil {
				return err
			}
			return b.Put(indexKey(t0, "ghost"), nil)
		}, []string{`tag "ghosts": entry for missing article "ghost"`}},
		{"stale author entry", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("authors")).Bucket([]byte("kim")).Put(indexKey(t0, "a"), nil)
		}, []string{`author "kim": stale entry for article "a"`}},
		{"missing tag", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("tags")).DeleteBucket([]byte("election"))
		}, []string{`tag "election": missing entry for article "a"`}},
		{"value in the authors index", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("authors")).Put([]byte("odd"), []byte("x"))
		}, []string{`authors: "odd" is a value, not the bucket of one author`}},
		{"no authors index", func(tx *bolt.Tx) error {
			return tx.DeleteBucket([]byte("authors"))
		}, []string{"authors: no index"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := dbPath(t)
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			put(t, db, tagged("a", t0, []string{"Election"}, []string{"Lee"}))
			put(t, db, tagged("b", t0.Add(time.Hour), nil, []string{"Kim"}))
			mustCheck(t, db)
			db.Close()
			editBolt(t, path, tt.edit)

			db = openAt(t, path, store.Options{ReadOnly: true})
			problems, err := db.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(problems), len(tt.want), strings.Join(problems, "\n"))
			}
			for _, w := range tt.want {
				if !strings.Contains(strings.Join(problems, "\n"), w) {
					t.Errorf("no problem mentions %q; got:\n%s", w, strings.Join(problems, "\n"))
				}
			}
		})
	}
}

// TestChangeFacets: a write's change names every facet whose feeds it
// touches: those the article left, joined, or was deleted from, and a
// revived tombstone's, each once, categories then tags then authors.
func TestChangeFacets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	cat := func(name string) feed.Facet { return feed.Facet{Kind: feed.CategoryFacet, Name: name} }
	write := func(a *feed.Article) func() (feed.Change, error) {
		return func() (feed.Change, error) { return db.Put(ctx, a) }
	}
	steps := []struct {
		name  string
		write func() (feed.Change, error)
		want  []feed.Facet
	}{
		{"create", write(tagged("a", t0, []string{"Vote", "vote "}, []string{"Lee"})),
			[]feed.Facet{cat("News"), tag("Vote"), author("Lee")}},
		{"unchanged", write(tagged("a", t0, []string{"Vote", "vote "}, []string{"Lee"})),
			nil},
		{"tag swapped", write(tagged("a", t0, []string{"Poll"}, []string{"LEE"})),
			[]feed.Facet{cat("News"), tag("Vote"), tag("Poll"), author("Lee")}},
		{"delete", func() (feed.Change, error) { return db.Delete(ctx, "a") },
			[]feed.Facet{cat("News"), tag("Poll"), author("LEE")}},
		{"revived without tags", write(tagged("a", t0, nil, []string{"Kim"})),
			[]feed.Facet{cat("News"), tag("Poll"), author("Kim"), author("LEE")}},
	}
	for _, st := range steps {
		c, err := st.write()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, c.Facets()); diff != "" {
			t.Errorf("%s: Facets() (-want +got):\n%s", st.name, diff)
		}
	}
}

// TestPreFacetsFixture: testdata/prefacets.db was written by the store as
// it was before tags and authors were indexed (four articles tagged and
// with authors, one deleted, at 2026-11-20T19:00Z). Opened for writing,
// it gets both indexes; its tombstone is in no tag's or author's list.
func TestPreFacetsFixture(t *testing.T) {
	t.Parallel()
	path := copyFixture(t, "prefacets.db")
	now := time.Date(2026, 11, 20, 19, 0, 0, 0, time.UTC)
	db := openAt(t, path, store.Options{Now: func() time.Time { return now }})
	for _, tt := range []struct {
		f    feed.Facet
		want []string
	}{
		{tag("선거"), []string{"vote-2", "vote-1"}},
		{tag("ECONOMY"), []string{"market", "vote-1"}},
		{author("홍길동"), []string{"market", "vote-1"}},
		{author("kim min"), []string{"market", "vote-2"}},
	} {
		if got := facetIDs(t, db, tt.f); !cmp.Equal(got, tt.want) {
			t.Errorf("LatestIn(%s) = %v, want %v", tt.f, got, tt.want)
		}
	}
	if got, want := deletedIDs(t, db, "정치"), []string{"gone"}; !cmp.Equal(got, want) {
		t.Errorf("Deleted(정치) = %v, want %v", got, want)
	}
	if got := deletedIn(t, db, tag("선거")); len(got) != 0 {
		t.Errorf("an old tombstone is in a tag's list: %v", got)
	}
	mustCheck(t, db)
}

// copyFixture copies testdata/name into a temporary directory, so that
// opening it for writing leaves the fixture as it is.
func copyFixture(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	path := dbPath(tb)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
