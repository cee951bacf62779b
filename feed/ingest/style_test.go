package ingest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// referencePolicy is the sanitizer with bluemonday's style rules on every
// text element, which parses each style attribute where it stands: what
// sanitize must produce, with each distinct style checked once.
func referencePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	allowStyles(p, textElements...)
	return p
}

// styleBody puts the style on text elements (p, span, b, td, a), on an
// element that may not carry one (img), and twice on a span, so that the
// second use comes from the per-article memo.
func styleBody(style string) string {
	a := `"` + html.EscapeString(style) + `"`
	return `<p style=` + a + `>a<span style=` + a + `>b</span><b style=` + a + `>c</b>` +
		`<img style=` + a + ` src="https://news.example.com/i.png" alt="i"><span style=` + a + ` title="t">d</span></p>` +
		`<table><tr><td style=` + a + `>e</td></tr></table><a style=` + a + ` href="https://news.example.com/x">f</a>` +
		`<div style="color: red; ` + html.EscapeString(style) + `">g</div>`
}

// checkStyles sanitizes styleBody(style) both ways and compares; it also
// checks every style attribute left against the policy's gate.
func checkStyles(t *testing.T, style string, styles *StyleCache) {
	t.Helper()
	body := styleBody(style)
	base, _ := url.Parse("https://news.example.com/")
	root, err := parseHTML(body, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sanitize(root, linkBase{site: base}, 0, styles)
	if err != nil {
		t.Fatal(err)
	}
	root, err = parseHTML(body, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	rendered, err := renderChildren(root, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := clean(referencePolicy(), rendered)
	if got == want {
		return
	}
	// The one difference allowed: a style the reference keeps in a shape
	// the gate refuses (a CSS escape such as re\64) is dropped.
	gz, wz := html.NewTokenizer(strings.NewReader(got)), html.NewTokenizer(strings.NewReader(want))
	for {
		gt, wt := gz.Next(), wz.Next()
		if gt != wt {
			t.Fatalf("style %q: token types differ:\n got %s\nwant %s", style, got, want)
		}
		if gt == html.ErrorToken {
			break
		}
		g, w := gz.Token(), wz.Token()
		if g.String() == w.String() {
			continue
		}
		var kept []html.Attribute
		for _, a := range w.Attr {
			if a.Key != "style" || styleRE.MatchString(a.Val) {
				kept = append(kept, a)
			}
		}
		w.Attr = kept
		if g.String() != w.String() {
			t.Fatalf("style %q: %s, want %s\n got %s\nwant %s", style, g, w, got, want)
		}
	}
	z := html.NewTokenizer(strings.NewReader(got))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		for _, a := range z.Token().Attr {
			v := strings.ToLower(a.Val)
			if a.Key == "style" && (!styleRE.MatchString(a.Val) || strings.Contains(v, "url(") || strings.Contains(v, "expression")) {
				t.Fatalf("style %q: kept %q", style, a.Val)
			}
		}
	}
}

func TestStylesOncePerValue(t *testing.T) {
	t.Parallel()
	shared := new(StyleCache)
	for _, style := range []string{
		"color: #ee2323;", "background-color: #21538527;", "COLOR:Red", "color: red; font-weight: bold",
		"background: #ff0 url(x.png) no-repeat", "background: url(javascript:alert(1))",
		"color: expression(alert(1))", "position: fixed; top: 0; color: red", "color: rgb(51, 51, 51)",
		"color: rgba(1,2,3,0.5); text-align: center; text-decoration: underline dotted",
		"font-style: italic; font-weight: 700", "-webkit-text-decoration: underline", "color: Black !important",
		"color:", "", ";;;", "color: red /* x */", `color: "red"`, `color: re\64`, "color: #fff\"><script>",
		"font-family: 'Malgun Gothic'; color: #333333", "color:\u00a0red", "color: 빨강", "text-align: justify",
	} {
		checkStyles(t, style, nil)
		checkStyles(t, style, shared) // the values come from the cache the second time
		checkStyles(t, style, shared)
	}
	if len(shared.m) == 0 {
		t.Error("the shared cache is empty")
	}
}

func TestStyleCacheBounded(t *testing.T) {
	t.Parallel()
	c := new(StyleCache)
	for i := range 3 * styleCacheMax {
		c.put(fmt.Sprintf("color: #%06x", i), "x")
		if len(c.m) > styleCacheMax {
			t.Fatalf("%d entries", len(c.m))
		}
	}
	c.put("color: red; "+strings.Repeat("font-weight: bold; ", 20), "y")
	if _, ok := c.get("color: red; " + strings.Repeat("font-weight: bold; ", 20)); ok {
		t.Error("a long value was cached")
	}
}

// TestStyleGate checks that the policy's gate stops a style that did not
// come from stylePolicy.
func TestStyleGate(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"color: expression(alert(1))", "background: url(https://x/y.png)", "position: fixed",
		"color: red;", "color:red", `color: "red"`, `color: \72 ed`, "color: red; behavior: url(x.htc)",
		"background-image: url(x)", "color: rgb(1,2,3) url(x)",
	} {
		out := policy().Sanitize(`<span style="` + html.EscapeString(bad) + `">x</span>`)
		if strings.Contains(out, "style") {
			t.Errorf("%q passed the gate: %s", bad, out)
		}
	}
	for _, good := range []string{"color: #ee2323", "background-color: #21538527", "COLOR: Red; font-weight: bold", "color: rgb(1, 2, 3)"} {
		if out := policy().Sanitize(`<span style="` + good + `">x</span>`); !strings.Contains(out, good) {
			t.Errorf("%q stopped by the gate: %s", good, out)
		}
	}
}

// FuzzStyles compares sanitize with the reference policy on any style.
func FuzzStyles(f *testing.F) {
	for _, s := range []string{"color: #ee2323;", "COLOR:Red", "background: #ff0 url(x.png)", "font-weight: bold; color: rgb(1,2,3)", "color: expression(x)"} {
		f.Add(s)
	}
	shared := new(StyleCache)
	f.Fuzz(func(t *testing.T, style string) {
		checkStyles(t, style, nil)
		checkStyles(t, style, shared)
	})
}
