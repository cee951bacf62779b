package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// codecArticle is a new article whose text holds what could confuse a
// codec: quotes, braces and keys inside strings, Korean, a zone.
func codecArticle() feed.Article {
	seoul := time.FixedZone("KST", 9*3600)
	return feed.Article{
		ID: "ferry-rescue", GUID: "tag:news.example.com,2026-11-24:ferry-rescue",
		Title:      `여객선 구조 ,"seq":7,"sum":"x"}`,
		Categories: []string{"사회"}, Highlights: []string{"승객 전원이 구조됐다."},
		ContentHTML: strings.Repeat(`<p>구조 <b><span style="color: #ee2323;">완료</span></b> {"seq":1} &amp; "끝"</p>`, 40),
		Published:   time.Date(2026, 11, 24, 9, 30, 0, 0, seoul),
	}
}

// openTest opens a store in a temporary directory, closed when the test
// ends.
func openTest(tb testing.TB, opt Options) (*DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "sokbo.db")
	db, err := Open(path, opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

// rawItem returns the stored form of the article id.
func rawItem(tb testing.TB, db *DB, id string) []byte {
	tb.Helper()
	var raw []byte
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		raw = bytes.Clone(tx.Bucket(bucketItems).Get([]byte(id)))
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return raw
}

// TestStoredForm checks the compressed form: it decodes to the record
// (seq included) whatever its text holds, the form a poster compresses
// before its seq is known is the one the writer makes, and it is smaller
// than the JSON.
func TestStoredForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(r *record)
	}{
		{"plain", func(r *record) {}},
		{"updated before published", func(r *record) { r.Updated = r.Published.Add(-time.Hour) }},
		{"updated after published", func(r *record) { r.Updated = r.Published.Add(time.Hour) }},
		{"no sum", func(r *record) { r.Sum = "" }},
		{"empty article", func(r *record) { r.Article = feed.Article{ID: "x"} }},
	}
	for _, tt := range tests {
		for _, seq := range []uint64{1, 200, 1 << 40} {
			r := record{Sum: "0123abcd", Article: codecArticle()}
			tt.edit(&r)
			// The poster compresses without knowing the seq.
			fresh, err := compressRecord(&r)
			if err != nil {
				t.Fatal(err)
			}
			r.Seq = seq
			if again, err := compressRecord(&r); err != nil || !bytes.Equal(again, fresh) {
				t.Errorf("%s, seq %d: the compressed part depends on the seq (%v)", tt.name, seq, err)
			}
			want, err := encodeRecord(&r)
			if err != nil {
				t.Fatal(err)
			}
			v := frame(seq, fresh)
			if !bytes.Equal(v, want) {
				t.Errorf("%s, seq %d: the poster's form differs from the writer's", tt.name, seq)
			}
			if v[0] != formS2 {
				t.Errorf("%s, seq %d: form %d, want %d", tt.name, seq, v[0], formS2)
			}
			var back record
			size, err := decodeRecord(v, &back)
			if err != nil {
				t.Fatalf("%s, seq %d: %v", tt.name, seq, err)
			}
			if diff := cmp.Diff(r, back); diff != "" {
				t.Errorf("%s, seq %d: decoded (-want +got):\n%s", tt.name, seq, diff)
			}
			if tt.name == "plain" && (size < len(r.ContentHTML) || len(v) >= size*2/3) {
				t.Errorf("%s: stored %d bytes for %d of JSON (content %d)", tt.name, len(v), size, len(r.ContentHTML))
			}
		}
	}
}

