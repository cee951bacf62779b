package main

import (
	"strings"
	"testing"
)

func TestTopID(t *testing.T) {
	tests := []struct {
		kind, doc, want string
	}{
		{"rss", `<?xml version="1.0"?><rss><channel><title>t</title><guid>no</guid>
			<item><title>a</title><content:encoded><![CDATA[<p>x <guid>no</guid></p>]]></content:encoded>
			<guid isPermaLink="false">tag:a&amp;b</guid></item><item><guid>second</guid></item></channel></rss>`, "tag:a&b"},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><id>feed-id</id>
			<deleted-entry ref="gone"/><entry><title>a</title><source><id>src</id></source><id> first </id></entry>
			<entry><id>second</id></entry></feed>`, "first"},
		{"json", `{"version":"https://jsonfeed.org/version/1.1","title":"t","id":"no",
			"extra":{"items":[{"id":"nested"}]},"items":[{"title":"a","id":"first"},{"id":"second"}]}`, "first"},
	}
	for _, tt := range tests {
		got, err := topID(tt.kind, strings.NewReader(tt.doc))
		if err != nil || got != tt.want {
			t.Errorf("topID(%s) = %q, %v; want %q", tt.kind, got, err, tt.want)
		}
	}
}

func TestTopIDEmpty(t *testing.T) {
	for kind, doc := range map[string]string{
		"rss":  `<rss><channel><title>t</title></channel></rss>`,
		"atom": `<feed><id>x</id></feed>`,
		"json": `{"title":"t","items":[]}`,
	} {
		if _, err := topID(kind, strings.NewReader(doc)); err != errNoItems {
			t.Errorf("topID(%s) of an empty feed: %v, want errNoItems", kind, err)
		}
	}
}
