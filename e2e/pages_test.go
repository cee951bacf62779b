package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// seed is a real article as a newsroom sends it: Korean, an HTML body
// with coloured highlights, empty spacing paragraphs and images.
//
//go:embed testdata/seed.txt
var seed string

// seedTitle is the seed's front-matter title.
const seedTitle = "대통령실 미국 측 긴밀 협력 계획 밝혀졌다!"

// article is a small document: title, categories, a Markdown body. It
// is published when it is posted.
func article(title string, categories ...string) string {
	return articleAt(time.Time{}, title, categories...)
}

// articleAt is article published at when (none when zero). Articles
// posted within the same second tie on their time, and a list may show
// them in either order: give them distinct times.
func articleAt(when time.Time, title string, categories ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\n", title)
	if !when.IsZero() {
		fmt.Fprintf(&b, "date: %s\n", when.Format(time.RFC3339))
	}
	if len(categories) > 0 {
		b.WriteString("categories:\n")
		for _, c := range categories {
			fmt.Fprintf(&b, "  - %q\n", c)
		}
	}
	fmt.Fprintf(&b, "---\n%s: 본문 첫 문장입니다. **핵심 문장은 굵게 씁니다.** 마지막 문장.\n", title)
	return b.String()
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// articleURL is the address of article id's page on s.
func (s *sokbo) articleURL(id string) string { return s.URL + "articles/" + url.PathEscape(id) }

// categoryURL is the address of category name's page on s.
func (s *sokbo) categoryURL(name string) string {
	return s.URL + "category/" + url.PathEscape(name) + "/"
}

// headline is one item of a page's list of headlines.
type headline struct {
	ID, Title, Href string
}

// headlinesJS reads #headlines: where it is, and its items.
const headlinesJS = `(() => {
	const ol = document.getElementById("headlines");
	if (!ol) return null;
	return {
		tag: ol.tagName.toLowerCase(),
		inMain: !!ol.closest("main"),
		items: [...ol.children].map(li => {
			const a = li.querySelector(".story-title a");
			return {id: li.dataset.id || "", title: a ? a.textContent : "", href: a ? a.href : ""};
		}),
	};
})()`

type headlines struct {
	Tag    string
	InMain bool
	Items  []headline
}

// readHeadlines reads the tab's #headlines, which must be an <ol> in <main>.
func readHeadlines(t *testing.T, ctx context.Context) []headline {
	t.Helper()
	h := eval[*headlines](t, ctx, headlinesJS)
	if h == nil {
		t.Fatal("no #headlines on the page")
	}
	if h.Tag != "ol" || !h.InMain {
		t.Fatalf("#headlines is a <%s>, inside <main>: %v; want an <ol> inside <main>", h.Tag, h.InMain)
	}
	return h.Items
}

// checkHeadlines compares the headlines of a page with what s should list,
// newest first: titles and ids of the posted articles, each linking to its
// page.
func checkHeadlines(t *testing.T, s *sokbo, got []headline, want ...headline) {
	t.Helper()
	for i := range want {
		want[i].Href = s.articleURL(want[i].ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("headlines:\n got %+v\nwant %+v", got, want)
	}
}

// waitLive waits until the page's live indicator says its stream is open.
func waitLive(t *testing.T, ctx context.Context) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitFor(wctx, `document.getElementById("live")?.dataset.live === "on"`); err != nil {
		state := eval[string](t, ctx, `String(document.getElementById("live")?.outerHTML)`)
		t.Fatalf("the live indicator did not turn on within 10 s: %v\n%s", err, state)
	}
}

// TestIndexLive opens the index, checks its headlines, and watches a
// new article arrive over the live stream: inserted at the top of the
// list within 2 s, without a reload and without rendering the list again;
// a deleted one leaves it.
func TestIndexLive(t *testing.T) {
	s := startSokbo(t)
	now := time.Now()
	a := headline{Title: "첫 번째 속보: 국회 본회의 개최"}
	a.ID = s.Post(t, articleAt(now.Add(-2*time.Hour), a.Title, "정치", "News"))
	b := headline{Title: "두 번째 속보: 태풍 북상"}
	b.ID = s.Post(t, articleAt(now.Add(-time.Hour), b.Title))
	ctx := newBrowser(t)
	if code := navigate(t, ctx, s.URL); code != http.StatusOK {
		t.Fatalf("GET / in the browser: %d", code)
	}
	checkHeadlines(t, s, readHeadlines(t, ctx), b, a)
	waitLive(t, ctx)
	if got := eval[string](t, ctx, `document.querySelector("#live .live-text").textContent`); got != "실시간" {
		t.Errorf("live indicator's text = %q, want 실시간", got)
	}

	// Mark the page and a headline: a reload or a new list would lose them.
	eval[bool](t, ctx, `(() => {
		window.__noReload = 1;
		window.__marked = document.querySelector("#headlines li");
		window.__marked.dataset.mark = "x";
		return true;
	})()`)
	c := headline{Title: "세 번째 속보: 지진 발생 <긴급>"}
	c.ID = s.Post(t, article(c.Title, "사회"))
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err := waitFor(wctx, `document.querySelector("#headlines li .story-title a")?.textContent === `+jsString(c.Title))
	cancel()
	if err != nil {
		t.Fatalf("the new article is not the first headline 2 s after it was posted: %v\nheadlines: %+v", err, readHeadlines(t, ctx))
	}
	checkHeadlines(t, s, readHeadlines(t, ctx), c, b, a)
	type marks struct {
		NoReload int
		Same     bool // the marked li is still in the list, marked
	}
	m := eval[marks](t, ctx, `({
		noReload: window.__noReload || 0,
		same: !!window.__marked && window.__marked.isConnected && window.__marked.dataset.mark === "x" &&
			document.querySelector('#headlines li[data-mark="x"]') === window.__marked,
	})`)
	if m.NoReload != 1 {
		t.Error("the page was reloaded to show the new article")
	}
	if !m.Same {
		t.Error("the list was rendered again: the marked headline is gone")
	}
	// The inserted headline is built as the server writes one.
	type item struct{ Time, Datetime, Cat, CatHref string }
	got := eval[item](t, ctx, `(() => {
		const li = document.querySelector("#headlines li");
		const tm = li.querySelector("time"), cat = li.querySelector("a.cat");
		return {time: tm?.textContent || "", datetime: tm?.dateTime || "", cat: cat?.textContent || "", catHref: cat?.href || ""};
	})()`)
	if got.Time == "" || got.Datetime == "" || got.Time == got.Datetime {
		t.Errorf("the new headline's time: text %q, datetime %q; want a local time and its timestamp", got.Time, got.Datetime)
	}
	if got.Cat != "사회" || got.CatHref != s.categoryURL("사회") {
		t.Errorf("the new headline's category: %q → %q, want 사회 → %s", got.Cat, got.CatHref, s.categoryURL("사회"))
	}

	screenshot(t, ctx, "index-desktop", 1280)
	screenshot(t, ctx, "index-mobile", 390)

	s.Delete(t, b.ID)
	wctx, cancel = context.WithTimeout(ctx, 2*time.Second)
	err = waitFor(wctx, `!document.querySelector('#headlines li[data-id=`+jsString(b.ID)+`]')`)
	cancel()
	if err != nil {
		t.Fatalf("the deleted article is still listed 2 s after: %v", err)
	}
	checkHeadlines(t, s, readHeadlines(t, ctx), c, a)
}

// TestCategoryPage checks that a category's page lists that category's
// headlines only, live too, and that a category without articles is a
// 404 page.
func TestCategoryPage(t *testing.T) {
	s := startSokbo(t)
	const cat = "경제/산업"
	now := time.Now()
	a := headline{Title: "코스피 2,800 돌파"}
	a.ID = s.Post(t, articleAt(now.Add(-3*time.Hour), a.Title, cat, "News"))
	s.Post(t, article("프로야구 개막전 매진", "스포츠"))
	s.Post(t, article("분류 없는 속보"))
	b := headline{Title: "환율 급등"}
	b.ID = s.Post(t, articleAt(now.Add(-2*time.Hour), b.Title, "News", cat))

	ctx := newBrowser(t)
	if code := navigate(t, ctx, s.categoryURL(cat)); code != http.StatusOK {
		t.Fatalf("GET %s in the browser: %d", s.categoryURL(cat), code)
	}
	checkHeadlines(t, s, readHeadlines(t, ctx), b, a)
	type page struct {
		H1, Current, Category string
	}
	p := eval[page](t, ctx, `({
		h1: document.querySelector("h1")?.textContent || "",
		current: document.querySelector('nav a[aria-current="page"]')?.textContent || "",
		category: document.getElementById("live")?.dataset.category || "",
	})`)
	if !strings.Contains(p.H1, cat) {
		t.Errorf("h1 %q does not name the category %q", p.H1, cat)
	}
	if p.Current != cat {
		t.Errorf("the navigation marks %q as the current page, want %q", p.Current, cat)
	}
	if p.Category != cat {
		t.Errorf("#live's data-category = %q, want %q", p.Category, cat)
	}

	// Live: an article of another category stays off the page.
	waitLive(t, ctx)
	s.Post(t, article("야구 속보", "스포츠"))
	c := headline{Title: "반도체 수출 증가"}
	c.ID = s.Post(t, article(c.Title, cat))
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err := waitFor(wctx, `document.querySelector("#headlines li .story-title a")?.textContent === `+jsString(c.Title))
	cancel()
	if err != nil {
		t.Fatalf("the category's new article did not arrive within 2 s: %v", err)
	}
	checkHeadlines(t, s, readHeadlines(t, ctx), c, b, a)

	// A category that never had an article: 404, as an HTML page.
	missing := s.categoryURL("없는 분류")
	if code := navigate(t, ctx, missing); code != http.StatusNotFound {
		t.Errorf("GET %s in the browser: %d, want 404", missing, code)
	}
	type errPage struct {
		ContentType, H1, Lang string
		Main                  int
	}
	e := eval[errPage](t, ctx, `({
		contentType: document.contentType, h1: document.querySelector("h1")?.textContent || "",
		lang: document.documentElement.lang, main: document.querySelectorAll("main").length,
	})`)
	if e.ContentType != "text/html" || e.H1 != "404" || e.Lang == "" || e.Main != 1 {
		t.Errorf("404 page: %+v; want an HTML page in the site's layout with <h1>404</h1>", e)
	}
	res, body := s.Get(t, "category/"+url.PathEscape("없는 분류")+"/", "text/html")
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "<h1>404</h1>") {
		t.Errorf("GET a missing category: %s, %s\n%.300s", res.Status, res.Header.Get("Content-Type"), body)
	}
}

