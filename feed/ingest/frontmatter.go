package ingest

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sokbo/feed"

	"go.yaml.in/yaml/v3"
)

// fmLine converts a line of the front matter's YAML to a document line:
// the YAML starts after the opening --- line.
const fmLine = 1

// meta is the decoded front matter.
type meta struct {
	title       string
	id          string
	date        time.Time // in the offset it was written in
	dateSet     bool
	updated     time.Time
	updatedSet  bool
	updatedLine int
	authors     []string
	categories  []string
	tags        []string
	excerpt     string
	featureText string
	image       string
	lang        string
	url         string
	format      string
	// warnings name the keys that were ignored.
	warnings []string
}

// decodeFrontMatter decodes and validates the YAML front matter. Keys are
// matched exactly, as Jekyll does; unknown keys are ignored with a warning. The YAML is
// decoded into a yaml.Node rather than a struct so that every value is
// taken from its scalar text (YAML would turn an unquoted date into a
// time.Time in its own way) and every error can name its line.
func decodeFrontMatter(fm string, base *url.URL) (*meta, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(fm), &doc); err != nil {
		return nil, yamlError(err, fm)
	}
	var root *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	if root == nil || root.ShortTag() == "!!null" {
		root = &yaml.Node{Kind: yaml.MappingNode} // empty front matter
	}
	if root.Kind != yaml.MappingNode {
		return nil, &feed.InputError{Field: "front matter", Line: root.Line + fmLine,
			Msg: "must be a mapping of keys to values"}
	}

	d := fmDecoder{base: base, seen: map[string]int{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], deref(root.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			continue
		}
		if err := d.field(k.Value, k.Line+fmLine, v); err != nil {
			return nil, err
		}
	}
	return d.finish()
}

// fmDecoder collects the front matter's fields.
type fmDecoder struct {
	base *url.URL
	seen map[string]int // key → line, to reject a key given twice
	m    meta

	titleSet  bool
	id        string
	idLine    int
	date      string
	dateLine  int
	updated   string
	image     string
	imageLine int
	link      string
	linkLine  int
	lang      string
	langLine  int

	excerpt, description, summary   string
	author, authors                 []string
	categories, category, tags, tag []string
}

// field decodes one known key; line is the key's document line.
func (d *fmDecoder) field(key string, line int, v *yaml.Node) error {
	switch key {
	case "title", "id", "slug", "date", "updated", "author", "authors",
		"categories", "category", "tags", "tag", "excerpt", "description",
		"summary", "feature_text", "image", "lang", "url", "permalink", "format":
	default:
		d.m.warnings = append(d.m.warnings, fmt.Sprintf("front matter (line %d): unknown key %q ignored", line, key))
		return nil
	}
	if first, ok := d.seen[key]; ok {
		return &feed.InputError{Field: key, Line: line,
			Msg: "given twice (first at line " + strconv.Itoa(first) + ")"}
	}
	d.seen[key] = line

	var err error
	switch key {
	case "title":
		var s string
		s, err = scalar(key, line, v)
		d.m.title, d.titleSet = strings.Join(strings.Fields(s), " "), true
		if err == nil && d.m.title == "" {
			err = &feed.InputError{Field: "title", Line: line, Msg: "is empty"}
		}
	case "id", "slug":
		// Both are the article's identity; errors name "id".
		var s string
		if s, err = scalar("id", line, v); err == nil && s != "" && (d.id == "" || key == "id") {
			d.id, d.idLine = strings.TrimSpace(s), line
		}
	case "date":
		d.date, err = scalar(key, line, v)
		d.dateLine = line
	case "updated":
		d.updated, err = scalar(key, line, v)
		d.m.updatedLine = line
	case "author":
		d.author, err = list(key, line, v)
	case "authors":
		d.authors, err = list(key, line, v)
	case "categories":
		d.categories, err = list(key, line, v)
	case "category":
		d.category, err = list(key, line, v)
	case "tags":
		d.tags, err = list(key, line, v)
	case "tag":
		d.tag, err = list(key, line, v)
	case "excerpt":
		d.excerpt, err = scalar(key, line, v)
	case "description":
		d.description, err = scalar(key, line, v)
	case "summary":
		d.summary, err = scalar(key, line, v)
	case "feature_text":
		d.m.featureText, err = scalar(key, line, v)
		d.m.featureText = strings.TrimSpace(d.m.featureText)
	case "image":
		// jekyll-seo-tag also accepts a mapping with a path.
		if v.Kind == yaml.MappingNode {
			if p := mapValue(v, "path"); p != nil {
				v = p
			}
		}
		d.image, err = scalar(key, line, v)
		d.imageLine = line
	case "lang":
		d.lang, err = scalar(key, line, v)
		d.langLine = line
	case "url", "permalink":
		var s string
		if s, err = scalar("url", line, v); err == nil && s != "" && (d.link == "" || key == "url") {
			d.link, d.linkLine = s, line
		}
	case "format":
		var s string
		s, err = scalar(key, line, v)
		switch f := strings.ToLower(strings.TrimSpace(s)); f {
		case "", "md", "markdown":
			d.m.format = "markdown"
		case "html":
			d.m.format = "html"
		default:
			err = &feed.InputError{Field: key, Line: line, Msg: "must be markdown or html, not " + strconv.Quote(f)}
		}
	}
	return err
}

