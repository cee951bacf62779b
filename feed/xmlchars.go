package feed

import (
	"strings"
	"unicode/utf8"
)

// IsXMLChar reports whether XML 1.0 allows r in a document:
//
//	Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
//
// It is the one statement of that rule in sokbo; ingest strips what it
// rejects from posted text, and the renderers strip it again from whatever
// reaches a feed, since one stray control character makes a whole feed
// unreadable.
func IsXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// HasNonXMLChar reports whether ranging over s yields a rune that
// IsXMLChar rejects. It answers with a byte scan instead of decoding s,
// because nearly every string it sees is clean: ranging over a string
// never yields a surrogate or a rune above U+10FFFF (their encodings
// decode as U+FFFD), so the only such runes are the C0 controls other than
// tab, newline and carriage return, and U+FFFE and U+FFFF (EF BF BE,
// EF BF BF). EF never continues another rune, so a match is where a rune
// starts.
func HasNonXMLChar(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		case c == 0xEF:
			if i+2 < len(s) && s[i+1] == 0xBF && s[i+2]&0xFE == 0xBE {
				return true
			}
		}
	}
	return false
}

// Clean removes every character that XML 1.0 forbids (see IsXMLChar) and
// replaces invalid UTF-8 with U+FFFD, so no stored string can make a feed
// malformed. A string that needs neither is returned as it is.
func Clean(s string) string {
	if utf8.ValidString(s) && !HasNonXMLChar(s) {
		return s
	}
	// strings.Map writes U+FFFD for each invalid byte, since that is the
	// rune ranging yields for it and IsXMLChar keeps it.
	return strings.Map(func(r rune) rune {
		if !IsXMLChar(r) {
			return -1
		}
		return r
	}, s)
}

// cleanAll is Clean applied to the strings of each list in turn, those
// left empty dropped, in one slice.
func cleanAll(lists ...[]string) []string {
	var out []string
	for _, ss := range lists {
		for _, s := range ss {
			if s = Clean(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
