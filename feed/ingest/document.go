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
// NFC. Line numbers are unchanged by it, so errors name the line the
// poster sees.
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
	s = feed.Clean(s)
	if quickNFC(s) {
		return s
	}
	return norm.NFC.String(s)
}

// splitFrontMatter splits the normalized document into the YAML between
// the opening --- line and the closing --- or ... line, and the body after
// it. The YAML starts on document line 2; the body on bodyLine.
func splitFrontMatter(s string) (fm, body string, bodyLine int, err error) {
	if strings.HasPrefix(s, "---") && !strings.Contains(s, "\n") && strings.TrimSpace(s) != "---" {
		// curl -d @file drops the file's line breaks.
		return "", "", 0, &feed.InputError{Field: "document", Line: 1,
			Msg: "arrived as a single line, as curl -d sends a file: post it with curl --data-binary @file, which keeps its line breaks"}
	}
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
