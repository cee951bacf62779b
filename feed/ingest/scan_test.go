package ingest

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// textByRune is the walker's text step one rune at a time, as it was
// written first: the reference the faster run-at-a-time one must match.
func textByRune(w *walker, s string, hl bool) {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			w.space = true
			continue
		case r == '\u200b' || r == '\ufeff' || forbidden(r):
			continue
		}
		if w.space && w.buf.Len() > w.start {
			w.buf.WriteByte(' ')
		}
		w.space = false
		start := w.buf.Len() - w.start
		w.buf.WriteRune(r)
		if hl {
			end := w.buf.Len() - w.start
			if k := len(w.marks) - 1; k >= 0 && w.marks[k][1] == start {
				w.marks[k][1] = end
			} else {
				w.marks = append(w.marks, [2]int{start, end})
			}
		}
	}
}

// FuzzScan checks the byte-level scans against their rune-level
// definitions: hasForbidden and scanText against forbidden and quickNFC,
// walker.text against
// textByRune (two text nodes, the second highlighted, so that marks and
// pending spaces cross node boundaries).
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"", "plain text", "  두 칸\u00a0띄움\u3000끝 ", "a\x01b\x1fc\x7fd", "\ufffe\uffff\ufffd",
		"\xef\xbf", "\xef\xbf\xbe", "bad \xff\xfe utf-8 \xed\xa0\x80 surrogate",
		"zero\u200bwidth\ufeffbom", "tab\tline\nreturn\r\vform\f\u0085nel",
		"가힣\ud7a4\ua000\ud7ff…é", "\xea\xb0", "\xed\xbf\xbf", "한\u1100\u0301",
	} {
		f.Add(s, "강조된 문장.")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b, a + b} {
			if got, want := hasForbidden(s), strings.IndexFunc(s, forbidden) >= 0; got != want {
				t.Errorf("hasForbidden(%q) = %v, want %v", s, got, want)
			}
			forb, quick := scanText(s)
			if want := strings.IndexFunc(s, forbidden) >= 0; forb != want {
				t.Errorf("scanText(%q): forbidden %v, want %v", s, forb, want)
			}
			if want := quickNFC(s); quick != want {
				t.Errorf("scanText(%q): quick %v, want %v", s, quick, want)
			}
		}
		var fast, slow walker
		fast.text(a, false)
		fast.text(b, true)
		textByRune(&slow, a, false)
		textByRune(&slow, b, true)
		if fast.buf.String() != slow.buf.String() || fast.space != slow.space {
			t.Fatalf("text(%q, %q) = %q (space %v), want %q (space %v)", a, b, fast.buf.String(), fast.space, slow.buf.String(), slow.space)
		}
		if len(fast.marks) != len(slow.marks) {
			t.Fatalf("text(%q, %q): marks %v, want %v", a, b, fast.marks, slow.marks)
		}
		for i := range fast.marks {
			if fast.marks[i] != slow.marks[i] {
				t.Fatalf("text(%q, %q): marks %v, want %v", a, b, fast.marks, slow.marks)
			}
		}
	})
}

// TestMayTerminate checks the byte table sentences skips by against
// isTerminator: every terminator's first byte is marked, and no byte that
// continues a character is, so a marked byte is always a character's
// start.
func TestMayTerminate(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !isTerminator(r) {
			continue
		}
		var b [utf8.UTFMax]byte
		utf8.EncodeRune(b[:], r)
		if !mayTerminate[b[0]] {
			t.Errorf("%q ends a sentence, but its first byte %#x is not marked", r, b[0])
		}
	}
	for c := 0x80; c < 0xC0; c++ {
		if mayTerminate[c] {
			t.Errorf("continuation byte %#x is marked", c)
		}
	}
}
