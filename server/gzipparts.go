package server

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"hash/maphash"
	"sync"

	"github.com/klauspost/compress/flate"

	"sokbo/feed"
)

// A feed's gzip variant is stitched from kept compressed parts, one per
// item, so that the GET after a write compresses only what the write
// changed: compressing the whole 50-item feed took longer than the rest
// of the freshness budget (bench/README.md, "Freshness"). Each part is
// compressed with the 32 KiB of items before it as its dictionary, which
// keeps the variant about as small as one compressed whole: the items of a
// feed repeat much of each other. A part is kept under its item and the
// items its dictionary came from, so after a write only the new item and
// the few whose dictionary it entered are compressed again.
//
// Deflate allows this: each part ends with a sync flush (byte-aligned,
// not final), refers back only into bytes that precede it in the
// document, and the stream ends with an empty final block; the gzip
// trailer's CRC-32 is computed over the whole body.

// gzipPartLevel is the deflate level of the parts: each is compressed once
// per change of its window, so a good level costs little.
const gzipPartLevel = 6

// A part's dictionary is the items before it, at most dictItems of them
// and deflate's window: a write at the top of a feed then compresses
// again at most dictItems+1 parts, however small its items are.
const (
	windowSize = 32 << 10
	dictItems  = 4
)

// gzipHeader is a gzip member header without name, time or flags, from an
// unknown system (as compress/gzip writes it).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty final deflate block (fixed Huffman codes).
var finalBlock = []byte{0x03, 0x00}

// partKey identifies a compressed part: the item's fragment (its ident)
// and the fragments its dictionary came from (window), or first for the
// first item, compressed without a dictionary and without the separator
// before it.
type partKey struct {
	item, window uint64
	first        bool
}

var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, gzipPartLevel)
	return w
}}

// deflatePart compresses b with dict as the bytes before it, ending with
// a sync flush.
func deflatePart(b, dict []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	w := flateWriters.Get().(*flate.Writer)
	w.ResetDict(&buf, dict)
	_, _ = w.Write(b) // a bytes.Buffer does not fail
	_ = w.Flush()
	w.ResetDict(nil, nil) // hold no reference to b or the buffer
	flateWriters.Put(w)
	return buf.Bytes()
}

// gzipAssembled returns the gzip member of a whose items are the
// fragments idents names (fragmentIdent), with the kept parts.
func (fs *fragments) gzipAssembled(a *feed.Assembled, idents []uint64) []byte {
	body := a.Body
	n := len(a.Starts)
	if n == 0 {
		return gzipMember(body, deflatePart(body, nil))
	}
	parts := make([][]byte, 0, n+2)
	parts = append(parts, deflatePart(body[:a.Starts[0]], nil)) // the head
	size := len(parts[0])
	for i := range n {
		start, dictStart := a.Starts[0], a.Starts[0]
		k := partKey{item: idents[i], first: i == 0}
		if i > 0 {
			start = a.Ends[i-1] // the separator before the item, then the item
			dictStart = max(a.Starts[max(0, i-dictItems)], start-windowSize)
			var h maphash.Hash
			h.SetSeed(fs.seed)
			var b [8]byte
			for j := i - 1; j >= 0; j-- {
				binary.LittleEndian.PutUint64(b[:], idents[j])
				h.Write(b[:])
				if a.Starts[j] <= dictStart {
					break
				}
			}
			k.window = h.Sum64()
		}
		p, ok := fs.get(keptKey{part: k})
		if !ok {
			p = deflatePart(body[start:a.Ends[i]], body[dictStart:start])
			fs.put(keptKey{part: k}, p)
		}
		parts = append(parts, p)
		size += len(p)
	}
	parts = append(parts, deflatePart(body[a.Ends[n-1]:], nil)) // the tail
	size += len(parts[len(parts)-1])
	out := make([]byte, 0, len(gzipHeader)+size+len(finalBlock)+8)
	out = append(out, gzipHeader...)
	for _, p := range parts {
		out = append(out, p...)
	}
	return gzipTrailer(out, body)
}

// gzipMember is the gzip member of body whose deflate parts are parts.
func gzipMember(body []byte, parts ...[]byte) []byte {
	out := append([]byte(nil), gzipHeader...)
	for _, p := range parts {
		out = append(out, p...)
	}
	return gzipTrailer(out, body)
}

// gzipTrailer ends the deflate stream in out and appends the trailer of
// body: its CRC-32 and length.
func gzipTrailer(out, body []byte) []byte {
	out = append(out, finalBlock...)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	return binary.LittleEndian.AppendUint32(out, uint32(len(body)))
}
