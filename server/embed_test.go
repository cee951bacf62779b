package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"sokbo/server"
)

type embedJSON struct {
	Title    string `json:"title"`
	Home     string `json:"home_page_url"`
	Category string `json:"category"`
	Events   string `json:"events"`
	Items    []struct {
		ID         string    `json:"id"`
		Title      string    `json:"title"`
		URL        string    `json:"url"`
		Published  time.Time `json:"published"`
		Categories []string  `json:"categories"`
		Image      string    `json:"image"`
	} `json:"items"`
}

func TestEmbedJSON(t *testing.T) {
	e := start(t)
	for i, title := range []string{"첫째 속보", "둘째 속보", "셋째 속보"} {
		cats := []string{"사회"}
		if i == 1 {
			cats = []string{"경제/산업", "사회"}
		}
		e.mustPost(tagDoc(title, "2026-11-24T0"+string(rune('1'+i))+":00:00+09:00", nil, nil, cats...))
	}
	get := func(path string) embedJSON {
		t.Helper()
		r := e.do("GET", path, nil, "Origin", "http://127.0.0.1:1")
		if r.Code != 200 || r.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s: %d %v %s", path, r.Code, r.Header, r.Body)
		}
		var d embedJSON
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, r.Body)
		}
		return d
	}

	d := get("/embed.json")
	if len(d.Items) != 3 || d.Items[0].Title != "셋째 속보" || d.Items[2].Title != "첫째 속보" {
		t.Fatalf("items: %+v", d.Items)
	}
	if d.Events != e.URL+"/events" || d.Home != e.URL+"/" || d.Title == "" {
		t.Errorf("title %q, home %q, events %q", d.Title, d.Home, d.Events)
	}
	it := d.Items[1]
	if it.URL != e.URL+"/articles/"+url.PathEscape(it.ID) || len(it.Categories) != 2 || it.Published.IsZero() {
		t.Errorf("item: %+v", it)
	}
	if d := get("/embed.json?limit=2"); len(d.Items) != 2 {
		t.Errorf("limit=2: %d items", len(d.Items))
	}
	// A category by any spelling of its name (here with spaces around its
	// slash and a trailing one), named as its articles spell it, with its
	// own stream.
	d = get("/embed.json?category=" + url.QueryEscape("경제/산업 "))
	if len(d.Items) != 1 || d.Items[0].Title != "둘째 속보" || d.Category != "경제/산업" ||
		d.Events != e.URL+"/events?category=%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85" {
		t.Errorf("category: %+v", d)
	}

	// A post shows at once: the embeds are cached with their scope's feeds.
	e.mustPost(tagDoc("넷째 속보", "2026-11-24T05:00:00+09:00", nil, nil, "사회"))
	if d := get("/embed.json?limit=2"); d.Items[0].Title != "넷째 속보" {
		t.Errorf("after a post: %+v", d.Items)
	}

	for _, c := range []struct{ query, field string }{
		{"limit=0", "limit"}, {"limit=21", "limit"}, {"limit=x", "limit"},
		{"theme=blue", "theme"}, {"images=maybe", "images"},
	} {
		r := e.do("GET", "/embed.json?"+c.query, nil)
		var body struct{ Error string }
		if r.Code != 400 || json.Unmarshal(r.Body, &body) != nil || !strings.HasPrefix(body.Error, c.field+": ") {
			t.Errorf("%s: %d %s", c.query, r.Code, r.Body)
		}
	}
	r := e.do("GET", "/embed.json?category=nope", nil)
	if r.Code != 404 || !bytes.Contains(r.Body, []byte(`category: \"nope\"`)) {
		t.Errorf("unknown category: %d %s", r.Code, r.Body)
	}
	// Only /embed.json answers its errors in JSON, not any path ending so.
	if r := e.do("GET", "/articles/report.json", nil); r.Code != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("/articles/report.json: %d %s", r.Code, r.Header.Get("Content-Type"))
	}
	// A limit past what the feeds show is that limit: the same answer.
	small := startWith(t, func(c *server.Config) { c.FeedLimit = 2 }, nil)
	for _, title := range []string{"하나", "둘", "셋"} {
		small.mustPost(tagDoc(title, "2026-11-24T01:00:00+09:00", nil, nil, "사회"))
	}
	a, b := small.do("GET", "/embed.json?limit=2", nil), small.do("GET", "/embed.json?limit=20", nil)
	if a.Header.Get("ETag") != b.Header.Get("ETag") || !bytes.Equal(a.Body, b.Body) {
		t.Errorf("limit=20 over a feed limit of 2 differs from limit=2:\n%s\n%s", a.Body, b.Body)
	}
}

