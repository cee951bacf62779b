package server

import (
	"strings"
	"testing"

	"sokbo/feed"
)

func TestPrefersHTML(t *testing.T) {
	const chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
	const firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	tests := []struct {
		name   string
		accept string
		f      feed.Format
		want   bool
	}{
		{"chromium rss", chromium, feed.RSS, true},
		{"chromium atom", chromium, feed.Atom, true},
		{"chromium json", chromium, feed.JSON, true},
		{"firefox rss", firefox, feed.RSS, true},
		{"absent", "", feed.RSS, false},
		{"any", "*/*", feed.RSS, false},
		{"miniflux", "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4", feed.RSS, false},
		{"miniflux atom", "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4", feed.Atom, false},
		{"feedparser", "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1", feed.RSS, false},
		{"json reader", "application/feed+json, application/json;q=0.9", feed.JSON, false},
		{"tie with own type", "text/html, application/rss+xml", feed.RSS, false},
		{"tie with wildcard", "text/html, */*", feed.Atom, false},
		{"html over own type", "text/html, application/rss+xml;q=0.5", feed.RSS, true},
		{"html alone", "text/html", feed.RSS, true},
		{"xhtml", "application/xhtml+xml", feed.Atom, true},
		{"text wildcard ties", "text/html, text/*", feed.RSS, false},
		{"html refused", "text/html;q=0, */*;q=0.1", feed.RSS, false},
		{"json over html for json", "text/html;q=0.5, application/json", feed.JSON, false},
		{"json does not count for rss", "text/html, application/json;q=0.5", feed.RSS, true},
		{"upper case", "TEXT/HTML, Application/RSS+XML;Q=0.5", feed.RSS, true},
		{"bad q", "text/html;q=abc", feed.RSS, false},
		{"q above one", "text/html;q=2, */*", feed.RSS, false},
		{"no slash", "html", feed.RSS, false},
		{"empty parts", ",, text/html ,", feed.RSS, true},
		{"huge", strings.Repeat("image/png,", 10000) + "text/html", feed.RSS, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := prefersHTML(tt.accept, tt.f); got != tt.want {
				t.Errorf("prefersHTML(%.80q, %s) = %v, want %v", tt.accept, tt.f.Ext(), got, tt.want)
			}
		})
	}
}
