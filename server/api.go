package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// articleJSON is an article as the JSON API shows it: what was stored,
// all highlights, its link and summary. The fields below the embedded
// article shadow stored ones of the same JSON name (encoding/json lets the
// shallower field win, and omits a nil one): the store's bookkeeping is
// not shown, and the answer to a POST leaves out the content the client
// has just sent (GET /api/articles/{id} has it).
type articleJSON struct {
	*feed.Article
	Link    string `json:"link"`
	Summary string `json:"summary"`

	ContentHTML *string   `json:"content_html,omitempty"`
	Hash        *struct{} `json:"hash,omitempty"`
	Seq         *struct{} `json:"seq,omitempty"`
	DateSet     *struct{} `json:"date_set,omitempty"`
	UpdatedSet  *struct{} `json:"updated_set,omitempty"`
}

func (s *Server) articleJSON(a *feed.Article, withContent bool) articleJSON {
	ch := s.channel("", feed.JSON)
	j := articleJSON{Article: a, Link: ch.Link(a), Summary: feed.SummaryText(a.Summary(s.cfg.SummaryPoints))}
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
		s.fail(w, r, err)
		return
	}
	// The store holds its next commit for this post while it is parsed.
	ctx, done := s.store.Preparing(r.Context())
	defer done()
	a, err := ingest.Parse(doc, ingest.Options{
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
	// A deleted article posted again loses its tombstone: the feeds of
	// the categories it was deleted from change too.
	gone, err := s.tombstone(ctx, a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stored, prev, err := s.store.Put(ctx, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if prev != stored { // the store returns one pointer for an unchanged re-post
		s.cache.invalidate(append(scopes(prev, stored), scopes(gone, nil)...)...)
	}
	code := http.StatusOK
	if prev == nil {
		code = http.StatusCreated
		w.Header().Set("Location", s.cfg.BaseURL.JoinPath("api", "articles", stored.ID).String())
		s.log.Info("article created", "id", stored.ID, "token", who.name)
	}
	writeJSON(w, code, s.articleJSON(stored, false))
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

func (s *Server) handleGetArticle(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.articleJSON(a, true))
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	who, err := s.admit(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	prev, err := s.store.Delete(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.cache.invalidate(scopes(prev, nil)...)
	s.log.Info("article deleted", "id", id, "token", who.name)
	w.WriteHeader(http.StatusNoContent)
}

// handleBackup serves a consistent snapshot of the database — a plain
// bbolt file — while the service goes on accepting posts. The snapshot is
// first copied to a temporary file at disk speed, so the read transaction
// it needs is short whatever the client's speed: a stalled client must not
// hold the database (bbolt cannot grow its file under a long reader).
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	if _, err := s.admit(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := os.CreateTemp(s.cfg.TempDir, ".sokbo-backup-*")
	if err != nil {
		s.fail(w, r, fmt.Errorf("backup: %w", err))
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := s.store.Backup(r.Context(), f, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Serving a large file takes longer than the server's write timeout;
	// give it time at a modest 1 MB/s, and no more.
	_ = http.NewResponseController(w).SetWriteDeadline(s.cfg.Now().Add(time.Minute + time.Duration(n/(1<<20))*time.Second))
	now := s.cfg.Now().UTC()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "sokbo-" + now.Format("20060102T150405Z") + ".db"}))
	h.Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", now, f)
	s.log.Info("backup served", "bytes", n)
}

// tombstone returns the recently deleted article with the given id (as
// far as its tombstone tells: id and categories), or nil.
func (s *Server) tombstone(ctx context.Context, id string) (*feed.Article, error) {
	t, err := s.store.Tombstone(ctx, id)
	if err != nil || t == nil || t.When.Before(s.cfg.Now().Add(-s.cfg.KeepDeleted)) {
		return nil, err
	}
	return &feed.Article{ID: t.ID, Categories: t.Categories}, nil
}
