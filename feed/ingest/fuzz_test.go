package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"sokbo/feed"
	"sokbo/feed/ingest"

	"github.com/google/go-cmp/cmp"
)

func FuzzParse(f *testing.F) {
	f.Add(seed(f))
	for _, doc := range []string{
		"---\ntitle: Ferry rescue\ndate: 2026-11-24 09:30:00 +0900\ncategories: [Local]\n---\n# Coast guard\n\nThe coast guard said <mark>twelve people were rescued</mark>. It was cold.\n\n- <span style=\"COLOR:Red\">Red item</span>\n",
		"---\ntitle: T\nformat: html\n---\n<p>A&nbsp;<span style=\"background: #ff0\">b</span>. 3.5 c.<br>d</p><ul><li>x</li></ul>",
		"---\ntitle: T\nimage: /a.jpg\nurl: //x.example/y\nauthors: [a, {name: b}]\n---\n<script>x</script><a href=\"javascript:x\">y</a>",
		"\uFEFF---\r\ntitle: T\r\n...\r\nbody\r\n",
		"",
		"---\n",
		"---\ntitle: [a\n---\n",
		"---\ntitle: a\ndate: nope\n---\n",
		"---\ntitle: \"\\x01\"\n---\n",
		"---\ntitle: a\n---\n&#1;&#xFFFE;<mark>&#x1100;&#x1161;</mark>.",
		"no front matter \xff",
		"---\ntitle: T\n---\n" + strings.Repeat("> - ", 40) + "x\n",
		"---\ntitle: T\nauther: x\nbase: &b {layout: post}\n<<: *b\n---\nbody",
		"--- title: T --- body",
		// No lang: the text's script decides (lang.go).
		"---\ntitle: Ferry runs aground\n---\nThe coast guard said twelve people were rescued on Tuesday.\n",
		"---\ntitle: 삼성전자, Taylor 공장 가동\n---\nLee Jae-yong 회장과 Joe Biden 대통령이 참석한 가운데 양산을 시작했다.\n",
		"---\ntitle: 東京都知事選挙、現職が三選確実に\nexcerpt: 小池百合子知事は24日、記者会見を開いた。\n---\n",
		"---\ntitle: T\n---\n국무회의 " + strings.Repeat("가a1", 3000) + "\n",
	} {
		f.Add([]byte(doc))
	}
	opt := options(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := ingest.Parse(context.Background(), doc, opt)
		if err != nil {
			var ie *feed.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Parse error %v (%T), want a *feed.InputError", err, err)
			}
			return
		}
		a := r.Article
		if a.Lang == "" {
			t.Errorf("Lang is empty; want the front matter's, the text's or the site's (%q)", opt.Lang)
		}
		checkWarnings(t, r.Warnings)
		checkArticle(t, a)
		checkFeeds(t, a, opt)

		rb, err := ingest.Parse(context.Background(), doc, opt)
		if err != nil {
			t.Fatalf("second Parse: %v", err)
		}
		b := rb.Article
		b.Published, b.Updated = b.Published.UTC(), b.Updated.UTC()
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("Parse is not deterministic (-first +second):\n%s", diff)
		}
	})
}

// checkWarnings checks that every warning names an unknown key and its line.
func checkWarnings(t *testing.T, warnings []string) {
	t.Helper()
	for _, w := range warnings {
		if !strings.HasPrefix(w, "front matter (line ") || !strings.Contains(w, "unknown key") {
			t.Errorf("warning %q: want one naming an unknown key and its line", w)
		}
	}
}

// checkArticle checks what holds for every article Parse returns: the
// required fields are set, the id is valid, the content is safe, and no
// field holds a character XML forbids.
func checkArticle(t *testing.T, a *feed.Article) {
	t.Helper()
	if a.ID == "" || a.Title == "" || a.GUID == "" {
		t.Errorf("ID, Title, GUID = %q, %q, %q; want all set", a.ID, a.Title, a.GUID)
	}
	if strings.HasPrefix(a.ID, ".") || utf8.RuneCountInString(a.ID) > 200 ||
		strings.IndexFunc(a.ID, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r) && !strings.ContainsRune("-_.~", r)
		}) >= 0 {
		t.Errorf("ID = %q, not a valid id", a.ID)
	}
	if !utf8.ValidString(a.ContentHTML) {
		t.Errorf("ContentHTML is not valid UTF-8: %q", a.ContentHTML)
	}
	if problem := hostile(a.ContentHTML); problem != "" {
		t.Errorf("ContentHTML has %s: %q", problem, a.ContentHTML)
	}
	if n := utf8.RuneCountInString(a.Lead); n > 300 {
		t.Errorf("Lead has %d runes", n)
	}
	fields := []string{a.ID, a.GUID, a.Title, a.URL, a.Lang, a.Image, a.Excerpt,
		a.FeatureText, a.Lead, a.ContentHTML}
	for _, l := range [][]string{a.Authors, a.Categories, a.Tags, a.Highlights} {
		fields = append(fields, l...)
	}
	for _, s := range fields {
		if i := strings.IndexFunc(s, xmlForbidden); i >= 0 {
			t.Errorf("field %q has an XML-forbidden character at %d", s, i)
		}
	}
	seen := map[string]bool{}
	for _, h := range a.Highlights {
		if h == "" || seen[h] {
			t.Errorf("highlight %q empty or repeated", h)
		}
		seen[h] = true
	}
}

