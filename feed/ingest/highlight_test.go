package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"sokbo/feed"
	"sokbo/feed/ingest"

	"github.com/google/go-cmp/cmp"
)

func TestParseMarkdown(t *testing.T) {
	t.Parallel()
	doc := `---
title: Ferry rescue
date: 2026-11-24 09:30:00 +0900
categories: [Local]
---
# Coast guard

Rescuers worked *through the night* and **all morning**. The coast guard said <mark>twelve people were rescued</mark> on Tuesday. It was cold.

- First item. <span style="COLOR:Red">This item is red</span>
- Second item with <span style="color: inherit">an inherited colour</span>.

| a | b |
|---|---|
| ~~old~~ | <span style="background-color: yellow">cell</span> text. More. |
`
	a := parse(t, doc)
	for _, want := range []string{
		"<h1>Coast guard</h1>",
		"<em>through the night</em>",
		"<strong>all morning</strong>",
		"<mark>twelve people were rescued</mark>",
		"<li>First item. <span style=\"COLOR: Red\">This item is red</span></li>",
		"<table>",
		"<del>old</del>",
	} {
		if !strings.Contains(a.ContentHTML, want) {
			t.Errorf("ContentHTML lacks %q:\n%s", want, a.ContentHTML)
		}
	}
	want := []string{
		"The coast guard said twelve people were rescued on Tuesday.",
		"This item is red",
		"cell text.",
	}
	if diff := cmp.Diff(want, a.Highlights); diff != "" {
		t.Errorf("Highlights (-want +got):\n%s", diff)
	}
	if got, want := a.Lead, "Rescuers worked through the night and all morning. The coast guard said twelve people were rescued on Tuesday. It was cold."; got != want {
		t.Errorf("Lead = %q, want %q", got, want)
	}
}

