package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// codecArticle is a new article whose text holds what could confuse a
// codec: quotes, braces and keys inside strings, Korean, a zone.
func codecArticle() feed.Article {
	seoul := time.FixedZone("KST", 9*3600)
	return feed.Article{
		ID: "ferry-rescue", GUID: "tag:news.example.com,2026-11-24:ferry-rescue",
		Title:      `여객선 구조 ,"seq":7,"hash":"x"}`,
		Categories: []string{"사회"}, Highlights: []string{"승객 전원이 구조됐다."},
		ContentHTML: strings.Repeat(`<p>구조 <b><span style="color: #ee2323;">완료</span></b> {"seq":1} &amp; "끝"</p>`, 40),
		Published:   time.Date(2026, 11, 24, 9, 30, 0, 0, seoul), Hash: "0123abcd",
	}
}

// TestStoredForm checks the compressed form: it decodes to the article
// (seq included) whatever its text holds, the form a poster prepares is
// the one the writer would make, and it is smaller than the JSON.
func TestStoredForm(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *feed.Article)
	}{
		{"plain", func(a *feed.Article) {}},
		{"updated set, before published", func(a *feed.Article) {
			a.UpdatedSet, a.Updated = true, a.Published.Add(-time.Hour)
		}},
		{"updated set, after published", func(a *feed.Article) {
			a.UpdatedSet, a.DateSet, a.Updated = true, true, a.Published.Add(time.Hour)
		}},
		{"a seq from the caller", func(a *feed.Article) { a.Seq = 99 }},
		{"empty", func(a *feed.Article) { *a = feed.Article{ID: "x"} }},
	}
	for _, tt := range tests {
		for _, seq := range []uint64{1, 200, 1 << 40} {
			a := codecArticle()
			tt.edit(&a)
			fresh, err := encodeFresh(&a)
			if err != nil {
				t.Fatal(err)
			}
			n := asFresh(&a)
			n.Seq = seq
			want, err := encode(&n)
			if err != nil {
				t.Fatal(err)
			}
			v := frame(seq, fresh)
			if !bytes.Equal(v, want) {
				t.Errorf("%s, seq %d: the poster's form differs from the writer's", tt.name, seq)
			}
			var back feed.Article
			size, err := decodeArticle(v, &back)
			if err != nil {
				t.Fatalf("%s, seq %d: %v", tt.name, seq, err)
			}
			if diff := cmp.Diff(n, back); diff != "" {
				t.Errorf("%s, seq %d: decoded (-want +got):\n%s", tt.name, seq, diff)
			}
			if tt.name == "plain" && (size < len(n.ContentHTML) || len(v) >= size*2/3) {
				t.Errorf("%s: stored %d bytes for %d of JSON (content %d)", tt.name, len(v), size, len(n.ContentHTML))
			}
		}
	}
}

