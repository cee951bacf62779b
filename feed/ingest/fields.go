package ingest

import (
	"net/url"
	"time"

	"sokbo/feed"
)

// meta is what the front matter says besides the article's own fields:
// how to name and date the article, and how to read its body.
type meta struct {
	id          string    // the explicit id (or slug); "" to derive one
	date        time.Time // as written, in its own offset; zero if not given
	updated     time.Time // zero if not given
	updatedLine int
	format      string // "markdown", "html", or "" if not given
}

// Limits on the front matter: generous for any real article, small enough
// that no post can make every feed it is in huge.
const (
	maxTitle       = 300  // runes
	maxName        = 100  // runes per author, category or tag
	maxAuthors     = 20   //
	maxCategories  = 20   //
	maxTags        = 50   //
	maxExcerpt     = 1000 // runes: the summary's lead
	maxFeatureText = 5000 // runes
)

// readFields validates the front matter and sets the article's fields
// from it, one line per field; the rest goes into meta. Where two keys
// mean the same (id and slug, url and permalink), the first one named
// that is not empty wins; lists under two keys are joined. The first
// problem is returned, naming the field and the line of its key.
func readFields(fm *frontMatter, lines keyLines, base *url.URL, a *feed.Article) (*meta, error) {
	r := &reader{lines: lines, base: base}
	a.Title = r.title(r.at("title", &fm.Title))
	a.Authors = r.names("author", maxAuthors, r.at("author", &fm.Author), r.at("authors", &fm.Authors))
	a.Categories = r.names("categories", maxCategories, r.at("categories", &fm.Categories), r.at("category", &fm.Category))
	a.Tags = r.names("tags", maxTags, r.at("tags", &fm.Tags), r.at("tag", &fm.Tag))
	a.Excerpt = r.excerpt(r.at("excerpt", &fm.Excerpt), r.at("description", &fm.Description), r.at("summary", &fm.Summary))
	a.FeatureText = r.featureText(r.at("feature_text", &fm.FeatureText))
	a.Image = r.siteURL("image", r.image(r.at("image", &fm.Image)))
	a.URL = r.siteURL("url", r.at("url", &fm.URL), r.at("permalink", &fm.Permalink))
	a.Lang = r.lang(r.at("lang", &fm.Lang))
	m := &meta{
		id:          r.id(r.at("id", &fm.ID), r.at("slug", &fm.Slug)),
		date:        r.date("date", r.at("date", &fm.Date)),
		updated:     r.date("updated", r.at("updated", &fm.Updated)),
		updatedLine: lines["updated"],
		format:      r.format(r.at("format", &fm.Format)),
	}
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}
