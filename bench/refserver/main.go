// Command refserver serves one response body from memory on every path:
// the ceiling of Go's net/http stack on this machine, for comparing
// sokbo's feed serving against.
//
//	refserver -addr 127.0.0.1:18081 -body feed.rss -gzip feed.rss.gz [-br feed.rss.br] \
//	          -type 'application/rss+xml; charset=utf-8'
//
// It answers GET and HEAD with the brotli bytes when Accept-Encoding
// allows br and -br is given, else the gzip bytes when it allows gzip and
// -gzip is given, else the identity bytes; always with Vary:
// Accept-Encoding and a fixed strong ETag per encoding, and 304 Not
// Modified when If-None-Match names it.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// representation is one encoding of the body, with its header values
// prepared once.
type representation struct {
	body     []byte
	etag     string
	etagHdr  []string
	length   []string
	encoding []string // nil for identity
}

func newRepresentation(body []byte, tag, encoding string) *representation {
	r := &representation{body: body, etag: tag, etagHdr: []string{tag}, length: []string{strconv.Itoa(len(body))}}
	if encoding != "" {
		r.encoding = []string{encoding}
	}
	return r
}

type handler struct {
	identity, gzip, br *representation
	ctype              []string
}

var vary = []string{"Accept-Encoding"}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rep := h.identity
	if ae := r.Header.Get("Accept-Encoding"); ae != "" {
		if h.br != nil && accepts(ae, "br") {
			rep = h.br
		} else if h.gzip != nil && accepts(ae, "gzip") {
			rep = h.gzip
		}
	}
	hdr := w.Header()
	hdr["Vary"] = vary
	hdr["Etag"] = rep.etagHdr
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, rep.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr["Content-Type"] = h.ctype
	hdr["Content-Length"] = rep.length
	if rep.encoding != nil {
		hdr["Content-Encoding"] = rep.encoding
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(rep.body)
	}
}

// accepts reports whether the Accept-Encoding value ae allows coding
// (listed, or by "*", without q=0).
func accepts(ae, coding string) bool {
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, coding) && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// etagMatch is If-None-Match's weak comparison of the list inm with tag.
func etagMatch(inm, tag string) bool {
	if strings.TrimSpace(inm) == "*" {
		return true
	}
	tag = strings.TrimPrefix(tag, "W/")
	for part := range strings.SplitSeq(inm, ",") {
		if strings.TrimPrefix(strings.TrimSpace(part), "W/") == tag {
			return true
		}
	}
	return false
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	bodyPath := flag.String("body", "", "file with the identity body (required)")
	gzipPath := flag.String("gzip", "", "file with the gzip-encoded body (optional)")
	brPath := flag.String("br", "", "file with the brotli-encoded body (optional)")
	ctype := flag.String("type", "application/octet-stream", "Content-Type")
	flag.Parse()
	if *bodyPath == "" {
		fmt.Fprintln(os.Stderr, "refserver: -body is required")
		os.Exit(2)
	}
	load := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			log.Fatalf("refserver: %v", err)
		}
		return b
	}
	body := load(*bodyPath)
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:8])
	h := &handler{
		identity: newRepresentation(body, `"`+tag+`"`, ""),
		ctype:    []string{*ctype},
	}
	if *gzipPath != "" {
		h.gzip = newRepresentation(load(*gzipPath), `"`+tag+`-gzip"`, "gzip")
	}
	if *brPath != "" {
		h.br = newRepresentation(load(*brPath), `"`+tag+`-br"`, "br")
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	log.Printf("refserver: serving %s (%d bytes) on %s", *bodyPath, len(body), *addr)
	log.Fatal(srv.ListenAndServe())
}
