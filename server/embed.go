package server

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
)

// The embeddable headlines, for other sites (docs/embed.md):
//
//   - /embed.js, the widget: a site adds <div data-sokbo-headlines> and
//     the script, which renders the headlines in the div's shadow root and
//     keeps them live over the stream;
//   - /embed.json, the headlines it reads (any origin may);
//   - /embed, the same headlines as a small page for an <iframe>, rendered
//     on the server and then kept live by the same script.

// Routes of the embeds.
const (
	embedJSPath   = "embed.js"
	embedJSONPath = "embed.json"
	embedPagePath = "embed"
)

// Limits of ?limit= of the embeds: a widget shows a few headlines.
const (
	embedDefaultLimit = 5
	embedMaxLimit     = 20
)

// embedFiles are the widget's script and its CSS, which the script and
// the iframe page share.
//
//go:embed static/embed.js static/embed.css
var embedFiles embed.FS

// embedStyle is the widget's CSS.
func embedStyle() string {
	b, err := embedFiles.ReadFile("static/embed.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}

// newEmbedJS is the widget's script with its CSS in it: one request for
// the whole widget. It is served compressed, and cached a few minutes
// under its unversioned URL, which other sites' pages keep.
func newEmbedJS() *rendered {
	js, err := embedFiles.ReadFile("static/embed.js")
	if err != nil {
		panic(err) // embedded at build time
	}
	css, _ := json.Marshal(embedStyle()) // a JSON string is a JS string literal
	js = bytes.Replace(js, []byte("const css = STYLE;"), []byte("const css = "+string(css)+";"), 1)
	return newRendered(stripJS(js), "text/javascript; charset=utf-8", "public, max-age=300", time.Time{}, nil)
}

// stripJS drops the indentation, the blank lines and the lines that are
// only a comment from a script, which other sites' readers download: a
// fifth of the widget's gzipped weight, and no minifier to install.
func stripJS(js []byte) []byte {
	var out []byte
	for line := range bytes.Lines(js) {
		line = bytes.TrimLeft(line, " \t")
		if len(bytes.TrimSpace(line)) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		out = append(out, line...)
	}
	return out
}

// embedRoutes registers the widget's script, its data and its iframe page.
func (s *Server) embedRoutes() {
	s.mux.HandleFunc("GET /"+embedJSPath, s.handleEmbedJS)
	s.mux.HandleFunc("GET /"+embedJSONPath, s.handleEmbedJSON)
	s.mux.HandleFunc("GET /"+embedPagePath, s.handleEmbedPage)
	s.mux.HandleFunc("/"+embedJSONPath, s.handlePreflight)
}

// embedQuery is what an embed's query asks for.
type embedQuery struct {
	facet  feed.Facet // the site's, or a category's
	limit  int
	theme  string // "auto", "light" or "dark"
	images bool   // whether headlines show their image
}

// parseEmbedQuery reads ?category=&limit=&theme=; its error names the
// parameter.
func parseEmbedQuery(r *http.Request) (embedQuery, error) {
	q := r.URL.Query()
	eq := embedQuery{limit: embedDefaultLimit, theme: "auto"}
	if c := strings.TrimSpace(q.Get("category")); c != "" {
		eq.facet = feed.Facet{Kind: feed.CategoryFacet, Name: c}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > embedMaxLimit {
			return eq, &statusError{http.StatusBadRequest, "limit: " + strconv.Quote(v) + " is not a whole number from 1 to " + strconv.Itoa(embedMaxLimit)}
		}
		eq.limit = n
	}
	switch v := q.Get("theme"); v {
	case "", "auto":
	case "light", "dark":
		eq.theme = v
	default:
		return eq, &statusError{http.StatusBadRequest, "theme: " + strconv.Quote(v) + " is not one of auto, light, dark"}
	}
	if v := q.Get("images"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return eq, &statusError{http.StatusBadRequest, "images: " + strconv.Quote(v) + " is not 1, 0, true or false"}
		}
		eq.images = b
	}
	return eq, nil
}

// embedQuery is r's query, its limit no more than the feeds show.
func (s *Server) embedQuery(r *http.Request) (embedQuery, error) {
	eq, err := parseEmbedQuery(r)
	eq.limit = min(eq.limit, s.cfg.FeedLimit)
	return eq, err
}

// embedItem is a headline as the widget reads it, from /embed.json and
// from the live stream's events alike.
type embedItem struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Published  time.Time `json:"published"`
	Categories []string  `json:"categories"`
	Image      string    `json:"image,omitempty"`
}

