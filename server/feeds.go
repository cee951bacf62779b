package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sokbo/feed"
)

// channel describes the site feed (category "") or a category's feed in
// format f.
func (s *Server) channel(category string, f feed.Format) *feed.Channel {
	c := &feed.Channel{
		Title:       s.cfg.Title,
		Description: s.cfg.Description,
		BaseURL:     s.cfg.BaseURL,
		HomeURL:     s.cfg.BaseURL.String(),
		SelfURL:     s.feedURL(category, f),
		// The Atom feed id is the Atom feed's URL whatever format is
		// rendered, so it is the same id however the feed was reached.
		FeedID:    s.feedURL(category, feed.Atom),
		Lang:      s.cfg.Lang,
		Author:    s.cfg.Title,
		TTL:       s.cfg.TTL,
		Points:    s.cfg.SummaryPoints,
		Generator: "sokbo " + s.cfg.Version,
	}
	if category != "" {
		c.Title = s.cfg.Title + " — " + category
		c.Description = category + " — " + s.cfg.Title
		c.HomeURL = s.cfg.BaseURL.String() + "category/" + url.PathEscape(category) + "/"
	}
	if c.Description == "" {
		c.Description = c.Title
	}
	return c
}

// limit reads ?limit=, defaulting to the configured feed size.
func (s *Server) limit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return s.cfg.FeedLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > s.cfg.MaxFeedLimit {
		return 0, &statusError{http.StatusBadRequest, "limit: must be a whole number from 1 to " + strconv.Itoa(s.cfg.MaxFeedLimit)}
	}
	return n, nil
}

func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, f feed.Format, category string) {
	n, err := s.limit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := s.store.Latest(r.Context(), category, 0, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if category != "" {
		category = displayName(category, items)
	}
	c := s.channel(category, f)
	if n != s.cfg.FeedLimit {
		c.SelfURL += "?limit=" + strconv.Itoa(n)
	}
	var buf bytes.Buffer
	if err := feed.Write(&buf, f, c, items); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// displayName is the category's name as the newest article spells it
// (lookups ignore case), or as the URL gave it.
func displayName(category string, items []*feed.Article) string {
	key := feed.CategoryKey(category)
	for _, a := range items {
		for _, c := range a.Categories {
			if feed.CategoryKey(c) == key {
				return c
			}
		}
	}
	return strings.Join(strings.Fields(category), " ")
}

// handleCategory serves /category/{name}/feed.{rss,atom,json} and the
// category's headlines page at /category/{name}/. The name is
// one percent-encoded segment ("경제%2F산업"), but an unencoded "/" inside
// it is accepted too: everything before the last segment is the name.
func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/category/")
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	raw, file := p[:i], p[i+1:]
	name, err := url.PathUnescape(raw)
	if err != nil || strings.TrimSpace(name) == "" {
		s.fail(w, r, &statusError{http.StatusBadRequest, "category: not a valid percent-encoded name"})
		return
	}
	if file == "" {
		s.serveList(w, r, name)
		return
	}
	ext, ok := strings.CutPrefix(file, "feed.")
	if !ok {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	f, ok := feed.FormatByExt(ext)
	if !ok {
		s.fail(w, r, feed.ErrNotFound)
		return
	}
	s.serveFeed(w, r, f, name)
}
