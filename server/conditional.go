package server

import (
	"net/http"
	"strings"
	"time"
)

// notModified reports whether a GET or HEAD may be answered 304 Not
// Modified, as RFC 9110 13.2.2 orders the preconditions: If-None-Match,
// when present, decides alone, by weak comparison with etag (13.1.2);
// without it, If-Modified-Since does, when lastMod is known (not zero) and
// no later than its date (13.1.3).
func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		for _, list := range inm {
			if matchesTag(list, etag) {
				return true
			}
		}
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || lastMod.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !lastMod.After(t)
}

// matchesTag reports whether an If-None-Match list ("*", or entity tags
// separated by commas) names etag under weak comparison: W/ prefixes are
// ignored. A list that stops parsing matches nothing further, since its
// remaining tags cannot be told apart.
func matchesTag(list, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for {
		list = strings.TrimLeft(list, " \t,")
		if list == "" {
			return false
		}
		if list[0] == '*' {
			return true
		}
		list = strings.TrimPrefix(list, "W/")
		if len(list) < 2 || list[0] != '"' {
			return false
		}
		end := strings.IndexByte(list[1:], '"')
		if end < 0 {
			return false
		}
		if list[:end+2] == etag {
			return true
		}
		list = list[end+2:]
	}
}
