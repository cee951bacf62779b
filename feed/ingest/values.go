package ingest

import (
	"cmp"
	"errors"
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

// reader reads the values of the front matter for readFields. It keeps
// the first problem in err; after it, every method returns a zero value,
// so readFields can read one field per line and check err once.
type reader struct {
	lines keyLines
	base  *url.URL
	err   error
}

// value is one key's value in the front matter.
type value struct {
	key  string
	line int        // the key's document line; 0 if the key is absent
	node *yaml.Node // aliases followed; Kind 0 if the key is absent
}

// at returns the value of key, decoded into n.
func (r *reader) at(key string, n *yaml.Node) value {
	n = deref(n)
	line := r.lines[key]
	if line == 0 && n.Line > 0 { // brought in by a merge key (<<)
		line = n.Line + fmLine
	}
	return value{key: key, line: line, node: n}
}

// fail records the problem, unless one was found before.
func (r *reader) fail(field string, line int, msg string) {
	if r.err == nil {
		r.err = &feed.InputError{Field: field, Line: line, Msg: msg}
	}
}

// text returns the cleaned text of a single value, "" for an absent or
// null one.
func (r *reader) text(field string, v value) string {
	switch n := v.node; {
	case r.err != nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		return ""
	case n.Kind == yaml.ScalarNode:
		return cleanText(n.Value)
	case n.Kind == yaml.SequenceNode:
		r.fail(field, v.line, "must be a single value, not a list")
	default:
		r.fail(field, v.line, "must be a single value, not a mapping")
	}
	return ""
}

// first returns the trimmed text of the first of vs that is not empty,
// and its key's line.
func (r *reader) first(field string, vs ...value) (string, int) {
	for _, v := range vs {
		if s := strings.TrimSpace(r.text(field, v)); s != "" {
			return s, v.line
		}
	}
	return "", 0
}

// checkLen fails when s is longer than max runes.
func (r *reader) checkLen(field string, line int, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		r.fail(field, line, fmt.Sprintf("longer than %d characters", max))
	}
}

// title reads the required title, white space folded.
func (r *reader) title(v value) string {
	if v.line == 0 {
		r.fail("title", 0, "is missing")
		return ""
	}
	s := fold(r.text("title", v))
	if s == "" {
		r.fail("title", v.line, "is empty")
	}
	r.checkLen("title", v.line, s, maxTitle)
	return s
}

// names reads lists of names (authors, categories, tags) given under one
// or two keys, joined. Names are folded, and repeats dropped as
// feed.UniqueCategories drops them.
func (r *reader) names(field string, max int, vs ...value) []string {
	var all []string
	line := 0 // of the first key given
	for _, v := range vs {
		if v.line != 0 {
			line = cmp.Or(line, v.line)
			all = append(all, r.items(field, v)...)
		}
	}
	out := feed.UniqueCategories(all)
	if len(out) > max {
		r.fail(field, line, fmt.Sprintf("more than %d", max))
	}
	for _, n := range out {
		if utf8.RuneCountInString(n) > maxName {
			r.fail(field, line, fmt.Sprintf("%.20q… is longer than %d characters", n, maxName))
		}
	}
	return out
}

// items reads a list of names, or a single name (never split: "Economy,
// Finance" is one category). An item may be a mapping with a name, as
// Jekyll authors are.
func (r *reader) items(field string, v value) []string {
	list := v.node.Kind == yaml.SequenceNode
	nodes := []*yaml.Node{v.node}
	if list {
		nodes = v.node.Content
	}
	var out []string
	for _, n := range nodes {
		n = deref(n)
		if n.Kind == yaml.MappingNode {
			if name := mapValue(n, "name"); name != nil {
				n = name
			}
		}
		item := value{key: v.key, line: v.line, node: n}
		if list {
			item.line = n.Line + fmLine
			if n.Kind != yaml.ScalarNode {
				r.fail(field, item.line, "items must be single values")
			}
		}
		out = append(out, fold(r.text(field, item)))
	}
	return out
}

// excerpt reads the excerpt, or its alternatives, white space folded.
func (r *reader) excerpt(vs ...value) string {
	s, line := r.first("excerpt", vs...)
	s = fold(s)
	r.checkLen("excerpt", line, s, maxExcerpt)
	return s
}

// featureText reads the feature text, trimmed: it is Markdown, whose
// line breaks matter.
func (r *reader) featureText(v value) string {
	s := strings.TrimSpace(r.text("feature_text", v))
	r.checkLen("feature_text", v.line, s, maxFeatureText)
	return s
}

