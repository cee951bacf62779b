package ingest

// HighlightsOf exposes the highlight extraction to the external tests and
// benchmarks: the highlighted sentences of rendered body HTML, none for
// HTML Parse would reject.
func HighlightsOf(rendered string) []string {
	root, err := parseHTML(rendered, 1, true)
	if err != nil {
		return nil
	}
	return highlights(segments(root))
}

// Sentences exposes the sentence splitter to the external tests.
func Sentences(s string) []string {
	var out []string
	for _, r := range sentences(s) {
		out = append(out, s[r[0]:r[1]])
	}
	return out
}
