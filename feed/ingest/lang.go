package ingest

import (
	"strings"
	"unicode"
)

// The language of an article whose front matter has no lang is decided by
// the writing system of its text, as the package comment explains. The
// thresholds:
const (
	// minLetters is the fewest letters that decide: fewer (a one-word
	// title such as "BTS", a bare "속보") keep the site's language. Twenty
	// letters are four or five English words or a Korean clause, enough
	// that one quoted name cannot outvote the rest.
	minLetters = 20
	// maxLetters is where counting stops: the first paragraphs settle
	// the script of an article (a thousand letters are some 200 English
	// words or 400 Korean syllables), and reading no further bounds the
	// work however long the body is; counting 4,000 was 4 % of an
	// import's CPU.
	maxLetters = 1000
	// maxRunes bounds the runes examined as well, for a text that is
	// mostly figures, punctuation or symbols: what letters its first
	// 10,000 runes hold decide (or leave it to the site's language).
	maxRunes = 10 * maxLetters
	// hangulShare is the percentage of the letters in Hangul that makes a
	// text Korean whatever else it holds. Korean news quotes English
	// names, acronyms and brands (and Hanja in headlines), and a Hangul
	// syllable is one letter where an English word is five or six: a
	// third of the letters in Hangul is about half the words in Korean,
	// more than an English text ever has when it cites Korean names or
	// terms, and far less than a Korean article, which is mostly well
	// over two thirds.
	hangulShare = 30
	// majorityShare is the percentage of the letters that another script
	// must reach to decide. Below it the text is split between two
	// scripts (a bilingual notice, a Latin list of names beside a Cyrillic
	// paragraph), and a guess between them is no better than the site's
	// language.
	majorityShare = 60
	// kanaShare is the percentage of the Han and kana letters that, in
	// kana, make a text Japanese rather than Chinese. Japanese writes its
	// particles and endings in kana: prose has a third or more, a
	// kanji-heavy headline still a particle in ten letters or so. Chinese
	// has none but a quoted Japanese name (ソニー in a thousand Han
	// characters is 0.3%).
	kanaShare = 5
)

// script is a writing system whose letters textLang counts.
type script uint8

const (
	otherScript script = iota // any other letters, or none
	latin
	hangul
	kana // Hiragana and Katakana
	han
	cyrillic
	arabic
	hebrew
	greek
	thai
	devanagari
	numScripts
)

// lang is the language that text in s is taken to be written in, when the
// site's language is not itself written in s.
func (s script) lang() string {
	switch s {
	case latin:
		return "en"
	case hangul:
		return "ko"
	case kana:
		return "ja"
	case han:
		return "zh"
	case cyrillic:
		return "ru"
	case arabic:
		return "ar"
	case hebrew:
		return "he"
	case greek:
		return "el"
	case thai:
		return "th"
	case devanagari:
		return "hi"
	}
	return ""
}

// scriptOf returns the script of the letter r.
func scriptOf(r rune) script {
	switch {
	case r < 0x80:
		return latin
	case r >= 0xAC00 && r <= 0xD7A3: // the Hangul syllables, most of a Korean text
		return hangul
	case unicode.Is(unicode.Latin, r):
		return latin
	case unicode.Is(unicode.Hangul, r):
		return hangul
	case unicode.Is(unicode.Han, r):
		return han
	case unicode.In(r, unicode.Hiragana, unicode.Katakana):
		return kana
	case unicode.Is(unicode.Cyrillic, r):
		return cyrillic
	case unicode.Is(unicode.Arabic, r):
		return arabic
	case unicode.Is(unicode.Hebrew, r):
		return hebrew
	case unicode.Is(unicode.Greek, r):
		return greek
	case unicode.Is(unicode.Thai, r):
		return thai
	case unicode.Is(unicode.Devanagari, r):
		return devanagari
	}
	return otherScript
}

// textLang returns the language of an article without a lang in its front
// matter: that of the writing system of its title, excerpt and body text
// (segs, the text the highlights are taken from), or site, the site's
// language, when the text is in the site language's own script, has fewer
// than minLetters letters, or has no script with a clear majority.
func textLang(site, title, excerpt string, segs []segment) string {
	var c letterCount
	if c.add(title) && c.add(excerpt) {
		for _, sg := range segs {
			if !c.add(sg.text) {
				break
			}
		}
	}
	return c.lang(site)
}

// letterCount counts the letters of a text by script, up to maxLetters
// letters among maxRunes runes.
type letterCount struct {
	n       [numScripts]int
	letters int
	runes   int
}

// add counts the letters of s and reports whether there is room for more.
func (c *letterCount) add(s string) bool {
	for _, r := range s {
		if c.letters == maxLetters || c.runes == maxRunes {
			return false
		}
		c.runes++
		if unicode.IsLetter(r) {
			c.letters++
			c.n[scriptOf(r)]++
		}
	}
	return c.letters < maxLetters && c.runes < maxRunes
}

// dominant returns the script the counted text is written in, or
// otherScript if too few letters were counted or none has the majority.
func (c *letterCount) dominant() script {
	if c.letters < minLetters {
		return otherScript
	}
	if c.n[hangul]*100 >= c.letters*hangulShare {
		return hangul
	}
	// Japanese mixes Han with kana: the two count together here.
	best, most := otherScript, 0
	for s := latin; s < numScripts; s++ {
		n := c.n[s]
		switch s {
		case kana:
			continue
		case han:
			n += c.n[kana]
		}
		if n > most {
			best, most = s, n
		}
	}
	if most*100 < c.letters*majorityShare {
		return otherScript
	}
	if best == han && c.n[kana]*100 >= most*kanaShare {
		return kana
	}
	return best
}

// lang returns the language of the counted text, site if the count does
// not decide or the text is in the script site is written in: a Latin
// text on a French site is French, not English, and a Han text on a zh-TW
// site keeps zh-TW.
func (c *letterCount) lang(site string) string {
	s := c.dominant()
	if s == otherScript || s == siteScript(site) {
		return site
	}
	return s.lang()
}

// siteScript returns the script that the language tag is written in: the
// one its script subtag names (sr-Latn, zh-Hant), else the usual one of
// its language. Languages this package does not list are taken as
// written in Latin letters, which is the cautious side: a Latin text then
// keeps the site's language rather than becoming English. An empty tag
// has no script.
func siteScript(tag string) script {
	subtags := strings.FieldsFunc(strings.ToLower(tag), func(r rune) bool { return r == '-' || r == '_' })
	if len(subtags) == 0 {
		return otherScript
	}
	for _, sub := range subtags[1:] {
		if len(sub) != 4 || sub[0] < 'a' || sub[0] > 'z' {
			continue // a region or a variant (variants of four begin with a digit)
		}
		switch sub {
		case "latn":
			return latin
		case "hang", "kore":
			return hangul
		case "jpan", "hira", "kana", "hrkt":
			return kana
		case "hans", "hant", "hani":
			return han
		case "cyrl":
			return cyrillic
		case "arab":
			return arabic
		case "hebr":
			return hebrew
		case "grek":
			return greek
		case "thai":
			return thai
		case "deva":
			return devanagari
		}
		return otherScript
	}
	switch subtags[0] {
	case "ko":
		return hangul
	case "ja":
		return kana
	case "zh", "yue":
		return han
	case "ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "mn", "tg":
		return cyrillic
	case "ar", "fa", "ur", "ps":
		return arabic
	case "he", "iw", "yi":
		return hebrew
	case "el":
		return greek
	case "th":
		return thai
	case "hi", "mr", "ne":
		return devanagari
	}
	return latin
}