// TestDamagedForm checks that damaged stored forms are errors, never a
// panic or an unbounded allocation.
func TestDamagedForm(t *testing.T) {
	good, err := encode(&feed.Article{ID: "x", Seq: 3, ContentHTML: strings.Repeat("가나다 ", 100)})
	if err != nil {
		t.Fatal(err)
	}
	huge := []byte{formS2, 3, 0x80, 0x80, 0x80, 0x80, 0x04} // claims 1 GiB, holds nothing
	if _, err := decodeArticle(huge, new(feed.Article)); err == nil || !strings.Contains(err.Error(), "claims") {
		t.Errorf("a value claiming 1 GiB: %v, want the length refused before decoding", err)
	}
	for name, v := range map[string][]byte{
		"empty":         {},
		"no seq":        {formS2},
		"seq cut short": {formS2, 0x80},
		"no data":       {formS2, 1},
		"truncated":     good[:len(good)-5],
		"garbage":       append([]byte{formS2, 1}, "not s2 at all"...),
		"huge length":   huge,
		"legacy broken": []byte("{not json"),
	} {
		var a feed.Article
		if _, err := decodeArticle(v, &a); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// TestLegacyForm checks a store written before the compressed form: its
// JSON articles are read, checked and served, and an article written
// again is stored compressed.
func TestLegacyForm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := codecArticle()
	stored, _, err := db.Put(ctx, &a)
	if err != nil {
		t.Fatal(err)
	}
	// Rewrite the value as the JSON form older stores hold.
	legacy, err := json.Marshal(stored)
	if err != nil {
		t.Fatal(err)
	}
	legacy = bytes.ReplaceAll(legacy, []byte(`\u003c`), []byte("<")) // as they wrote it, unescaped
	legacy = bytes.ReplaceAll(legacy, []byte(`\u003e`), []byte(">"))
	legacy = bytes.ReplaceAll(legacy, []byte(`\u0026`), []byte("&"))
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketItems).Put([]byte(a.ID), legacy)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, got); diff != "" {
		t.Errorf("legacy form read back (-want +got):\n%s", diff)
	}
	latest, err := db.Latest(ctx, "", 0, 10)
	if err != nil || len(latest) != 1 || latest[0].Seq != stored.Seq || latest[0].ContentHTML != a.ContentHTML {
		t.Fatalf("Latest = %v, %v", latest, err)
	}
	if problems, err := db.Check(ctx); err != nil || len(problems) > 0 {
		t.Errorf("Check: %v %v", problems, err)
	}
	b := a
	b.Title, b.Hash = "고침", "4567"
	if _, _, err := db.Put(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketItems).Get([]byte(a.ID)); len(v) == 0 || v[0] != formS2 {
			t.Errorf("an updated legacy article is stored as %.20q, want the compressed form", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Get(ctx, a.ID); err != nil || got.Title != "고침" || got.Seq != stored.Seq || got.GUID != stored.GUID {
		t.Errorf("after the update: %+v, %v", got, err)
	}
}

// FuzzDecodeArticle checks that no stored value, however damaged, makes
// decoding panic, and that what decodes encodes back to the same article.
func FuzzDecodeArticle(f *testing.F) {
	a := codecArticle()
	a.Seq = 5
	v, err := encode(&a)
	if err != nil {
		f.Fatal(err)
	}
	js, _ := json.Marshal(a)
	for _, s := range [][]byte{v, js, {formS2}, {formS2, 1, 0}, v[:len(v)/2]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var a feed.Article
		if _, err := decodeArticle(v, &a); err != nil {
			return
		}
		again, err := encode(&a)
		if err != nil {
			t.Fatalf("decoded %+v, which does not encode: %v", a, err)
		}
		var b feed.Article
		if _, err := decodeArticle(again, &b); err != nil {
			t.Fatalf("re-encoded article does not decode: %v", err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// TestPutWritesCompressed checks what Put leaves in the file: the
// compressed form, decoding to the article Put returned and Get reads,
// numbered in arrival order; and an article too big to read back is
// refused, with nothing written.
func TestPutWritesCompressed(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for i, id := range []string{"first", "second"} {
		a := codecArticle()
		a.ID, a.GUID = id, "tag:news.example.com,2026-11-24:"+id
		stored, _, err := db.Put(ctx, &a)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := db.bolt.View(func(tx *bolt.Tx) error {
			raw = bytes.Clone(tx.Bucket(bucketItems).Get([]byte(id)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || raw[0] != formS2 || len(raw) >= len(a.ContentHTML) {
			t.Fatalf("%s stored as %d bytes starting %.8q; want the compressed form, under the content's %d", id, len(raw), raw, len(a.ContentHTML))
		}
		var back feed.Article
		if _, err := decodeArticle(raw, &back); err != nil {
			t.Fatal(err)
		}
		got, err := db.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*stored, back); diff != "" {
			t.Errorf("%s: the stored bytes decode to (-Put returned +in the file):\n%s", id, diff)
		}
		if diff := cmp.Diff(stored, got); diff != "" {
			t.Errorf("%s: Get (-Put returned +Get):\n%s", id, diff)
		}
		if back.Seq != uint64(i+1) {
			t.Errorf("%s: seq %d, want %d", id, back.Seq, i+1)
		}
	}
	big := codecArticle()
	big.ID, big.ContentHTML = "big", strings.Repeat("x", maxDecoded)
	if _, _, err := db.Put(ctx, &big); err == nil {
		t.Fatal("an article of 64 MiB was stored")
	}
	if _, err := db.Get(ctx, "big"); !errors.Is(err, feed.ErrNotFound) {
		t.Errorf("Get of the refused article: %v, want not found", err)
	}
}
