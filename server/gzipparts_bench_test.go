package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"sokbo/bench/corpus"
	"sokbo/feed"
	"sokbo/feed/ingest"
)

// BenchmarkGzipAfterWrite measures the gzip variant of a 50-item site feed
// of newsroom-shaped articles (bench/corpus) right after a write put a new
// article on top, the parts of the feed before it kept: the compression on
// the path of the first GET after a write. It reports the variant's size
// (gz-bytes) and, for comparison, compressing the whole body at once
// (whole-*). gzipPartLevel was chosen from it (bench/README.md).
func BenchmarkGzipAfterWrite(b *testing.B) {
	base, _ := url.Parse("http://127.0.0.1/")
	arts := make([]*feed.Article, 51)
	for i := range arts {
		res, err := ingest.Parse(context.Background(), corpus.Article(i, corpus.New(1, i)), ingest.Options{BaseURL: base, Lang: "ko"})
		if err != nil {
			b.Fatal(err)
		}
		arts[i] = res.Article
	}
	for _, f := range []feed.Format{feed.RSS, feed.JSON} {
		c := &feed.Channel{Title: "sokbo", BaseURL: base, HomeURL: base.String(), Lang: "ko", Author: "sokbo", Highlights: 5, MaxItemContent: 64 << 10, MaxFeedContent: 2 << 20}
		assemble := func(fs *fragments, items []*feed.Article) (*feed.Assembled, []*itemDigest) {
			digests := make([]*itemDigest, len(items))
			a, err := feed.Assemble(f, c, items, func(i int, full bool) ([]byte, error) {
				body, d, err := fs.item(f, c, c.ItemContext(), items[i], full)
				digests[i] = d
				return body, err
			})
			if err != nil {
				b.Fatal(err)
			}
			return a, digests
		}
		for _, level := range []int{1, 4, 5, 6, 9} {
			b.Run(fmt.Sprintf("%s/level-%d", f.Ext(), level), func(b *testing.B) {
				var size int
				for b.Loop() {
					b.StopTimer()
					fs := newFragments(64 << 20)
					fs.level = level
					fs.gzipAssembled(assemble(fs, arts[1:])) // before the write
					a, digests := assemble(fs, arts[:50])
					b.StartTimer()
					size = len(fs.gzipAssembled(a, digests))
				}
				b.ReportMetric(float64(size), "gz-bytes")
			})
		}
		a, _ := assemble(newFragments(64<<20), arts[:50])
		body := a.Bytes()
		for _, level := range []int{1, 4, 6} {
			b.Run(fmt.Sprintf("%s/whole-%d", f.Ext(), level), func(b *testing.B) {
				var size int
				for b.Loop() {
					var buf bytes.Buffer
					zw, _ := gzip.NewWriterLevel(&buf, level)
					_, _ = zw.Write(body)
					_ = zw.Close()
					size = buf.Len()
				}
				b.ReportMetric(float64(size), "gz-bytes")
				b.ReportMetric(float64(len(body)), "body-bytes")
			})
		}
	}
	_ = time.Second
}
