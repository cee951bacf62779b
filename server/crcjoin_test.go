package server

import (
	"bytes"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestCRCAppend checks that a CRC joined from pieces is the CRC of their
// concatenation, for empty, short and long pieces cut at random.
func TestCRCAppend(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for range 200 {
		var doc []byte
		crc := uint32(0)
		for range rng.IntN(8) {
			p := make([]byte, []int{0, 1, 7, 100, 5000, 70000}[rng.IntN(6)]+rng.IntN(3))
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
			doc = append(doc, p...)
			crc = crcAppend(crc, crcOf(p))
		}
		if want := crc32.ChecksumIEEE(doc); crc != want {
			t.Fatalf("%d bytes: joined %08x, whole %08x", len(doc), crc, want)
		}
	}
}

func FuzzCRCAppend(f *testing.F) {
	f.Add([]byte("<rss>"), []byte("<item>속보</item>"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		got := crcAppend(crcAppend(0, crcOf(a)), crcOf(b))
		if want := crc32.ChecksumIEEE(bytes.Join([][]byte{a, b}, nil)); got != want {
			t.Fatalf("joined %08x, whole %08x", got, want)
		}
	})
}