func TestHighlights(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "highlight ends before the period",
			body: `<p>대통령실은 <b><span style="color: #ee2323;">협력은 유지될 것</span></b>이라는 입장을 밝혔습니다. 다음 문장입니다.</p>`,
			want: []string{"대통령실은 협력은 유지될 것이라는 입장을 밝혔습니다."},
		},
		{
			name: "several highlights in one sentence appear once",
			body: `<p>One. <mark>Two</mark> and <mark>three</mark> and <span style="color:blue">four</span>. Five.</p>`,
			want: []string{"Two and three and four."},
		},
		{
			name: "a sentence highlighted twice in the article appears once",
			body: "<p>Same <mark>thing</mark>.</p>\n\n<p><mark>Same</mark> thing. Other <mark>one</mark>.</p>",
			want: []string{"Same thing.", "Other one."},
		},
		{
			name: "a sentence split over sibling spans",
			body: `<p>First. <span style="color:red">Half of</span> <span style="color:red">a sentence</span> here. Last.</p>`,
			want: []string{"Half of a sentence here."},
		},
		{
			name: "a highlight spanning two sentences takes both",
			body: `<p>Zero. One <mark>ends. Two</mark> begins. Three.</p>`,
			want: []string{"One ends.", "Two begins."},
		},
		{
			name: "upper-case property",
			body: `<p>A <span style="COLOR:Red">red</span> word. B.</p>`,
			want: []string{"A red word."},
		},
		{
			name: "background shorthand colour",
			body: `<p>A <span style="background: #ff0 url(x.png) no-repeat">marked</span> word. B.</p>`,
			want: []string{"A marked word."},
		},
		{
			name: "font color",
			body: `<p>A <font color="#c00">red</font> word.</p>`,
			want: []string{"A red word."},
		},
		{
			name: "colours that do not stand out",
			body: `<p>Inherit <span style="color: inherit">x</span>. Initial <span style="color:initial">x</span>. ` +
				`Black <span style="color: #000000">x</span>. Grey <span style="color: rgb(51, 51, 51)">x</span>. ` +
				`White bg <span style="background-color: #FFFFFF">x</span>. Transparent <span style="background-color: transparent">x</span>. ` +
				`Alpha 0 <span style="background-color: #ff000000">x</span>. Image bg <span style="background: url(x.png)">x</span>. ` +
				`Empty <span style="color:">x</span>. Font <span style="font-weight: bold">x</span>. Named <span style="color: Black !important">x</span>.</p>`,
			want: nil,
		},
		{
			name: "a coloured block is not a highlight",
			body: `<p style="color: red">Whole paragraph.</p>`,
			want: nil,
		},
		{
			name: "a coloured zero-width space or period is not a highlight",
			body: "<p>One<span style=\"color:red\">\u200b</span>. Two<span style=\"color:red\">.</span></p>",
			want: nil,
		},
		{
			name: "list items are separate blocks",
			body: "<ul><li>항목1</li><li><mark>항목2</mark></li><li>항목3</li></ul>",
			want: []string{"항목2"},
		},
		{
			name: "br ends a block",
			body: `<p>Line <mark>one</mark><br>Line two.</p>`,
			want: []string{"Line one"},
		},
		{
			name: "headings and table cells",
			body: `<h2><span style="color:#1a5490">Heading</span></h2><table><tr><td>A.</td><td>B <mark>c</mark>. D.</td></tr></table>`,
			want: []string{"Heading", "B c."},
		},
		{
			name: "numbers and abbreviations do not end sentences",
			body: `<p>Growth was <mark>3.5</mark> percent, said Mr. Smith of the U.S. Treasury. Next.</p>`,
			want: []string{"Growth was 3.5 percent, said Mr. Smith of the U.S. Treasury."},
		},
		{
			name: "closing quotes stay with the sentence",
			body: `<p>He said, "<mark>stop now</mark>!" Then he left.</p>`,
			want: []string{`He said, "stop now!"`},
		},
		{
			name: "Korean quotes and ellipsis",
			body: `<p>그는 “<mark>곧 돌아온다</mark>”고 말했다… 그리고 떠났다.</p>`,
			want: []string{"그는 “곧 돌아온다”고 말했다…"},
		},
		{
			name: "full-width stops without spaces",
			body: `<p>第一句。<mark>第二句</mark>！第三句。</p>`,
			want: []string{"第二句！"},
		},
		{
			name: "nbsp and nested markup are flattened",
			body: "<p>A&nbsp;&nbsp;<mark>very <i>nested</i>\n  <a href=\"/x\">link</a></mark>&nbsp;here. B.</p>",
			want: []string{"A very nested link here."},
		},
		{
			name: "script and style content are not text",
			body: `<p>Text.</p><script>var s = "<mark>x</mark>.";</script><style>mark{}</style>`,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := parse(t, "---\ntitle: T\nformat: html\n---\n"+tt.body)
			if diff := cmp.Diff(tt.want, a.Highlights); diff != "" {
				t.Errorf("Highlights (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, ingest.HighlightsOf(tt.body)); diff != "" {
				t.Errorf("HighlightsOf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"No stop", []string{"No stop"}},
		{"One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{"Wait... what?! Yes.", []string{"Wait... what?!", "Yes."}},
		{"Pi is 3.14. See example.com now.", []string{"Pi is 3.14.", "See example.com now."}},
		{"Dr. Kim met J. R. Lee. Fine.", []string{"Dr. Kim met J. R. Lee.", "Fine."}},
		{"It costs approx. five dollars. Ok.", []string{"It costs approx. five dollars.", "Ok."}},
		{`"Go." (Really.) Done`, []string{`"Go."`, `(Really.)`, "Done"}},
		{"첫 문장입니다. 둘째 문장이에요. 셋째", []string{"첫 문장입니다.", "둘째 문장이에요.", "셋째"}},
		{"3.5%가 올랐다. 끝.", []string{"3.5%가 올랐다.", "끝."}},
		{"日本語です。次の文。", []string{"日本語です。", "次の文。"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ingest.Sentences(tt.in)); diff != "" {
			t.Errorf("Sentences(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestLead(t *testing.T) {
	t.Parallel()
	// Ten Korean sentences of 37 runes each (with the space after).
	sentence := "한미 동맹은 양국의 외교와 안보에 있어 매우 중요한 역할을 합니다."
	long := strings.TrimSpace(strings.Repeat(sentence+" ", 10))
	// One sentence of 400 runes without a stop.
	run := strings.TrimSpace(strings.Repeat("가나다라 ", 80))

	tests := []struct {
		name string
		fm   string
		body string
		want string
	}{
		{
			name: "cut at a sentence boundary within 300 runes",
			body: "<p>&nbsp;</p>\n<p><img src=\"/a.jpg\"></p>\n<h2>Heading</h2>\n<p>" + long + "</p>",
			want: strings.TrimSpace(strings.Repeat(sentence+" ", 301/(utf8.RuneCountInString(sentence)+1))),
		},
		{
			name: "one long sentence is cut at a word",
			body: "<p>" + run + "</p>",
			want: strings.TrimSpace(strings.Repeat("가나다라 ", 59)) + "…",
		},
		{
			name: "short paragraph whole, with br as a space",
			body: "<p>First line.<br>Second line</p><p>Next paragraph.</p>",
			want: "First line. Second line",
		},
		{
			name: "computed even with an excerpt and highlights",
			fm:   "excerpt: The excerpt.\n",
			body: "<p>The <mark>lead</mark>.</p>",
			want: "The lead.",
		},
		{
			name: "no paragraph: first text outside headings",
			body: "<h1>Title</h1><div>Plain text body.</div>",
			want: "Plain text body.",
		},
		{
			name: "markdown paragraph",
			fm:   "format: markdown\n",
			body: "## Heading\n\nFirst *paragraph*.\n\nSecond.\n",
			want: "First paragraph.",
		},
		{
			name: "empty body",
			body: "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fm := tt.fm
			if fm == "" {
				fm = "format: html\n"
			}
			a := parse(t, "---\ntitle: T\n"+fm+"---\n"+tt.body)
			if a.Lead != tt.want {
				t.Errorf("Lead = %q (%d runes), want %q (%d runes)",
					a.Lead, utf8.RuneCountInString(a.Lead), tt.want, utf8.RuneCountInString(tt.want))
			}
			if n := utf8.RuneCountInString(a.Lead); n > 300 {
				t.Errorf("Lead has %d runes, want at most 300", n)
			}
		})
	}
}

func TestParseHostileBody(t *testing.T) {
	t.Parallel()
	body := `<p onclick="steal()">Hi <a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(1)">js2</a>
<img src="x.jpg" onerror="alert(1)"> <a href="/relative/page">rel</a> <a href="page2?a=1&b=2">rel2</a> <a href="#notes">notes</a>
<a href="mailto:desk@example.com">mail</a></p>
<script>alert(1)</script>
<iframe src="https://evil.example/"></iframe>
<object data="x.swf"></object><embed src="y.swf">
<p style="position:fixed;top:0;color:red;font-weight:bold">fixed</p>
<span style="background:url(javascript:alert(1))">bg</span>
<span style="color: expression(alert(1))">ex</span>
<span style="background-image: url(x.png); behavior: url(x.htc)">bi</span>
<img srcset="a.jpg 1x, /b.jpg 2x" src="/c.jpg">
<style>body{display:none}</style>
<form action="/x"><input name="q"><button>go</button></form>
<svg onload="alert(1)"><script>alert(2)</script></svg>
<math><mi xlink:href="javascript:alert(1)">x</mi></math>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
`
	for _, format := range []string{"html", "markdown"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			a := parse(t, "---\ntitle: T\nformat: "+format+"\n---\n"+body)
			lower := strings.ToLower(a.ContentHTML)
			for _, bad := range []string{"<script", "onclick", "onerror", "onload", "javascript:", "<iframe",
				"<object", "<embed", "position", "expression", "url(", "behavior", "<style", "<input",
				"<form", "<svg", "<math", "<base", "<meta", "evil.example"} {
				if strings.Contains(lower, bad) {
					t.Errorf("ContentHTML contains %q:\n%s", bad, a.ContentHTML)
				}
			}
			for _, good := range []string{
				`<p style="color: red; font-weight: bold">fixed</p>`,
				`href="https://news.example.com/relative/page"`,
				`href="https://news.example.com/page2?a=1&amp;b=2"`,
				`href="#notes"`,
				`href="mailto:desk@example.com"`,
				`src="https://news.example.com/x.jpg"`,
				`src="https://news.example.com/c.jpg"`,
			} {
				if !strings.Contains(a.ContentHTML, good) {
					t.Errorf("ContentHTML lacks %q:\n%s", good, a.ContentHTML)
				}
			}
		})
	}
}

func TestParseBodyUnderBasePath(t *testing.T) {
	t.Parallel()
	opt := options(t)
	opt.BaseURL = mustURL(t, "https://example.com/news/")
	a := parseWith(t, "---\ntitle: T\n---\n<p><img src=\"/assets/a.jpg\"> <a href=\"about/\">about</a> <a href=\"//cdn.example.org/x\">cdn</a></p>\n", opt)
	for _, want := range []string{
		`src="https://example.com/news/assets/a.jpg"`,
		`href="https://example.com/news/about/"`,
		`href="https://cdn.example.org/x"`,
	} {
		if !strings.Contains(a.ContentHTML, want) {
			t.Errorf("ContentHTML lacks %q:\n%s", want, a.ContentHTML)
		}
	}
}

// TestParseIndentedHTML: CommonMark turns an indented line after a blank
// line into a code block; an all-HTML body is therefore read as HTML (by
// its shape, by Options.Format or by `format: html`), while `format:
// markdown` keeps CommonMark's reading.
func TestParseIndentedHTML(t *testing.T) {
	t.Parallel()
	body := "<div>\n\n    <p>Indented <mark>paragraph</mark>.</p>\n\n</div>\n"
	md := parse(t, "---\ntitle: T\nformat: markdown\n---\n"+body)
	if !strings.Contains(md.ContentHTML, "<pre><code>") {
		t.Errorf("markdown ContentHTML = %q, want a code block", md.ContentHTML)
	}
	var h *feed.Article
	for _, doc := range []string{
		"---\ntitle: T\nformat: html\n---\n" + body,
		"---\ntitle: T\n---\n" + body,
	} {
		h = parse(t, doc)
		if strings.Contains(h.ContentHTML, "<pre>") || !strings.Contains(h.ContentHTML, "<p>Indented <mark>paragraph</mark>.</p>") {
			t.Errorf("html ContentHTML = %q, want the paragraph as it is", h.ContentHTML)
		}
	}
	// A Markdown body that merely starts with a tag stays Markdown.
	mixed := parse(t, "---\ntitle: T\n---\n<img src=\"/a.jpg\">\n\n## Heading\n\n*text*\n")
	if !strings.Contains(mixed.ContentHTML, "<h2") || !strings.Contains(mixed.ContentHTML, "<em>text</em>") {
		t.Errorf("mixed ContentHTML = %q, want Markdown rendered", mixed.ContentHTML)
	}
	if diff := cmp.Diff([]string{"Indented paragraph."}, h.Highlights); diff != "" {
		t.Errorf("Highlights (-want +got):\n%s", diff)
	}
}

// TestHighlightLimits: one endless highlighted sentence is cut, and an
// article keeps at most 100 highlights.
func TestHighlightLimits(t *testing.T) {
	t.Parallel()
	long := parse(t, "---\ntitle: T\n---\n<p><mark>"+strings.Repeat("단어 ", 5000)+"</mark></p>")
	if len(long.Highlights) != 1 || utf8.RuneCountInString(long.Highlights[0]) > 500 || !strings.HasSuffix(long.Highlights[0], "…") {
		t.Errorf("long highlight: %d highlights, first %d runes", len(long.Highlights), utf8.RuneCountInString(long.Highlights[0]))
	}
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "<p><mark>문장 %d.</mark></p>\n", i)
	}
	many := parse(t, "---\ntitle: T\n---\n"+b.String())
	if len(many.Highlights) != 100 {
		t.Errorf("%d highlights, want 100", len(many.Highlights))
	}
}
