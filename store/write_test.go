package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"sokbo/feed"
)

// TestWithSeq checks that a new article's stored form, encoded by the
// poster and given its seq by the writer, is byte for byte what encoding
// the article as stored gives, whatever its text holds.
func TestWithSeq(t *testing.T) {
	seoul := time.FixedZone("KST", 9*3600)
	pub := time.Date(2026, 11, 24, 9, 30, 0, 0, seoul)
	base := feed.Article{
		ID: "ferry-rescue", GUID: "tag:news.example.com,2026-11-24:ferry-rescue", Title: "여객선 구조",
		Categories: []string{"사회"}, Highlights: []string{"승객 전원이 구조됐다."},
		ContentHTML: `<p>구조 <b><span style="color: #ee2323;">완료</span></b></p>`,
		Published:   pub, Hash: "0123abcd",
	}
	tests := []struct {
		name string
		edit func(a *feed.Article)
	}{
		{"plain", func(a *feed.Article) {}},
		{"text that looks like the keys", func(a *feed.Article) {
			a.Title = `,"hash":"x","seq":7}`
			a.ContentHTML = `<pre>{"seq":1,"hash":"y"}</pre> ,"hash": `
			a.Excerpt = `\",\"hash\":`
		}},
		{"updated set, before published", func(a *feed.Article) {
			a.UpdatedSet, a.Updated = true, pub.Add(-time.Hour)
		}},
		{"updated set, after published", func(a *feed.Article) {
			a.UpdatedSet, a.DateSet, a.Updated = true, true, pub.Add(time.Hour)
		}},
		{"a seq from the caller", func(a *feed.Article) { a.Seq = 99 }},
		{"no hash", func(a *feed.Article) { a.Hash = "" }},
	}
	for _, tt := range tests {
		for _, seq := range []uint64{1, 10, 1 << 40} {
			a := base
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
			got := withSeq(fresh, seq)
			if !bytes.Equal(got, want) {
				t.Errorf("%s, seq %d:\n got %s\nwant %s", tt.name, seq, got, want)
			}
			var back feed.Article
			if err := json.Unmarshal(got, &back); err != nil || back.Seq != seq || back.Title != a.Title {
				t.Errorf("%s, seq %d: decodes to seq %d, title %q (%v)", tt.name, seq, back.Seq, back.Title, err)
			}
		}
	}
	if v := withSeq([]byte(`{"id":"x"}`), 1); v != nil {
		t.Errorf("withSeq of a form without hash = %s, want nil", v)
	}
}
