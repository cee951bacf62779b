package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sokbo/feed"
)

// Fuzz targets for the server's parsers of request headers and queries:
// none may panic, and each answer must be one the input allows.

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "gzip", "br;q=1, gzip;q=0.9", "*;q=0", "identity;q=0, *", "GZIP;q=0.5,br;q=x", "x-gzip", ",,;;q=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		got := negotiate(accept)
		lower := strings.ToLower(accept)
		switch got {
		case "":
		case codingGzip:
			if !strings.Contains(lower, "gzip") && !strings.Contains(lower, "*") {
				t.Errorf("negotiate(%q) = gzip, which it does not name", accept)
			}
		case codingBrotli:
			if !strings.Contains(lower, "br") && !strings.Contains(lower, "*") {
				t.Errorf("negotiate(%q) = br, which it does not name", accept)
			}
		default:
			t.Errorf("negotiate(%q) = %q", accept, got)
		}
	})
}

func FuzzPrefersHTML(f *testing.F) {
	for _, s := range []string{"", "text/html", "application/rss+xml, text/html;q=0.5", "*/*", "text/html;q=0", "text/html;q=abc", "TEXT/HTML;Q=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		for _, ff := range []feed.Format{feed.RSS, feed.Atom, feed.JSON} {
			if prefersHTML(accept, ff) && !strings.Contains(strings.ToLower(accept), "html") {
				t.Errorf("prefersHTML(%q, %v) without HTML named", accept, ff)
			}
		}
	})
}

func FuzzMatchesTag(f *testing.F) {
	for _, s := range []string{`"abc"`, `W/"abc"`, `*`, `"x", "abc"`, `"abc`, `,,`, ``} {
		f.Add(s)
	}
	const etag = `"abc"`
	f.Fuzz(func(t *testing.T, list string) {
		if matchesTag(list, etag) && !strings.Contains(list, "*") && !strings.Contains(list, etag) {
			t.Errorf("matchesTag(%q, %s) without the tag or *", list, etag)
		}
		if !matchesTag(etag+", "+list, etag) {
			t.Errorf("matchesTag(%q) misses the tag it starts with", etag+", "+list)
		}
	})
}

func FuzzEmbedQuery(f *testing.F) {
	for _, s := range []string{"", "limit=5&theme=dark", "category=%EA%B2%BD%EC%A0%9C&images=1", "limit=-1", "limit=99999999999999999999", "theme=auto&theme=blue", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := &http.Request{URL: &url.URL{Path: "/embed.json", RawQuery: query}}
		eq, err := parseEmbedQuery(r)
		if err != nil {
			if code, msg := errorStatus(err); code != http.StatusBadRequest || !strings.Contains(msg, ": ") {
				t.Errorf("%q: %d %q, want a 400 naming the parameter", query, code, msg)
			}
			return
		}
		if eq.limit < 1 || eq.limit > embedMaxLimit {
			t.Errorf("%q: limit %d", query, eq.limit)
		}
		if eq.theme != "auto" && eq.theme != "light" && eq.theme != "dark" {
			t.Errorf("%q: theme %q", query, eq.theme)
		}
	})
}
