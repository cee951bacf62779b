package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlug is the longest slug Slug returns, in runes.
const maxSlug = 100

// Slug makes an id-safe slug from a title: NFC, lower case, letters and
// digits kept (Hangul and other scripts as they are, with their combining
// marks), every other run of characters turned into one "-", no "-" at
// either end, cut to at most 100 runes at a "-" when possible. A title with
// no letter or digit (only punctuation) gets the first 12 hex digits of its
// SHA-256 instead, so its slug is still stable.
//
//	Slug("Ferry Rescue: 12 Saved!") == "ferry-rescue-12-saved"
//	Slug("대통령실, 美와 협력") == "대통령실-美와-협력"
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(norm.NFC.String(s)) {
		if isWordRune(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	slug := norm.NFC.String(b.String())
	if slug == "" {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])[:12]
	}
	return cutSlug(slug)
}

// cutSlug cuts slug to at most maxSlug runes, at the last "-" within the
// limit when there is one (or when the cut falls just before a "-").
func cutSlug(slug string) string {
	runes := []rune(slug)
	if len(runes) <= maxSlug {
		return slug
	}
	if runes[maxSlug] == '-' {
		return string(runes[:maxSlug])
	}
	cut := maxSlug
	for i := maxSlug - 1; i > 0; i-- {
		if runes[i] == '-' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), "-")
}

// isWordRune reports whether r is kept in slugs and ids: a letter, a
// digit, or a combining mark (needed by scripts such as Devanagari, whose
// vowel signs are marks even in NFC).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}
