package corpus

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

var idLine = regexp.MustCompile(`(?m)^id: (\S+)$`)

func highlights(doc []byte) int {
	n := 0
	for _, m := range HighlightMarkers() {
		n += bytes.Count(doc, []byte(m))
	}
	return n
}

func TestArticles(t *testing.T) {
	const n = 300
	ids := map[string]bool{}
	total := 0
	for i := range n {
		doc := Article(i, New(1, i))
		total += len(doc)
		if len(doc) < 5000 || len(doc) > 9000 {
			t.Errorf("article %d: %d bytes, want 5–9 KB", i, len(doc))
		}
		m := idLine.FindSubmatch(doc)
		if m == nil {
			t.Fatalf("article %d: no id line", i)
		}
		if ids[string(m[1])] {
			t.Errorf("article %d: duplicate id %s", i, m[1])
		}
		ids[string(m[1])] = true
		if h := highlights(doc); h < 8 || h > 16 {
			t.Errorf("article %d: %d highlights, want 8–16", i, h)
		}
		for _, want := range []string{"\ntitle: ", "\ndate: ", "\ncategories:\n", "\ntags: [", "\nexcerpt: >\n", "\nfeature_text: >\n", "\nimage: '/", "<h2 ", "<ul>", "</p>"} {
			if !bytes.Contains(doc, []byte(want)) {
				t.Errorf("article %d lacks %q", i, want)
			}
		}
		if !bytes.HasPrefix(doc, []byte("---\nid: bench-")) {
			t.Errorf("article %d does not start with its front matter", i)
		}
	}
	if avg := total / n; avg < 6500 || avg > 8000 {
		t.Errorf("average size %d bytes, want about 7 KB", avg)
	}
}

func TestDeterministic(t *testing.T) {
	for _, i := range []int{0, 1, 999} {
		a, b := Article(i, New(7, i)), Article(i, New(7, i))
		if !bytes.Equal(a, b) {
			t.Errorf("article %d differs between two draws with the same seed", i)
		}
		if bytes.Equal(a, Article(i, New(8, i))) {
			t.Errorf("article %d is the same with another seed", i)
		}
	}
}

func TestTemplate(t *testing.T) {
	doc := string(Template(New(1, -1)))
	if !strings.Contains(doc, "\nid: "+IDPlaceholder+"\n") || !strings.Contains(doc, "\ndate: "+DatePlaceholder+"\n") {
		t.Errorf("template lacks its placeholders:\n%.300s", doc)
	}
	if strings.Count(doc, IDPlaceholder) != 1 || strings.Count(doc, DatePlaceholder) != 1 {
		t.Errorf("placeholders appear more than once")
	}
}
