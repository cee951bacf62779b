package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"sokbo/bench/corpus"
)

type config struct {
	base, token, category, run string
	timeout                    time.Duration
	seed                       uint64
}

// feedURL is one of the six feeds a round waits on.
type feedURL struct{ kind, url string }

// loop is the measuring client: one keep-alive connection for the POST
// and every GET, so a round measures the server, not connection setup.
// Each request is written and its response read by the loop's goroutine
// itself (http.ReadResponse), not through a Transport, which hands every
// request and response between goroutines of its own, each of which may
// wait for one of the two cores the server is rendering on.
type loop struct {
	cfg   config
	host  string
	conn  net.Conn // nil until the first request, and after a failed one
	br    *bufio.Reader
	feeds []feedURL
	last  time.Time // the previous article's date
}

func newLoop(cfg config) (*loop, error) {
	u, err := url.Parse(cfg.base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("-url %q: an http:// URL with a host (this client speaks plain HTTP/1.1)", cfg.base)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	l := &loop{cfg: cfg, host: host}
	cat := "/category/" + url.PathEscape(cfg.category)
	for _, prefix := range []string{"", cat} {
		for _, kind := range []string{"rss", "atom", "json"} {
			l.feeds = append(l.feeds, feedURL{kind, cfg.base + prefix + "/feed." + kind})
		}
	}
	return l, nil
}

func (l *loop) close() {
	if l.conn != nil {
		l.conn.Close()
		l.conn = nil
	}
}

// do sends req on the loop's connection and returns its response with the
// whole body read.
func (l *loop) do(req *http.Request) (*http.Response, []byte, error) {
	if l.conn == nil {
		c, err := net.DialTimeout("tcp", l.host, 5*time.Second)
		if err != nil {
			return nil, nil, err
		}
		l.conn, l.br = c, bufio.NewReaderSize(c, 64<<10)
	}
	if l.cfg.timeout > 0 {
		_ = l.conn.SetDeadline(time.Now().Add(l.cfg.timeout))
	}
	if err := req.Write(l.conn); err != nil {
		l.close()
		return nil, nil, err
	}
	resp, err := http.ReadResponse(l.br, req)
	if err != nil {
		l.close()
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		l.close()
	}
	return resp, body, err
}

// roundResult is one round's measures; gets counts every GET it took.
type roundResult struct {
	fresh, post, first time.Duration
	check              time.Duration // the client's decompressing and parsing
	gets               int
}

// round posts article i and waits until it tops all six feeds.
func (l *loop) round(i int) (roundResult, error) {
	var r roundResult
	doc := l.article(i)
	t0 := time.Now()
	guid, err := l.post(doc)
	if err != nil {
		return r, err
	}
	r.post = time.Since(t0)
	deadline := t0.Add(l.cfg.timeout)
	var done time.Time
	for k, f := range l.feeds {
		for {
			start := time.Now()
			body, err := l.get(f.url)
			got := time.Now()
			r.gets++
			if k == 0 && r.gets == 1 {
				r.first = got.Sub(start)
			}
			if err != nil {
				return r, fmt.Errorf("GET %s: %w", f.url, err)
			}
			top, err := topID(f.kind, body)
			r.check += time.Since(got)
			if err != nil {
				return r, fmt.Errorf("GET %s: %w", f.url, err)
			}
			if top == guid {
				done = got
				break
			}
			if got.After(deadline) {
				return r, fmt.Errorf("%s: article %s not on top after %v (top: %s)", f.url, guid, l.cfg.timeout, top)
			}
		}
	}
	r.fresh = done.Sub(t0)
	return r, nil
}

// categoriesBlock is the list of categories in a corpus document.
var categoriesBlock = regexp.MustCompile(`(?s)\ncategories:\n.*?\n(tags:)`)

// article returns round i's document: a corpus template with this run's
// id, the category alone, and a date just after the previous round's (now,
// unless the clock has not moved), so that it is the newest.
func (l *loop) article(i int) []byte {
	at := time.Now().UTC()
	if !at.After(l.last) {
		at = l.last.Add(time.Microsecond)
	}
	l.last = at
	doc := corpus.Template(corpus.New(l.cfg.seed, i))
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(l.cfg.category) + `"`
	doc = categoriesBlock.ReplaceAll(doc, []byte("\ncategories:\n  - "+q+"\n$1"))
	doc = bytes.Replace(doc, []byte(corpus.IDPlaceholder), fmt.Appendf(nil, "%s-%d", l.cfg.run, i), 1)
	return bytes.Replace(doc, []byte(corpus.DatePlaceholder), []byte(at.Format("2006-01-02 15:04:05.000000 -0700")), 1)
}

// post sends doc and returns the stored article's guid, which every feed
// format uses as the item's id.
func (l *loop) post(doc []byte) (string, error) {
	req, err := http.NewRequest(http.MethodPost, l.cfg.base+"/api/articles", bytes.NewReader(doc))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	resp, body, err := l.do(req)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST: %d %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	var a struct {
		GUID string `json:"guid"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.GUID == "" {
		return "", fmt.Errorf("POST: no guid in the answer (%v)", err)
	}
	return a.GUID, nil
}

// get fetches u with Accept-Encoding: gzip, reads the whole body off the
// connection, and returns a reader of its decompressed bytes.
func (l *loop) get(u string) (io.Reader, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, body, err := l.do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" {
		return nil, fmt.Errorf("Content-Encoding %q, not gzip", ce)
	}
	return gzip.NewReader(bytes.NewReader(body))
}