// checkFeeds checks that the article's three feeds are well-formed XML
// and valid JSON.
func checkFeeds(t *testing.T, a *feed.Article, opt ingest.Options) {
	t.Helper()
	a.Published, a.Updated = a.Published.UTC(), a.Updated.UTC()
	c := &feed.Channel{Title: "t", BaseURL: opt.BaseURL, HomeURL: opt.BaseURL.String(), SelfURL: opt.BaseURL.String() + "feed", FeedID: "urn:x", Highlights: 5}
	for _, f := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
		var buf bytes.Buffer
		if err := feed.Write(&buf, f, c, []*feed.Article{a}); err != nil {
			t.Fatalf("render %s: %v", f.Ext(), err)
		}
		if f == feed.JSON {
			var v struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal(buf.Bytes(), &v); err != nil || len(v.Items) != 1 {
				t.Fatalf("JSON feed: %v\n%s", err, buf.Bytes())
			}
			if _, ok := v.Items[0]["content_html"]; !ok {
				t.Errorf("JSON feed item without content_html")
			}
			continue
		}
		d := xml.NewDecoder(&buf)
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s feed is not well-formed: %v", f.Ext(), err)
			}
		}
	}
}

// xmlForbidden reports whether XML 1.0 forbids r in a document.
func xmlForbidden(r rune) bool {
	return !(r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF)
}

// FuzzHighlights runs the summary extractor on arbitrary HTML: it never
// panics, and every highlight is a non-empty, unrepeated sentence of
// valid UTF-8 that XML can carry.
func FuzzHighlights(f *testing.F) {
	f.Add(`<p>대통령실은 <b><span style="color: #ee2323;">양국 간 협력</span></b>이라고 밝혔습니다. 다음 문장.</p>`)
	f.Add(`<ul><li><mark>a</mark></li><li><span style="COLOR:Red">b. c</span></li></ul>`)
	f.Add(`<p><span style="background-color: #21538527">x</span><span style="background: yellow">y</span>.</p><br>`)
	f.Add(`<p style="color:red"><font color="red">&nbsp;&#1;</font>…。！？</p>`)
	f.Add(strings.Repeat(`<mark>`, 200) + "deep" + strings.Repeat(`</mark>`, 200))
	f.Fuzz(func(t *testing.T, html string) {
		seen := map[string]bool{}
		for _, h := range ingest.HighlightsOf(html) {
			if strings.TrimSpace(h) == "" || seen[h] {
				t.Errorf("highlight %q empty or repeated", h)
			}
			seen[h] = true
			if !utf8.ValidString(h) || strings.IndexFunc(h, xmlForbidden) >= 0 {
				t.Errorf("highlight %q: invalid UTF-8 or XML-forbidden character", h)
			}
		}
	})
}

// hostile returns what in the HTML fragment could run or take over a page
// (a script, frame or plugin element, an event handler, a javascript: or
// data: URL, a positioning style), or "".
func hostile(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "frame", "object", "embed", "applet", "base", "form", "meta", "link", "style", "svg", "math":
				return "a <" + tok.Data + "> element"
			}
			for _, at := range tok.Attr {
				k, v := strings.ToLower(at.Key), strings.ToLower(strings.TrimSpace(at.Val))
				switch {
				case strings.HasPrefix(k, "on"):
					return "an event handler " + k
				case (k == "href" || k == "src" || k == "action" || k == "formaction" || k == "xlink:href") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")):
					return "a script URL in " + k
				case k == "style" && (strings.Contains(v, "position") || strings.Contains(v, "url(") || strings.Contains(v, "expression")):
					return "a dangerous style"
				}
			}
		}
	}
}
