package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"strconv"

	"github.com/andybalholm/brotli"
)

// Compression levels by body size, from BenchmarkCompress (the table is
// in bench/README.md): each variant is made once per change, but every
// uncached variant a client asks for is made too, so one compression must
// stay within a few milliseconds; larger bodies get faster levels.
var compressionLevels = []struct {
	upTo     int // bytes of identity body
	gzip, br int
}{
	{512 << 10, gzip.DefaultCompression, 5},
	{2 << 20, 4, 4},
	{-1, 1, 1}, // anything larger
}

// compressionLevel is the level of coding for a body of n bytes.
func compressionLevel(coding string, n int) int {
	for _, l := range compressionLevels {
		if l.upTo < 0 || n <= l.upTo {
			if coding == codingGzip {
				return l.gzip
			}
			return l.br
		}
	}
	panic("unreachable: the last level has no bound")
}

// compressAt encodes body in coding, gzip or br, at level.
func compressAt(body []byte, coding string, level int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body) / 4)
	var zw io.WriteCloser
	if coding == codingGzip {
		gw, err := gzip.NewWriterLevel(&buf, level)
		if err != nil {
			return nil, err
		}
		zw = gw
	} else {
		zw = brotli.NewWriterLevel(&buf, level)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// precompress makes rd's variant in coding (gzip or br; nothing for
// identity) at the level its size calls for, unless it is made already,
// so that serving it later only writes it. The cache calls it while it
// holds a render slot.
func precompress(rd *rendered, coding string) {
	var lv *lazyVariant
	switch coding {
	case codingGzip:
		lv = &rd.gzip
	case codingBrotli:
		lv = &rd.br
	default:
		return
	}
	lv.once.Do(func() {
		body := rd.identity.body
		lv.body, lv.err = compressAt(body, coding, compressionLevel(coding, len(body)))
		lv.length = strconv.Itoa(len(lv.body))
	})
}