// TestArticlePage opens the seed article's page and checks its structure:
// one h1, the landmarks, the language, alt on every image, the key points,
// no empty paragraphs, local times.
func TestArticlePage(t *testing.T) {
	s := startSokbo(t)
	id := s.Post(t, seed)
	ctx := newBrowser(t)
	if code := navigate(t, ctx, s.articleURL(id)); code != http.StatusOK {
		t.Fatalf("GET %s in the browser: %d", s.articleURL(id), code)
	}
	type timeEl struct{ Datetime, Text string }
	type page struct {
		H1s              []string
		Lang             string
		Main, Header     int
		Footer, Article  int
		NoAlt, EmptyP    []string
		Points           bool
		PointsHeading    string
		PointsItems      int
		Times            []timeEl
		BodyImages       int
		Canonical, Title string
	}
	p := eval[page](t, ctx, `(() => {
		const all = s => [...document.querySelectorAll(s)];
		const points = document.querySelector("main .points");
		return {
			h1s: all("h1").map(h => h.textContent),
			lang: document.documentElement.lang,
			main: all("main").length, header: all("header").length,
			footer: all("footer").length, article: all("main article").length,
			noAlt: all("img:not([alt])").map(i => i.outerHTML),
			emptyP: all("p").filter(p => p.textContent.replace(/[\s\u00a0]/g, "") === "" && !p.querySelector("img, video, picture, iframe, svg"))
				.map(p => p.outerHTML),
			points: !!points,
			pointsHeading: points?.querySelector("h2")?.textContent || "",
			pointsItems: points ? points.querySelectorAll("li").length : 0,
			times: all("main time").map(t => ({datetime: t.getAttribute("datetime") || "", text: t.textContent})),
			bodyImages: all("main .body img").length,
			canonical: document.querySelector('link[rel="canonical"]')?.href || "",
			title: document.title,
		};
	})()`)
	if len(p.H1s) != 1 || p.H1s[0] != seedTitle {
		t.Errorf("h1s = %q, want exactly one, %q", p.H1s, seedTitle)
	}
	if p.Lang != "ko" {
		t.Errorf(`<html lang=%q>, want "ko"`, p.Lang)
	}
	if p.Main != 1 || p.Header < 1 || p.Footer < 1 || p.Article != 1 {
		t.Errorf("landmarks: %d main, %d header, %d footer, %d article in main; want 1 main holding the article, a header, a footer",
			p.Main, p.Header, p.Footer, p.Article)
	}
	if len(p.NoAlt) > 0 {
		t.Errorf("images without alt:\n%s", strings.Join(p.NoAlt, "\n"))
	}
	if p.BodyImages == 0 {
		t.Error("the body's image is gone")
	}
	if len(p.EmptyP) > 0 {
		t.Errorf("%d empty paragraphs:\n%s", len(p.EmptyP), strings.Join(p.EmptyP, "\n"))
	}
	if !p.Points || p.PointsHeading != "핵심" || p.PointsItems == 0 {
		t.Errorf("key points: box %v, heading %q, %d highlights; want the 핵심 box with highlights", p.Points, p.PointsHeading, p.PointsItems)
	}
	if p.Canonical != s.articleURL(id) {
		t.Errorf("canonical %q, want %q", p.Canonical, s.articleURL(id))
	}
	if !strings.Contains(p.Title, seedTitle) {
		t.Errorf("title %q does not hold the article's title", p.Title)
	}
	if len(p.Times) == 0 {
		t.Error("no <time> in main")
	}
	for _, tm := range p.Times {
		when, err := time.Parse(time.RFC3339, tm.Datetime)
		switch {
		case err != nil:
			t.Errorf("<time datetime=%q>: not RFC 3339: %v", tm.Datetime, err)
		case tm.Text == "" || tm.Text == tm.Datetime || strings.Contains(tm.Text, "T"):
			t.Errorf("<time datetime=%q>%s</time>: want a local time written for people", tm.Datetime, tm.Text)
		case !strings.HasSuffix(tm.Datetime, "+09:00"):
			t.Errorf("<time datetime=%q>: want the site's time zone, Asia/Seoul (+09:00)", tm.Datetime)
		case !strings.Contains(tm.Text, fmt.Sprint(when.Year())) || !strings.Contains(tm.Text, fmt.Sprintf("%d일", when.Day())):
			t.Errorf("<time datetime=%q>%s</time>: the text does not show that day", tm.Datetime, tm.Text)
		}
	}

	screenshot(t, ctx, "article-desktop", 1280)
	screenshot(t, ctx, "article-mobile", 390)
}