// image returns the image's value; jekyll-seo-tag also accepts a mapping
// with a path.
func (r *reader) image(v value) value {
	if v.node.Kind == yaml.MappingNode {
		if p := mapValue(v.node, "path"); p != nil {
			v.node = p
		}
	}
	return v
}

// siteURL reads an absolute URL or a site path (see siteURL) from the
// first of vs that is not empty.
func (r *reader) siteURL(field string, vs ...value) string {
	s, line := r.first(field, vs...)
	if s == "" {
		return ""
	}
	u, err := siteURL(r.base, s)
	if err != nil {
		r.fail(field, line, err.Error())
	}
	return u
}

// langRE matches the shape of a BCP 47 language tag.
var langRE = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// lang reads a language tag; en_US is taken as en-US.
func (r *reader) lang(v value) string {
	s := strings.ReplaceAll(strings.TrimSpace(r.text("lang", v)), "_", "-")
	if s != "" && !langRE.MatchString(s) {
		r.fail("lang", v.line, "must be a language tag such as ko or en-US, not "+strconv.Quote(s))
	}
	return s
}

// id reads the article's id from the first of vs that is not empty.
func (r *reader) id(vs ...value) string {
	s, line := r.first("id", vs...)
	if s == "" {
		return ""
	}
	if msg := checkID(s); msg != "" {
		r.fail("id", line, msg)
	}
	return s
}

// date reads a date (see parseDate); zero if not given.
func (r *reader) date(field string, v value) time.Time {
	s := r.text(field, v)
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := parseDate(s)
	if err != nil {
		r.fail(field, v.line, err.Error())
	}
	return t
}

// format reads how the body is written: markdown (or md) or html.
func (r *reader) format(v value) string {
	switch f := strings.ToLower(strings.TrimSpace(r.text("format", v))); f {
	case "":
		return ""
	case "md", "markdown":
		return "markdown"
	case "html":
		return "html"
	default:
		r.fail("format", v.line, "must be markdown or html, not "+strconv.Quote(f))
		return ""
	}
}

// fold trims s and folds each run of white space to one space.
func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// mapValue returns the value of key in the mapping node m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// dateLayouts are the accepted date forms; a value without an offset is
// UTC. time.Parse accepts fractional seconds after the seconds field even
// when the layout has none.
var dateLayouts = []string{
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// parseDate parses a front matter date, keeping the offset it was written
// in (the id uses the date as written; the article stores UTC).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			// Feeds and the store write dates in UTC as RFC 3339, which
			// has four-digit years: an offset can push 9999-12-31 or
			// 0000-01-01 out of them.
			if y := t.UTC().Year(); y < 0 || y > 9999 {
				return time.Time{}, fmt.Errorf("%s is in the year %d in UTC: dates must fall within the years 0000 to 9999", strconv.Quote(s), y)
			}
			return t, nil
		}
	}
	return time.Time{}, errors.New("cannot read " + strconv.Quote(s) +
		" as a date: use 2006-01-02, 2006-01-02 15:04:05 -0700 or RFC 3339")
}

// siteURL returns raw as an absolute http(s) URL. An absolute URL must be
// http or https; a protocol-relative one takes the base's scheme; a site
// path is resolved against base. When base has a path prefix (a site at
// https://example.com/news/), a root-relative path such as /assets/x.jpg
// is taken as relative to the site, as Jekyll's relative_url does, unless
// it already starts with the prefix: /news/assets/x.jpg and /assets/x.jpg
// both become https://example.com/news/assets/x.jpg.
func siteURL(base *url.URL, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if p := strings.TrimSuffix(base.EscapedPath(), "/"); p != "" &&
		strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") &&
		raw != p && !strings.HasPrefix(raw, p+"/") && !strings.HasPrefix(raw, p+"?") && !strings.HasPrefix(raw, p+"#") {
		raw = p + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("is not a valid URL")
	}
	if u.Scheme != "" {
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
			return "", errors.New("must be an http or https URL or a site path, not a " + s + ": URL")
		}
		if u.Host == "" {
			return "", errors.New("has no host")
		}
		return u.String(), nil
	}
	return base.ResolveReference(u).String(), nil
}

// checkID returns why id is not a valid article id, or "".
func checkID(id string) string {
	switch n := utf8.RuneCountInString(id); {
	case n == 0:
		return "is empty"
	case n > 200:
		return "is longer than 200 characters"
	case id[0] == '.':
		return "must not start with a dot"
	}
	for _, r := range id {
		if !isWordRune(r) && !strings.ContainsRune("-_.~", r) {
			return "may hold only letters, digits and - _ . ~, not " + strconv.QuoteRune(r)
		}
	}
	return ""
}
