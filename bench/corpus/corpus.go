// Package corpus generates benchmark articles shaped like the newsrooms'
// real documents: YAML front matter (id, title, date, categories, tags,
// excerpt, feature_text, image) and an HTML body of about 7 KB mixing
// Korean and English paragraphs, h2 headings, a list, and 8–16 highlighted
// sentences in the newsroom's markup (a coloured or background-coloured
// <b><span>, or <mark>).
//
// Everything is drawn from fixed pools with the caller's random source, so
// a document is determined by its index and the source's seed.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Epoch is the date the generated documents count back from: their dates
// spread over the year before it.
var Epoch = time.Date(2026, time.November, 24, 9, 30, 0, 0, time.FixedZone("KST", 9*3600))

// Placeholders in a template (see Template): the article's id and its date
// in front matter form ("2006-01-02 15:04:05 -0700").
const (
	IDPlaceholder   = "{{ID}}"
	DatePlaceholder = "{{DATE}}"
)

// The highlight markups, as the seed uses them, and <mark>.
var highlightOpen = []string{
	`<b><span style="color: #ee2323;">`,
	`<b><span style="background-color: #21538527;">`,
	`<mark>`,
}

var highlightClose = []string{`</span></b>`, `</span></b>`, `</mark>`}

// HighlightMarkers are the opening tags of the highlights, for counting.
func HighlightMarkers() []string { return append([]string(nil), highlightOpen...) }

// New returns the random source for document i of a corpus with the given
// seed, so that each document is reproducible on its own.
func New(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(i)))
}

// Article returns document i (id "bench-<i>") drawn with rng.
func Article(i int, rng *rand.Rand) []byte {
	date := Epoch.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour)))).Truncate(time.Second)
	return build(rng, fmt.Sprintf("bench-%d", i), date.Format("2006-01-02 15:04:05 -0700"))
}

// Template returns a document like Article's whose id and date are the
// placeholders IDPlaceholder and DatePlaceholder, for a load generator to
// fill in.
func Template(rng *rand.Rand) []byte {
	return build(rng, IDPlaceholder, DatePlaceholder)
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// pickN returns n distinct elements of s in random order.
func pickN[T any](rng *rand.Rand, s []T, n int) []T {
	idx := rng.Perm(len(s))[:n]
	out := make([]T, n)
	for k, j := range idx {
		out[k] = s[j]
	}
	return out
}

// deck deals the strings of a pool in random order, reshuffling when it
// runs out.
type deck struct {
	rng  *rand.Rand
	pool []string
	perm []int
}

func newDeck(rng *rand.Rand, pool []string) *deck { return &deck{rng: rng, pool: pool} }

func (d *deck) next() string {
	if len(d.perm) == 0 {
		d.perm = d.rng.Perm(len(d.pool))
	}
	s := d.pool[d.perm[0]]
	d.perm = d.perm[1:]
	return s
}

// source deals an article's sentences in one language: a quarter whole
// sentences from the fixed pool, the rest composed of an opener, a subject
// and a predicate with random figures.
type source struct {
	rng      *rand.Rand
	fixed    *deck
	openers  []string
	subjects []string
	preds    *deck
	english  bool
}

func (s *source) next() string {
	if s.rng.IntN(4) == 0 {
		return s.fixed.next()
	}
	opener, subj := pick(s.rng, s.openers), pick(s.rng, s.subjects)
	if s.english && opener == "" {
		subj = strings.ToUpper(subj[:1]) + subj[1:]
	}
	pred := ""
	if !s.english && s.rng.IntN(2) == 0 {
		pred = pick(s.rng, koObjects) + " " + pick(s.rng, koVerbs)
	} else {
		pred = s.preds.next()
	}
	return s.fill(opener + subj + " " + pred)
}

// fill replaces the placeholders of a composed sentence with figures.
func (s *source) fill(t string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		r := s.rng
		switch t[i+1 : i+j] {
		case "p":
			fmt.Fprintf(&b, "%d.%d", r.IntN(40), r.IntN(10))
		case "n":
			fmt.Fprintf(&b, "%d", 2+r.IntN(98))
		case "k":
			fmt.Fprintf(&b, "%d,%03d", 1+r.IntN(99), r.IntN(1000))
		case "d":
			fmt.Fprintf(&b, "%d", 1+r.IntN(28))
		case "m":
			fmt.Fprintf(&b, "%d", 1+r.IntN(12))
		case "y":
			fmt.Fprintf(&b, "%d", 2030+5*r.IntN(5))
		case "weekday":
			b.WriteString(pick(r, weekdays))
		case "month":
			b.WriteString(pick(r, months))
		default:
			b.WriteString(t[i : i+j+1])
		}
		t = t[i+j+1:]
	}
}

// yamlQuote is s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// htmlEscape escapes the text of the pools for HTML element content.
var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// paragraph is one <p> of the body: its sentences, Korean or English.
type paragraph struct {
	sentences []string
	// highlight[k] is the markup index+1 for sentence k, 0 for none.
	highlight []int
}

type section struct {
	heading string
	paras   []*paragraph
}