// embedData is /embed.json: the headlines, newest first, and the stream
// that brings the next ones.
type embedData struct {
	Title string `json:"title"`
	Home  string `json:"home_page_url"`
	// Category is the category's name as its newest article spells it;
	// "" for the site's headlines.
	Category string      `json:"category,omitempty"`
	Events   string      `json:"events"`
	Items    []embedItem `json:"items"`
}

// embedHeadlines is the data of an embed of eq.
func (s *Server) embedHeadlines(ctx context.Context, eq embedQuery) (*embedData, error) {
	items, fc, err := s.listed(ctx, eq.facet, eq.limit)
	if errors.Is(err, feed.ErrNotFound) {
		return nil, &statusError{http.StatusNotFound, "category: " + strconv.Quote(eq.facet.Name) + " is not a category of this site"}
	}
	if err != nil {
		return nil, err
	}
	ch := s.facetChannel(fc, feed.JSON)
	base := s.cfg.BaseURL.String()
	d := &embedData{Title: ch.Title, Home: ch.HomeURL, Events: base + "events", Items: []embedItem{}}
	if !fc.Site() {
		d.Category = fc.Name
		d.Events += "?category=" + url.QueryEscape(fc.Name)
	}
	for _, a := range items {
		d.Items = append(d.Items, embedItem{
			ID:         a.ID,
			Title:      a.Title,
			URL:        ch.Link(a),
			Published:  a.Published,
			Categories: nonNilStrings(a.Categories),
			Image:      a.Image,
		})
	}
	return d, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// handleEmbedJSON serves GET /embed.json?category=&limit=: the headlines
// the widget shows, cached with the feeds of their scope.
func (s *Server) handleEmbedJSON(w http.ResponseWriter, r *http.Request) {
	allowCrossOrigin(w.Header())
	eq, err := s.embedQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k := cacheKey{scope: scope(eq.facet), name: "embed.json", limit: eq.limit}
	s.servePage(w, r, k, func(ctx context.Context, changed time.Time) (*rendered, error) {
		d, err := s.embedHeadlines(ctx, eq)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
		return newRendered(buf.Bytes(), "application/json; charset=utf-8", s.ccFeed, changed, nil), nil
	})
}

// embedPage is what embed.html receives.
type embedPage struct {
	Lang, Theme, Script string
	Limit               int
	Images              bool
	Style               template.CSS
	*embedData
	Dates []pageTime
}

// embedPageHeader is the iframe page's extra header: the pages' policy
// (pageCSP), but any site may frame it, which is what it is for.
var embedPageHeader = http.Header{
	"Content-Security-Policy": {strings.Replace(pageCSP(""), "frame-ancestors 'none'", "frame-ancestors *", 1)},
	"Referrer-Policy":         {"strict-origin-when-cross-origin"},
}

// handleEmbedPage serves GET /embed?category=&limit=&theme=: the headlines
// as a page for an <iframe>. The list is in the page (declarative shadow
// DOM, styled as the widget); embed.js then keeps it live.
func (s *Server) handleEmbedPage(w http.ResponseWriter, r *http.Request) {
	w = frameable{w}
	eq, err := s.embedQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k := cacheKey{scope: scope(eq.facet), name: "embed " + eq.theme + " " + strconv.FormatBool(eq.images), limit: eq.limit}
	s.servePage(w, r, k, func(ctx context.Context, changed time.Time) (*rendered, error) {
		d, err := s.embedHeadlines(ctx, eq)
		if err != nil {
			return nil, err
		}
		p := embedPage{Lang: s.cfg.Lang, Theme: eq.theme, Limit: eq.limit, Images: eq.images,
			Script: s.cfg.BaseURL.String() + embedJSPath, Style: template.CSS(embedStyle()), embedData: d}
		for _, it := range d.Items {
			p.Dates = append(p.Dates, newPageTime(it.Published, s.cfg.Location, p.Lang))
		}
		var buf bytes.Buffer
		if err := s.cfg.Templates.ExecuteTemplate(&buf, "embed", p); err != nil {
			return nil, err
		}
		return newRendered(buf.Bytes(), "text/html; charset=utf-8", s.ccFeed, changed, embedPageHeader), nil
	})
}

// frameable gives every answer of /embed its policy, the error pages too:
// a frame that shows "not found" says more than one the browser blocks.
type frameable struct{ http.ResponseWriter }

func (w frameable) WriteHeader(code int) {
	setHeaders(w.Header(), embedPageHeader)
	w.ResponseWriter.WriteHeader(code)
}

// handleEmbedJS serves GET /embed.js, the widget's script, which any
// origin may load (and read: a site may pin it with integrity=).
func (s *Server) handleEmbedJS(w http.ResponseWriter, r *http.Request) {
	allowCrossOrigin(w.Header())
	s.embedJS.serve(w, r)
}
