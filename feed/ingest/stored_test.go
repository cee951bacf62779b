package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sokbo/feed"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
)

// TestStoredBody checks, for every fixture and every case of the fuzz
// corpora, that the stored body says what the posted one does as the
// sanitizer keeps it, computed independently: goldmark and the sanitizer
// policy applied directly, without Parse's tree, link resolution and
// style checks. The words must be the same (in any order: the HTML parser
// moves text out of tables), and so must the number of links and images.
// A document Parse rejects must be rejected with an input error (a 4xx),
// never stored emptied.
func TestStoredBody(t *testing.T) {
	t.Parallel()
	docs := map[string][]byte{}
	seed, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	docs["seed.txt"] = seed
	// Markup nested past the HTML parser's limit used to be stored empty.
	docs["nested"] = []byte("---\ntitle: T\nformat: html\n---\n" + strings.Repeat("<div>", 600) + "text")
	docs["nested markdown"] = []byte("---\ntitle: T\n---\nintro\n\n" + strings.Repeat("<span>", 600) + "text")
	// FuzzParseBudget's cases are templates and units, not documents: its
	// own property covers them.
	for _, dir := range []string{"testdata/fuzz/FuzzParse"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			for i, doc := range corpusBytes(t, f) {
				docs[f+"#"+strconv.Itoa(i)] = doc
			}
		}
	}
	base, _ := url.Parse("https://news.example.com/")
	stored := 0
	for name, doc := range docs {
		r, err := Parse(context.Background(), doc, Options{BaseURL: base, Lang: "ko"})
		if err != nil {
			var ie *feed.InputError
			if !errors.As(err, &ie) {
				t.Errorf("%s: Parse error %v, want a *feed.InputError", name, err)
			}
			continue
		}
		stored++
		want := referenceBody(t, doc)
		got := r.Article.ContentHTML
		if diff := gocmp.Diff(words(want), words(got), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: the stored body's words differ from the posted body's as the sanitizer keeps them (-want +got):\n%s\nwant %q\ngot  %q", name, diff, want, got)
		}
		if w, g := countLinks(want), countLinks(got); w != g {
			t.Errorf("%s: %d links and images stored, want %d", name, g, w)
		}
	}
	if stored == 0 {
		t.Error("no document was stored: the test compared nothing")
	}
}

// referenceBody renders the body of doc as Parse's options describe it
// (Markdown with the GFM extensions and raw HTML, or HTML as it is) and
// sanitizes it with the reference policy, all directly.
func referenceBody(t *testing.T, doc []byte) string {
	t.Helper()
	text, err := normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	fmText, body, _, err := splitFrontMatter(text)
	if err != nil {
		t.Fatal(err)
	}
	format := "markdown"
	if strings.Contains(fmText, "format: html") {
		format = "html"
	}
	if t := strings.TrimSpace(body); strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") && !strings.Contains(fmText, "format: markdown") {
		format = "html"
	}
	rendered := body
	if format == "markdown" {
		var buf bytes.Buffer
		md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
		if err := md.Convert([]byte(body), &buf); err != nil {
			t.Fatal(err)
		}
		rendered = buf.String()
	}
	return feed.Clean(referencePolicy().Sanitize(rendered))
}

// words returns the words of the HTML's text, sorted.
func words(s string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(s))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.TextToken {
			out = append(out, strings.FieldsFunc(feed.Clean(string(z.Text())), isFold)...)
		}
	}
	slices.SortFunc(out, cmp.Compare[string])
	return out
}

// isFold reports the characters the highlight walker folds or drops.
func isFold(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\u00a0'
}

// countLinks counts the <a href> and <img src> of the HTML.
func countLinks(s string) int {
	n := 0
	z := html.NewTokenizer(strings.NewReader(s))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			tok := z.Token()
			for _, a := range tok.Attr {
				if tok.Data == "a" && a.Key == "href" || tok.Data == "img" && a.Key == "src" {
					n++
				}
			}
		}
	}
	return n
}

// corpusBytes reads the []byte and string values of a fuzz corpus file.
func corpusBytes(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, l := range strings.Split(string(b), "\n")[1:] {
		l = strings.TrimSpace(l)
		for _, p := range []string{"[]byte(", "string("} {
			if q, ok := strings.CutPrefix(l, p); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					out = append(out, []byte(s))
				}
			}
		}
	}
	return out
}
