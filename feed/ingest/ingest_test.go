package ingest_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"

	"github.com/google/go-cmp/cmp"
)

// now is the fixed clock of the tests.
func now() time.Time { return time.Date(2026, 11, 25, 12, 30, 15, 123456789, time.UTC) }

// options returns Options for https://news.example.com/.
func options(tb testing.TB) ingest.Options {
	tb.Helper()
	return ingest.Options{BaseURL: mustURL(tb, "https://news.example.com/"), Lang: "ko", Now: now}
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// parse parses doc with options(tb), failing the test on error.
func parse(tb testing.TB, doc string) *feed.Article {
	tb.Helper()
	return parseWith(tb, doc, options(tb))
}

func parseWith(tb testing.TB, doc string, opt ingest.Options) *feed.Article {
	tb.Helper()
	r, err := ingest.Parse(context.Background(), []byte(doc), opt)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return r.Article
}

// seed returns the real seed article.
func seed(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParseSeed(t *testing.T) {
	t.Parallel()
	a := parse(t, string(seed(t)))

	if got, want := a.Title, "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"News"}, a.Categories); diff != "" {
		t.Errorf("Categories (-want +got):\n%s", diff)
	}
	wantExcerpt := "한미 동맹의 미국 내 지지는 초당적이라는 대통령실의 발언이 주목받고 있다. 조 바이든 대통령의 대선 후보 사퇴에도 불구하고 양국 협력은 계속될 것이라는 입장이 전해졌다."
	if a.Excerpt != wantExcerpt {
		t.Errorf("Excerpt = %q, want %q", a.Excerpt, wantExcerpt)
	}
	if !strings.HasPrefix(a.FeatureText, "## koreablockchain 실시간 뉴스 속보입니다.") {
		t.Errorf("FeatureText = %q, want the front matter's feature_text", a.FeatureText)
	}
	if got, want := a.Image, "https://news.example.com/assets/img/newsdao_breakingnews.jpg"; got != want {
		t.Errorf("Image = %q, want %q", got, want)
	}
	if got, want := a.Lang, "ko"; got != want {
		t.Errorf("Lang = %q, want %q", got, want)
	}
	if got, want := a.ID, "대통령실-미국-측-긴밀-협력-계획-밝혀졌다"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
	if got, want := a.GUID, "tag:news.example.com,2026-11-25:"+url.PathEscape(a.ID); got != want {
		t.Errorf("GUID = %q, want %q", got, want)
	}
	if !a.Published.IsZero() || !a.Updated.IsZero() {
		t.Errorf("Published, Updated = %v, %v; want both zero (the seed has no date)", a.Published, a.Updated)
	}

	// The seed has 16 highlighted spans, each in a different sentence.
	wantFirst := []string{
		"대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 양국 간 긴밀한 협력은 지속적으로 유지될 것이라는 입장을 밝혔습니다.",
		"대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다.",
		"우리 정부는 이와 같은 초당적 지지를 활용하여 동맹을 더욱 강화할 계획입니다.",
	}
	if len(a.Highlights) != 16 {
		t.Errorf("got %d highlights, want 16:\n%s", len(a.Highlights), strings.Join(a.Highlights, "\n"))
	}
	if len(a.Highlights) >= 3 {
		if diff := cmp.Diff(wantFirst, a.Highlights[:3]); diff != "" {
			t.Errorf("first three highlights (-want +got):\n%s", diff)
		}
	}
	if got, want := a.Highlights[len(a.Highlights)-1], "앞으로도 이러한 협력은 안정적이고 힘있는 동맹으로 자리 잡을 것입니다."; got != want {
		t.Errorf("last highlight = %q, want %q", got, want)
	}
	seen := map[string]bool{}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(a.ContentHTML, "")
	pos := 0
	for _, h := range a.Highlights {
		if seen[h] {
			t.Errorf("highlight %q appears twice", h)
		}
		seen[h] = true
		// Document order: each highlight starts after the previous one.
		start := string([]rune(h)[:8])
		i := strings.Index(text[pos:], start)
		if i < 0 {
			t.Errorf("highlight %q out of document order", h)
			continue
		}
		pos += i + len(start)
	}

	wantLead := "대통령실은 조 바이든 대통령이 대선 후보직을 전격 사퇴한 것과 관련하여 양국 간 긴밀한 협력은 지속적으로 유지될 것이라는 입장을 밝혔습니다. 대통령실 관계자는 한미 동맹에 대한 미국 내 지지는 초당적이라고 강조했습니다. 이는 한미 동맹이 양국의 외교 및 안보에 있어 얼마나 중요한지를 시사합니다. 우리 정부는 이와 같은 초당적 지지를 활용하여 동맹을 더욱 강화할 계획입니다."
	if a.Lead != wantLead {
		t.Errorf("Lead = %q, want %q", a.Lead, wantLead)
	}

	for _, bad := range []string{"<script", "data-ke-size", "<html", "<body"} {
		if strings.Contains(a.ContentHTML, bad) {
			t.Errorf("ContentHTML contains %q", bad)
		}
	}
	for _, good := range []string{
		`<img src="https://news.example.com/assets/img/newsdao_breakingnews.jpg" alt="koreablockchain 속보"/>`,
		`<span style="color: #ee2323">양국 간 긴밀한 협력은 지속적으로 유지될 것</span>`,
		`<span style="background-color: #21538527">대통령실 관계자는`,
		`<h2>한미동맹과 미국 내 지지</h2>`,
		`<li>향후 한미관계의 전망</li>`,
		`<a href="https://newsdao.kr" rel="nofollow">https://newsdao.kr</a>`,
	} {
		if !strings.Contains(a.ContentHTML, good) {
			t.Errorf("ContentHTML lacks %q", good)
		}
	}
	if strings.Contains(a.ContentHTML, `src="/`) || strings.Contains(a.ContentHTML, `href="/`) {
		t.Errorf("ContentHTML keeps a relative link or source")
	}
}

// TestParseSeedVariants checks that the seed parses to the same article
// with a BOM and CRLF line endings, and as `format: html`.
func TestParseSeedVariants(t *testing.T) {
	t.Parallel()
	doc := string(seed(t))
	want := parse(t, doc)
	tests := []struct {
		name string
		doc  string
	}{
		{"BOM and CRLF", "\uFEFF" + strings.ReplaceAll(doc, "\n", "\r\n")},
		{"CR only", strings.ReplaceAll(doc, "\n", "\r")},
		{"format html", strings.Replace(doc, "---\n\n", "format: html\n---\n\n", 1)},
		{"format markdown", strings.Replace(doc, "---\n\n", "format: markdown\n---\n\n", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := parse(t, tt.doc)
			want := *want
			if strings.HasPrefix(tt.name, "format") {
				// A different document, and Markdown drops the blank
				// lines between HTML blocks (and wraps the last line's
				// inline text in a paragraph).
				fold := regexp.MustCompile(`\n+|</?p>`)
				got.ContentHTML = fold.ReplaceAllString(got.ContentHTML, "\n")
				want.ContentHTML = fold.ReplaceAllString(want.ContentHTML, "\n")
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("article differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		doc   string
		field string
		line  int
	}{
		{"empty document", "", "front matter", 1},
		{"no front matter", "# Hello\n\nbody\n", "front matter", 1},
		{"front matter not first", "\n---\ntitle: a\n---\n", "front matter", 1},
		{"unterminated front matter", "---\ntitle: a\n\nbody\n", "front matter", 1},
		{"bad YAML", "---\ntitle: a\nx: y: z\n---\n", "front matter", 3},
		{"bad YAML tab", "---\ntitle: a\n\tx: 1\n---\n", "front matter", 3},
		{"unclosed flow sequence", "---\ntitle: a\nexcerpt: x\nauthor: y\ncategories: [a, b\ntags: z\n---\n", "front matter", 5},
		{"text after a quoted scalar", "---\ntitle: a\nexcerpt: x\nauthor: y\nz: \"abc\" def\n---\n", "front matter", 5},
		{"unknown anchor", "---\ntitle: a\nexcerpt: x\nz: [*b]\n---\n", "front matter", 4},
		{"title too long", "---\ntitle: " + strings.Repeat("가", 301) + "\n---\n", "title", 2},
		{"category too long", "---\ntitle: a\ncategories: [x, " + strings.Repeat("k", 40000) + "]\n---\n", "categories", 3},
		{"too many tags", "---\ntitle: a\ntags: [t0,t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,t12,t13,t14,t15,t16,t17,t18,t19,t20,t21,t22,t23,t24,t25,t26,t27,t28,t29,t30,t31,t32,t33,t34,t35,t36,t37,t38,t39,t40,t41,t42,t43,t44,t45,t46,t47,t48,t49,t50]\n---\n", "tags", 3},
		{"excerpt too long", "---\ntitle: a\nexcerpt: " + strings.Repeat("요약 ", 600) + "\n---\n", "excerpt", 3},
		{"bad YAML on its first line", "---\ntitle: a <b: c>\ncategories: [x]\n---\n", "front matter", 2},
		{"front matter is a list", "---\n- a\n- b\n---\n", "front matter", 2},
		{"front matter is text", "---\njust text\n---\n", "front matter", 2},
		{"invalid UTF-8", "---\ntitle: a\n---\n\nfine\nbad \xff byte\n", "document", 6},
		{"invalid UTF-8 in front matter", "---\ntitle: \xc3\x28\n---\n", "document", 2},
		{"missing title", "---\nid: x\n---\nbody\n", "title", 0},
		{"empty front matter", "---\n---\nbody\n", "title", 0},
		{"empty title", "---\nid: x\ntitle: '  '\n---\n", "title", 3},
		{"null title", "---\ntitle: ~\n---\n", "title", 2},
		{"title as list", "---\ntitle:\n  - a\n  - b\n---\n", "title", 2},
		{"title as mapping", "---\ntitle: {a: b}\n---\n", "title", 2},
		{"title twice", "---\ntitle: a\ntitle: b\n---\n", "title", 3},
		{"title of control characters", "---\ntitle: \"\\x01\\x02\"\n---\n", "title", 2},
		{"bad date", "---\ntitle: a\ndate: yesterday\n---\n", "date", 3},
		{"impossible date", "---\ntitle: a\ndate: 2024-02-30\n---\n", "date", 3},
		{"date as list", "---\ntitle: a\ndate: [2024-01-01]\n---\n", "date", 3},
		{"bad updated", "---\ntitle: a\nupdated: soon\n---\n", "updated", 3},
		{"date past the year 9999 in UTC", "---\ntitle: a\ndate: 9999-12-31T23:00:00-05:00\n---\n", "date", 3},
		{"date before the year 0 in UTC", "---\ntitle: a\n\ndate: 0000-01-01T00:30:00+01:00\n---\n", "date", 4},
		{"date in the year 10000", "---\ntitle: a\ndate: 10000-01-01\n---\n", "date", 3},
		{"updated past the year 9999 in UTC", "---\ntitle: a\ndate: 2026-01-01\nupdated: 9999-12-31 23:59:00 -0100\n---\n", "updated", 4},
		{"updated before date", "---\ntitle: a\ndate: 2024-07-22 10:00:00 +0900\nupdated: 2024-07-22T00:59:59Z\n---\n", "updated", 4},
		{"updated before date (same offset)", "---\ntitle: a\ndate: 2024-07-22\nupdated: 2024-07-21\n---\n", "updated", 4},
		{"id with space", "---\ntitle: a\nid: has space\n---\n", "id", 3},
		{"id with slash", "---\ntitle: a\nid: a/b\n---\n", "id", 3},
		{"id starting with dot", "---\ntitle: a\nid: .hidden\n---\n", "id", 3},
		{"id too long", "---\ntitle: a\nid: " + strings.Repeat("x", 201) + "\n---\n", "id", 3},
		{"bad slug", "---\ntitle: a\nslug: 'a?b'\n---\n", "id", 3},
		{"javascript image", "---\ntitle: a\nimage: javascript:alert(1)\n---\n", "image", 3},
		{"data image", "---\ntitle: a\nimage: 'data:image/png;base64,AAAA'\n---\n", "image", 3},
		{"image without host", "---\ntitle: a\nimage: 'http:///x.jpg'\n---\n", "image", 3},
		{"ftp url", "---\ntitle: a\nurl: ftp://example.com/x\n---\n", "url", 3},
		{"javascript permalink", "---\ntitle: a\npermalink: 'javascript:alert(1)'\n---\n", "url", 3},
		{"bad lang", "---\ntitle: a\nlang: 'ko kr'\n---\n", "lang", 3},
		{"bad format", "---\ntitle: a\nformat: pdf\n---\n", "format", 3},
		{"category as nested list", "---\ntitle: a\ncategories:\n  - News\n  - [a, b]\n---\n", "categories", 5},
		{"markdown nested too deep", "---\ntitle: a\n---\nok\n\n" + strings.Repeat("> - 1. ", 11) + "x\n", "body", 6},
		{"author as mapping without name", "---\ntitle: a\nauthor: {email: x}\n---\n", "author", 3},
		{"unknown key twice", "---\ntitle: a\nlayout: post\nlayout: page\n---\n", "layout", 4},
		{"alias of a key given twice", "---\ntitle: &k title\n*k : b\n---\n", "title", 3},
		{"list as a key", "---\ntitle: a\n[x, y]: b\n---\n", "front matter", 3},
		{"merge of a word", "---\ntitle: a\n<<: b\n---\n", "front matter", 3},
		{"one line, as curl -d sends a file", "--- title: a date: 2026-11-24 --- body", "document", 1},
		{"markdown reference flood", "---\ntitle: a\n---\n" + strings.Repeat("[a][r] ", 2000) + "\n\n[r]: https://example.com/" + strings.Repeat("p", 4000) + "\n", "body", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ingest.Parse(context.Background(), []byte(tt.doc), options(t))
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want an error", r.Article)
			}
			var ie *feed.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse error = %#v (%v), want a *feed.InputError", err, err)
			}
			if ie.Field != tt.field || ie.Line != tt.line {
				t.Errorf("error field, line = %q, %d (%v); want %q, %d", ie.Field, ie.Line, err, tt.field, tt.line)
			}
			if ie.Msg == "" || strings.ToLower(ie.Msg[:1]) != ie.Msg[:1] {
				t.Errorf("error message %q: want a lower-case message", ie.Msg)
			}
			if jargon.MatchString(ie.Msg) {
				t.Errorf("error message %q speaks YAML's or Go's internals", ie.Msg)
			}
		})
	}
}

// jargon matches what a poster should never have to read: YAML tags
// (!!int), decoder wording and Go type names.
var jargon = regexp.MustCompile(`!!|unmarshal|yaml\.|\*?ingest\.|\bstring\b|\[\]|map\[`)

func TestParseOptionsErrors(t *testing.T) {
	t.Parallel()
	doc := []byte("---\ntitle: a\n---\n")
	for _, base := range []string{"", "/news/", "ftp://example.com/", "https:///x"} {
		opt := ingest.Options{}
		if base != "" {
			opt.BaseURL = mustURL(t, base)
		}
		_, err := ingest.Parse(context.Background(), doc, opt)
		var ie *feed.InputError
		if err == nil || errors.As(err, &ie) {
			t.Errorf("Parse with base URL %q: error = %v; want an error that is not an InputError", base, err)
		}
	}
}

// fields is the part of an article that the front matter decides.
type fields struct {
	ID, Title, URL, Lang, Image, Excerpt string
	Authors, Categories, Tags            []string
	Published, Updated                   time.Time
}

func fieldsOf(a *feed.Article) fields {
	return fields{a.ID, a.Title, a.URL, a.Lang, a.Image, a.Excerpt,
		a.Authors, a.Categories, a.Tags, a.Published, a.Updated}
}

func TestParseFrontMatter(t *testing.T) {
	t.Parallel()
	def := func(f fields) fields {
		if f.Lang == "" {
			f.Lang = "ko"
		}
		return f
	}
	tests := []struct {
		name string
		base string // default https://news.example.com/
		fm   string
		want fields
	}{
		{
			name: "title folded",
			fm:   "title: \"  Ferry\\n rescue   at  sea \"",
			// With the body, 20 Latin letters: enough to be English (lang.go).
			want: fields{ID: "ferry-rescue-at-sea", Title: "Ferry rescue at sea", Lang: "en"},
		},
		{
			name: "numeric title",
			fm:   "title: 2026",
			want: fields{ID: "2026", Title: "2026"},
		},
		{
			name: "explicit id",
			fm:   "title: T\nid: '  기사-42_v1.0~b  '",
			want: fields{ID: "기사-42_v1.0~b", Title: "T"},
		},
		{
			name: "slug, and id wins over slug",
			fm:   "title: T\nslug: from-slug\nid: from-id",
			want: fields{ID: "from-id", Title: "T"},
		},
		{
			name: "slug",
			fm:   "title: T\nslug: from-slug",
			want: fields{ID: "from-slug", Title: "T"},
		},
		{
			name: "date with offset",
			fm:   "title: Ferry\ndate: 2026-11-24 08:30:00 +0900",
			want: fields{ID: "2026-11-24-ferry", Title: "Ferry",
				Published: time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)},
		},
		{
			name: "date without offset is UTC",
			fm:   "title: Ferry\ndate: 2026-11-24 08:30:00",
			want: fields{ID: "2026-11-24-ferry", Title: "Ferry",
				Published: time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)},
		},
		{
			name: "RFC 3339 with fraction, quoted",
			fm:   "title: Ferry\ndate: '2026-11-24T08:30:00.25+09:00'",
			want: fields{ID: "2026-11-24-ferry", Title: "Ferry",
				Published: time.Date(2026, 11, 23, 23, 30, 0, 250000000, time.UTC)},
		},
		{
			name: "RFC 3339 Z unquoted",
			fm:   "title: Ferry\ndate: 2026-11-24T08:30:00Z",
			want: fields{ID: "2026-11-24-ferry", Title: "Ferry",
				Published: time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)},
		},
		{
			name: "date only, and updated",
			fm:   "title: Ferry\ndate: 2026-11-24\nupdated: 2026-11-25 10:00:00 +0900",
			want: fields{ID: "2026-11-24-ferry", Title: "Ferry",
				Published: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
				Updated:   time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)},
		},
		{
			name: "updated without date",
			fm:   "title: Ferry\nupdated: 2020-01-01",
			want: fields{ID: "ferry", Title: "Ferry",
				Updated: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		},
		{
			name: "authors merged and de-duplicated",
			fm:   "title: T\nauthor: Kim Min-ji\nauthors:\n  - ' kim  min-ji '\n  - Lee\n  - ''\n  - {name: Park, email: p@example.com}",
			want: fields{ID: "t", Title: "T", Authors: []string{"Kim Min-ji", "Lee", "Park"}},
		},
		{
			name: "single category string is one category",
			fm:   "title: T\ncategories: Economy, Finance and Markets",
			want: fields{ID: "t", Title: "T", Categories: []string{"Economy, Finance and Markets"}},
		},
		{
			name: "categories de-duplicated by key, first form kept",
			fm:   "title: T\ncategories: [News, ' news ', '', NEWS, 경제/산업]\ncategory: '경제/산업 '\ntags: storm\ntag: [Storm, Rain]",
			want: fields{ID: "t", Title: "T", Categories: []string{"News", "경제/산업"}, Tags: []string{"storm", "Rain"}},
		},
		{
			name: "excerpt folded",
			fm:   "title: T\nexcerpt: |\n  one\n    two\u00a0 three\n",
			want: fields{ID: "t", Title: "T", Excerpt: "one two three"},
		},
		{
			name: "description as excerpt",
			fm:   "title: T\ndescription: ' from description '\nsummary: from summary",
			want: fields{ID: "t", Title: "T", Excerpt: "from description", Lang: "en"},
		},
		{
			name: "summary as excerpt",
			fm:   "title: T\nsummary: from summary\nexcerpt: ''",
			want: fields{ID: "t", Title: "T", Excerpt: "from summary"},
		},
		{
			name: "absolute image",
			fm:   "title: T\nimage: https://cdn.example.org/a.jpg?w=1",
			want: fields{ID: "t", Title: "T", Image: "https://cdn.example.org/a.jpg?w=1"},
		},
		{
			name: "protocol-relative image",
			fm:   "title: T\nimage: //cdn.example.org/a.jpg",
			want: fields{ID: "t", Title: "T", Image: "https://cdn.example.org/a.jpg"},
		},
		{
			name: "image mapping with path",
			fm:   "title: T\nimage:\n  path: /img/a.jpg\n  alt: A",
			want: fields{ID: "t", Title: "T", Image: "https://news.example.com/img/a.jpg"},
		},
		{
			name: "site path image under a base path",
			base: "https://example.com/news/",
			fm:   "title: T\nimage: /assets/img/x.jpg",
			want: fields{ID: "t", Title: "T", Image: "https://example.com/news/assets/img/x.jpg"},
		},
		{
			name: "image already under the base path",
			base: "https://example.com/news",
			fm:   "title: T\nimage: /news/assets/img/x.jpg",
			want: fields{ID: "t", Title: "T", Image: "https://example.com/news/assets/img/x.jpg"},
		},
		{
			name: "relative image under a base path",
			base: "https://example.com/news",
			fm:   "title: T\nimage: assets/img/x.jpg",
			want: fields{ID: "t", Title: "T", Image: "https://example.com/news/assets/img/x.jpg"},
		},
		{
			name: "canonical url",
			fm:   "title: T\nurl: https://other.example.org/2026/ferry",
			want: fields{ID: "t", Title: "T", URL: "https://other.example.org/2026/ferry"},
		},
		{
			name: "permalink site path",
			fm:   "title: T\npermalink: /2026/11/ferry/",
			want: fields{ID: "t", Title: "T", URL: "https://news.example.com/2026/11/ferry/"},
		},
		{
			name: "lang",
			fm:   "title: T\nlang: en_US",
			want: fields{ID: "t", Title: "T", Lang: "en-US"},
		},
		{
			name: "aliases and unknown keys",
			fm:   "title: &t Same\nlayout: post\nsidebar: {nav: x}\ncategories: *t",
			want: fields{ID: "same", Title: "Same", Categories: []string{"Same"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opt := options(t)
			if tt.base != "" {
				opt.BaseURL = mustURL(t, tt.base)
			}
			a := parseWith(t, "---\n"+tt.fm+"\n---\nbody\n", opt)
			if diff := cmp.Diff(def(tt.want), fieldsOf(a)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFileName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, fileName, fm string
		wantID             string
		wantPublished      time.Time // zero: undated, for the store to date
		wantDerived        bool      // the id was made from the title
	}{
		{"date and slug from the name", "2026-11-24-ferry-rescue.md", "title: 여객선 구조",
			"2026-11-24-ferry-rescue", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), false},
		{"a path is reduced to the base name", "_posts/2026-11-24-Ferry-Rescue.markdown", "title: 여객선 구조",
			"2026-11-24-ferry-rescue", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), false},
		{"explicit date wins", "2026-11-24-ferry-rescue.md", "title: T\ndate: 2026-11-25 09:00:00 +0900",
			"2026-11-25-ferry-rescue", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), false},
		{"explicit id wins", "2026-11-24-ferry-rescue.md", "title: T\nid: my-id",
			"my-id", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), false},
		{"explicit slug", "", "title: T\nslug: my-slug",
			"my-slug", time.Time{}, false},
		{"not a post name", "ferry-rescue.md", "title: Ferry",
			"ferry", time.Time{}, true},
		{"impossible date in the name", "2026-13-45-ferry.md", "title: Ferry",
			"ferry", time.Time{}, true},
		{"no file name, date in front matter", "", "title: Ferry\ndate: 2026-11-24",
			"2026-11-24-ferry", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), true},
		{"no file name, no date", "", "title: Ferry",
			"ferry", time.Time{}, true},
		{"an empty id derives one", "", "title: Ferry\nid: ''",
			"ferry", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opt := options(t)
			opt.FileName = tt.fileName
			r, err := ingest.Parse(context.Background(), []byte("---\n"+tt.fm+"\n---\n"), opt)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			a := r.Article
			if a.ID != tt.wantID || !a.Published.Equal(tt.wantPublished) {
				t.Errorf("ID, Published = %q, %v; want %q, %v", a.ID, a.Published, tt.wantID, tt.wantPublished)
			}
			if r.DerivedID != tt.wantDerived {
				t.Errorf("DerivedID = %v, want %v", r.DerivedID, tt.wantDerived)
			}
		})
	}
}

