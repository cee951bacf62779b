package server

import (
	"fmt"
	"strings"
	"time"
)

// pageTime is a moment as a page shows it, in a <time> element.
type pageTime struct {
	// Datetime is RFC 3339 with the site's offset, for machines.
	Datetime string
	// Text is for people: the local time, written as the page's language
	// writes it.
	Text string
}

// newPageTime is t in loc, the site's time zone, as a page in language
// lang shows it.
func newPageTime(t time.Time, loc *time.Location, lang string) pageTime {
	t = t.In(loc)
	return pageTime{Datetime: t.Format(time.RFC3339), Text: humanTime(t, lang)}
}

// humanTime writes t, in its own location, as readers of lang write a
// date and time to the minute. Korean: "2026년 11월 24일 오전 9:30", on the
// 12-hour clock Korean clocks use, whose 12 starts each half of the day
// (오전 12:30 is just after midnight, 오후 12:30 just after noon). Any
// other language gets the English form, "Nov 24, 2026, 9:30 AM": the two
// languages the site is written in, without a locale library's tables.
func humanTime(t time.Time, lang string) string {
	if primaryLang(lang) != "ko" {
		return t.Format("Jan 2, 2006, 3:04 PM")
	}
	half := "오전"
	if t.Hour() >= 12 {
		half = "오후"
	}
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return fmt.Sprintf("%d년 %d월 %d일 %s %d:%02d", t.Year(), int(t.Month()), t.Day(), half, h, t.Minute())
}

// primaryLang is the primary subtag of a language tag, lower-cased: "ko"
// for "ko", "ko-KR" and "KO_kr" alike.
func primaryLang(tag string) string {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(strings.TrimSpace(tag))
}