func build(rng *rand.Rand, id, date string) []byte {
	english := rng.IntN(4) == 0 // a quarter of the articles lead in English
	var title string
	if english {
		title = pick(rng, enTitleSubjects) + " " + pick(rng, enTitlePredicates)
	} else {
		title = pick(rng, koTitleSubjects) + " " + pick(rng, koTitlePredicates)
	}

	// The body: sections of paragraphs until the text reaches the target
	// size; the markup around it adds about 1.5 KB. Sentences are dealt
	// from shuffled decks, so an article repeats one only when it has used
	// up its pool.
	target := 4000 + rng.IntN(1500)
	ko := &source{rng: rng, fixed: newDeck(rng, koSentences), openers: koOpeners, subjects: koSubjects, preds: newDeck(rng, koPredicates)}
	en := &source{rng: rng, fixed: newDeck(rng, enSentences), openers: enOpeners, subjects: enSubjects, preds: newDeck(rng, enPredicates), english: true}
	var secs []*section
	var paras []*paragraph
	size := 0
	for size < target {
		sec := &section{}
		if len(secs) == 0 || rng.IntN(2) == 0 {
			sec.heading = pick(rng, koHeadings)
		} else {
			sec.heading = pick(rng, enHeadings)
		}
		for k := 2 + rng.IntN(2); k > 0 && size < target; k-- {
			p := &paragraph{}
			d := ko
			if (english && rng.IntN(3) != 0) || (!english && rng.IntN(4) == 0) {
				d = en
			}
			for range 2 + rng.IntN(3) {
				s := d.next()
				p.sentences = append(p.sentences, s)
				size += len(s) + 1
			}
			p.highlight = make([]int, len(p.sentences))
			sec.paras = append(sec.paras, p)
			paras = append(paras, p)
		}
		secs = append(secs, sec)
	}

	// 8–16 highlighted sentences, spread over the whole body.
	type pos struct{ p, s int }
	var all []pos
	for pi, p := range paras {
		for si := range p.sentences {
			all = append(all, pos{pi, si})
		}
	}
	nh := min(8+rng.IntN(9), len(all))
	for _, k := range rng.Perm(len(all))[:nh] {
		paras[all[k].p].highlight[all[k].s] = 1 + rng.IntN(len(highlightOpen))
	}

	excerpt := paras[0].sentences[0]
	if len(paras[0].sentences) > 1 {
		excerpt += " " + paras[0].sentences[1]
	}

	var b strings.Builder
	b.Grow(9000)
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\n", id)
	fmt.Fprintf(&b, "title: %s\n", yamlQuote(title))
	fmt.Fprintf(&b, "date: %s\n", date)
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "author: %s\n", yamlQuote(pick(rng, authors)))
	}
	b.WriteString("categories:\n")
	for _, c := range pickN(rng, Categories, 1+rng.IntN(2)) {
		fmt.Fprintf(&b, "  - %s\n", yamlQuote(c))
	}
	b.WriteString("tags: [")
	for k, t := range pickN(rng, tags, 2+rng.IntN(3)) {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(yamlQuote(t))
	}
	b.WriteString("]\n")
	fmt.Fprintf(&b, "excerpt: >\n  %s\n", excerpt)
	fmt.Fprintf(&b, "feature_text: >\n  ## koreablockchain 실시간 뉴스 속보입니다.\n\n  %s\n", excerpt)
	img := pick(rng, images)
	fmt.Fprintf(&b, "image: '%s'\n", img)
	b.WriteString("---\n\n")

	fmt.Fprintf(&b, "<p><img src=\"%s\" alt=\"koreablockchain 속보\" /></p>\n\n", img)
	for si, sec := range secs {
		if si > 0 {
			b.WriteString("<hr>\n\n")
		}
		fmt.Fprintf(&b, "<h2 data-ke-size=\"size26\">%s</h2>\n\n<p data-ke-size=\"size16\">&nbsp;</p>\n\n", htmlEscape(sec.heading))
		for _, p := range sec.paras {
			b.WriteString("<p>")
			for k, s := range p.sentences {
				if k > 0 {
					b.WriteByte(' ')
				}
				writeSentence(&b, rng, s, p.highlight[k])
			}
			b.WriteString("</p>\n\n")
		}
		if si == 0 {
			b.WriteString("<p data-ke-size=\"size16\">&nbsp;</p>\n\n<ul>\n")
			for _, it := range pickN(rng, listItems, 3+rng.IntN(2)) {
				fmt.Fprintf(&b, "    <li>%s</li>\n", htmlEscape(it))
			}
			b.WriteString("</ul>\n\n")
		}
	}
	b.WriteString("<p data-ke-size=\"size16\">&nbsp;</p>\n실시간 뉴스 속보는, <a href=\"https://newsdao.kr\" rel=\"dofollow\">https://newsdao.kr</a>\n")
	return []byte(b.String())
}

// writeSentence writes s, highlighted with markup h-1 unless h is 0. Most
// highlights cover the sentence up to its final punctuation, as the seed's
// do; some cover only its first words, which the service widens to the
// whole sentence.
func writeSentence(b *strings.Builder, rng *rand.Rand, s string, h int) {
	if h == 0 {
		b.WriteString(htmlEscape(s))
		return
	}
	open, close := highlightOpen[h-1], highlightClose[h-1]
	body, tail := s, ""
	if n := len(s); n > 0 && (s[n-1] == '.' || s[n-1] == '!' || s[n-1] == '?') {
		body, tail = s[:n-1], s[n-1:]
	}
	if rng.IntN(4) == 0 {
		// A partial highlight: up to a space in the first half or so.
		if k := strings.IndexByte(body[len(body)/3:], ' '); k > 0 {
			cut := len(body)/3 + k
			body, tail = body[:cut], body[cut:]+tail
		}
	}
	b.WriteString(open)
	b.WriteString(htmlEscape(body))
	b.WriteString(close)
	b.WriteString(htmlEscape(tail))
}
