package server

import (
	"compress/gzip"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
)

// Compressors are kept for reuse, per coding and level: making one
// allocates its window and hash tables, which cost more than compressing
// a page (BenchmarkCompress; bench/README.md, "Freshness"), and pages and
// feeds are compressed again after every write that touches them.

// resetWriter is a compressor that can be pointed at a new output.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// maxPooledLevel bounds the levels kept in pools (gzip's and brotli's
// highest are 9 and 11).
const maxPooledLevel = 11

var compressors [2][maxPooledLevel + 1]sync.Pool

func poolOf(coding string, level int) *sync.Pool {
	if level < 0 || level > maxPooledLevel {
		return nil
	}
	if coding == codingGzip {
		return &compressors[0][level]
	}
	return &compressors[1][level]
}

// getCompressor returns a compressor of coding at level writing to w.
func getCompressor(coding string, level int, w io.Writer) (resetWriter, error) {
	if p := poolOf(coding, level); p != nil {
		if zw, ok := p.Get().(resetWriter); ok {
			zw.Reset(w)
			return zw, nil
		}
	}
	if coding == codingGzip {
		return gzip.NewWriterLevel(w, level)
	}
	return brotli.NewWriterLevel(w, level), nil
}

// putCompressor keeps zw for reuse, holding no reference to its output.
func putCompressor(coding string, level int, zw resetWriter) {
	if p := poolOf(coding, level); p != nil {
		zw.Reset(io.Discard)
		p.Put(zw)
	}
}
