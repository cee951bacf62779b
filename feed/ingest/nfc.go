package ingest

// quickNFC reports whether s is certainly in NFC because every rune is
// below U+0300 or a precomposed Hangul syllable; it exists because the
// normalizer's own check looks every Korean syllable up in its tables.
func quickNFC(s string) bool {
	for _, r := range s {
		if r >= 0x300 && (r < 0xAC00 || r > 0xD7A3) {
			return false
		}
	}
	return true
}