// finish validates the collected fields and combines the alternatives.
func (d *fmDecoder) finish() (*meta, error) {
	m := &d.m
	if !d.titleSet {
		return nil, &feed.InputError{Field: "title", Msg: "is missing"}
	}
	if d.id != "" {
		if msg := checkID(d.id); msg != "" {
			return nil, &feed.InputError{Field: "id", Line: d.idLine, Msg: msg}
		}
		m.id = d.id
	}
	var err error
	if d.date != "" {
		if m.date, err = parseDate(d.date); err != nil {
			return nil, &feed.InputError{Field: "date", Line: d.dateLine, Msg: err.Error()}
		}
		m.dateSet = true
	}
	if d.updated != "" {
		if m.updated, err = parseDate(d.updated); err != nil {
			return nil, &feed.InputError{Field: "updated", Line: m.updatedLine, Msg: err.Error()}
		}
		m.updatedSet = true
	}
	m.authors = dedupe(d.author, d.authors)
	m.categories = dedupe(d.categories, d.category)
	m.tags = dedupe(d.tags, d.tag)

	for _, s := range []string{d.excerpt, d.description, d.summary} {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			m.excerpt = s
			break
		}
	}
	if s := strings.TrimSpace(d.image); s != "" {
		if m.image, err = siteURL(d.base, s); err != nil {
			return nil, &feed.InputError{Field: "image", Line: d.imageLine, Msg: err.Error()}
		}
	}
	if s := strings.TrimSpace(d.link); s != "" {
		if m.url, err = siteURL(d.base, s); err != nil {
			return nil, &feed.InputError{Field: "url", Line: d.linkLine, Msg: err.Error()}
		}
	}
	if s := strings.TrimSpace(d.lang); s != "" {
		s = strings.ReplaceAll(s, "_", "-")
		if !langRE.MatchString(s) {
			return nil, &feed.InputError{Field: "lang", Line: d.langLine,
				Msg: "must be a language tag such as ko or en-US, not " + strconv.Quote(s)}
		}
		m.lang = s
	}
	if err := d.checkLimits(); err != nil {
		return nil, err
	}
	return m, nil
}

// Limits on the front matter: generous for any real article, small enough
// that no post can make every feed it is in huge.
const (
	maxTitle       = 300  // runes
	maxName        = 100  // runes per category, tag or author
	maxCategories  = 20   // categories, and authors
	maxTags        = 50   //
	maxExcerpt     = 1000 // runes: the summary's lead
	maxFeatureText = 5000 // runes
)

