package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"sokbo/feed"
)

// statusError is an error the HTTP layer itself detects (authentication,
// media type, query parameters), with the status it maps to.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// bodyError is a request body that could not be read in full: a malformed
// chunked encoding, an upload cut short, a client too slow to send it. It
// is the client's doing, so it is a 400 and logged as such, not as a
// failure of the server.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "read body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// errorStatus maps an error to an HTTP status and the message the client
// sees. It is the only place where errors become statuses; a 500 never
// tells the client more than "internal error".
func errorStatus(err error) (int, string) {
	var se *statusError
	var ie *feed.InputError
	var mbe *http.MaxBytesError
	var be *bodyError
	var ce *feed.ConflictError
	switch {
	case errors.As(err, &se):
		return se.code, se.msg
	case errors.As(err, &ce):
		return http.StatusConflict, "id: " + strconv.Quote(ce.ID) + ", made from the title, is already the id of another article, titled " +
			strconv.Quote(ce.Existing.Title) + "; to post this one beside it, give it an id of its own with an id: line in its front matter (to update that article, post it with its title)"
	case errors.As(err, &ie):
		return http.StatusBadRequest, ie.Error()
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "document: larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.As(err, &be):
		return http.StatusBadRequest, "body: not received in full (the upload was cut short, or its chunked encoding is malformed)"
	case errors.Is(err, context.Canceled):
		// The only context a handler's work can be canceled by is its
		// request's: the client went away.
		return http.StatusBadRequest, "request: canceled by the client"
	case errors.Is(err, feed.ErrNotFound):
		return http.StatusNotFound, "not found"
	}
	return http.StatusInternalServerError, "internal error"
}

// fail answers err with its status (errorStatus), as an HTML page where a
// person browses (isPage) and as JSON {"error": ...} elsewhere. A
// server-side failure is logged with its detail, which the client never
// sees; a body the client did not send in full is logged as its doing.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := errorStatus(err)
	var be *bodyError
	switch {
	case code >= 500:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case errors.As(err, &be):
		// Worth a line, since it may be a client's bug or a hostile one,
		// but no alarm: nothing is wrong with the server.
		s.log.Info("request body unreadable", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
	case errors.Is(err, context.Canceled):
		s.log.Info("request abandoned by the client", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sokbo"`)
	}
	if isPage(r) {
		// People read pages: an error there is a page too.
		s.errorPage(w, code, msg)
		return
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // content_html reads as HTML, not \u003c
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error": "internal error"}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// isPage reports whether r is a person's GET of a page, whose errors are
// pages too; the API, the feeds, the archives and /embed.json answer
// errors in JSON.
func isPage(r *http.Request) bool {
	p := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	last := p[strings.LastIndexByte(p, '/')+1:]
	api := p == "/api" || strings.HasPrefix(p, "/api/")
	return !api && !strings.HasPrefix(p, "/archive/") && !strings.HasPrefix(last, "feed.") && p != "/"+embedJSONPath
}

// errorPage writes the HTML page of an error, in the pages' layout
// (error.html), rendered before the status is written so that a broken
// site template still gives the status, with the plain page.
func (s *Server) errorPage(w http.ResponseWriter, code int, msg string) {
	h := s.head(s.cfg.Lang, "", s.feedLinks(""))
	if code == http.StatusNotFound {
		// The one error a reader often meets, in the page's language.
		msg = h.L.NotFound
	}
	var buf bytes.Buffer
	err := s.cfg.Templates.ExecuteTemplate(&buf, "error", errorPageData{pageHead: h, Code: code, Msg: msg})
	if err != nil {
		s.log.Error("render error page", "err", err)
		buf.Reset()
		_ = plainErrorPage.Execute(&buf, errorPageData{pageHead: h, Code: code, Msg: msg})
	}
	pageHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// plainErrorPage is the error page when error.html fails.
var plainErrorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Code}}</title></head>
<body><main><h1>{{.Code}}</h1><p>{{.Msg}}</p><p><a href="{{.Home}}">{{.L.Home}}</a></p></main></body></html>
`))
