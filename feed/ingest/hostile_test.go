package ingest_test

import (
	"fmt"
	"strings"
)

// maxBody is the largest document the server accepts by default
// (server.Config.MaxBody): the size every hostile shape is scaled to.
const maxBody = 1 << 20

// A template places a repeated unit in a document: what comes before
// the repetitions, between them and the closing part (for shapes that
// open something and close it again), and after.
type template struct {
	name       string
	pre, post  string
	mid, close string // when close is set: pre + unit×k + mid + close×k + post
}

// templates are the places a hostile unit can repeat: the Markdown body,
// an HTML body, a GFM table (under a wide header), the uses of one long
// reference, and the front matter's YAML.
var templates = []template{
	{name: "markdown", pre: "---\ntitle: T\n---\n"},
	{name: "html", pre: "---\ntitle: T\nformat: html\n---\n"},
	{name: "table", pre: "---\ntitle: T\n---\n" + strings.Repeat("|h", 1000) + "|\n" + strings.Repeat("|-", 1000) + "|\n"},
	{name: "reference", pre: "---\ntitle: T\n---\n[r]: https://example.com/" + strings.Repeat("x", 2000) + " \"" + strings.Repeat("t", 2000) + "\"\n\n"},
	{name: "yaml value", pre: "---\ntitle: T\nx: ", post: "\n---\nbody\n"},
	{name: "yaml lines", pre: "---\ntitle: T\n", post: "---\nbody\n"},
	{name: "nested markdown", pre: "---\ntitle: T\n---\n", mid: "x", close: ""},
	{name: "nested html", pre: "---\ntitle: T\nformat: html\n---\n", mid: "x"},
	{name: "nested yaml", pre: "---\ntitle: T\nx: ", mid: "1", post: "\n---\nbody\n"},
}

// build repeats unit in t up to about n bytes. Nested templates open
// unit k times, then close it (the unit's closer, from closer) k times.
func (t template) build(unit string, n int) []byte {
	if unit == "" {
		unit = " "
	}
	fixed := len(t.pre) + len(t.post) + len(t.mid)
	if t.mid == "" && t.close == "" {
		k := max(0, (n-fixed)/len(unit))
		return []byte(t.pre + strings.Repeat(unit, k) + t.post)
	}
	c := closer(unit)
	k := max(0, (n-fixed)/(len(unit)+len(c)))
	return []byte(t.pre + strings.Repeat(unit, k) + t.mid + strings.Repeat(c, k) + t.post)
}

// nested reports whether t repeats an opener and then its closer.
func (t template) nested() bool { return t.mid != "" || t.close != "" }

// closer returns what closes unit: the end tags of its start tags in
// reverse, its closing brackets (] for [, } for {), or nothing.
func closer(unit string) string {
	var out []string
	for rest := unit; rest != ""; {
		i := strings.IndexAny(rest, "<[{")
		if i < 0 {
			break
		}
		switch rest[i] {
		case '[':
			out = append(out, "]")
			rest = rest[i+1:]
		case '{':
			out = append(out, "}")
			rest = rest[i+1:]
		default:
			end := strings.IndexAny(rest[i:], " >")
			if end < 0 {
				rest = ""
				continue
			}
			if name := rest[i+1 : i+end]; name != "" && name[0] != '/' {
				out = append(out, "</"+name+">")
			}
			rest = rest[i+end:]
		}
	}
	var b strings.Builder
	for i := len(out) - 1; i >= 0; i-- {
		b.WriteString(out[i])
	}
	return b.String()
}

// A shape is one hostile input: a unit repeated in a template.
type shape struct {
	name string
	tmpl int // index in templates
	unit string
}

// shapes are the hostile inputs that cost the most per byte, each named by
// what it stresses.
var shapes = []shape{
	{"md table rows", 2, "|a\n"},
	{"md reference uses", 3, "[r] "},
	{"md link openers", 0, "["},
	{"md link openers with text", 0, "[a"},
	{"md image openers", 0, "!["},
	{"md closers", 0, "]"},
	{"md brackets", 0, "[]"},
	{"md link destinations", 0, "[a]("},
	{"md emphasis stars", 0, "*a"},
	{"md emphasis underscores", 0, "_a"},
	{"md double stars", 0, "**"},
	{"md mixed emphasis", 0, "*_"},
	{"md strikethrough", 0, "~a"},
	{"md backtick runs", 0, "`a``b"},
	{"md less-thans", 0, "<"},
	{"md less-than letters", 0, "<a"},
	{"md autolinks", 0, "www.a.b "},
	{"md entities", 0, "&amp;"},
	{"md html spans", 0, "<b><span style=\"color: #ee2323;\">a.</span></b>"},
	{"md nested spans", 6, "<span>"},
	{"md nested brackets", 6, "["},
	{"md nested images", 6, "!["},
	{"md nested links", 6, "[a]("},
	{"md nested emphasis", 6, "*a "},
	{"md open code", 0, "`a "},
	{"md link titles", 0, "[a](b \""},
	{"md angle destinations", 0, "[a](<"},
	{"md reference definitions", 0, "[a]: "},
	{"md bracket spaces", 0, "[ "},
	{"md nested quotes", 0, "> "},
	{"md list items", 0, "- a\n"},
	{"md paragraphs", 0, "a\n\n"},
	{"html nested divs", 7, "<div>"},
	{"html nested spans", 7, "<span>"},
	{"html nested tables", 7, "<table><tr><td>"},
	{"html many attributes", 1, " a=b"},
	{"html tiny elements", 1, "<b>a</b>"},
	{"html text run", 1, "가"},
	{"html highlights", 1, "<b><span style=\"color: #ee2323;\">가.</span></b>"},
	{"html links", 1, "<a href=\"a\">a</a>"},
	{"html unclosed tags", 1, "<p><b>a"},
	{"html formatting elements", 1, "<b><i><u>a</p>"},
	{"yaml long value", 4, "x"},
	{"yaml many keys", 5, "k: v\n"},
	{"yaml flow sequences", 8, "["},
	{"yaml flow mappings", 8, "{a: "},
	{"yaml anchors", 5, "- &a [*a]\n"},
}

// laughs is YAML's "billion laughs": each level a list of ten aliases to
// the one before, 10^levels strings if the aliases were expanded.
func laughs(levels int) []byte {
	var b strings.Builder
	b.WriteString("---\ntitle: T\na0: &a0 [lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	fmt.Fprintf(&b, "categories: *a%d\ntags: *a%d\n---\nbody\n", levels, levels)
	return []byte(b.String())
}

// doc builds the shape at about n bytes.
func (s shape) doc(n int) []byte { return templates[s.tmpl].build(s.unit, n) }

// filler is plain prose in paragraphs, what pads a document of a few
// repetitions up to the size under test.
var filler = strings.Repeat("속보: 해양경찰은 오늘 새벽 여객선 승객 열두 명을 구조했다고 밝혔습니다. The coast guard said twelve were rescued.\n", 3) + "\n"

// repeated builds t with unit repeated reps times (0: as many as fit),
// padded with filler up to about n bytes.
func (t template) repeated(unit string, reps, n int) []byte {
	if reps <= 0 {
		return t.build(unit, n)
	}
	per := len(unit) + len(closer(unit))
	if !t.nested() {
		per = len(unit)
	}
	if per == 0 {
		per = 1
	}
	doc := t.build(unit, min(n, len(t.pre)+len(t.post)+len(t.mid)+reps*per))
	doc = append(doc, "\n\n"...)
	for len(doc)+len(filler) <= n {
		doc = append(doc, filler...)
	}
	return doc
}
