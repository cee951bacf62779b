package ingest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// BenchmarkParseHostile parses each hostile shape at the largest body
// (maxBody), and again with as many repetitions as Parse still accepts,
// padded with prose to maxBody ("limit"): the dearest document of that
// shape that gets through every check. The seed article is there for
// comparison. Every one must stay within the budget of 250 ms and 64 MB.
func BenchmarkParseHostile(b *testing.B) {
	opt := options(b)
	b.Run("seed", func(b *testing.B) { benchParse(b, seed(b), opt) })
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) { benchParse(b, s.doc(maxBody), opt) })
	}
	for _, s := range shapes {
		b.Run(s.name+" limit", func(b *testing.B) { benchParse(b, atLimit(b, s, opt), opt) })
	}
	b.Run("yaml laughs", func(b *testing.B) { benchParse(b, laughs(9), opt) })
}

// benchParse reports, besides time and memory, the CPU time per parse
// (cpu-ms/op), which is what the budget bounds.
func benchParse(b *testing.B, doc []byte, opt ingest.Options) {
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := ingest.Parse(context.Background(), doc, opt); err != nil {
			var ie *feed.InputError
			if !errors.As(err, &ie) {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// atLimit returns the shape with the most repetitions Parse accepts,
// padded to maxBody, found by bisection; the shape at maxBody if Parse
// accepts that.
func atLimit(tb testing.TB, s shape, opt ingest.Options) []byte {
	tb.Helper()
	t := templates[s.tmpl]
	ok := func(reps int) bool {
		_, err := ingest.Parse(context.Background(), t.repeated(s.unit, reps, maxBody), opt)
		return err == nil
	}
	lo, hi := 0, maxBody/max(1, len(s.unit))
	if ok(hi) {
		return t.repeated(s.unit, hi, maxBody)
	}
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return t.repeated(s.unit, max(lo, 1), maxBody)
}
