package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"sokbo/bench/corpus"
)

// readers are the connections that read alongside the rounds, each with
// its own keep-alive connection, one request at a time, as fast as the
// server answers.
type readers struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	c      readerCounts
	errMsg string
}

type readerCounts struct {
	requests, errors int
	status           map[int]int
}

func (c readerCounts) minus(b readerCounts) readerCounts {
	d := readerCounts{c.requests - b.requests, c.errors - b.errors, map[int]int{}}
	for k, v := range c.status {
		if v -= b.status[k]; v > 0 {
			d.status[k] = v
		}
	}
	return d
}

func (c readerCounts) statuses() string {
	codes := make([]int, 0, len(c.status))
	for k := range c.status {
		codes = append(codes, k)
	}
	sort.Ints(codes)
	var parts []string
	for _, k := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", k, c.status[k]))
	}
	parts = append(parts, fmt.Sprintf("errors: %d", c.errors))
	return strings.Join(parts, ", ")
}

func startReaders(ctx context.Context, base string, n, prefill int) *readers {
	rs := &readers{c: readerCounts{status: map[int]int{}}}
	for k := range n {
		rs.wg.Add(1)
		go func() {
			defer rs.wg.Done()
			rs.read(ctx, base, prefill, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(k))))
		}()
	}
	return rs
}

func (rs *readers) wait() { rs.wg.Wait() }

func (rs *readers) counts() readerCounts {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	c := rs.c
	c.status = make(map[int]int, len(rs.c.status))
	for k, v := range rs.c.status {
		c.status[k] = v
	}
	return c
}

func (rs *readers) firstError() string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.errMsg
}

// read is one reader's loop, until ctx is done.
func (rs *readers) read(ctx context.Context, base string, prefill int, rng *rand.Rand) {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	m := newMix(rng, prefill)
	for ctx.Err() == nil {
		req, kind, enc := m.request(ctx, base)
		resp, err := client.Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if ctx.Err() != nil {
			return // a request cut short by the end of the run
		}
		rs.mu.Lock()
		rs.c.requests++
		switch {
		case err != nil:
			rs.c.errors++
			if rs.errMsg == "" {
				rs.errMsg = err.Error()
			}
		default:
			rs.c.status[resp.StatusCode]++
			if resp.StatusCode >= 500 {
				// A server error fails the run, as in the soak.
				rs.c.errors++
				if rs.errMsg == "" {
					rs.errMsg = fmt.Sprintf("GET %s: %d", req.URL.Path, resp.StatusCode)
				}
			}
		}
		rs.mu.Unlock()
		if err == nil && resp.StatusCode == http.StatusOK {
			if tag := resp.Header.Get("ETag"); tag != "" {
				m.remember(kind+" "+enc, tag)
			}
		}
	}
}

// mix is bench/soak.lua's GET mix: what a reader asks for, with which
// Accept-Encoding, and a third of the requests conditional.
type mix struct {
	rng     *rand.Rand
	prefill int
	cats    []string
	etags   map[string][]string // "kind enc" → the ETags last received
}

func newMix(rng *rand.Rand, prefill int) *mix {
	m := &mix{rng: rng, prefill: prefill, etags: map[string][]string{}}
	for _, c := range corpus.Categories {
		m.cats = append(m.cats, url.PathEscape(c))
	}
	return m
}

// ringSize is how many ETags are kept per kind and encoding and sent as
// one If-None-Match list, as soak.lua does (a shared cache's behaviour).
const ringSize = 24

func (m *mix) remember(key, tag string) {
	r := m.etags[key]
	for _, t := range r {
		if t == tag {
			return
		}
	}
	if len(r) == ringSize {
		r = r[1:]
	}
	m.etags[key] = append(r, tag)
}

var formats = []string{"rss", "atom", "json"}

// path picks a path with soak.lua's weights; kind is its content's type.
func (m *mix) path() (path, kind string) {
	r := m.rng.IntN(100)
	switch {
	case r < 30: // the site's feeds
		f := formats[(r/10)%3]
		return "/feed." + f, f
	case r < 55: // a category's feed
		f := formats[m.rng.IntN(3)]
		return "/category/" + m.cats[m.rng.IntN(len(m.cats))] + "/feed." + f, f
	case r < 60:
		return "/archive/1/feed.atom", "atom"
	case r < 70:
		return "/", "html"
	case r < 75:
		return "/category/" + m.cats[m.rng.IntN(len(m.cats))] + "/", "html"
	default: // an article's page
		if m.prefill < 1 {
			return "/", "html"
		}
		return fmt.Sprintf("/articles/bench-%d", m.rng.IntN(m.prefill)), "html"
	}
}

// request builds the next GET: soak.lua's encodings (25 % none, 35 % gzip,
// 40 % "gzip, deflate, br"), a sixth with If-None-Match and a sixth with
// If-Modified-Since up to two minutes ago.
func (m *mix) request(ctx context.Context, base string) (*http.Request, string, string) {
	path, kind := m.path()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	enc := "id"
	switch r := m.rng.IntN(100); {
	case r < 25:
	case r < 60:
		enc = "gzip"
		req.Header.Set("Accept-Encoding", "gzip")
	default:
		enc = "br"
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	}
	switch m.rng.IntN(6) {
	case 0:
		if tags := m.etags[kind+" "+enc]; len(tags) > 0 {
			req.Header.Set("If-None-Match", strings.Join(tags, ", "))
		}
	case 1:
		t := time.Now().Add(-time.Duration(m.rng.IntN(121)) * time.Second)
		req.Header.Set("If-Modified-Since", t.UTC().Format(http.TimeFormat))
	}
	return req, kind, enc
}
