package e2e

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// hostPage is another site's page that embeds the widget as docs/embed.md
// tells, with CSS that would wreck the widget if it leaked in: every
// element red, serif and huge, lists with squares, links struck through.
// #control is the site's own list, which its CSS must still reach.
func hostPage(s *sokbo, attrs string) string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title>
<style>
* { color: rgb(255, 0, 0) !important; font-family: serif !important; letter-spacing: 3px }
div { font-size: 40px; line-height: 3 }
li { list-style: square; margin: 30px; background: rgb(0, 0, 255) }
a { text-decoration: line-through }
ol, li, a, time, span, p { display: block; border: 5px dashed rgb(0, 255, 0) }
</style></head>
<body><main><h1>Another site</h1>
<ol id="control"><li><a href="#">the site's own list</a></li></ol>
<div id="w" data-sokbo-headlines ` + attrs + `></div>
</main>
<script src="` + s.URL + `embed.js" async></script>
</body></html>`
}

// widgetItem is a headline as the widget shows it.
type widgetItem struct {
	ID, Title, Href, Time, DateTime string
	Categories                      []string
}

// widgetJS reads the widget of #w: its state and its headlines, from its
// shadow root.
const widgetJS = `(() => {
	const host = document.getElementById("w");
	const root = host && host.shadowRoot;
	const ol = root && root.querySelector("ol");
	return {
		state: host ? host.dataset.state || "" : "",
		live: host ? host.dataset.live || "" : "",
		items: ol ? [...ol.children].map(li => {
			const a = li.querySelector("a");
			const t = li.querySelector("time");
			return {id: li.dataset.id, title: a.textContent, href: a.href, time: t.textContent, datetime: t.dateTime,
				categories: [...li.querySelectorAll(".c")].map(c => c.textContent)};
		}) : [],
	};
})()`

type widgetState struct {
	State, Live string
	Items       []widgetItem
}

// TestWidget embeds the widget in a page of a second origin with hostile
// CSS: the headlines of its category are there, linked, with relative
// times and categories, untouched by the site's CSS; a headline posted
// while the page is open appears within 2 s as one new <li>, without a
// reload; one of another category does not; a deleted one leaves.
func TestWidget(t *testing.T) {
	s := startSokbo(t)
	now := time.Now().Add(-time.Hour)
	long := "속보: 대통령실, 미국 측과 긴밀한 협력 계획을 밝혀 — 한미 동맹의 지지는 초당적이며 양국 간 협력은 지속적으로 유지될 것이라는 입장, 오늘 오후 브리핑에서 재확인"
	first := s.Post(t, articleAt(now, "부산 앞바다 여객선 승객 42명 전원 구조", "Breaking News", "사회"))
	second := s.Post(t, articleAt(now.Add(time.Minute), long, "Breaking News"))
	s.Post(t, articleAt(now.Add(2*time.Minute), "국회 본회의 예산안 처리", "정치"))

	// The category spelled otherwise, as the server matches it: case and
	// spaces do not matter, to the list nor to the live inserts.
	origin := serveOrigin(t, hostPage(s, `data-category="breaking  news " data-limit="3"`))
	if strings.HasPrefix(origin, strings.TrimSuffix(s.URL, "/")) {
		t.Fatalf("the host page %s is on sokbo's origin %s", origin, s.URL)
	}
	ctx := newBrowser(t)
	navigate(t, ctx, origin)
	waitWidget(t, ctx, `w.state === "ready" && w.live === "on"`)

	w := eval[widgetState](t, ctx, widgetJS)
	if len(w.Items) != 2 {
		t.Fatalf("the widget shows %d headlines, want the category's 2: %+v", len(w.Items), w.Items)
	}
	for i, want := range []struct {
		id, title string
		cats      []string
	}{{second, long, []string{"Breaking News"}}, {first, "부산 앞바다 여객선 승객 42명 전원 구조", []string{"Breaking News", "사회"}}} {
		it := w.Items[i]
		if it.ID != want.id || it.Title != want.title || it.Href != s.articleURL(want.id) || strings.Join(it.Categories, ",") != strings.Join(want.cats, ",") {
			t.Errorf("headline %d: %+v, want id %q, title %q, categories %q", i, it, want.id, want.title, want.cats)
		}
	}
	// Relative, in the reader's locale (the browser's, ko-KR here): the
	// first an hour old, the second 59 minutes.
	rel := eval[[]string](t, ctx, `(() => { const f = new Intl.RelativeTimeFormat(undefined, {numeric: "auto"});
		return [f.format(-59, "minute"), f.format(-1, "hour")]; })()`)
	for i, it := range w.Items {
		if it.Time != rel[i] || it.DateTime == "" {
			t.Errorf("headline %d's time: %q (datetime %q), want %q", i, it.Time, it.DateTime, rel[i])
		}
	}

	// The site's CSS reaches its own list but not the widget.
	type look struct{ Color, Font, Size, ListStyle, Decoration, Border, Spacing string }
	styleOf := `(el) => { const s = getComputedStyle(el); return {color: s.color, font: s.fontFamily, size: s.fontSize,
		liststyle: s.listStyleType, decoration: s.textDecorationLine, border: s.borderTopStyle, spacing: s.letterSpacing}; }`
	control := eval[look](t, ctx, `(`+styleOf+`)(document.querySelector("#control a"))`)
	if control.Color != "rgb(255, 0, 0)" || control.Decoration != "line-through" {
		t.Fatalf("the host page's CSS does not apply to its own list (%+v): the test proves nothing", control)
	}
	in := eval[look](t, ctx, `(`+styleOf+`)(document.getElementById("w").shadowRoot.querySelector("li a"))`)
	li := eval[look](t, ctx, `(`+styleOf+`)(document.getElementById("w").shadowRoot.querySelector("li"))`)
	if in.Color == control.Color || strings.Contains(in.Font, "serif") && !strings.Contains(in.Font, "sans") ||
		in.Size != "15px" || in.Decoration == "line-through" || in.Border == "dashed" || in.Spacing == "3px" || li.ListStyle == "square" {
		t.Errorf("the host page's CSS leaked into the widget: headline %+v, item %+v", in, li)
	}
	lines := eval[float64](t, ctx, `(() => { const a = document.getElementById("w").shadowRoot.querySelector("li a");
		return a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight); })()`)
	if lines > 3.01 {
		t.Errorf("the long title takes %.1f lines, want at most 3", lines)
	}
	screenshot(t, ctx, "widget-desktop", 1280)
	screenshot(t, ctx, "widget-mobile", 390)

	// Live: mark the page and a headline; a new headline must come as one
	// inserted <li> at the top, the others the same nodes, no reload.
	eval[bool](t, ctx, `(() => { window.__noReload = 1; document.getElementById("w").shadowRoot.querySelector("li").dataset.mark = "kept"; return true; })()`)
	posted := time.Now()
	third := s.Post(t, article("속보: 서울 지하철 2호선 운행 재개", "Breaking News"))
	waitWithin(t, ctx, 2*time.Second, fmt.Sprintf(`w.items.length && w.items[0].id === %s`, jsString(third)))
	t.Logf("posted → shown in the widget: %v", time.Since(posted).Round(time.Millisecond))
	after := eval[bool](t, ctx, `(() => { const lis = document.getElementById("w").shadowRoot.querySelectorAll("li");
		return window.__noReload === 1 && lis.length === 3 && lis[1].dataset.mark === "kept"; })()`)
	if !after {
		t.Errorf("the new headline was not one <li> inserted above the same nodes without a reload: %+v", eval[widgetState](t, ctx, widgetJS))
	}

	// Another category's headline does not come; the limit holds, so the
	// oldest leaves when a fourth arrives.
	s.Post(t, article("정치 속보: 국회 본회의 개의", "정치"))
	fourth := s.Post(t, article("속보: 인천공항 운항 정상화", "breaking news"))
	waitWithin(t, ctx, 2*time.Second, fmt.Sprintf(`w.items.length && w.items[0].id === %s`, jsString(fourth)))
	w = eval[widgetState](t, ctx, widgetJS)
	var ids []string
	for _, it := range w.Items {
		ids = append(ids, it.ID)
	}
	if strings.Join(ids, " ") != strings.Join([]string{fourth, third, second}, " ") {
		t.Errorf("after a post of another category and a fourth: %q, want %q", ids, []string{fourth, third, second})
	}

	// A deleted headline leaves, and the list is topped up to its limit
	// with the next older one, below the others.
	s.Delete(t, third)
	want := []string{fourth, second, first}
	waitWithin(t, ctx, 2*time.Second, fmt.Sprintf(`w.items.map(i => i.id).join(" ") === %s`, jsString(strings.Join(want, " "))))
	if !eval[bool](t, ctx, `window.__noReload === 1`) {
		t.Error("the page reloaded")
	}
}

// TestWidgetsShareStream puts two widgets of one category and one of the
// whole site on a page: each shows its own headlines and follows its
// stream, and the two of one category share one connection to sokbo (a
// browser opens only six to a host).
func TestWidgetsShareStream(t *testing.T) {
	s := startSokbo(t)
	s.Post(t, articleAt(time.Now().Add(-time.Hour), "경제 기사", "경제"))
	s.Post(t, articleAt(time.Now().Add(-time.Minute), "사회 기사", "사회"))
	origin := serveOrigin(t, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>three widgets</title></head><body>
<script>window.__streams = []; const ES = EventSource; window.EventSource = function (url) { __streams.push(url); return new ES(url); };</script>
<div id="a" data-sokbo-headlines data-category="경제"></div>
<div id="b" data-sokbo-headlines data-category="경제" data-limit="1"></div>
<div id="c" data-sokbo-headlines></div>
<script src="`+s.URL+`embed.js" async></script></body></html>`)
	ctx := newBrowser(t)
	navigate(t, ctx, origin)
	titles := `(id) => [...(document.getElementById(id).shadowRoot?.querySelectorAll("li a.h") || [])].map(a => a.textContent).join("|")`
	ready := `["a", "b", "c"].every(id => document.getElementById(id).dataset.live === "on" && document.getElementById(id).dataset.state === "ready")`
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitFor(wctx, ready); err != nil {
		t.Fatalf("the widgets did not all go live: %v", err)
	}
	got := eval[[]string](t, ctx, `["a", "b", "c"].map(`+titles+`)`)
	if got[0] != "경제 기사" || got[1] != "경제 기사" || got[2] != "사회 기사|경제 기사" {
		t.Fatalf("headlines %q", got)
	}
	s.Post(t, article("경제 속보", "경제"))
	wctx2, cancel2 := context.WithTimeout(ctx, 2*time.Second)
	defer cancel2()
	if err := waitFor(wctx2, `["a", "b", "c"].map(`+titles+`).join("/") === "경제 속보|경제 기사/경제 속보/경제 속보|사회 기사|경제 기사"`); err != nil {
		t.Fatalf("after a post: %q: %v", eval[[]string](t, ctx, `["a", "b", "c"].map(`+titles+`)`), err)
	}
	streams := eval[[]string](t, ctx, `window.__streams`)
	if len(streams) != 2 {
		t.Errorf("streams opened: %q, want one for the category and one for the site", streams)
	}
}

