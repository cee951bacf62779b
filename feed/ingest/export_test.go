package ingest

// HighlightsOf exposes the highlight extraction to the external tests and
// benchmarks: the highlighted sentences of rendered body HTML.
func HighlightsOf(rendered string) []string {
	return highlights(segments(parseHTML(rendered)))
}

// Sentences exposes the sentence splitter to the external tests.
func Sentences(s string) []string {
	var out []string
	for _, r := range sentences(s) {
		out = append(out, s[r[0]:r[1]])
	}
	return out
}
