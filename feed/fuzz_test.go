package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sokbo/feed"
)

// FuzzRender renders an article made of arbitrary strings in the three
// formats: the XML ones must be well-formed XML 1.0 with no element but
// the formats' own (no script, whatever the strings hold), the JSON one
// valid JSON carrying the strings' valid-UTF-8 form; and a feed assembled
// from its frame and item fragments is the written one.
func FuzzRender(f *testing.F) {
	f.Add("제목 <b>&amp; ]]>", "<p>본문<script>alert(1)</script></p>", "경제/산업", "excerpt \x0b", "hl. ", int64(1732500000))
	f.Add("", "", "", "", "", int64(0))
	f.Add("\uFFFE\xff\xfe", "]]]]><![CDATA[x", "<cat>", "\x00", "\U0010FFFF", int64(-62135596800))
	f.Fuzz(func(t *testing.T, title, content, category, excerpt, highlight string, unix int64) {
		when := time.Unix(unix%(1<<36), 0).UTC()
		a := &feed.Article{
			ID: "x", GUID: "tag:example.com,2026:x", Title: title, ContentHTML: content,
			Categories: []string{category}, Tags: []string{highlight}, Authors: []string{title},
			Excerpt: excerpt, Highlights: []string{highlight, title}, Lead: content,
			Published: when, Updated: when, Lang: "ko", Image: "https://example.com/a.jpg",
		}
		c := channel(t, feed.RSS)
		c.Title, c.Description = title, excerpt
		c.Deleted = []feed.Tombstone{{ID: "y", GUID: "tag:example.com,2026:y", When: when}}
		// The feed's bound is one body and a byte: the second of two
		// copies carries its summary and link, and so does the first when
		// its lead image or key points take it past the bound.
		c.MaxFeedContent = len(content) + 1
		for i, format := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
			// Each format in another content mode: every mode is fuzzed
			// without tripling the work.
			c.ContentMode = []feed.ContentMode{feed.ContentBoth, feed.ContentFull, feed.ContentSummary}[i]
			var buf bytes.Buffer
			if err := feed.Write(&buf, format, c, []*feed.Article{a}); err != nil {
				t.Fatalf("%s: %v", format.Ext(), err)
			}
			out := buf.Bytes()
			// A feed assembled from its frame and item fragments is the
			// written one, byte for byte.
			if got := assemble(t, format, c, []*feed.Article{a, a}); !bytes.Equal(got, renderChannel(t, format, c, []*feed.Article{a, a})) {
				t.Fatalf("%s: assembled feed differs from the written one", format.Ext())
			}
			if !utf8.Valid(out) {
				t.Fatalf("%s: not UTF-8", format.Ext())
			}
			if format == feed.JSON {
				var v map[string]any
				if err := json.Unmarshal(out, &v); err != nil {
					t.Fatalf("json: %v", err)
				}
				continue
			}
			d := xml.NewDecoder(bytes.NewReader(out))
			for {
				tok, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: not well-formed: %v", format.Ext(), err)
				}
				if se, ok := tok.(xml.StartElement); ok && strings.EqualFold(se.Name.Local, "script") {
					t.Fatalf("%s: a script element", format.Ext())
				}
			}
		}
	})
}

// FuzzClean checks HasNonXMLChar's byte scan against the rune-level rule,
// and that Clean leaves valid UTF-8 with no character XML forbids,
// changing nothing that had none.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"", "plain text", "a\x01b\x1fc\x7fd", "\ufffe\uffff\ufffd", "\xef\xbf", "\xef\xbf\xbe",
		"bad \xff\xfe utf-8 \xed\xa0\x80 surrogate", "tab\tline\nreturn\r\vform\f\u0085nel", "가힣\ud7ff…é",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := feed.HasNonXMLChar(s), strings.IndexFunc(s, notXMLChar) >= 0; got != want {
			t.Errorf("HasNonXMLChar(%q) = %v, want %v", s, got, want)
		}
		c := feed.Clean(s)
		if !utf8.ValidString(c) || feed.HasNonXMLChar(c) {
			t.Errorf("Clean(%q) = %q: invalid UTF-8 or a character XML forbids", s, c)
		}
		if utf8.ValidString(s) && !feed.HasNonXMLChar(s) && c != s {
			t.Errorf("Clean(%q) = %q, want it unchanged", s, c)
		}
	})
}
