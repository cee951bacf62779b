package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sokbo/feed"

	"golang.org/x/text/unicode/norm"
)

func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"한국어 문장입니다.", "한국어 문장입니다."},
		{"\u1100\u1161\u11a8", "각"},        // decomposed Hangul is composed
		{"e\u0301", "é"},                   // a combining accent is composed
		{"a\x01b\x1fc\td\ne", "abc\td\ne"}, // C0 controls but tab and newline go
		{"x\ufffe\uffffy", "xy"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzCleanText checks that cleanText always returns NFC text that XML can
// carry, and that quickNFC never claims NFC for text that is not.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"", "plain text", "  두 칸\u00a0띄움\u3000끝 ", "a\x01b\x1fc\x7fd", "\ufffe\uffff\ufffd",
		"\xef\xbf", "\xef\xbf\xbe", "bad \xff\xfe utf-8 \xed\xa0\x80 surrogate",
		"가힣\ud7a4\ua000\ud7ff…é", "한\u1100\u0301", "\u1100\u1161\u11a8",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if quickNFC(s) && utf8.ValidString(s) && !norm.NFC.IsNormalString(s) {
			t.Errorf("quickNFC(%q) = true, but it is not NFC", s)
		}
		got := cleanText(s)
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Errorf("cleanText(%q) = %q: not valid NFC text", s, got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return !feed.IsXMLChar(r) }); i >= 0 {
			t.Errorf("cleanText(%q) = %q: a character XML forbids at %d", s, got, i)
		}
	})
}
