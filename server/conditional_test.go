package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestNotModified(t *testing.T) {
	t.Parallel()
	const etag = `"abc"`
	mod := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	date := func(t time.Time) string { return t.Format(http.TimeFormat) }
	for _, tc := range []struct {
		name    string
		method  string // GET unless set
		hdr     []string
		lastMod time.Time
		want    bool
	}{
		{name: "no precondition", lastMod: mod, want: false},
		// If-None-Match: weak comparison, lists, "*".
		{name: "same tag", hdr: []string{"If-None-Match", etag}, want: true},
		{name: "weak form of the tag", hdr: []string{"If-None-Match", `W/"abc"`}, want: true},
		{name: "other tag", hdr: []string{"If-None-Match", `"abd"`}, want: false},
		{name: "tag in a list", hdr: []string{"If-None-Match", `"x", W/"y",` + etag}, want: true},
		{name: "list without the tag", hdr: []string{"If-None-Match", `"x", "y"`}, want: false},
		{name: "comma inside a tag", hdr: []string{"If-None-Match", `"x,\"abc\"", "y"`}, want: false},
		{name: "comma inside an earlier tag", hdr: []string{"If-None-Match", `"x,y", "abc"`}, want: true},
		{name: "tag in a second field line", hdr: []string{"If-None-Match", `"x"`, "If-None-Match", etag}, want: true},
		{name: "star", hdr: []string{"If-None-Match", "*"}, want: true},
		{name: "unquoted tag", hdr: []string{"If-None-Match", "abc"}, want: false},
		{name: "unterminated tag", hdr: []string{"If-None-Match", `"abc`}, want: false},
		{name: "tag prefix", hdr: []string{"If-None-Match", `"ab"`}, want: false},
		// If-None-Match decides alone: If-Modified-Since is ignored.
		{name: "INM fails, IMS holds", hdr: []string{"If-None-Match", `"x"`, "If-Modified-Since", date(mod)}, lastMod: mod, want: false},
		{name: "INM holds, IMS fails", hdr: []string{"If-None-Match", etag, "If-Modified-Since", date(mod.Add(-time.Hour))}, lastMod: mod, want: true},
		// If-Modified-Since.
		{name: "IMS equal", hdr: []string{"If-Modified-Since", date(mod)}, lastMod: mod, want: true},
		{name: "IMS later", hdr: []string{"If-Modified-Since", date(mod.Add(time.Hour))}, lastMod: mod, want: true},
		{name: "IMS earlier", hdr: []string{"If-Modified-Since", date(mod.Add(-time.Second))}, lastMod: mod, want: false},
		{name: "IMS in RFC 850 form", hdr: []string{"If-Modified-Since", mod.Format(time.RFC850)}, lastMod: mod, want: true},
		{name: "IMS in asctime form", hdr: []string{"If-Modified-Since", mod.Format(time.ANSIC)}, lastMod: mod, want: true},
		{name: "IMS not a date", hdr: []string{"If-Modified-Since", "yesterday"}, lastMod: mod, want: false},
		// Before the date has settled there is no Last-Modified to compare.
		{name: "IMS before the date settles", hdr: []string{"If-Modified-Since", date(mod.Add(time.Hour))}, want: false},
		// Only GET and HEAD are answered 304.
		{name: "HEAD", method: "HEAD", hdr: []string{"If-None-Match", etag}, want: true},
		{name: "HEAD with IMS", method: "HEAD", hdr: []string{"If-Modified-Since", date(mod)}, lastMod: mod, want: true},
		{name: "POST", method: "POST", hdr: []string{"If-None-Match", etag}, want: false},
		{name: "DELETE with IMS", method: "DELETE", hdr: []string{"If-Modified-Since", date(mod)}, lastMod: mod, want: false},
	} {
		method := tc.method
		if method == "" {
			method = "GET"
		}
		r := httptest.NewRequest(method, "/feed.rss", nil)
		for i := 0; i+1 < len(tc.hdr); i += 2 {
			r.Header.Add(tc.hdr[i], tc.hdr[i+1])
		}
		if got := notModified(r, etag, tc.lastMod); got != tc.want {
			t.Errorf("%s: notModified = %v, want %v (headers %q)", tc.name, got, tc.want, tc.hdr)
		}
	}
}
