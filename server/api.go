package server

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// articleJSON is an article as the JSON API shows it: the article, its
// link and summary, and — for GET, not in the answer to the POST that
// just sent it — its sanitized content.
type articleJSON struct {
	ID          string    `json:"id"`
	GUID        string    `json:"guid"`
	Title       string    `json:"title"`
	Link        string    `json:"link"`
	URL         string    `json:"url,omitempty"`
	Authors     []string  `json:"authors,omitempty"`
	Categories  []string  `json:"categories,omitempty"`
	Tags        []string  `json:"tags,omitempty"`
	Lang        string    `json:"lang,omitempty"`
	Image       string    `json:"image,omitempty"`
	Excerpt     string    `json:"excerpt,omitempty"`
	FeatureText string    `json:"feature_text,omitempty"`
	Highlights  []string  `json:"highlights,omitempty"`
	Lead        string    `json:"lead,omitempty"`
	Summary     string    `json:"summary"`
	ContentHTML *string   `json:"content_html,omitempty"`
	Published   time.Time `json:"published"`
	Updated     time.Time `json:"updated"`
}

// postJSON answers a POST: the stored article, what the post did
// (created, updated or unchanged) and what of the document was ignored.
type postJSON struct {
	articleJSON
	Outcome  string   `json:"outcome"`
	Warnings []string `json:"warnings,omitempty"`
}

func (s *Server) articleJSON(a *feed.Article, withContent bool) articleJSON {
	j := articleJSON{
		ID: a.ID, GUID: a.GUID, Title: a.Title, Link: s.channel("", feed.JSON).Link(a), URL: a.URL,
		Authors: a.Authors, Categories: a.Categories, Tags: a.Tags, Lang: a.Lang, Image: a.Image,
		Excerpt: a.Excerpt, FeatureText: a.FeatureText, Highlights: a.Highlights, Lead: a.Lead,
		Summary:   feed.SummaryText(a.Summary(s.cfg.SummaryHighlights)),
		Published: a.Published, Updated: a.Updated,
	}
	if withContent {
		j.ContentHTML = &a.ContentHTML
	}
	return j
}

// acceptedTypes are the media types a posted document may be sent as. An
// absent Content-Type is accepted too (curl --data-binary sends a form
// type, which is accepted for the same reason).
var acceptedTypes = map[string]bool{
	"text/plain":                        true,
	"text/markdown":                     true,
	"text/x-markdown":                   true,
	"text/html":                         true,
	"text/yaml":                         true,
	"application/yaml":                  true,
	"application/x-yaml":                true,
	"application/octet-stream":          true,
	"application/x-www-form-urlencoded": true,
}

func checkContentType(h string) error {
	if h == "" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(h)
	if err != nil {
		return &statusError{http.StatusUnsupportedMediaType, "Content-Type: cannot parse " + strconv.Quote(h)}
	}
	if !acceptedTypes[mt] {
		return &statusError{http.StatusUnsupportedMediaType, "Content-Type: " + mt + " is not accepted; send the document as text/markdown, text/html or text/plain"}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return &statusError{http.StatusUnsupportedMediaType, "Content-Type: charset " + strconv.Quote(cs) + " is not accepted; documents are UTF-8"}
	}
	return nil
}

// bodyFormat is "html" for a document sent as text/html, whose body is
// then never read as Markdown; otherwise the body's shape decides.
func bodyFormat(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == "text/html" {
		return "html"
	}
	return ""
}

// fileName is the posted file's base name, from Content-Disposition or the
// ?filename= parameter; a Jekyll _posts name supplies date and slug.
func fileName(r *http.Request) string {
	if v := r.URL.Query().Get("filename"); v != "" {
		return path.Base(v)
	}
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
		return path.Base(params["filename"])
	}
	return ""
}

// handlePost serves POST /api/articles: it parses the document, stores the
// article and answers 201 (created) or 200 (updated, or unchanged).
func (s *Server) handlePost(w http.ResponseWriter, r *http.Request) {
	who, err := s.admit(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.ContentLength > s.cfg.MaxBody {
		s.fail(w, r, &http.MaxBytesError{Limit: s.cfg.MaxBody})
		return
	}
	doc, err := readBody(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody), r.ContentLength)
	if err != nil {
		s.fail(w, r, &bodyError{err})
		return
	}
	// Concurrent posts share a commit if the store knows they are coming.
	withdraw := s.write.ExpectWrite()
	defer withdraw()
	parsed, err := ingest.Parse(r.Context(), doc, ingest.Options{
		BaseURL:  s.cfg.BaseURL,
		Lang:     s.cfg.Lang,
		Now:      s.cfg.Now,
		FileName: fileName(r),
		Format:   bodyFormat(r.Header.Get("Content-Type")),
		Styles:   s.styles,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var pre []feed.Precondition
	if parsed.DerivedID {
		// An id made from a title must not let one story replace another
		// whose title makes the same id.
		pre = append(pre, feed.KeepsTitle(parsed.Article))
	}
	prefilled := s.prefill(parsed.Article)
	c, err := s.write.PutExpected(r.Context(), parsed.Article, withdraw, pre...)
	prefilled()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := newEvent(c)
	ahead := s.publish(e)
	code := http.StatusOK
	if c.Outcome == feed.Created {
		code = http.StatusCreated
		w.Header().Set("Location", s.cfg.BaseURL.JoinPath("api", "articles", c.Article.ID).String())
		s.log.Info("article created", "id", c.Article.ID, "token", who.name)
	}
	writeJSON(w, code, postJSON{articleJSON: s.articleJSON(c.Article, false), Outcome: c.Outcome.String(), Warnings: parsed.Warnings})
	s.announce(w, e, ahead)
}

// readBody reads a request body, into a buffer of the announced length
// when there is one, up to 256 KiB (io.ReadAll would grow its buffer
// several times).
func readBody(r io.Reader, length int64) ([]byte, error) {
	if length <= 0 {
		return io.ReadAll(r)
	}
	// ReadFrom wants MinRead bytes free before each read, the last (EOF)
	// too. A large announced length is not allocated before it arrives.
	buf := bytes.NewBuffer(make([]byte, 0, min(length, 256<<10)+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// handleGetArticle serves GET /api/articles/{id}: the article as JSON,
// with its content.
func (s *Server) handleGetArticle(w http.ResponseWriter, r *http.Request) {
	allowCrossOrigin(w.Header()) // public, as the feeds are
	a, err := s.read.Get(r.Context(), articleID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.articleJSON(a, true))
}

// handleDelete serves DELETE /api/articles/{id}: 204 once the article has
// left every feed.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	who, err := s.admit(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := articleID(r)
	c, err := s.write.Delete(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := newEvent(c)
	ahead := s.publish(e)
	s.log.Info("article deleted", "id", id, "token", who.name)
	w.WriteHeader(http.StatusNoContent)
	s.announce(w, e, ahead)
}
