package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rendered is a response kept in memory: its body, the body's compressed
// variants and the values of its headers, so that serving it from the
// cache costs no rendering. Each compressed variant is made once, by the
// first request that asks for it: a change costs one compression per
// coding in use, never one per request.
type rendered struct {
	// identity is the body as it is; read it with body().
	identity variant
	size     int // of the identity body
	// makeBody, when set, makes the identity body on first use
	// (newFeedResponse).
	makeBody     func() []byte
	bodyOnce     sync.Once
	gzip, br     lazyVariant
	ctype        string
	cacheControl string
	// modTime is the time of the last change, in whole seconds: the
	// precision of Last-Modified.
	modTime      time.Time
	lastModified string // modTime as an HTTP-date
	// now tells whether modTime has settled (see serve); set by the cache.
	now func() time.Time
	// extra holds more headers, such as the security headers of pages.
	extra http.Header
	// links are Link header values sent on every answer, 304 included, so
	// that a subscriber revalidating its copy still finds a feed's WebSub
	// hub and self.
	links []string
	// varyAccept is set on a feed and its HTML view, which share a URL and
	// are chosen by Accept (prefersHTML).
	varyAccept bool
}

// variant is the body in one content coding.
type variant struct {
	body   []byte
	etag   string // differs per coding, as a strong validator must
	length string
}

// lazyVariant is a compressed variant, made on first use.
type lazyVariant struct {
	once sync.Once
	variant
	err error
}

// newRendered keeps body with its headers; extra is not copied.
func newRendered(body []byte, ctype, cacheControl string, modTime time.Time, extra http.Header) *rendered {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:15])
	modTime = modTime.UTC().Truncate(time.Second)
	rd := &rendered{
		identity:     variant{body: body, etag: `"` + tag + `"`, length: strconv.Itoa(len(body))},
		size:         len(body),
		ctype:        ctype,
		cacheControl: cacheControl,
		modTime:      modTime,
		lastModified: modTime.Format(http.TimeFormat),
		extra:        extra,
	}
	rd.gzip.etag = `"` + tag + `-gz"`
	rd.br.etag = `"` + tag + `-br"`
	return rd
}

// body returns the identity body, made now if it is not yet.
func (rd *rendered) body() []byte {
	if rd.makeBody != nil {
		rd.bodyOnce.Do(func() { rd.identity.body = rd.makeBody() })
	}
	return rd.identity.body
}

// lazy is rd's compressed variant in coding, gzip or br; nil for any
// other coding (identity).
func (rd *rendered) lazy(coding string) *lazyVariant {
	switch coding {
	case codingGzip:
		return &rd.gzip
	case codingBrotli:
		return &rd.br
	}
	return nil
}

// encoded returns the body in coding ("" for identity), compressing it on
// first use (precompress); a compression that fails, or a body too large
// for its coding, falls back to identity.
func (rd *rendered) encoded(coding string) (*variant, string) {
	lv := rd.lazy(coding)
	if lv != nil {
		precompress(rd, coding)
		if lv.err == nil {
			return &lv.variant, coding
		}
	}
	rd.body()
	return &rd.identity, ""
}

// settled reports whether the second of modTime is over. Last-Modified
// counts whole seconds: within the second of a change another change could
// follow under the same date, and a client revalidating with
// If-Modified-Since would miss it. So the date is given (and
// If-Modified-Since honoured) only once that second is over; the ETag
// covers the meantime.
func (rd *rendered) settled() bool {
	return rd.now == nil || !rd.now().Before(rd.modTime.Add(time.Second))
}

// serve writes rd in the coding the request accepts, or 304 Not Modified
// when its preconditions say the client's copy is current.
func (rd *rendered) serve(w http.ResponseWriter, r *http.Request) {
	v, coding := rd.encoded(negotiate(r.Header.Get("Accept-Encoding")))
	var lastMod time.Time // zero: no date to give or compare yet
	if rd.settled() {
		lastMod = rd.modTime
	}
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	if rd.varyAccept {
		h.Add("Vary", "Accept")
	}
	h.Set("Cache-Control", rd.cacheControl)
	h.Set("ETag", v.etag)
	for _, l := range rd.links {
		h.Add("Link", l)
	}
	if notModified(r, v.etag, lastMod) {
		// A 304 carries the fields a cache updates its copy with (RFC 9110
		// 15.4.5): ETag, Cache-Control, Vary, and the Link fields; no
		// representation metadata.
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !lastMod.IsZero() {
		h.Set("Last-Modified", rd.lastModified)
	}
	if coding != "" {
		h.Set("Content-Encoding", coding)
	}
	h.Set("Content-Type", rd.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	setHeaders(h, rd.extra)
	h.Set("Content-Length", v.length)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body)
	}
}

// setHeaders sets every field of src on h, replacing what h had.
func setHeaders(h, src http.Header) {
	for k, vs := range src {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
}
