package ingest

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

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

// postName is what a Jekyll _posts file name supplies.
type postName struct {
	ok   bool
	date time.Time // midnight UTC
	slug string
}

// postNameRE matches a Jekyll post name: YYYY-MM-DD-slug.ext.
var postNameRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)\.[^.]+$`)

// parsePostName reads a Jekyll _posts file name. A name that is not one
// (no date, an impossible date, no slug) supplies nothing.
func parsePostName(name string) postName {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	m := postNameRE.FindStringSubmatch(cleanText(name))
	if m == nil {
		return postName{}
	}
	t, err := time.Parse("2006-01-02", m[1])
	if err != nil || strings.IndexFunc(m[2], isWordRune) < 0 {
		return postName{}
	}
	return postName{ok: true, date: t, slug: Slug(m[2])}
}
