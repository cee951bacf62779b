// Package ingest turns one posted document — YAML front matter between ---
// lines, then a Markdown or HTML body, as a Jekyll _posts file — into a
// *feed.Article: it validates the front matter, renders and sanitizes the
// body, and extracts the highlighted sentences and the lead paragraph that
// the feeds show as the article's summary.
//
// Parse is the only entry point. It is pure: no I/O, no clock but the one
// passed in Options, no package-level mutable state, and it is safe for
// concurrent use.
package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	"sokbo/feed"

	"golang.org/x/net/idna"
)

// Options configures Parse.
type Options struct {
	// BaseURL is the site's base URL, e.g. https://news.example.com/ or
	// https://example.com/news/. Site paths in the front matter (image, url)
	// and relative links and sources in the body are resolved against it,
	// and its host names the GUID. Required; must be absolute http(s).
	BaseURL *url.URL
	// Lang is the language used when the front matter has no lang, e.g. "ko".
	Lang string
	// Now returns the current time; nil means time.Now. It dates articles
	// whose document (and file name) give no date.
	Now func() time.Time
	// FileName is the optional base name of the posted file. A Jekyll
	// _posts name such as 2026-11-24-ferry-rescue.md supplies the date
	// (2026-11-24) and the slug (ferry-rescue) when the front matter has
	// none. Other names are ignored.
	FileName string
}

// Parse reads one posted document and returns the article it describes.
//
// Every error it returns for bad input is a *feed.InputError naming the
// field (or "document" / "front matter") and the 1-based line of the
// document where known. An unusable Options (no BaseURL) is a plain error:
// it is the caller's fault, not the poster's.
func Parse(doc []byte, opt Options) (*feed.Article, error) {
	host, err := checkBase(opt.BaseURL)
	if err != nil {
		return nil, err
	}
	text, err := normalize(doc)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(text))

	fmText, body, err := splitFrontMatter(text)
	if err != nil {
		return nil, err
	}
	m, err := decodeFrontMatter(fmText, opt.BaseURL)
	if err != nil {
		return nil, err
	}

	a := &feed.Article{
		Title:       m.title,
		URL:         m.url,
		Authors:     m.authors,
		Categories:  m.categories,
		Tags:        m.tags,
		Lang:        m.lang,
		Image:       m.image,
		Excerpt:     m.excerpt,
		FeatureText: m.featureText,
		Hash:        hex.EncodeToString(sum[:]),
	}
	if a.Lang == "" {
		a.Lang = cleanText(strings.TrimSpace(opt.Lang))
	}

	post := parsePostName(opt.FileName)
	if err := setDates(a, m, post, opt.Now); err != nil {
		return nil, err
	}
	a.ID = articleID(a, m, post)
	a.GUID = "tag:" + host + "," + a.Published.Format("2006-01-02") + ":" + url.PathEscape(a.ID)

	rendered, err := renderBody(body, m.format)
	if err != nil {
		return nil, err
	}
	root := parseHTML(rendered)
	// Highlights come from the rendered body before sanitizing: the
	// sanitizer may drop the styles that mark them.
	segs := segments(root)
	a.Highlights = highlights(segs)
	a.Lead = lead(segs)
	content, err := sanitize(rendered, opt.BaseURL)
	if err != nil {
		return nil, err
	}
	a.ContentHTML = content
	return a, nil
}

// checkBase validates Options.BaseURL and returns the host name that
// authors the GUID's tag URI (lower case, ASCII, no port).
func checkBase(base *url.URL) (string, error) {
	if base == nil {
		return "", errors.New("ingest: options: base URL required")
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Hostname() == "" {
		return "", errors.New("ingest: options: base URL must be an absolute http or https URL")
	}
	host := strings.ToLower(base.Hostname())
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	return host, nil
}

// setDates fills Published, Updated, DateSet and UpdatedSet. A date in the
// front matter wins over the file name's.
func setDates(a *feed.Article, m *meta, post postName, now func() time.Time) error {
	switch {
	case m.dateSet:
		a.Published, a.DateSet = m.date.UTC(), true
	case post.ok:
		a.Published, a.DateSet = post.date, true
	default:
		if now == nil {
			now = time.Now
		}
		a.Published = now().UTC().Truncate(time.Second)
	}
	a.Updated = a.Published
	if m.updatedSet {
		if a.DateSet && m.updated.Before(a.Published) {
			return &feed.InputError{Field: "updated", Line: m.updatedLine,
				Msg: "is before the date " + a.Published.Format(time.RFC3339)}
		}
		a.Updated, a.UpdatedSet = m.updated.UTC(), true
	}
	return nil
}

// articleID returns the explicit id, or derives one as Jekyll does: the
// slug (of the file name, else of the title) prefixed with the date, so
// re-posting an unchanged document yields the same id.
func articleID(a *feed.Article, m *meta, post postName) string {
	if m.id != "" {
		return m.id
	}
	slug := post.slug
	if slug == "" {
		slug = Slug(a.Title)
	}
	switch {
	case m.dateSet:
		// The date as written (in its own offset), as Jekyll reads it.
		return m.date.Format("2006-01-02") + "-" + slug
	case post.ok:
		return post.date.Format("2006-01-02") + "-" + slug
	}
	return slug
}
