package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// A rendered response, kept as bytes with its compressed variants and every
// header value precomputed, so serving it from memory allocates nothing
// that depends on its size. Each compressed variant is made once, by the
// first request that asks for it: a change costs one compression per
// encoding in use, never one per request.
type rendered struct {
	identity, gzip, br variant
	// Header values, ready to assign.
	ctype, cacheControl, lastMod []string
	modTime                      time.Time
	// now is the clock that tells whether Last-Modified can be trusted yet
	// (see serve); set by the cache.
	now func() time.Time
	// extra headers, such as the security headers of HTML pages.
	extra http.Header
}

// variant is the response body in one content coding.
type variant struct {
	once   sync.Once
	body   []byte
	etag   []string // differs per coding, as a strong validator must
	length []string
	err    error
}

// Compression levels: the defaults' ratio at a fraction of the maximum's
// time, since a breaking story invalidates feeds many times a minute.
const (
	gzipLevel   = gzip.DefaultCompression
	brotliLevel = 5
)

// newRendered precomputes the headers of body.
func newRendered(body []byte, ctype, cacheControl string, modTime time.Time, extra http.Header) *rendered {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:15])
	modTime = modTime.UTC().Truncate(time.Second)
	rd := &rendered{
		ctype:        []string{ctype},
		cacheControl: []string{cacheControl},
		lastMod:      []string{modTime.Format(http.TimeFormat)},
		modTime:      modTime,
		extra:        extra,
	}
	rd.identity.once.Do(func() {})
	rd.identity.body = body
	rd.identity.etag = []string{`"` + tag + `"`}
	rd.identity.length = []string{strconv.Itoa(len(body))}
	rd.gzip.etag = []string{`"` + tag + `-gz"`}
	rd.br.etag = []string{`"` + tag + `-br"`}
	return rd
}

// compressed returns v, compressing the identity body into it on first use.
func (rd *rendered) compressed(v *variant, coding string) *variant {
	v.once.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(rd.identity.body) / 4)
		var w interface {
			Write([]byte) (int, error)
			Close() error
		}
		if coding == "gzip" {
			w, v.err = gzip.NewWriterLevel(&buf, gzipLevel)
		} else {
			w = brotli.NewWriterLevel(&buf, brotliLevel)
		}
		if v.err == nil {
			_, v.err = w.Write(rd.identity.body)
		}
		if v.err == nil {
			v.err = w.Close()
		}
		v.body = buf.Bytes()
		v.length = []string{strconv.Itoa(len(v.body))}
	})
	if v.err != nil {
		return &rd.identity
	}
	return v
}

var (
	varyAE    = []string{"Accept-Encoding"}
	encGzip   = []string{"gzip"}
	encBr     = []string{"br"}
	nosniff   = []string{"nosniff"}
	headerKey = struct{ etag, ctype, cc, lm, cl, vary, ce, xcto string }{
		"Etag", "Content-Type", "Cache-Control", "Last-Modified", "Content-Length", "Vary", "Content-Encoding", "X-Content-Type-Options",
	}
)

// serve writes rd, negotiating the encoding and answering conditional
// requests with 304.
func (rd *rendered) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	v := &rd.identity
	switch negotiate(r.Header.Get("Accept-Encoding")) {
	case "br":
		v = rd.compressed(&rd.br, "br")
	case "gzip":
		v = rd.compressed(&rd.gzip, "gzip")
	}
	h[headerKey.vary] = varyAE
	h[headerKey.cc] = rd.cacheControl
	h[headerKey.etag] = v.etag
	// Last-Modified counts whole seconds: within the second of the change
	// another change could follow under the same date, and a client
	// revalidating with If-Modified-Since would miss it. So the date is
	// given (and If-Modified-Since honoured) only once that second is over;
	// the ETag covers the meantime.
	settled := rd.now == nil || !rd.now().Before(rd.modTime.Add(time.Second))
	if rd.notModified(r, v, settled) {
		// A 304 carries the fields a cache updates its copy with (RFC 9110
		// 15.4.5): ETag, Cache-Control, Vary — no representation metadata.
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if settled {
		h[headerKey.lm] = rd.lastMod
	}
	switch v {
	case &rd.br:
		h[headerKey.ce] = encBr
	case &rd.gzip:
		h[headerKey.ce] = encGzip
	}
	h[headerKey.ctype] = rd.ctype
	h[headerKey.xcto] = nosniff
	for k, val := range rd.extra {
		h[k] = val
	}
	h[headerKey.cl] = v.length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body)
	}
}

