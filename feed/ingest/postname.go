package ingest

import (
	"regexp"
	"strings"
	"time"
)

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