// TestDamagedForm checks that damaged stored forms are errors, never a
// panic or an unbounded allocation.
func TestDamagedForm(t *testing.T) {
	t.Parallel()
	good, err := encodeRecord(&record{Seq: 3, Article: feed.Article{ID: "x", ContentHTML: strings.Repeat("가나다 ", 100)}})
	if err != nil {
		t.Fatal(err)
	}
	huge := []byte{formS2, 3, 0x80, 0x80, 0x80, 0x80, 0x04} // claims 1 GiB, holds nothing
	if _, err := decodeRecord(huge, new(record)); err == nil || !strings.Contains(err.Error(), "claims") {
		t.Errorf("a value claiming 1 GiB: %v, want the length refused before decoding", err)
	}
	for name, v := range map[string][]byte{
		"empty":           {},
		"no seq":          {formS2},
		"seq cut short":   {formS2, 0x80},
		"no data":         {formS2, 1},
		"truncated":       good[:len(good)-5],
		"garbage":         append([]byte{formS2, 1}, "not s2 at all"...),
		"huge length":     huge,
		"unknown version": append([]byte{2}, good[1:]...),
		"legacy broken":   []byte("{not json"),
	} {
		if _, err := decodeRecord(v, new(record)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// legacyJSON returns a as the first stores wrote it: plain JSON, HTML not
// escaped, with the bookkeeping of those days inlined (hash, seq,
// date_set, updated_set).
func legacyJSON(tb testing.TB, a *feed.Article, seq uint64, dateSet bool) []byte {
	tb.Helper()
	js, err := json.Marshal(a)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		tb.Fatal(err)
	}
	m["hash"] = "5f1a-old-hash"
	m["seq"] = seq
	m["date_set"] = dateSet
	m["updated_set"] = false
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestLegacyRecord checks a store written before the versioned record:
// its plain JSON articles, with their old bookkeeping fields, are read,
// checked and served; the first post of one again is an update (the old
// hash is not the content sum) that keeps its arrival number and GUID and
// stores it compressed; the next is unchanged.
func TestLegacyRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dateSet bool
		repost  func(a *feed.Article) // the article posted again, as ingest gives it
	}{
		{"dated", true, func(a *feed.Article) {}},
		{"undated", false, func(a *feed.Article) { a.Published = time.Time{} }},
		{"changed", true, func(a *feed.Article) { a.Title = "고침" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
			db, path := openTest(t, Options{Now: func() time.Time { return now }})
			if _, err := db.Put(ctx, &feed.Article{ID: "first", GUID: "tag:x,2026:first", Published: now}); err != nil {
				t.Fatal(err)
			}
			a := codecArticle()
			c, err := db.Put(ctx, &a)
			if err != nil {
				t.Fatal(err)
			}
			stored := c.Article
			// Rewrite the value as an older store holds it.
			legacy := legacyJSON(t, stored, 2, tt.dateSet)
			if err := db.bolt.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketItems).Put([]byte(a.ID), legacy)
			}); err != nil {
				t.Fatal(err)
			}
			db.Close()

			db, err = Open(path, Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if raw := rawItem(t, db, a.ID); len(raw) == 0 || raw[0] != '{' {
				t.Fatalf("test setup: stored as %.20q, want the legacy JSON", raw)
			}
			got, err := db.Get(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(stored, got); diff != "" {
				t.Errorf("legacy record read back (-want +got):\n%s", diff)
			}
			latest, err := db.Latest(ctx, "사회", 0, 10)
			if err != nil || len(latest) != 1 || latest[0].ContentHTML != a.ContentHTML {
				t.Fatalf("Latest = %v, %v; want the legacy article", latest, err)
			}
			if arrived, err := db.Arrived(ctx, 2, 2); err != nil || len(arrived) != 1 || arrived[0].ID != a.ID {
				t.Errorf("Arrived(2, 2) = %v, %v; want the legacy article", arrived, err)
			}
			if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
				t.Errorf("Check: %q, %v", problems, err)
			}

			again := codecArticle()
			again.GUID = "tag:news.example.com,2026-11-25:ferry-rescue" // ingest may derive another
			tt.repost(&again)
			c, err = db.Put(ctx, &again)
			if err != nil {
				t.Fatal(err)
			}
			if c.Outcome != feed.Updated {
				t.Errorf("first post over a legacy record: %v, want updated", c.Outcome)
			}
			if diff := cmp.Diff(stored, c.Prev); diff != "" {
				t.Errorf("Prev (-want +got):\n%s", diff)
			}
			if c.Article == nil {
				t.Fatal("no article in the change")
			}
			if c.Article.GUID != stored.GUID || !c.Article.Published.Equal(stored.Published) || c.Article.Title != again.Title {
				t.Errorf("updated: GUID %q, published %v, title %q; want GUID %q, published %v, title %q",
					c.Article.GUID, c.Article.Published, c.Article.Title, stored.GUID, stored.Published, again.Title)
			}
			if raw := rawItem(t, db, a.ID); len(raw) == 0 || raw[0] != formS2 {
				t.Errorf("an updated legacy article is stored as %.20q, want the compressed form", raw)
			}
			var r record
			if _, err := decodeRecord(rawItem(t, db, a.ID), &r); err != nil || r.Seq != 2 || r.Sum == "" {
				t.Errorf("record after the update: seq %d, sum %q, %v; want seq 2 and a sum", r.Seq, r.Sum, err)
			}
			if c, err := db.Put(ctx, &again); err != nil || c.Outcome != feed.Unchanged {
				t.Errorf("second post: %v, %v; want unchanged", c.Outcome, err)
			}
			if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
				t.Errorf("Check after the update: %q, %v", problems, err)
			}
		})
	}
}

