package server

import (
	"testing"
	"time"
)

// TestHumanTime: Korean on its 12-hour clock (12 starts each half of the
// day), English otherwise, whatever the tag's region or case.
func TestHumanTime(t *testing.T) {
	seoul := mustLoadLocation("Asia/Seoul")
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, seoul) }
	for _, tc := range []struct {
		name, lang string
		t          time.Time
		want       string
	}{
		{"morning", "ko", at(2026, 11, 24, 9, 30), "2026년 11월 24일 오전 9:30"},
		{"midnight", "ko", at(2026, 11, 24, 0, 0), "2026년 11월 24일 오전 12:00"},
		{"after midnight", "ko", at(2026, 11, 24, 0, 30), "2026년 11월 24일 오전 12:30"},
		{"after noon", "ko", at(2026, 11, 24, 12, 30), "2026년 11월 24일 오후 12:30"},
		{"evening", "ko", at(2026, 11, 24, 23, 59), "2026년 11월 24일 오후 11:59"},
		{"other year", "ko", at(2025, 1, 5, 18, 5), "2025년 1월 5일 오후 6:05"},
		{"region", "ko-KR", at(2026, 11, 24, 9, 30), "2026년 11월 24일 오전 9:30"},
		{"case", "KO_kr", at(2026, 11, 24, 9, 30), "2026년 11월 24일 오전 9:30"},
		{"morning", "en", at(2026, 11, 24, 9, 30), "Nov 24, 2026, 9:30 AM"},
		{"midnight", "en", at(2026, 11, 24, 0, 0), "Nov 24, 2026, 12:00 AM"},
		{"after midnight", "en", at(2026, 11, 24, 0, 30), "Nov 24, 2026, 12:30 AM"},
		{"after noon", "en", at(2026, 11, 24, 12, 30), "Nov 24, 2026, 12:30 PM"},
		{"other year", "en-US", at(2025, 1, 5, 18, 5), "Jan 5, 2025, 6:05 PM"},
		{"another language", "ja", at(2026, 11, 24, 9, 30), "Nov 24, 2026, 9:30 AM"},
		{"no language", "", at(2026, 11, 24, 9, 30), "Nov 24, 2026, 9:30 AM"},
		{"kok is not ko", "kok", at(2026, 11, 24, 9, 30), "Nov 24, 2026, 9:30 AM"},
	} {
		t.Run(tc.lang+"/"+tc.name, func(t *testing.T) {
			if got := humanTime(tc.t, tc.lang); got != tc.want {
				t.Errorf("humanTime(%v, %q) = %q, want %q", tc.t, tc.lang, got, tc.want)
			}
		})
	}
}

// TestNewPageTime: the instant is shown in the site's zone, and the
// datetime attribute carries that zone's offset, so the two agree.
func TestNewPageTime(t *testing.T) {
	for _, tc := range []struct {
		zone, lang string
		utc        time.Time
		want       pageTime
	}{
		// The day before in UTC, the next day in Seoul.
		{"Asia/Seoul", "ko", time.Date(2026, 11, 23, 15, 30, 0, 0, time.UTC),
			pageTime{"2026-11-24T00:30:00+09:00", "2026년 11월 24일 오전 12:30"}},
		{"America/New_York", "en", time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC),
			pageTime{"2026-11-24T09:30:00-05:00", "Nov 24, 2026, 9:30 AM"}},
		// Daylight saving time: four hours behind UTC in July.
		{"America/New_York", "ko", time.Date(2026, 7, 1, 16, 5, 0, 0, time.UTC),
			pageTime{"2026-07-01T12:05:00-04:00", "2026년 7월 1일 오후 12:05"}},
	} {
		if got := newPageTime(tc.utc, mustLoadLocation(tc.zone), tc.lang); got != tc.want {
			t.Errorf("newPageTime(%v, %s, %s) = %+v, want %+v", tc.utc, tc.zone, tc.lang, got, tc.want)
		}
	}
}
