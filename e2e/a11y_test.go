package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// minContrast is WCAG 2's level AA for text (1.4.3), applied to all text,
// large or not.
const minContrast = 4.5

// auditJS checks the page's structure and the contrast of every text
// against what is behind it. The background of a text is the first
// opaque background-color among its element and their ancestors, with the
// translucent ones in between laid over it (the canvas when there is none:
// white, or Chromium's dark canvas in a dark color scheme); a translucent
// text color is laid over that too. Contrast is WCAG 2's, from relative
// luminance.
const auditJS = `(() => {
	const all = s => [...document.querySelectorAll(s)];
	const short = e => {
		let s = e.tagName.toLowerCase();
		if (e.id) s += "#" + e.id;
		if (e.classList.length) s += "." + [...e.classList].join(".");
		return s;
	};
	const parse = c => {
		let m = c.match(/^rgba?\(([^)]*)\)$/);
		if (m) {
			const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
			return p.length >= 3 && p.every(n => !isNaN(n)) ? [p[0], p[1], p[2], p.length > 3 ? p[3] : 1] : null;
		}
		m = c.match(/^color\(srgb ([^)]*)\)$/);
		if (m) {
			const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
			return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
		}
		return null;
	};
	const over = (top, bottom) => {
		const a = top[3];
		return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1);
	};
	const lum = c => {
		const [r, g, b] = c.slice(0, 3).map(v => {
			v /= 255;
			return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
		});
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	const dark = matchMedia("(prefers-color-scheme: dark)").matches &&
		/dark/.test(getComputedStyle(document.documentElement).colorScheme);
	const canvas = dark ? [18, 18, 18, 1] : [255, 255, 255, 1];
	const unparsed = [];
	const background = el => {
		const layers = [];
		for (let e = el; e; e = e.parentElement) {
			const raw = getComputedStyle(e).backgroundColor;
			const c = parse(raw);
			if (!c) { unparsed.push(short(e) + " background " + raw); continue; }
			if (c[3] > 0) layers.push(c);
			if (c[3] >= 1) break;
		}
		let bg = canvas;
		for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
		return bg;
	};
	const hex = c => "#" + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, "0")).join("");
	const low = [];
	let checked = 0, worst = "";
	let worstRatio = Infinity;
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	const seen = new Set();
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		const el = n.parentElement;
		if (!el || seen.has(el) || !n.data.trim()) continue;
		seen.add(el);
		if (el.closest("script, style, noscript, template")) continue;
		const cs = getComputedStyle(el);
		if (cs.visibility !== "visible" || !el.getClientRects().length) continue;
		const fgRaw = parse(cs.color);
		if (!fgRaw) { unparsed.push(short(el) + " color " + cs.color); continue; }
		const bg = background(el);
		const fg = over(fgRaw, bg);
		const l1 = lum(fg), l2 = lum(bg);
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		checked++;
		if (ratio < worstRatio) {
			worstRatio = ratio;
			worst = short(el) + " " + hex(fg) + " on " + hex(bg) + " = " + ratio.toFixed(2) + ":1";
		}
		if (ratio < ` + "%v" + `) {
			low.push(short(el) + " " + JSON.stringify(n.data.trim().slice(0, 30)) + ": " + hex(fg) + " on " + hex(bg) + " = " + ratio.toFixed(2) + ":1");
		}
	}
	return {
		h1: all("h1").length,
		lang: document.documentElement.lang,
		main: all("main").length,
		header: all("header").length,
		footer: all("footer").length,
		nav: all("nav").length,
		unlabelledNav: all("nav").filter(n => all("nav").length > 1 && !n.getAttribute("aria-label")).length,
		noAlt: all("img:not([alt])").map(i => i.outerHTML.slice(0, 120)),
		low: low,
		checked: checked,
		worst: worst,
		unparsed: unparsed,
	};
})()`

type audit struct {
	H1, Main, Header, Footer, Nav, UnlabelledNav int
	Checked                                      int // elements whose text was measured
	Lang, Worst                                  string
	NoAlt, Low, Unparsed                         []string
}

