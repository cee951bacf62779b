package server

import (
	"bytes"
	"errors"
	"strconv"
)

// Compression levels by body size, from BenchmarkCompress (its table is
// in bench/README.md): every uncached variant a client asks for is
// compressed, so each tier's level keeps one compression of its largest
// body within a few milliseconds; above the last tier a coding is not
// offered and the body is sent as it is. A default feed (50 items, about
// 400 KB) falls in the second tier, and its brotli variant is made again
// after every write that touches it: brotli 0, which still beats the
// feed's gzip variant (gzipparts.go) on size at about half of level 1's
// time. A feed's gzip variant does not come from here.
var compressionLevels = []struct {
	upTo     int // bytes of identity body
	gzip, br int
}{
	{128 << 10, 6, 5},
	{512 << 10, 4, 0},
	{1 << 20, 1, 0},
	{4 << 20, uncompressed, 0},
}

// uncompressed is the level of a coding not offered for a body's size.
const uncompressed = -99

// errTooLarge makes a variant fall back to identity (see encoded).
var errTooLarge = errors.New("compress: body larger than its coding's last tier")

// compressionLevel is the level of coding for a body of n bytes, or
// uncompressed.
func compressionLevel(coding string, n int) int {
	for _, l := range compressionLevels {
		if n <= l.upTo {
			if coding == codingGzip {
				return l.gzip
			}
			return l.br
		}
	}
	return uncompressed
}

// compressAt encodes body in coding, gzip or br, at level.
func compressAt(body []byte, coding string, level int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body) / 4)
	zw, err := getCompressor(coding, level, &buf)
	if err != nil {
		return nil, err
	}
	defer putCompressor(coding, level, zw)
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
	lv := rd.lazy(coding)
	if lv == nil {
		return
	}
	lv.once.Do(func() {
		body := rd.body()
		level := compressionLevel(coding, len(body))
		if level == uncompressed {
			lv.err = errTooLarge
			return
		}
		lv.body, lv.err = compressAt(body, coding, level)
		lv.length = strconv.Itoa(len(lv.body))
	})
}

// presetVariant gives rd its variant in coding (gzip or br), made by the
// caller, unless it is made already.
func presetVariant(rd *rendered, coding string, body []byte) {
	lv := rd.lazy(coding)
	if lv == nil {
		return
	}
	lv.once.Do(func() {
		lv.body = body
		lv.length = strconv.Itoa(len(body))
	})
}
