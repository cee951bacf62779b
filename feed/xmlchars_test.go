package feed_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"sokbo/feed"
)

// notXMLChar is the rule as a strings.IndexFunc predicate: the reference
// HasNonXMLChar's byte scan must agree with.
func notXMLChar(r rune) bool { return !feed.IsXMLChar(r) }

func TestIsXMLChar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    rune
		want bool
	}{
		{-1, false}, {0, false}, {0x8, false}, {'\t', true}, {'\n', true},
		{0xB, false}, {0xC, false}, {'\r', true}, {0x1F, false}, {' ', true},
		{0x7F, true}, {0x85, true}, {'가', true}, {0xD7FF, true},
		{0xD800, false}, {0xDFFF, false}, {0xE000, true}, {0xFFFD, true},
		{0xFFFE, false}, {0xFFFF, false}, {0x10000, true}, {unicode.MaxRune, true},
		{unicode.MaxRune + 1, false},
	} {
		if got := feed.IsXMLChar(tc.r); got != tc.want {
			t.Errorf("IsXMLChar(%#x) = %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestHasNonXMLChar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"", false},
		{"plain text", false},
		{"tab\tline\nreturn\r", false},
		{"한글 🙂 é", false},
		{"a\x00", true},
		{"\x1fz", true},
		{"v\vtab", true},
		{"\ufffe", true},
		{"x\uffff", true},
		{"\ufffd\ufffc", false},
		{"\xef\xbf", false},           // cut short: U+FFFD twice
		{"\xed\xa0\x80", false},       // an encoded surrogate ranges as U+FFFD
		{"\xf4\x90\x80\x80", false},   // above U+10FFFF, likewise
		{"\xe0\xef\xbf\xbe", true},    // a bad lead byte, then U+FFFE
		{"bad \xff utf-8 \x01", true}, // invalid UTF-8 does not hide a control
		{"\xf0\x9f\x99\x82\xef\xbf\xbf", true},
	} {
		if got := feed.HasNonXMLChar(tc.s); got != tc.want {
			t.Errorf("HasNonXMLChar(%q) = %v, want %v", tc.s, got, tc.want)
		}
		if ref := strings.IndexFunc(tc.s, notXMLChar) >= 0; ref != tc.want {
			t.Errorf("%q: the table says %v, the rune-level rule %v", tc.s, tc.want, ref)
		}
	}
}

// TestHasNonXMLCharEveryRune checks the byte scan against the rule for
// every rune, alone and between other text.
func TestHasNonXMLCharEveryRune(t *testing.T) {
	t.Parallel()
	var b []byte
	for r := rune(0); r <= unicode.MaxRune; r++ {
		b = utf8.AppendRune(append(b[:0], 'a'), r)
		b = append(b, 'z')
		s := string(b)
		if got, want := feed.HasNonXMLChar(s), strings.IndexFunc(s, notXMLChar) >= 0; got != want {
			t.Errorf("HasNonXMLChar(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
	}{
		{"plain", "plain"},
		{"", ""},
		{"a\x00b\x0bc\x1fd", "abcd"},
		{"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
		{"\uFFFE\uFFFFx", "x"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"bad\xff\x01both", "bad\uFFFDboth"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"한글 🙂", "한글 🙂"},
	} {
		if got := feed.Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