func TestParseGUID(t *testing.T) {
	t.Parallel()
	opt := options(t)
	opt.BaseURL = mustURL(t, "https://News.Example.COM:8443/news/")
	a := parseWith(t, "---\ntitle: 여객선 구조\ndate: 2026-11-24 08:00:00 +0900\n---\n", opt)
	if got, want := a.GUID, "tag:news.example.com,2026-11-23:2026-11-24-%EC%97%AC%EA%B0%9D%EC%84%A0-%EA%B5%AC%EC%A1%B0"; got != want {
		t.Errorf("GUID = %q, want %q", got, want)
	}
}

// TestParseStable checks that re-posting an unchanged undated document
// gives the same id and still no date, and that its GUID is dated by Now
// (the store keeps the first one).
func TestParseStable(t *testing.T) {
	t.Parallel()
	doc := "---\ntitle: Ferry rescue\n---\nTwelve saved.\n"
	a := parse(t, doc)
	opt := options(t)
	opt.Now = func() time.Time { return now().Add(48 * time.Hour) }
	b := parseWith(t, doc, opt)
	if a.ID != b.ID || !a.Published.IsZero() || !b.Published.IsZero() {
		t.Errorf("ID, Published = %q, %v and %q, %v; want the same id, both undated", a.ID, a.Published, b.ID, b.Published)
	}
	if want := "tag:news.example.com,2026-11-27:ferry-rescue"; b.GUID != want {
		t.Errorf("GUID = %q, want %q (dated by Now)", b.GUID, want)
	}
}

