package server_test

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"sokbo/server"
)

// withImage is doc with a front-matter image, and the image in the body
// too when inBody.
func withImage(title, date, image string, inBody bool, cats ...string) []byte {
	body := "<p>" + title + " 본문. <mark>강조된 문장.</mark></p>"
	if inBody {
		body = `<p><img src="` + image + `"></p>` + body
	}
	return fmt.Appendf(nil, "---\ntitle: %q\ndate: %s\nimage: %s\nexcerpt: %s 요약\ncategories: [%s]\n---\n%s\n", title, date, image, title, strings.Join(cats, ", "), body)
}

// byClass are the elements under n whose class list holds class.
func byClass(n *html.Node, class string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if c, ok := attr(d, "class"); d.Type == html.ElementNode && ok && strings.Contains(" "+c+" ", " "+class+" ") {
			out = append(out, d)
		}
	}
	return out
}

// checkBasics checks what every page must have: lang, one h1, the
// landmarks, an alt on every image, and no external script or style.
func checkBasics(t *testing.T, path string, p *html.Node) {
	t.Helper()
	if lang, _ := attr(elements(p, "html")[0], "lang"); lang == "" {
		t.Errorf("%s: no lang", path)
	}
	if n := len(elements(p, "h1")); n != 1 {
		t.Errorf("%s: %d h1, want 1", path, n)
	}
	for _, l := range []string{"header", "main", "footer"} {
		if len(elements(p, l)) != 1 {
			t.Errorf("%s: %d <%s>, want 1", path, len(elements(p, l)), l)
		}
	}
	for _, img := range elements(p, "img") {
		if _, ok := attr(img, "alt"); !ok {
			src, _ := attr(img, "src")
			t.Errorf("%s: <img src=%q> without alt", path, src)
		}
	}
	for _, s := range elements(p, "script") {
		if src, _ := attr(s, "src"); !strings.Contains(src, "/assets/live.js?v=") {
			t.Errorf("%s: script %q, want only the live script", path, src)
		}
	}
}