// TestContentSum: the sum covers every field of the article but the GUID,
// so that no change goes unstored.
func TestContentSum(t *testing.T) {
	t.Parallel()
	base := codecArticle()
	sum := func(a *feed.Article) string {
		t.Helper()
		s, err := contentSum(a)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	want := sum(&base)
	typ := reflect.TypeFor[feed.Article]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		a := codecArticle()
		v := reflect.ValueOf(&a).Elem().Field(i)
		switch x := v.Interface().(type) {
		case string:
			v.SetString(x + "x")
		case []string:
			v.Set(reflect.ValueOf(append(x, "x")))
		case time.Time:
			v.Set(reflect.ValueOf(x.Add(time.Second)))
		default:
			t.Errorf("field %s of type %v: the test does not know how to change it", f.Name, f.Type)
			continue
		}
		if got := sum(&a); (got == want) != (f.Name == "GUID") {
			t.Errorf("changing %s: sum changed = %v, want %v", f.Name, got != want, f.Name != "GUID")
		}
	}
}

// FuzzDecodeRecord checks that no stored value, however damaged, makes
// decoding panic, and that what decodes encodes back to the same record.
func FuzzDecodeRecord(f *testing.F) {
	a := codecArticle()
	v, err := encodeRecord(&record{Seq: 5, Sum: "abc", Article: a})
	if err != nil {
		f.Fatal(err)
	}
	legacy := legacyJSON(f, &a, 5, true)
	for _, s := range [][]byte{v, legacy, {formS2}, {formS2, 1, 0}, v[:len(v)/2]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var r record
		if _, err := decodeRecord(v, &r); err != nil {
			return
		}
		again, err := encodeRecord(&r)
		if err != nil {
			t.Fatalf("decoded %+v, which does not encode: %v", r, err)
		}
		var back record
		if _, err := decodeRecord(again, &back); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		// An empty list and none are the same to the store (and omitted
		// alike when encoded).
		if diff := cmp.Diff(r, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// TestPutWritesCompressed checks what Put leaves in the file: the
// compressed form, decoding to the article Put returned and Get reads,
// numbered in arrival order, with the sum of the posted content; and an
// article too big to read back is refused, with nothing written.
func TestPutWritesCompressed(t *testing.T) {
	t.Parallel()
	db, _ := openTest(t, Options{})
	ctx := context.Background()
	for i, id := range []string{"first", "second"} {
		a := codecArticle()
		a.ID, a.GUID = id, "tag:news.example.com,2026-11-24:"+id
		c, err := db.Put(ctx, &a)
		if err != nil {
			t.Fatal(err)
		}
		raw := rawItem(t, db, id)
		if len(raw) == 0 || raw[0] != formS2 || len(raw) >= len(a.ContentHTML) {
			t.Fatalf("%s stored as %d bytes starting %.8q; want the compressed form, under the content's %d", id, len(raw), raw, len(a.ContentHTML))
		}
		var back record
		if _, err := decodeRecord(raw, &back); err != nil {
			t.Fatal(err)
		}
		got, err := db.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*c.Article, back.Article); diff != "" {
			t.Errorf("%s: the stored bytes decode to (-Put returned +in the file):\n%s", id, diff)
		}
		if diff := cmp.Diff(c.Article, got); diff != "" {
			t.Errorf("%s: Get (-Put returned +Get):\n%s", id, diff)
		}
		if back.Seq != uint64(i+1) {
			t.Errorf("%s: seq %d, want %d", id, back.Seq, i+1)
		}
		if sum, err := contentSum(&a); err != nil || back.Sum != sum {
			t.Errorf("%s: sum %q, want %q (%v)", id, back.Sum, sum, err)
		}
	}
	big := codecArticle()
	big.ID, big.ContentHTML = "big", strings.Repeat("x", maxDecoded)
	if _, err := db.Put(ctx, &big); err == nil {
		t.Fatal("an article of 64 MiB was stored")
	}
	if _, err := db.Get(ctx, "big"); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("Get of the refused article: %v, want not found", err)
	}
}
