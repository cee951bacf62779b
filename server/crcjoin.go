package server

import "hash/crc32"

// The CRC-32 in a feed's gzip trailer is joined from the CRCs of its
// pieces, each item's kept with its fragment, rather than computed over
// the whole body after each write: hashing the ~0.5 MB of each feed
// rendered ahead was 0.7 ms of CPU in every round of the freshness loop
// at 100,000 stored (bench/README.md, "Freshness"). The arithmetic is
// zlib's crc32_combine: appending n bytes multiplies a CRC by x^(8n)
// modulo the CRC's polynomial, over GF(2).

// crcPiece is the CRC-32 (IEEE) of a piece of a document and the factor,
// x^(8·len) mod P, that carries a CRC across it.
type crcPiece struct{ crc, shift uint32 }

// crcOf returns b's crcPiece.
func crcOf(b []byte) crcPiece {
	return crcPiece{crc: crc32.ChecksumIEEE(b), shift: xPow8n(uint64(len(b)))}
}

// crcAppend returns the CRC-32 of a document whose CRC is crc followed
// by the piece p.
func crcAppend(crc uint32, p crcPiece) uint32 {
	return mulModP(p.shift, crc) ^ p.crc
}

// mulModP returns a·b modulo the IEEE polynomial; polynomials are in the
// CRC's reflected bit order (x^0 is the top bit).
func mulModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0 && a != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			a ^= m
		}
		if b&1 != 0 {
			b = b>>1 ^ crc32.IEEE
		} else {
			b >>= 1
		}
	}
	return p
}

// xPow8n returns x^(8n) modulo the IEEE polynomial, by squaring.
func xPow8n(n uint64) uint32 {
	p := uint32(1) << 31  // x^0
	sq := uint32(1) << 23 // x^8, then x^16, x^32…
	for ; n != 0; n >>= 1 {
		if n&1 != 0 {
			p = mulModP(sq, p)
		}
		sq = mulModP(sq, sq)
	}
	return p
}