// hasToken reports whether a header's comma-separated values name tok.
func hasToken(h http.Header, key, tok string) bool {
	for _, v := range h.Values(key) {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), tok) {
				return true
			}
		}
	}
	return false
}

// TestFeedReadableView opens the feeds in the browser, which prefers HTML,
// and gets a readable page; feed readers get the XML.
func TestFeedReadableView(t *testing.T) {
	s := startSokbo(t)
	titles := []string{"첫 기사: 금리 동결", "둘째 기사: 폭염 특보"}
	for i, title := range titles {
		s.Post(t, articleAt(time.Now().Add(time.Duration(i-2)*time.Hour), title, "News"))
	}
	ctx := newBrowser(t)
	for _, f := range []struct{ path, mediaType string }{
		{"feed.rss", "application/rss+xml"},
		{"feed.atom", "application/atom+xml"},
	} {
		t.Run(f.path, func(t *testing.T) {
			if code := navigate(t, ctx, s.URL+f.path); code != http.StatusOK {
				t.Fatalf("GET /%s in the browser: %d", f.path, code)
			}
			type view struct {
				ContentType, Explain, Address, Lang string
				H1s                                 int
				Titles, Excerpts                    []string
			}
			v := eval[view](t, ctx, `({
				contentType: document.contentType,
				explain: document.querySelector("main .sub p")?.textContent || "",
				address: document.getElementById("feed-url")?.value || "",
				lang: document.documentElement.lang,
				h1s: document.querySelectorAll("h1").length,
				titles: [...document.querySelectorAll("main ol li .story-title a")].map(a => a.textContent),
				excerpts: [...document.querySelectorAll("main ol li")].map(li => li.querySelector(".excerpt")?.textContent || ""),
			})`)
			if v.ContentType != "text/html" {
				t.Fatalf("the browser got %s, want text/html", v.ContentType)
			}
			if !strings.Contains(v.Explain, "피드 리더") {
				t.Errorf("explanation %q does not say how to subscribe (a feed reader)", v.Explain)
			}
			if v.Address != s.URL+f.path {
				t.Errorf("the feed's address in the page is %q, want %q", v.Address, s.URL+f.path)
			}
			if v.H1s != 1 || v.Lang == "" {
				t.Errorf("%d h1, lang %q", v.H1s, v.Lang)
			}
			if want := []string{titles[1], titles[0]}; !slices.Equal(v.Titles, want) {
				t.Errorf("items %q, want %q", v.Titles, want)
			}
			// As on the headline pages: the excerpt, else the lead.
			for i, e := range v.Excerpts {
				if !strings.Contains(e, "본문 첫 문장입니다.") {
					t.Errorf("item %d's excerpt is %q, want the article's lead (an article without a front-matter excerpt)", i, e)
				}
			}
			if f.path == "feed.rss" {
				screenshot(t, ctx, "feed-view-desktop", 1280)
			}

			for _, accept := range []string{f.mediaType, "", "application/xml, text/xml;q=0.9", "*/*"} {
				res, body := s.Get(t, f.path, accept)
				if res.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "<?xml") {
					t.Errorf("Accept %q: %s, body starts %.40q; want the XML feed", accept, res.Status, body)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, f.mediaType) {
					t.Errorf("Accept %q: Content-Type %q, want %s", accept, ct, f.mediaType)
				}
				if !hasToken(res.Header, "Vary", "Accept") {
					t.Errorf("Accept %q: Vary %q does not name Accept", accept, res.Header.Values("Vary"))
				}
			}
			// What a browser sends for a navigation.
			const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"
			res, body := s.Get(t, f.path, browserAccept)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !hasToken(res.Header, "Vary", "Accept") ||
				!strings.Contains(string(body), titles[0]) {
				t.Errorf("a browser's Accept: %s, Content-Type %q, Vary %q", res.Status, res.Header.Get("Content-Type"), res.Header.Values("Vary"))
			}
		})
	}
}