func TestEmbedPage(t *testing.T) {
	e := start(t)
	e.mustPost(withImage("부산 여객선 구조", "2026-11-24T09:00:00+09:00", "https://cdn.example/ferry.jpg", false, "사회"))
	e.mustPost(withImage("국회 본회의", "2026-11-24T10:00:00+09:00", "https://cdn.example/vote.jpg", false, "정치"))

	r := e.do("GET", "/embed?category="+url.QueryEscape(norm.NFD.String("사회"))+"&limit=3&theme=dark&images=1", nil)
	if r.Code != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /embed: %d %s", r.Code, r.Body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q: other sites must be able to frame it, and scripts stay ours", csp)
	}
	var host *html.Node
	for _, n := range elements(parsePage(t, r.Body), "div") {
		if _, ok := attr(n, "data-sokbo-headlines"); ok {
			host = n
		}
	}
	if host == nil {
		t.Fatalf("no widget host:\n%s", r.Body)
	}
	if v, _ := attr(host, "data-theme"); v != "dark" {
		t.Errorf("data-theme %q", v)
	}
	// The category as its articles spell it, whatever the query said: the
	// cached page is every spelling's.
	if v, _ := attr(host, "data-category"); v != "사회" {
		t.Errorf("data-category %q, want the category's own spelling", v)
	}
	tmpl := elements(host, "template")
	if len(tmpl) != 1 || mustAttr(tmpl[0], "shadowrootmode") != "open" {
		t.Fatalf("no declarative shadow root:\n%s", r.Body)
	}
	// The template's content is a fragment of its own: parse it.
	var inner bytes.Buffer
	for c := tmpl[0].FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&inner, c); err != nil {
			t.Fatal(err)
		}
	}
	root := parsePage(t, inner.Bytes())
	var titles []string
	for _, a := range byClass(root, "h") {
		titles = append(titles, text(a))
		if tg, _ := attr(a, "target"); tg != "_blank" {
			t.Errorf("a headline opens in the frame: target %q", tg)
		}
	}
	if len(titles) != 1 || titles[0] != "부산 여객선 구조" || len(elements(root, "img")) != 1 {
		t.Errorf("headlines %q, %d images", titles, len(elements(root, "img")))
	}
	if st := elements(root, "style"); len(st) != 1 || !strings.Contains(text(st[0]), ":host{all:initial") {
		t.Errorf("the shadow root has not the widget's style")
	}

	for _, c := range []struct {
		query string
		code  int
	}{{"theme=blue", 400}, {"limit=100", 400}, {"category=nope", 404}, {"", 200}, {"theme=light&limit=1", 200}} {
		r := e.do("GET", "/embed?"+c.query, nil)
		if r.Code != c.code || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("/embed?%s: %d %s", c.query, r.Code, r.Header.Get("Content-Type"))
		}
		// An error shows in the frame too.
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") {
			t.Errorf("/embed?%s: %d with CSP %q", c.query, r.Code, csp)
		}
	}
}

func TestEmbedScript(t *testing.T) {
	e := start(t)
	r := e.do("GET", "/embed.js", nil, "Accept-Encoding", "gzip")
	if r.Code != 200 || r.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") ||
		r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET /embed.js: %d %v", r.Code, r.Header)
	}
	// The budget: under 5 KB gzipped, CSS included.
	if len(r.Body) >= 5*1024 {
		t.Errorf("embed.js is %d bytes gzipped, over 5 KB", len(r.Body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(js, []byte("STYLE;")) || !bytes.Contains(js, []byte(`const css = ":host{all:initial`)) {
		t.Errorf("the CSS is not in the script")
	}
	if nm := e.do("GET", "/embed.js", nil, "Accept-Encoding", "gzip", "If-None-Match", r.Header.Get("ETag")); nm.Code != http.StatusNotModified {
		t.Errorf("revalidated: %d", nm.Code)
	}
}

// TestEmbedEscapes posts an article whose title and category are markup:
// the iframe page and the JSON carry them as text.
func TestEmbedEscapes(t *testing.T) {
	e := start(t)
	title := `</template><script>alert(1)</script>`
	cat := `"><img src=x onerror=alert(2)>`
	e.mustPost([]byte("---\ntitle: '" + title + "'\ncategories: ['" + cat + "']\n---\n<p>본문.</p>\n"))
	for _, path := range []string{"/embed", "/embed?category=" + url.QueryEscape(cat)} {
		r := e.do("GET", path, nil)
		if r.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
		}
		for _, raw := range []string{"<script>alert", "<img src=x", "</template><script"} {
			if bytes.Contains(r.Body, []byte(raw)) {
				t.Errorf("GET %s carries %q as markup:\n%s", path, raw, r.Body)
			}
		}
		if !bytes.Contains(r.Body, []byte("&lt;script&gt;alert(1)")) {
			t.Errorf("GET %s: the title is not there as text", path)
		}
	}
}
