package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
	"time"

	"sokbo/feed"
)

// TestFragmentVersion: changing any field of an article changes its
// version (so a kept item is never served for other content), and an
// equal copy has the same one (so a re-read article finds its items).
func TestFragmentVersion(t *testing.T) {
	fs := newFragments(1 << 20)
	when := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	base := feed.Article{ID: "a", GUID: "g", Title: "t", Authors: []string{"x"}, Categories: []string{"c"},
		Highlights: []string{"h1", "h2"}, ContentHTML: "<p>b</p>", Published: when, Updated: when}
	cp := base
	if fs.contentVersion(&base) != fs.contentVersion(&cp) {
		t.Fatal("an equal copy has another version")
	}
	typ := reflect.TypeFor[feed.Article]()
	for i := range typ.NumField() {
		field := typ.Field(i)
		a := base
		a.Categories = append([]string(nil), base.Categories...)
		v := reflect.ValueOf(&a).Elem().Field(i)
		switch v.Interface().(type) {
		case string:
			v.SetString(v.String() + "x")
		case []string:
			v.Set(reflect.Append(v, reflect.ValueOf("x")))
		case time.Time:
			v.Set(reflect.ValueOf(when.Add(time.Nanosecond)))
		default:
			t.Fatalf("field %s of type %s: teach version (and this test) about it", field.Name, field.Type)
		}
		if fs.contentVersion(&a) == fs.contentVersion(&base) {
			t.Errorf("changing %s keeps the version", field.Name)
		}
	}
	// Bytes moved from one field to the next are another article.
	a, b := base, base
	a.Excerpt, a.FeatureText = "ab", ""
	b.Excerpt, b.FeatureText = "a", "b"
	if fs.contentVersion(&a) == fs.contentVersion(&b) {
		t.Error("moving a byte between fields keeps the version")
	}
}

// TestFragmentsBudget: the kept bytes stay within the budget, evicting the
// least recently used first; a fragment over a quarter of the budget is
// not kept.
func TestFragmentsBudget(t *testing.T) {
	key := func(i int) keptKey { return keptKey{item: fragmentKey{id: string(rune('a' + i)), format: feed.RSS}} }
	body := make([]byte, 1000-1-fragmentOverhead) // 1,000 bytes with its key
	for _, tc := range []struct {
		name   string
		budget int64
		puts   int
		touch  int // got again after the puts of the others: kept
		kept   int
	}{
		{"under the budget", 10_000, 5, -1, 5},
		{"over it", 4_000, 10, -1, 4},
		{"recently used survives", 4_000, 10, 0, 4},
		{"too large for the budget", 3_000, 3, -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFragments(tc.budget)
			for i := range tc.puts {
				fs.put(key(i), body)
				if tc.touch >= 0 && i > tc.touch {
					if _, ok := fs.get(key(tc.touch)); !ok {
						t.Fatalf("fragment %d evicted while in use", tc.touch)
					}
				}
			}
			if st := fs.stats(); st.n != tc.kept || st.bytes > tc.budget {
				t.Errorf("%d kept, %d bytes; want %d within %d", st.n, st.bytes, tc.kept, tc.budget)
			}
			for i := range tc.puts {
				_, ok := fs.get(key(i))
				want := i >= tc.puts-tc.kept // the last ones put
				if tc.touch >= 0 {
					want = i == tc.touch || i > tc.puts-tc.kept
				}
				if ok != want {
					t.Errorf("fragment %d kept = %v, want %v", i, ok, want)
				}
			}
		})
	}
}

// TestVersionRemembered: an article's version is hashed once while it is
// alive, and forgotten once it is collected.
func TestVersionRemembered(t *testing.T) {
	fs := newFragments(1 << 20)
	a := &feed.Article{ID: "a", ContentHTML: "<p>b</p>"}
	if fs.version(a) != fs.contentVersion(a) || fs.version(a) != fs.contentVersion(a) {
		t.Fatal("the remembered version is not the content's")
	}
	count := func() int {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return len(fs.versions)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d versions remembered, want 1", n)
	}
	a = nil
	for i := 0; i < 100 && count() > 0; i++ {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if n := count(); n != 0 {
		t.Errorf("%d versions remembered after the article was collected, want 0", n)
	}
}

// TestGzipStitched: the stitched gzip member of a feed decompresses to
// its body, whatever parts are kept: none, all, about half (runs of
// parts compressed together, broken by kept ones), and for feeds of no,
// one, small and large items.
func TestGzipStitched(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"속보 ", "<p>", "</p>", "대통령실 ", "news ", "&amp; ", "협력 ", "\n"}
	doc := func(sizes []int) *feed.Assembled {
		head := `<?xml version="1.0"?><rss><channel><title>t</title>`
		a := &feed.Assembled{Head: []byte(head), Sep: []byte(",\n    "), Tail: []byte("</channel></rss>\n")}
		n := len(head)
		for i, size := range sizes {
			if i > 0 {
				n += len(a.Sep)
			}
			item := []byte("<item>")
			for len(item) < size {
				item = append(item, words[rng.IntN(len(words))]...)
			}
			item = append(item, "</item>"...)
			a.Items = append(a.Items, item)
			a.Starts = append(a.Starts, n)
			n += len(item)
			a.Ends = append(a.Ends, n)
		}
		a.Len = n + len(a.Tail)
		if len(sizes) == 0 {
			a.Head, a.Sep, a.Tail = append(a.Head, a.Tail...), nil, nil
		}
		return a
	}
	sizes := func(n, min, spread int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = min + rng.IntN(spread)
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		sizes []int
	}{
		{"no items", nil},
		{"one item", []int{5000}},
		{"small items", sizes(60, 100, 900)},
		{"large items", sizes(20, 8000, 30000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := doc(tc.sizes)
			digests := make([]*itemDigest, len(tc.sizes))
			for i := range digests {
				digests[i] = digestOf(a.Items[i])
			}
			fs := newFragments(64 << 20)
			for round, keep := range []func(i int) bool{
				func(int) bool { return false },      // nothing kept: one run
				func(int) bool { return true },       // all kept from the round before
				func(i int) bool { return i%2 == 0 }, // about half dropped, at random
			} {
				fs.mu.Lock()
				for k, el := range fs.m {
					if k.part != (partKey{}) && !keep(int(k.part.item%1000)) {
						fs.lru.Remove(el)
						delete(fs.m, k)
					}
				}
				fs.mu.Unlock()
				gz := fs.gzipAssembled(a, digests)
				zr, err := gzip.NewReader(bytes.NewReader(gz))
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, a.Bytes()) || len(got) != a.Len {
					t.Fatalf("round %d: %d of %d bytes back, %v", round, len(got), a.Len, err)
				}
			}
		})
	}
}