// TestParseCleansText checks NFC normalization and the removal of
// characters XML forbids, also those YAML escapes and HTML character
// references produce.
func TestParseCleansText(t *testing.T) {
	t.Parallel()
	decomposed := "\u1100\u1161\u11a8 \u1100\u1161" // 각 가, decomposed
	doc := "---\ntitle: \"" + decomposed + "\\x01\"\ncategories: [\"\\uFFFE뉴스\"]\n---\n" +
		"<p>본문\x0b입니다 &#1;&#xFFFF;끝. <mark>" + decomposed + "</mark>.</p>\n"
	a := parse(t, doc)
	if got, want := a.Title, "각 가"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got, want := a.ID, "각-가"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"뉴스"}, a.Categories); diff != "" {
		t.Errorf("Categories (-want +got):\n%s", diff)
	}
	if got, want := a.ContentHTML, "<p>본문입니다 끝. <mark>각 가</mark>.</p>"; got != want {
		t.Errorf("ContentHTML = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"각 가."}, a.Highlights); diff != "" {
		t.Errorf("Highlights (-want +got):\n%s", diff)
	}
}

// TestParseConcurrent runs Parse from many goroutines (for -race).
func TestParseConcurrent(t *testing.T) {
	t.Parallel()
	doc := seed(t)
	want := parse(t, string(doc))
	opt := options(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r, err := ingest.Parse(context.Background(), doc, opt)
			if err != nil {
				t.Error(err)
				return
			}
			if diff := cmp.Diff(want, r.Article); diff != "" {
				t.Errorf("concurrent Parse differs (-want +got):\n%s", diff)
			}
		})
	}
	wg.Wait()
}

