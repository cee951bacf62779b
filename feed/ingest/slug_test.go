package ingest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"

	"sokbo/feed/ingest"
)

func TestSlug(t *testing.T) {
	t.Parallel()
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])[:12]
	}
	long := strings.Repeat("word ", 50)
	tests := []struct {
		name, in, want string
	}{
		{"English", "Ferry Rescue: 12 Saved!", "ferry-rescue-12-saved"},
		{"Korean", "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!", "대통령실-미국-측-긴밀-협력-계획-밝혀졌다"},
		{"Korean decomposed", "\u1100\u1161\u11a8 \u1102\u1161\u1105\u1161", "각-나라"},
		{"mixed scripts", "[속보] 美 대선, Biden 사퇴…", "속보-美-대선-biden-사퇴"},
		{"symbols and dashes", "  --C++ & Go — 2026--  ", "c-go-2026"},
		{"underscore and dots", "snake_case v1.2", "snake-case-v1-2"},
		{"accents kept", "Café Müller", "café-müller"},
		{"Devanagari keeps its vowel signs", "हिन्दी समाचार", "हिन्दी-समाचार"},
		{"punctuation only", "!!! ??? …", hash("!!! ??? …")},
		{"empty", "", hash("")},
		{"long title cut at a dash", long, strings.TrimSuffix(strings.Repeat("word-", 20), "-")},
		{"long word cut at 100 runes", strings.Repeat("가", 150), strings.Repeat("가", 100)},
		{"cut falls before a dash", strings.Repeat("abcd ", 20) + "tail", strings.TrimSuffix(strings.Repeat("abcd-", 20), "-")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ingest.Slug(tt.in)
			if got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n == 0 || n > 100 || strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") {
				t.Errorf("Slug(%q) = %q: want 1–100 runes, no dash at either end", tt.in, got)
			}
		})
	}
}