// TestWidgetStreamRefused runs sokbo with room for one stream: a widget
// added to the page later (by a script, as a site that renders on the
// client does) is mounted, shows its headlines without the stream it was
// refused, and once the first widget is removed (which closes its
// stream) gets its stream on a later try and the headline posted
// meanwhile, without a reload.
func TestWidgetStreamRefused(t *testing.T) {
	s := startSokboConfig(t, "live:\n  max_streams: 1\n")
	s.Post(t, articleAt(time.Now().Add(-time.Hour), "경제 기사", "경제"))
	s.Post(t, articleAt(time.Now().Add(-time.Hour), "사회 기사", "사회"))
	origin := serveOrigin(t, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>later</title></head><body>
<div id="a" data-sokbo-headlines data-category="경제"></div>
<script src="`+s.URL+`embed.js" async></script></body></html>`)
	ctx := newBrowser(t)
	allowPageErrors(ctx, "503") // the refused stream
	navigate(t, ctx, origin)
	wait := func(d time.Duration, js string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		if err := waitFor(wctx, js); err != nil {
			t.Fatalf("%s: %v\n%s", js, err, eval[string](t, ctx, `[...document.querySelectorAll("[data-sokbo-headlines]")].map(h => h.id + " " + h.dataset.state + " " + h.dataset.live + ": " + (h.shadowRoot ? h.shadowRoot.textContent : "")).join("\n")`))
		}
	}
	wait(10*time.Second, `document.getElementById("a").dataset.live === "on"`)
	eval[bool](t, ctx, `(() => { const b = document.createElement("div"); b.id = "b"; b.dataset.sokboHeadlines = ""; b.dataset.category = "사회"; document.body.append(b); return true; })()`)
	titles := `[...(document.getElementById("b").shadowRoot?.querySelectorAll("a.h") || [])].map(a => a.textContent).join("|")`
	wait(10*time.Second, `document.getElementById("b").dataset.state === "ready" && document.getElementById("b").dataset.live === "off" && `+titles+` === "사회 기사"`)

	s.Post(t, article("사회 속보", "사회"))
	eval[bool](t, ctx, `(document.getElementById("a").remove(), true)`)
	// The refused stream is tried again 5 s after it was refused.
	wait(15*time.Second, `document.getElementById("b").dataset.live === "on" && `+titles+` === "사회 속보|사회 기사"`)
}

// TestWidgetDark checks the widget's theme: dark when the reader prefers
// it, light when the host says data-theme="light", and its text readable
// (4.5:1) on its own background either way.
func TestWidgetDark(t *testing.T) {
	s := startSokbo(t)
	s.Post(t, article("다크 모드 확인용 기사", "Breaking"))
	for _, c := range []struct {
		attrs  string
		dark   bool // the reader's preference
		wantBg string
	}{
		{`data-limit="2"`, true, "dark"},
		{`data-limit="2"`, false, "light"},
		{`data-limit="2" data-theme="light"`, true, "light"},
		{`data-limit="2" data-theme="dark"`, false, "dark"},
	} {
		t.Run(fmt.Sprintf("%s/dark=%v", c.attrs, c.dark), func(t *testing.T) {
			origin := serveOrigin(t, hostPage(s, c.attrs))
			ctx := newBrowser(t)
			scheme := "light"
			if c.dark {
				scheme = "dark"
			}
			colorScheme(t, ctx, scheme)
			navigate(t, ctx, origin)
			waitWidget(t, ctx, `w.state === "ready" && w.items.length === 1`)
			colors := eval[[]string](t, ctx, `(() => { const r = document.getElementById("w").shadowRoot;
				const bg = getComputedStyle(r.querySelector(".w")).backgroundColor;
				return [bg, getComputedStyle(r.querySelector("li a")).color, getComputedStyle(r.querySelector("time")).color]; })()`)
			bg := luminance(t, colors[0])
			if (bg < 0.5) != (c.wantBg == "dark") {
				t.Errorf("background %s, want %s", colors[0], c.wantBg)
			}
			for _, fg := range colors[1:] {
				l := luminance(t, fg)
				ratio := (math.Max(l, bg) + 0.05) / (math.Min(l, bg) + 0.05)
				if ratio < 4.5 {
					t.Errorf("text %s on %s: contrast %.2f, want ≥ 4.5", fg, colors[0], ratio)
				}
			}
		})
	}
}

// TestEmbedFrame opens GET /embed in a frame of another site's page: the
// headlines are there (rendered by the server, then taken over by the
// widget's script, which keeps them live) and the page may be framed.
func TestEmbedFrame(t *testing.T) {
	s := startSokbo(t)
	s.Post(t, article("아이프레임 속 첫 기사", "Breaking"))
	origin := serveOrigin(t, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>frame host</title></head>
<body><iframe id="f" title="headlines" src="`+s.URL+`embed?category=Breaking&amp;limit=3" style="border:0;width:100%;height:300px"></iframe></body></html>`)
	ctx := newBrowser(t)
	navigate(t, ctx, origin)
	// The frame loaded the page (a frame-ancestors refusal leaves it an
	// error page).
	frameURL := s.URL + "embed?category=Breaking&limit=3"
	var tree *page.FrameTree
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		tree = res.FrameTree
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if len(tree.ChildFrames) != 1 || tree.ChildFrames[0].Frame.URL != frameURL || tree.ChildFrames[0].Frame.UnreachableURL != "" {
		for _, c := range tree.ChildFrames {
			t.Logf("frame: %s (unreachable %q)", c.Frame.URL, c.Frame.UnreachableURL)
		}
		t.Fatalf("the iframe did not load %s", frameURL)
	}
	// Its content is out of the host's reach, as it should be: open the
	// same page in the tab to read it.
	if code := navigate(t, ctx, frameURL); code != 200 {
		t.Fatalf("GET %s: %d", frameURL, code)
	}
	waitWidget(t, ctx, `w.state === "ready" && w.live === "on" && w.items.length === 1`)
	id := s.Post(t, article("아이프레임 속 새 기사", "Breaking"))
	waitWithin(t, ctx, 2*time.Second, fmt.Sprintf(`w.items[0].id === %s`, jsString(id)))
	target := eval[string](t, ctx, `document.querySelector("[data-sokbo-headlines]").shadowRoot.querySelector("li a").target`)
	if target != "_blank" {
		t.Errorf("a headline in the frame opens in %q, want _blank", target)
	}
}

// waitWidget waits until cond, a JavaScript expression over w (widgetJS's
// state of the first widget on the page), holds.
func waitWidget(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	waitWithin(t, ctx, 10*time.Second, cond)
}

// waitWithin is waitWidget with its own deadline d.
func waitWithin(t *testing.T, ctx context.Context, d time.Duration, cond string) {
	t.Helper()
	js := strings.Replace(widgetJS, `document.getElementById("w")`, `document.querySelector("[data-sokbo-headlines]")`, 1)
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := waitFor(wctx, `(() => { const w = `+js+`; return `+cond+`; })()`); err != nil {
		t.Fatalf("the widget did not get to %s within %v: %v\n%+v", cond, d, err, eval[widgetState](t, ctx, js))
	}
}

// luminance is the WCAG relative luminance of a computed "rgb(r, g, b)".
func luminance(t *testing.T, css string) float64 {
	t.Helper()
	var r, g, b float64
	if _, err := fmt.Sscanf(strings.Replace(css, "rgba", "rgb", 1), "rgb(%f, %f, %f", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", css, err)
	}
	lin := func(c float64) float64 {
		c /= 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