// focusJS reports how the focused element shows its focus.
const focusJS = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return {element: "", visible: false, outline: "", shadow: ""};
	const cs = getComputedStyle(e);
	return {
		element: e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " " + JSON.stringify((e.textContent || e.value || "").trim().slice(0, 30)),
		visible: e.matches(":focus-visible"),
		outline: cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor,
		shadow: cs.boxShadow,
	};
})()`

type focus struct {
	Element, Outline, Shadow string
	Visible                  bool
}

// shown reports whether the focus is drawn: an outline or a box shadow.
func (f focus) shown() bool {
	return !strings.HasPrefix(f.Outline, "none") && !strings.HasPrefix(f.Outline, "hidden") &&
		!strings.Contains(f.Outline, " 0px ") || f.Shadow != "none" && f.Shadow != ""
}

// TestAccessibility checks the index, a category page, the seed article
// and a feed's view, in the light and the dark color scheme: one h1, the
// landmarks, a language, alt on every image, text contrast of at least
// 4.5:1; and that keyboard focus is visible.
func TestAccessibility(t *testing.T) {
	s := startSokbo(t)
	seedID := s.Post(t, seed)
	s.Post(t, article("경제 속보: 금리 인하", "경제/산업", "News"))
	s.Post(t, article("분류 없는 짧은 소식"))
	ctx := newBrowser(t)
	pages := []struct {
		name, url string
		nav       bool // the page has the categories' navigation
	}{
		{"index", s.URL, true},
		{"category", s.categoryURL("News"), true},
		{"article", s.articleURL(seedID), false},
		{"feed view", s.URL + "feed.rss", false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			if code := navigate(t, ctx, p.url); code != 200 {
				t.Fatalf("GET %s: %d", p.url, code)
			}
			for _, scheme := range []string{"light", "dark"} {
				colorScheme(t, ctx, scheme)
				a := eval[audit](t, ctx, fmt.Sprintf(auditJS, minContrast))
				if scheme == "light" {
					if a.H1 != 1 {
						t.Errorf("%d h1 elements, want 1", a.H1)
					}
					if a.Lang == "" {
						t.Error("<html> has no lang")
					}
					if a.Main != 1 || a.Header < 1 || a.Footer < 1 {
						t.Errorf("landmarks: %d main, %d header, %d footer; want 1 main, a header and a footer", a.Main, a.Header, a.Footer)
					}
					if p.nav && a.Nav < 1 {
						t.Error("no nav")
					}
					if a.UnlabelledNav > 0 {
						t.Errorf("%d of %d nav elements have no aria-label", a.UnlabelledNav, a.Nav)
					}
					if len(a.NoAlt) > 0 {
						t.Errorf("images without alt:\n%s", strings.Join(a.NoAlt, "\n"))
					}
				}
				t.Logf("%s: %d texts measured, the lowest contrast: %s", scheme, a.Checked, a.Worst)
				if a.Checked < 10 {
					t.Errorf("%s: the contrast of only %d texts was measured", scheme, a.Checked)
				}
				if len(a.Unparsed) > 0 {
					t.Errorf("%s: colours the audit cannot read:\n%s", scheme, strings.Join(a.Unparsed, "\n"))
				}
				if len(a.Low) > 0 {
					t.Errorf("%s: %d texts under %v:1 contrast:\n%s", scheme, len(a.Low), minContrast, strings.Join(a.Low, "\n"))
				}
			}
			colorScheme(t, ctx, "light")

			// The audit finds what it is for: grey on white, on a
			// translucent dark blue laid over white.
			a := eval[audit](t, ctx, `(() => {
				const d = document.createElement("div");
				d.id = "probe";
				d.style.cssText = "background:#fff;color:#000";
				d.innerHTML = '<p style="color:#999">low</p><p style="background:rgba(0,0,128,.8);color:#000">blue</p><p>fine</p>';
				document.querySelector("main").append(d);
				return true;
			})() && `+fmt.Sprintf(auditJS, minContrast))
			eval[bool](t, ctx, `document.getElementById("probe").remove() || true`)
			var probed []string
			for _, l := range a.Low {
				if strings.Contains(l, `"low"`) || strings.Contains(l, `"blue"`) || strings.Contains(l, `"fine"`) {
					probed = append(probed, l)
				}
			}
			if len(probed) != 2 || !strings.Contains(probed[0], "#999999 on #ffffff = 2.85:1") || !strings.Contains(probed[1], "#000000 on #333399") {
				t.Errorf("the audit of a probe found %q; want grey on white and black on #333399", probed)
			}

			// The keyboard: the first Tab reaches the first link (the
			// skip link), with its focus drawn; so is that of a link in
			// the page's main content.
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			f := eval[focus](t, ctx, focusJS)
			if f.Element == "" {
				t.Fatal("Tab focused nothing")
			}
			t.Logf("Tab: %+v", f)
			if !f.Visible || !f.shown() {
				t.Errorf("after Tab, %s has focus: :focus-visible %v, outline %q, box-shadow %q; want a visible focus", f.Element, f.Visible, f.Outline, f.Shadow)
			}
			f = eval[focus](t, ctx, `(document.querySelector("main a, main input") || document.querySelector("a")).focus(), `+focusJS)
			t.Logf("focus(): %+v", f)
			if !f.Visible || !f.shown() {
				t.Errorf("focused %s: :focus-visible %v, outline %q, box-shadow %q; want a visible focus", f.Element, f.Visible, f.Outline, f.Shadow)
			}
		})
	}
}
