package ingest_test

import (
	"context"
	"testing"

	"sokbo/feed/ingest"
)

// BenchmarkParseSeed reads the seed article, as the server does: with a
// style cache shared by the posts ("cached"), and without one.
func BenchmarkParseSeed(b *testing.B) {
	for _, bc := range []struct {
		name   string
		styles *ingest.StyleCache
	}{{"cached", new(ingest.StyleCache)}, {"uncached", nil}} {
		b.Run(bc.name, func(b *testing.B) {
			doc := seed(b)
			opt := options(b)
			opt.Styles = bc.styles
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ingest.Parse(context.Background(), doc, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHighlights measures the highlight extraction alone, on the
// seed's rendered body.
func BenchmarkHighlights(b *testing.B) {
	a := parse(b, string(seed(b)))
	b.SetBytes(int64(len(a.ContentHTML)))
	b.ReportAllocs()
	for b.Loop() {
		if h := ingest.HighlightsOf(a.ContentHTML); len(h) != 16 {
			b.Fatalf("got %d highlights, want 16", len(h))
		}
	}
}