// TestIndexPage: the index shows each headline with its excerpt, local
// time and categories, the images of the top three stories (the first
// not lazy), the categories as navigation by use, and the live indicator
// with its script.
func TestIndexPage(t *testing.T) {
	e := start(t)
	for i := 1; i <= 5; i++ {
		cats := []string{"속보"}
		if i%2 == 0 {
			cats = append(cats, "경제")
		}
		if r := e.post(withImage(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-2%d", i), fmt.Sprintf("https://cdn.example/%d.jpg", i), false, cats...)); r.Code != http.StatusCreated {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	p := e.page("/")
	checkBasics(t, "/", p)
	mains := elements(p, "main")
	ols := elements(mains[0], "ol")
	if len(ols) != 1 {
		t.Fatalf("%d <ol> in <main>, want 1", len(ols))
	}
	lis := elements(ols[0], "li")
	if len(lis) != 5 {
		t.Fatalf("%d headlines, want 5", len(lis))
	}
	for i, li := range lis {
		n := 5 - i
		if a := elements(li, "a"); len(a) == 0 || text(a[0]) != fmt.Sprintf("기사 %d", n) {
			t.Errorf("headline %d: no link to 기사 %d", i, n)
		}
		if ex := byClass(li, "excerpt"); len(ex) != 1 || text(ex[0]) != fmt.Sprintf("기사 %d 요약", n) {
			t.Errorf("headline %d: excerpt missing", i)
		}
		if tm := elements(li, "time"); len(tm) != 1 || !strings.Contains(text(tm[0]), "2026년 11월") {
			t.Errorf("headline %d: no local time", i)
		}
		imgs := elements(li, "img")
		switch {
		case i < 3 && len(imgs) != 1:
			t.Errorf("headline %d: %d images, want its lead image", i, len(imgs))
		case i >= 3 && len(imgs) != 0:
			t.Errorf("headline %d: %d images, want none below the top stories", i, len(imgs))
		case i < 3:
			src, _ := attr(imgs[0], "src")
			alt, _ := attr(imgs[0], "alt")
			_, lazy := attr(imgs[0], "loading")
			if src != fmt.Sprintf("https://cdn.example/%d.jpg", n) || alt != fmt.Sprintf("기사 %d", n) || lazy != (i > 0) {
				t.Errorf("headline %d: img src=%q alt=%q lazy=%v", i, src, alt, lazy)
			}
		}
		if cats := byClass(li, "cat"); len(cats) == 0 || text(cats[0]) != "속보" {
			t.Errorf("headline %d: categories missing", i)
		}
	}
	navs := elements(p, "nav")
	if len(navs) != 1 {
		t.Fatalf("%d <nav>, want 1", len(navs))
	}
	var nav []string
	for _, a := range elements(navs[0], "a") {
		nav = append(nav, text(a))
	}
	if want := []string{"속보", "경제"}; strings.Join(nav, ",") != strings.Join(want, ",") {
		t.Errorf("nav %q, want %q (by use)", nav, want)
	}
	live := liveOf(t, p)
	if ev, _ := attr(live, "data-events"); ev != e.URL+"/events" {
		t.Errorf("live stream %q", ev)
	}
	if st, _ := attr(live, "data-live"); st != "off" {
		t.Errorf("data-live=%q before any script ran, want off", st)
	}
}

// liveOf is the page's #live element.
func liveOf(t *testing.T, p *html.Node) *html.Node {
	t.Helper()
	for d := range p.Descendants() {
		if id, _ := attr(d, "id"); id == "live" {
			return d
		}
	}
	t.Fatal("no #live")
	return nil
}

// TestCategoryPages: a category with articles, or with only tombstones,
// has a page with its own live stream and its link marked current; one
// never used is a 404 page in the pages' layout.
func TestCategoryPages(t *testing.T) {
	e := start(t)
	for _, d := range [][]byte{doc("속보 기사", "2026-11-24", "속보"), doc("지울 기사", "2026-11-24", "지움")} {
		if r := e.post(d); r.Code != http.StatusCreated {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	if r := e.do("DELETE", "/api/articles/2026-11-24-"+url.PathEscape("지울-기사"), nil, "Authorization", "Bearer "+token); r.Code/100 != 2 {
		t.Fatalf("delete: %d %s", r.Code, r.Body)
	}
	path := "/category/" + url.PathEscape("속보") + "/"
	p := e.page(path)
	checkBasics(t, path, p)
	if h := text(elements(p, "h1")[0]); h != "속보" {
		t.Errorf("h1 %q", h)
	}
	if ev, _ := attr(liveOf(t, p), "data-events"); ev != e.URL+path+"events" {
		t.Errorf("live stream %q, want the category's", ev)
	}
	var current []string
	for _, a := range elements(p, "a") {
		if _, ok := attr(a, "aria-current"); ok {
			current = append(current, text(a))
		}
	}
	if len(current) != 1 || current[0] != "속보" {
		t.Errorf("current nav links %q", current)
	}
	if r := e.do("GET", "/category/"+url.PathEscape("지움")+"/", nil); r.Code != http.StatusOK {
		t.Errorf("category with only a tombstone: %d, want 200 (its feed is)", r.Code)
	}
	for _, path := range []string{"/category/" + url.PathEscape("없는") + "/", "/articles/nope", "/nope"} {
		r := e.do("GET", path, nil)
		if r.Code != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, want a 404 page", path, r.Code, r.Header.Get("Content-Type"))
			continue
		}
		p := parsePage(t, r.Body)
		checkBasics(t, path, p)
		if n := len(elements(p, "style")); n != 1 {
			t.Errorf("%s: %d <style>, want the pages'", path, n)
		}
		var home, icon bool
		for _, a := range elements(p, "a") {
			home = home || mustAttr(a, "href") == e.URL+"/"
		}
		for _, l := range elements(p, "link") {
			icon = icon || mustAttr(l, "rel") == "icon"
		}
		if !home || !icon {
			t.Errorf("%s: link home %v, icon %v", path, home, icon)
		}
	}
}

func mustAttr(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// emptyPara is a paragraph showing nothing, as the seed has many.
var emptyPara = regexp.MustCompile(`<p[^>]*>(\s|&nbsp;|&#160;|\x{a0}|<br/?>)*</p>`)

// TestArticlePage: the seed's page shows its image once (the body has
// it), its key points, local time, categories linked to their pages and
// feeds, no empty paragraph, an alt on every image, and stays small; a
// page whose body lacks the front-matter image leads with it.
func TestArticlePage(t *testing.T) {
	e := start(t)
	if r := e.post(seed(t)); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	seedID := articleIDOf(t, e)
	if r := e.post(withImage("이미지 기사", "2026-11-24", "https://cdn.example/lead.jpg", false, "속보")); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	r := e.do("GET", "/articles/"+seedID, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("seed page: %d", r.Code)
	}
	if len(r.Body) > 50<<10 {
		t.Errorf("seed page: %d bytes, want under 50 KB", len(r.Body))
	}
	if m := emptyPara.Find(r.Body); m != nil {
		t.Errorf("seed page keeps an empty paragraph: %s", m)
	}
	p := parsePage(t, r.Body)
	checkBasics(t, "seed", p)
	if n := len(elements(elements(p, "main")[0], "img")); n != strings.Count(string(seed(t)), "<img") {
		t.Errorf("seed page: %d images, want the body's alone", n)
	}
	if pts := byClass(p, "points"); len(pts) != 1 || len(elements(pts[0], "li")) == 0 || !strings.Contains(text(pts[0]), "한미 동맹") {
		t.Errorf("seed page: no key points box with the excerpt and highlights")
	}
	if tm := elements(p, "time"); len(tm) == 0 || !strings.Contains(text(tm[0]), "년") {
		t.Errorf("seed page: no local time")
	}
	links := map[string]bool{}
	for _, a := range elements(p, "a") {
		links[mustAttr(a, "href")] = true
	}
	for _, want := range []string{e.URL + "/category/News/", e.URL + "/category/News/feed.rss"} {
		if !links[want] {
			t.Errorf("seed page: no link to %s", want)
		}
	}
	if len(elements(p, "script")) != 0 {
		t.Errorf("article page: a script, want none")
	}

	p = e.page("/articles/2026-11-24-" + url.PathEscape("이미지-기사"))
	var srcs []string
	for _, img := range elements(elements(p, "main")[0], "img") {
		if mustAttr(img, "alt") != "" {
			srcs = append(srcs, mustAttr(img, "src"))
		}
	}
	if len(srcs) != 1 || srcs[0] != "https://cdn.example/lead.jpg" {
		t.Errorf("lead images %q, want the front matter's once", srcs)
	}
	p = e.page("/")
	if len(byClass(p, "story")) != 2 {
		t.Errorf("index: %d stories", len(byClass(p, "story")))
	}
}

// TestPagesCSP: pages load images from any https host, and scripts,
// styles and connections only from this site.
func TestPagesCSP(t *testing.T) {
	e := start(t)
	if r := e.post(doc("기사", "2026-11-24", "속보")); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	want := "default-src 'none'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	for _, path := range []string{"/", "/category/" + url.PathEscape("속보") + "/", "/articles/" + articleIDOf(t, e), "/nope"} {
		if got := e.do("GET", path, nil).Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: CSP %q, want %q", path, got, want)
		}
	}
}

// TestLiveScript: the live script the lists link is served as
// JavaScript, for a year under its versioned URL and revalidated by ETag
// under any other.
func TestLiveScript(t *testing.T) {
	e := start(t)
	var src string
	for _, s := range elements(e.page("/"), "script") {
		src, _ = attr(s, "src")
	}
	u, err := url.Parse(src)
	if err != nil || u.Query().Get("v") == "" {
		t.Fatalf("script src %q, want a versioned URL", src)
	}
	for _, tc := range []struct{ path, cc string }{
		{u.RequestURI(), "public, max-age=31536000, immutable"},
		{u.Path, "no-cache"},
		{u.Path + "?v=old", "no-cache"},
	} {
		r := e.do("GET", tc.path, nil)
		if r.Code != http.StatusOK || r.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || r.Header.Get("Cache-Control") != tc.cc || !strings.Contains(string(r.Body), "EventSource") {
			t.Errorf("GET %s: %d %q %q", tc.path, r.Code, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
		}
		if r := e.do("GET", tc.path, nil, "If-None-Match", r.Header.Get("ETag")); r.Code != http.StatusNotModified {
			t.Errorf("GET %s again: %d, want 304", tc.path, r.Code)
		}
	}
}

// TestPagesInEnglish: a site in English labels its pages in English.
func TestPagesInEnglish(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.Lang = "en" }, nil)
	if r := e.post(doc("A story", "2026-11-24", "News")); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	p := e.page("/")
	if got := text(liveOf(t, p)); got != "Offline" {
		t.Errorf("live label %q", got)
	}
	if on, _ := attr(liveOf(t, p), "data-text-on"); on != "Live" {
		t.Errorf("live label when on %q", on)
	}
}

// TestArticleColours: the seed's highlight colours are rewritten as a
// light and a dark shade, each at least 4.5:1 on its page's background.
func TestArticleColours(t *testing.T) {
	e := start(t)
	if r := e.post(seed(t)); r.Code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	b := e.do("GET", "/articles/"+articleIDOf(t, e), nil).Body
	if bytes.Contains(b, []byte("color: #ee2323")) {
		t.Errorf("the seed's red (4.3:1 on white) is left as it is")
	}
	re := regexp.MustCompile(`--c: (#[0-9a-f]{6}); --cd: (#[0-9a-f]{6})`)
	m := re.FindAllSubmatch(b, -1)
	if len(m) != 11 {
		t.Fatalf("%d rewritten colours, want the seed's 11", len(m))
	}
	for _, c := range m {
		if r := contrastOf(string(c[1]), "#ffffff"); r < 4.5 {
			t.Errorf("light %s: %.2f:1", c[1], r)
		}
		if r := contrastOf(string(c[2]), "#14161a"); r < 4.5 {
			t.Errorf("dark %s: %.2f:1", c[2], r)
		}
	}
}

// contrastOf is WCAG's contrast ratio of two #rrggbb colours.
func contrastOf(a, b string) float64 {
	lum := func(h string) float64 {
		var rgb [3]float64
		for i := range rgb {
			var v int
			fmt.Sscanf(h[1+2*i:3+2*i], "%02x", &v)
			f := float64(v) / 255
			if f <= 0.03928 {
				rgb[i] = f / 12.92
			} else {
				rgb[i] = math.Pow((f+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestListSize: a list of long Korean headlines, more than a page shows,
// stays under 50 KB.
func TestListSize(t *testing.T) {
	e := start(t)
	excerpt := strings.Repeat("한미 동맹의 미국 내 지지는 초당적이라는 대통령실의 발언이 주목받고 있다. ", 6)
	for i := range 40 {
		d := fmt.Sprintf("---\ntitle: \"속보 %d: 대통령실 미국 측 긴밀 협력 계획 밝혀졌다, 한미 동맹의 미국 내 지지는 초당적\"\ndate: 2026-11-%02d\nexcerpt: %s\ncategories: [속보, 정치, 외교]\nimage: https://cdn.example/%d.jpg\n---\n<p>본문 %d</p>\n", i, i%28+1, excerpt, i, i)
		if r := e.post([]byte(d)); r.Code != http.StatusCreated {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	for _, path := range []string{"/", "/category/" + url.PathEscape("속보") + "/"} {
		r := e.do("GET", path, nil)
		if r.Code != http.StatusOK || len(r.Body) >= 50<<10 {
			t.Errorf("GET %s: %d, %d bytes, want under 50 KB", path, r.Code, len(r.Body))
		}
		if n := len(byClass(parsePage(t, r.Body), "story")); n != 30 {
			t.Errorf("GET %s: %d headlines, want 30", path, n)
		}
	}
}