// TestNFC: decomposed Hangul (as some systems type it) and a combining
// accent are composed; text already in NFC is left alone.
func TestNFC(t *testing.T) {
	t.Parallel()
	decomposed := "\u1100\u1161\u11a8" // 각 as conjoining jamo
	doc := "---\ntitle: " + decomposed + " e\u0301 한국어 café\ncategories: [\"\u1100\u1167\u11bc\u110c\u1166\"]\n---\nbody\n"
	a := parse(t, doc)
	if want := "각 é 한국어 café"; a.Title != want {
		t.Errorf("title = %q, want %q", a.Title, want)
	}
	if len(a.Categories) != 1 || a.Categories[0] != "경제" {
		t.Errorf("categories = %q, want [경제]", a.Categories)
	}
}

// TestParseRelativeLinks: document-relative links are relative to the
// article's own page when it has a url, site paths to the site.
func TestParseRelativeLinks(t *testing.T) {
	t.Parallel()
	body := "<p><img src=\"photo.jpg\" alt=\"p\"> <a href=\"../list?p=2\">list</a> <a href=\"/about\">about</a>" +
		" <a href=\"#notes\">notes</a></p>"
	for _, tc := range []struct {
		name, fm string
		want     []string
	}{
		{"no url", "title: T", []string{
			`src="https://news.example.com/photo.jpg"`, `href="https://news.example.com/list?p=2"`,
			`href="https://news.example.com/about"`, `href="#notes"`}},
		{"own url elsewhere", "title: T\nurl: https://user:pw@other.example.org/2026/ferry/", []string{
			`src="https://other.example.org/2026/ferry/photo.jpg"`, `href="https://other.example.org/2026/list?p=2"`,
			`href="https://other.example.org/about"`, `href="#notes"`}},
		{"permalink on the site", "title: T\npermalink: /2026/11/ferry/", []string{
			`src="https://news.example.com/2026/11/ferry/photo.jpg"`, `href="https://news.example.com/2026/11/list?p=2"`,
			`href="https://news.example.com/about"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := parse(t, "---\n"+tc.fm+"\nformat: html\n---\n"+body)
			for _, w := range tc.want {
				if !strings.Contains(a.ContentHTML, w) {
					t.Errorf("content lacks %s:\n%s", w, a.ContentHTML)
				}
			}
		})
	}
}

// TestWarnings: an unknown front-matter key is ignored with a warning
// naming it and its line, in document order; known keys give none.
func TestWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fm   string
		want []string
	}{
		{"known keys only", "title: T\ncategories: [a]", nil},
		{"misspelt and Jekyll keys", "title: T\nauther: Kim\nlayout: post", []string{
			`front matter (line 3): unknown key "auther" ignored`,
			`front matter (line 4): unknown key "layout" ignored`,
		}},
		{"keys are matched exactly", "Title: T\ntitle: T", []string{
			`front matter (line 2): unknown key "Title" ignored`,
		}},
		{"a nested mapping", "title: T\nsidebar:\n  nav: x\nzz: 1", []string{
			`front matter (line 3): unknown key "sidebar" ignored`,
			`front matter (line 5): unknown key "zz" ignored`,
		}},
		{"keys merged in with <<", "defaults: &d {title: T, layout: post}\n<<: *d", []string{
			`front matter (line 2): unknown key "defaults" ignored`,
			`front matter (line 2): unknown key "layout" ignored`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ingest.Parse(context.Background(), []byte("---\n"+tt.fm+"\n---\nbody\n"), options(t))
			if err != nil {
				t.Fatal(err)
			}
			if r.Article.Title != "T" {
				t.Errorf("Title = %q, want T", r.Article.Title)
			}
			if diff := cmp.Diff(tt.want, r.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCurlHint: a document that arrived on one line, as curl -d sends a
// file, is refused with a hint at --data-binary.
func TestCurlHint(t *testing.T) {
	t.Parallel()
	doc := strings.ReplaceAll(string(seed(t)), "\n", "")
	_, err := ingest.Parse(context.Background(), []byte(doc), options(t))
	var ie *feed.InputError
	if !errors.As(err, &ie) || ie.Field != "document" || !strings.Contains(ie.Msg, "--data-binary") {
		t.Errorf("Parse of a one-line document: error %v, want a document error naming --data-binary", err)
	}
}