// notModified evaluates If-None-Match against the tag of the variant
// being served (weak comparison, RFC 9110 13.1.2), or, without it,
// If-Modified-Since when the date has settled, as RFC 9110 13.2.2 orders
// them.
func (rd *rendered) notModified(r *http.Request, v *variant, settled bool) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for tag := range strings.SplitSeq(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == v.etag[0] {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && settled {
		t, err := http.ParseTime(ims)
		return err == nil && !rd.modTime.After(t)
	}
	return false
}

// negotiate picks "br", "gzip" or "" (identity) from an Accept-Encoding
// header: the highest q-value wins, ties go to br, then gzip, then
// identity; "*" stands for any coding not listed; q=0 refuses.
func negotiate(accept string) string {
	switch accept {
	case "":
		return ""
	case "gzip", "gzip, deflate": // the commonest values, answered without parsing
		return "gzip"
	case "br", "gzip, deflate, br", "gzip, deflate, br, zstd", "br, gzip", "gzip, br":
		return "br"
	}
	// The q-value of each coding; -1 while not listed.
	gz, br, identity, star := -1.0, -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		v := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || !(f >= 0 && f <= 1) { // NaN too
					f = 0
				}
				v = f
			}
		}
		switch {
		case strings.EqualFold(name, "gzip") || strings.EqualFold(name, "x-gzip"):
			gz = v
		case strings.EqualFold(name, "br"):
			br = v
		case strings.EqualFold(name, "identity"):
			identity = v
		case name == "*":
			star = v
		}
	}
	qOf := func(q float64, isIdentity bool) float64 {
		switch {
		case q >= 0:
			return q
		case star >= 0:
			return star
		case isIdentity:
			return 0.001 // acceptable unless refused
		}
		return 0
	}
	best, bestQ := "", qOf(identity, true)
	if v := qOf(gz, false); v > 0 && v >= bestQ {
		best, bestQ = "gzip", v
	}
	if v := qOf(br, false); v > 0 && v >= bestQ {
		best = "br"
	}
	return best
}

// cache keeps rendered responses by key. Each key belongs to a scope (the
// site, or one category); a write bumps the generation of exactly the
// scopes it touches, and an entry rendered under an older generation is
// never served again. The generation is read before the store is, so a
// render racing a write can only be marked stale, never hide the write:
// a request that starts after a write returned sees it.
type cache struct {
	mu      sync.Mutex
	gen     map[string]uint64    // scope → generation
	changed map[string]time.Time // scope → time of its last change
	entries map[cacheKey]*entry
	max     int   // entries
	bytes   int64 // held by the entries' bodies, estimated
	budget  int64 // most bytes to hold
	started time.Time
	now     func() time.Time
}

type cacheKey struct {
	scope       string // "" for the site, "c:"+category key
	name        string // what is rendered, e.g. "rss" or "rss 경제"
	limit, page int    // of a feed
}

type entry struct {
	gen  uint64
	done chan struct{}
	r    *rendered
	err  error
	size int64 // bytes counted in cache.bytes; 0 until rendered
}

func newCache(max int, budget int64, now func() time.Time) *cache {
	return &cache{
		gen:     map[string]uint64{},
		changed: map[string]time.Time{},
		entries: map[cacheKey]*entry{},
		max:     max,
		budget:  budget,
		started: now(),
		now:     now,
	}
}

// remove drops the entry of k; c.mu is held.
func (c *cache) remove(k cacheKey) {
	if e, ok := c.entries[k]; ok {
		c.bytes -= e.size
		delete(c.entries, k)
	}
}

// shrink evicts entries, in map order (random), until the cache holds at
// most max entries and budget bytes, sparing keep; c.mu is held. Whatever
// limits, pages and categories clients ask for, memory stays bounded.
func (c *cache) shrink(keep cacheKey) {
	for key := range c.entries {
		if len(c.entries) <= c.max && c.bytes <= c.budget {
			return
		}
		if key != keep {
			c.remove(key)
		}
	}
}

// get returns the entry for k, rendering it once however many requests
// ask at the same time. render receives the time the scope last changed
// (or the start of the process), for Last-Modified.
func (c *cache) get(k cacheKey, render func(changed time.Time) (*rendered, error)) (*rendered, error) {
	c.mu.Lock()
	g := c.gen[k.scope]
	if e, ok := c.entries[k]; ok && e.gen == g {
		c.mu.Unlock()
		<-e.done
		return e.r, e.err
	}
	changed, ok := c.changed[k.scope]
	if !ok {
		changed = c.started
	}
	e := &entry{gen: g, done: make(chan struct{})}
	c.remove(k)
	c.entries[k] = e
	c.shrink(k)
	c.mu.Unlock()

	func() {
		defer close(e.done)
		defer func() {
			if p := recover(); p != nil {
				e.err = fmt.Errorf("render %v: panic: %v", k, p)
			}
		}()
		e.r, e.err = render(changed)
		if e.r != nil {
			e.r.now = c.now // before done is closed: waiters read it
		}
	}()
	c.mu.Lock()
	if c.entries[k] == e {
		if e.err != nil {
			c.remove(k)
		} else {
			// The identity body and, at most, its two compressed variants.
			e.size = int64(len(e.r.identity.body)) * 3 / 2
			c.bytes += e.size
			c.shrink(k)
		}
	}
	c.mu.Unlock()
	return e.r, e.err
}

// invalidate marks every entry of the scopes stale.
func (c *cache) invalidate(scopes ...string) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range scopes {
		c.gen[s]++
		c.changed[s] = now
	}
}
