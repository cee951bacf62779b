package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// TestCompressionLevel: each body size gets its tier's level, and a body
// over a coding's last tier is not compressed in it.
func TestCompressionLevel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n        int
		gzip, br int
	}{
		{0, 6, 5},
		{128 << 10, 6, 5},
		{128<<10 + 1, 4, 0},
		{512 << 10, 4, 0},
		{1 << 20, 1, 0},
		{1<<20 + 1, uncompressed, 0},
		{4 << 20, uncompressed, 0},
		{4<<20 + 1, uncompressed, uncompressed},
	} {
		if g, b := compressionLevel(codingGzip, tc.n), compressionLevel(codingBrotli, tc.n); g != tc.gzip || b != tc.br {
			t.Errorf("%d bytes: gzip %d, br %d; want %d, %d", tc.n, g, b, tc.gzip, tc.br)
		}
	}
}

// TestPrecompress: a made variant decodes to the body, and one over its
// coding's last tier is served as identity.
func TestPrecompress(t *testing.T) {
	t.Parallel()
	small := bytes.Repeat([]byte("<item>속보</item>\n"), 1000)
	large := bytes.Repeat([]byte("<item>속보</item>\n"), (1<<20)/20+1000)
	for _, tc := range []struct {
		name   string
		body   []byte
		coding string
		want   string // the coding served
	}{
		{"small gzip", small, codingGzip, codingGzip},
		{"small br", small, codingBrotli, codingBrotli},
		{"large gzip", large, codingGzip, ""},
		{"large br", large, codingBrotli, codingBrotli},
	} {
		rd := newRendered(tc.body, "text/plain", "no-cache", time.Time{}, nil)
		precompress(rd, tc.coding)
		v, coding := rd.encoded(tc.coding)
		if coding != tc.want {
			t.Errorf("%s: served as %q, want %q", tc.name, coding, tc.want)
			continue
		}
		var r io.Reader = bytes.NewReader(v.body)
		switch coding {
		case codingGzip:
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case codingBrotli:
			r = brotli.NewReader(r)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, tc.body) {
			t.Errorf("%s: decodes to %d bytes (err %v), want the body's %d", tc.name, len(got), err, len(tc.body))
		}
	}
}

// TestCompressReused: compressors are reused (compresspool.go); each
// output, however many bodies the compressor made before it and in
// whatever order, decompresses to its own body alone.
func TestCompressReused(t *testing.T) {
	bodies := [][]byte{
		bytes.Repeat([]byte("<item><title>속보: 첫째</title></item>\n"), 2000),
		[]byte("short"),
		{},
		bytes.Repeat([]byte("{\"id\":\"둘째\",\"title\":\"another body\"},"), 700),
	}
	for _, coding := range []string{codingGzip, codingBrotli} {
		for _, level := range []int{0, 1, 5, 6} {
			if coding == codingGzip && level == 0 {
				continue
			}
			for round := range 3 {
				for i, body := range bodies {
					out, err := compressAt(body, coding, level)
					if err != nil {
						t.Fatalf("%s %d, body %d: %v", coding, level, i, err)
					}
					var r io.Reader
					if coding == codingGzip {
						zr, err := gzip.NewReader(bytes.NewReader(out))
						if err != nil {
							t.Fatalf("%s %d round %d body %d: %v", coding, level, round, i, err)
						}
						r = zr
					} else {
						r = brotli.NewReader(bytes.NewReader(out))
					}
					got, err := io.ReadAll(r)
					if err != nil || !bytes.Equal(got, body) {
						t.Fatalf("%s %d round %d body %d: %d bytes back (want %d), %v", coding, level, round, i, len(got), len(body), err)
					}
				}
			}
		}
	}
}
