package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"sokbo/feed"

	"golang.org/x/text/unicode/norm"
)

// normalize validates the raw document and returns its canonical text: no
// byte order mark, LF line endings, no characters XML 1.0 forbids, Unicode
// NFC. Line numbers are unchanged by it, and the article's Hash is taken of
// its result, so a re-saved copy of the same document hashes the same.
func normalize(doc []byte) (string, error) {
	doc = bytes.TrimPrefix(doc, []byte("\uFEFF"))
	if !utf8.Valid(doc) {
		return "", &feed.InputError{Field: "document", Line: invalidUTF8Line(doc),
			Msg: "not valid UTF-8 text"}
	}
	s := string(doc)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return cleanText(s), nil
}

// invalidUTF8Line returns the 1-based line of the first invalid UTF-8
// sequence in b.
func invalidUTF8Line(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[size:]
	}
	return line
}

// cleanText removes the characters XML 1.0 forbids and normalizes s to
// NFC. It is applied to the whole document and again to every string that
// decoding (YAML escapes, HTML character references) can produce, since
// feeds are XML and one stray control character breaks a whole feed.
func cleanText(s string) string {
	forbidden, quick := scanText(s)
	if forbidden {
		s = stripForbidden(s)
		quick = quickNFC(s)
	}
	if quick {
		return s
	}
	return norm.NFC.String(s)
}

// scanText tells in one pass what hasForbidden and quickNFC tell of s.
// Hangul syllables, most of a Korean document, are recognized from their
// three bytes without a full decode.
func scanText(s string) (forbidden, quick bool) {
	quick = true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				forbidden = true
			}
			i++
			continue
		}
		if c >= 0xEA && c <= 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// U+A000–U+DFFF, never forbidden as ranging yields them (the
			// surrogates decode as U+FFFD); quick only if a syllable.
			if r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r < 0xAC00 || r > 0xD7A3 {
				quick = false
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0xFFFE || r == 0xFFFF {
			forbidden = true
		}
		if r >= 0x300 && (r < 0xAC00 || r > 0xD7A3) {
			quick = false
		}
		i += size
	}
	return forbidden, quick
}

// quickNFC reports whether s is certainly in NFC because every rune is
// below U+0300 (where no character decomposes and the combining marks
// have not begun) or a precomposed Hangul syllable not followed by a
// conjoining jamo (which would be outside both ranges). It spares Korean
// and Latin text the normalizer's table lookups; anything else goes
// through norm.NFC.
func quickNFC(s string) bool {
	for _, r := range s {
		if r >= 0x300 && (r < 0xAC00 || r > 0xD7A3) {
			return false
		}
	}
	return true
}

// stripForbidden removes the characters XML 1.0 forbids.
func stripForbidden(s string) string {
	if !hasForbidden(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return -1
		}
		return r
	}, s)
}

// hasForbidden reports whether s holds a rune that forbidden reports, as
// ranging over s yields them, at the cost of a byte scan. In UTF-8 those
// are the C0 controls other than tab, newline and carriage return, and
// U+FFFE and U+FFFF (EF BF BE, EF BF BF): ranging over a string never
// yields a surrogate or a rune above U+10FFFF (their encodings decode as
// U+FFFD), and EF never continues another rune, so a match is where a
// rune starts.
func hasForbidden(s string) bool {
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

// forbidden reports whether XML 1.0 forbids r:
// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
func forbidden(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20:
		return true
	case r >= 0xD800 && r <= 0xDFFF:
		return true
	case r == 0xFFFE || r == 0xFFFF:
		return true
	}
	return r > 0x10FFFF
}

// splitFrontMatter splits the normalized document into the YAML between
// the opening --- line and the closing --- or ... line, and the body after
// it. The YAML starts on document line 2; the body on bodyLine.
func splitFrontMatter(s string) (fm, body string, bodyLine int, err error) {
	first, rest, _ := strings.Cut(s, "\n")
	if !isFence(first, "---") {
		msg := "must begin with a --- line opening the front matter"
		if strings.TrimSpace(s) == "" {
			msg = "is empty"
		}
		return "", "", 0, &feed.InputError{Field: "front matter", Line: 1, Msg: msg}
	}
	for off := 0; off < len(rest); {
		line, _, _ := strings.Cut(rest[off:], "\n")
		if isFence(line, "---") || isFence(line, "...") {
			end := off + len(line)
			if end < len(rest) {
				end++ // the newline
			}
			return rest[:off], rest[end:], 3 + strings.Count(rest[:off], "\n"), nil
		}
		off += len(line) + 1
	}
	return "", "", 0, &feed.InputError{Field: "front matter", Line: 1,
		Msg: "is not closed: no --- or ... line after the opening ---"}
}

// isFence reports whether line is fence, allowing trailing blanks.
func isFence(line, fence string) bool {
	return strings.TrimRight(line, " \t") == fence
}
