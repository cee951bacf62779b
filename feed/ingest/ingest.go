// Package ingest turns one posted document into a *feed.Article: it
// validates the front matter, renders and sanitizes the body, and extracts
// the highlighted sentences (the highlights) and the lead paragraph that
// the feeds show as the article's summary.
//
// A document is a Jekyll _posts file: a first line "---", YAML front
// matter, a closing "---" or "..." line, then the body. The front matter
// keys are title (required), id or slug, date, updated, author or authors,
// categories or category, tags or tag, excerpt (or description, summary),
// feature_text, image, lang, url or permalink, and format; any other key
// is ignored with a warning. The body is Markdown (CommonMark with the GFM
// extensions; raw HTML passes through), or, with "format: html", HTML
// taken as it is.
//
// An article whose front matter has no lang gets the language of the
// writing system of its text — its title, excerpt and the body text the
// highlights are taken from (lang.go): Hangul is Korean (ko), kana
// Japanese (ja), Han without kana Chinese (zh), Cyrillic Russian (ru),
// Arabic, Hebrew, Greek, Thai and Devanagari ar, he, el, th and hi, and
// Latin English (en). A text in the script of the site's own language
// (Options.Lang) keeps it, so a Latin text on a French site stays fr; so
// does one with too few letters to tell or with no script in the clear
// majority. Korean news quotes English names, so Hangul wins when it is a
// substantial share of the letters. The writing system and not a
// statistical detector: the letters alone tell apart the languages a
// Korean newsroom posts in (Korean, English, Japanese, Chinese), in one
// pass over text already extracted. What they cannot tell — English from
// French or German — is what a detector would be for, and none small
// enough to ship is worth its size for that: lingua-go, for one, is a
// 128 MB module (v1.4.0, of 2023; nearly all of it n-gram models of 75
// languages), many times this program.
//
// To add a front-matter key: give frontMatter (frontmatter.go) a
// yaml.Node field tagged with the key; set the feed.Article field from it
// in readFields (fields.go) with the reader method for its kind of value
// (text, names, siteURL, date, ...); add a case to TestParseFrontMatter.
// Nothing else matches keys.
//
// Parse is the entry point (Slug is exported for the CLI). It does no I/O,
// reads the clock only through Options.Now, keeps no mutable package state,
// and is safe for concurrent use.
package ingest

import (
	"cmp"
	"context"
	"fmt"
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
	// Lang is the site's language, e.g. "ko": that of an article whose
	// front matter has no lang and whose text is in its script, is too
	// short to tell, or mixes scripts with none in the clear majority.
	// Other texts get the language of their script (see the package
	// comment).
	Lang string
	// Now returns the current time; nil means time.Now. It dates the GUID
	// of an article whose document (and file name) give no date; the
	// article itself is left undated, for the store to date.
	Now func() time.Time
	// FileName is the optional base name of the posted file. A Jekyll
	// _posts name such as 2026-11-24-ferry-rescue.md supplies the date
	// (2026-11-24) and the slug (ferry-rescue) when the front matter has
	// none. Other names are ignored.
	FileName string
	// Format is how to read the body when the front matter has no
	// `format`: "html", "markdown", or "" to decide from the body — one
	// that begins with "<" and ends with ">" is HTML and is not passed
	// through Markdown, so an all-HTML body comes out unchanged even where
	// CommonMark would read an indented line as code.
	Format string
	// Styles, if not nil, remembers across calls what the sanitizer keeps
	// of each inline style, which saves most of its work on the next
	// article that repeats them.
	Styles *StyleCache
}

// Result is what Parse makes of a document: the article, and a warning
// for each part of the document it ignored (an unknown front-matter key).
type Result struct {
	Article  *feed.Article
	Warnings []string
	// DerivedID is true when the article's id was made from its title
	// (no id or slug key, no Jekyll file name): two different articles
	// with the same title then share an id, which the store must treat
	// as a conflict rather than an update.
	DerivedID bool
}

