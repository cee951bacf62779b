package server

import (
	"reflect"
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
	if fs.version(&base) != fs.version(&cp) {
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
		if fs.version(&a) == fs.version(&base) {
			t.Errorf("changing %s keeps the version", field.Name)
		}
	}
	// Bytes moved from one field to the next are another article.
	a, b := base, base
	a.Excerpt, a.FeatureText = "ab", ""
	b.Excerpt, b.FeatureText = "a", "b"
	if fs.version(&a) == fs.version(&b) {
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