// checkLimits rejects a front matter over the limits, naming the field
// and its line.
func (d *fmDecoder) checkLimits() error {
	m := &d.m
	lineOf := func(keys ...string) int {
		for _, k := range keys {
			if l, ok := d.seen[k]; ok {
				return l
			}
		}
		return 0
	}
	tooLong := func(field string, n int, keys ...string) error {
		return &feed.InputError{Field: field, Line: lineOf(keys...), Msg: fmt.Sprintf("longer than %d characters", n)}
	}
	if utf8.RuneCountInString(m.title) > maxTitle {
		return tooLong("title", maxTitle, "title")
	}
	if utf8.RuneCountInString(m.excerpt) > maxExcerpt {
		return tooLong("excerpt", maxExcerpt, "excerpt", "description", "summary")
	}
	if utf8.RuneCountInString(m.featureText) > maxFeatureText {
		return tooLong("feature_text", maxFeatureText, "feature_text")
	}
	for _, l := range []struct {
		field string
		keys  []string
		names []string
		max   int
	}{
		{"categories", []string{"categories", "category"}, m.categories, maxCategories},
		{"tags", []string{"tags", "tag"}, m.tags, maxTags},
		{"author", []string{"author", "authors"}, m.authors, maxCategories},
	} {
		if len(l.names) > l.max {
			return &feed.InputError{Field: l.field, Line: lineOf(l.keys...), Msg: fmt.Sprintf("more than %d", l.max)}
		}
		for _, n := range l.names {
			if utf8.RuneCountInString(n) > maxName {
				return &feed.InputError{Field: l.field, Line: lineOf(l.keys...), Msg: fmt.Sprintf("%.20q… is longer than %d characters", n, maxName)}
			}
		}
	}
	return nil
}

// langRE matches the shape of a BCP 47 language tag.
var langRE = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// yamlLineRE finds the line in a YAML error message.
var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// parserProblems are the problems the YAML parser (as opposed to its
// scanner) reports. yaml.v3 gives their line 0-based where it gives the
// scanner's 1-based, and leaves the line out entirely when it is 0.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// anchorRE finds the alias in yaml.v3's unknown-anchor message.
var anchorRE = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// yamlError converts a YAML error in the front matter fm into an
// InputError at the document line.
func yamlError(err error, fm string) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &feed.InputError{Field: "front matter", Msg: "invalid YAML: " + msg}
	parser := false
	for _, p := range parserProblems {
		parser = parser || strings.HasSuffix(msg, p)
	}
	switch m := yamlLineRE.FindStringSubmatchIndex(msg); {
	case m != nil:
		if n, convErr := strconv.Atoi(msg[m[2]:m[3]]); convErr == nil {
			if parser {
				n++
			}
			e.Line = n + fmLine
		}
		e.Msg = "invalid YAML: " + strings.TrimSpace(msg[:m[0]]+msg[m[1]:])
	case anchorRE.MatchString(msg):
		// No position at all: find the alias's first use.
		alias := "*" + anchorRE.FindStringSubmatch(msg)[1]
		for n, line := range strings.Split(fm, "\n") {
			if strings.Contains(line, alias) {
				e.Line = n + 1 + fmLine
				break
			}
		}
	default:
		// The problem is on the YAML's first line (its line 0 is left out),
		// which is the document's second.
		e.Line = 1 + fmLine
	}
	return e
}

// deref follows YAML aliases (*name) to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// mapValue returns the value of key in the mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// scalar returns the text of a scalar value ("" for null), cleaned.
func scalar(field string, line int, v *yaml.Node) (string, error) {
	v = deref(v)
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
		return "", nil
	case v.Kind == yaml.ScalarNode:
		return cleanText(v.Value), nil
	case v.Kind == yaml.SequenceNode:
		return "", &feed.InputError{Field: field, Line: line, Msg: "must be a single value, not a list"}
	}
	return "", &feed.InputError{Field: field, Line: line, Msg: "must be a single value, not a mapping"}
}

// list returns the items of a list of strings, or the one item of a
// single string (never split: "Economy, Finance" is one category). An
// item may also be a mapping with a name, as Jekyll authors are.
func list(field string, line int, v *yaml.Node) ([]string, error) {
	v = deref(v)
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var out []string
	for _, it := range items {
		it = deref(it)
		if it.Kind == yaml.MappingNode {
			if n := mapValue(it, "name"); n != nil {
				it = n
			}
		}
		itemLine := line
		if it.Line > 0 {
			itemLine = it.Line + fmLine
		}
		s, err := scalar(field, itemLine, it)
		if err != nil {
			if v.Kind == yaml.SequenceNode {
				err.(*feed.InputError).Msg = "items must be single values"
			}
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// dedupe joins the lists, trims and folds each item, drops empty ones and
// keeps the first of those with the same feed.CategoryKey, in its given
// display form.
func dedupe(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			s = strings.Join(strings.Fields(s), " ")
			k := feed.CategoryKey(s)
			if s == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}
