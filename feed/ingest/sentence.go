package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentences splits folded text (single spaces, no leading or trailing
// space) into sentences and returns their byte ranges, without the spaces
// between them.
//
// A sentence ends after a run of . ! ? … 。！？, with any closing quotes
// and brackets after it, when white space or the end of the text follows.
// Korean sentences (…했습니다. …요.) need nothing more. A "." inside a
// word or number (3.5, example.com) ends nothing. Three common English
// cases are not ends either: a single-letter initial (J. Smith, U.S.), a
// title (Mr., Dr.) and a "." or "…" followed by a lower-case word (approx.
// five). The full-width 。！？ end a sentence even without a space, as
// Chinese and Japanese are written.
func sentences(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isTerminator(r) {
			i += size
			continue
		}
		j := i + size
		wide := isWideTerminator(r)
		for j < len(s) {
			r2, n := utf8.DecodeRuneInString(s[j:])
			if !isTerminator(r2) {
				break
			}
			wide = wide || isWideTerminator(r2)
			j += n
		}
		for j < len(s) {
			r2, n := utf8.DecodeRuneInString(s[j:])
			if !isCloser(r2) {
				break
			}
			j += n
		}
		atEnd := j == len(s) || s[j] == ' '
		if (atEnd || wide) && !continues(s, start, i, j, r) {
			if t := trimRange(s, start, j); t[0] < t[1] {
				out = append(out, t)
			}
			start = j
		}
		i = j
	}
	if t := trimRange(s, start, len(s)); t[0] < t[1] {
		out = append(out, t)
	}
	return out
}

// titles are abbreviations that are followed by a name, not a new sentence.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true,
	"st": true, "jr": true, "sr": true, "vs": true, "gen": true,
	"gov": true, "sen": true, "rep": true, "capt": true, "lt": true,
}

// continues reports whether the terminator run s[i:j] (starting with r)
// within the sentence starting at start is an abbreviation rather than the
// end of the sentence.
func continues(s string, start, i, j int, r rune) bool {
	if r != '.' && r != '…' || j == len(s) || s[j] != ' ' {
		return false
	}
	if next, _ := utf8.DecodeRuneInString(s[j+1:]); unicode.IsLower(next) && unicode.In(next, unicode.Latin) {
		return true // approx. five
	}
	if r != '.' || j != i+1 {
		return false
	}
	word := s[start:i]
	if k := strings.LastIndexAny(word, " .(\"'"); k >= 0 {
		word = word[k+1:]
	}
	if n := utf8.RuneCountInString(word); n == 1 {
		c, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(c) && unicode.In(c, unicode.Latin) // an initial: J. Smith, U.S.
	}
	return titles[strings.ToLower(word)]
}

// isTerminator reports whether r ends a sentence.
func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '‼', '⁇', '⁈', '⁉':
		return true
	}
	return false
}

// isWideTerminator reports whether r ends a sentence even when no space
// follows it.
func isWideTerminator(r rune) bool {
	return r == '。' || r == '！' || r == '？'
}

// isCloser reports whether r closes a quotation or parenthesis.
func isCloser(r rune) bool {
	return strings.ContainsRune("\"'”’)]}」』》〉»", r)
}

// trimRange trims spaces from both ends of s[i:j].
func trimRange(s string, i, j int) [2]int {
	for i < j && s[i] == ' ' {
		i++
	}
	for j > i && s[j-1] == ' ' {
		j--
	}
	return [2]int{i, j}
}