// Parse reads one posted document and returns the article it describes.
//
// Every error it returns for bad input is a *feed.InputError naming the
// field (or "document" / "front matter") and the 1-based line of the
// document where known. An unusable Options (no BaseURL) is a plain error:
// it is the caller's fault, not the poster's.
//
// Parse gives up between its stages once ctx is done (the client went
// away), returning ctx's error wrapped.
func Parse(ctx context.Context, doc []byte, opt Options) (*Result, error) {
	base, host, err := checkBase(opt.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := stop(ctx, "start"); err != nil {
		return nil, err
	}
	text, err := normalize(doc)
	if err != nil {
		return nil, err
	}
	fmText, body, bodyLine, err := splitFrontMatter(text)
	if err != nil {
		return nil, err
	}
	fm, lines, warnings, err := decodeFrontMatter(fmText)
	if err != nil {
		return nil, err
	}
	if err := stop(ctx, "front matter"); err != nil {
		return nil, err
	}
	a := &feed.Article{}
	m, err := readFields(fm, lines, base, a)
	if err != nil {
		return nil, err
	}
	post := parsePostName(opt.FileName)
	guidDate, err := setDates(a, m, post, opt.Now)
	if err != nil {
		return nil, err
	}
	a.ID = articleID(a, m, post)
	derived := m.id == "" && post.slug == ""
	a.GUID = "tag:" + host + "," + guidDate.Format("2006-01-02") + ":" + url.PathEscape(a.ID)

	format := cmp.Or(m.format, opt.Format, guessFormat(body))
	segs, err := readBody(ctx, a, body, bodyLine, format, len(doc), base, opt.Styles)
	if err != nil {
		return nil, err
	}
	if a.Lang == "" {
		a.Lang = textLang(cleanText(strings.TrimSpace(opt.Lang)), a.Title, a.Excerpt, segs)
	}
	return &Result{Article: a, Warnings: warnings, DerivedID: derived}, nil
}

// readBody renders the body and sets the article's ContentHTML,
// Highlights and Lead from it. It returns the body's text, which decides
// the article's language when the front matter gives none. docLen is the
// length of the whole document, which bounds the rendering.
func readBody(ctx context.Context, a *feed.Article, body string, bodyLine int, format string, docLen int, base *url.URL, styles *StyleCache) ([]segment, error) {
	if err := stop(ctx, "the body"); err != nil {
		return nil, err
	}
	limit := maxRendered(docLen)
	rendered, err := renderBody(ctx, body, bodyLine, format, limit)
	if err != nil {
		return nil, err
	}
	if err := stop(ctx, "reading the HTML"); err != nil {
		return nil, err
	}
	root, err := parseHTML(rendered, bodyLine, format == "html")
	if err != nil {
		return nil, err
	}
	if err := stop(ctx, "highlights"); err != nil {
		return nil, err
	}
	// Highlights come from the rendered body before sanitizing: the
	// sanitizer may drop the styles that mark them.
	segs := segments(root)
	a.Highlights = highlights(segs)
	a.Lead = lead(segs)
	links := linkBase{site: base}
	if a.URL != "" {
		if page, err := url.Parse(a.URL); err == nil { // checked by siteURL
			page.User = nil // never copied into the body's links
			links.page = page
		}
	}
	if err := stop(ctx, "sanitizing"); err != nil {
		return nil, err
	}
	// Absolute links make the rendering a little longer than the input.
	a.ContentHTML, err = sanitize(root, links, len(rendered)+len(rendered)/8, styles)
	if err != nil {
		return nil, err
	}
	return segs, nil
}

// guessFormat reads a body that begins with "<" and ends with ">" as
// HTML, and any other as Markdown: an all-HTML body then comes out
// unchanged even where CommonMark would read an indented line as code.
func guessFormat(body string) string {
	if t := strings.TrimSpace(body); strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") {
		return "html"
	}
	return "markdown"
}

// maxRendered is the most HTML a document of n bytes may render to: twice
// itself and a megabyte, far above what Markdown makes of an article (HTML
// bodies pass unchanged), far below a flood of repeated references.
func maxRendered(n int) int { return 2*n + 1<<20 }

// checkBase validates Options.BaseURL. It returns a copy that ends in a
// slash (so https://example.com/news is read as the directory /news/) and
// the host name that authors the GUID's tag URI: lower case, ASCII, no port.
func checkBase(u *url.URL) (*url.URL, string, error) {
	base, err := feed.BaseURL(u)
	if err != nil {
		return nil, "", fmt.Errorf("ingest: options: base URL: %w", err)
	}
	host := strings.ToLower(base.Hostname())
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	return base, host, nil
}

// setDates fills Published and Updated from the front matter or the file
// name (a date in the front matter wins), and leaves each zero when the
// document does not give it: the store dates an undated article when it
// first arrives. guidDate is the date that names the GUID.
func setDates(a *feed.Article, m *meta, post postName, now func() time.Time) (guidDate time.Time, err error) {
	switch {
	case !m.date.IsZero():
		a.Published = m.date.UTC()
	case post.ok:
		a.Published = post.date
	}
	if !m.updated.IsZero() {
		if !a.Published.IsZero() && m.updated.Before(a.Published) {
			return time.Time{}, &feed.InputError{Field: "updated", Line: m.updatedLine,
				Msg: "is before the date " + a.Published.Format(time.RFC3339)}
		}
		a.Updated = m.updated.UTC()
	}
	if !a.Published.IsZero() {
		return a.Published, nil
	}
	if now == nil {
		now = time.Now
	}
	return now().UTC(), nil
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
	case !m.date.IsZero():
		// The date as written (in its own offset), as Jekyll reads it.
		return m.date.Format("2006-01-02") + "-" + slug
	case post.ok:
		return post.date.Format("2006-01-02") + "-" + slug
	}
	return slug
}
