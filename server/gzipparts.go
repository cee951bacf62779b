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
// of the freshness budget (bench/README.md, "Freshness"). Each part may
// refer back into the 32 KiB of items before it (not the feed's head,
// which changes with every write), which keeps the variant about as small
// as one compressed whole: the items of a feed repeat much of each other.
// A part is kept under its item and the items in that window, so after a
// write at the top only the parts within 32 KiB of the new item are
// compressed again, in one pass of one writer.
//
// Deflate allows this: each part ends with a sync flush (byte-aligned,
// not final), refers back only into bytes that precede it in the
// document, and the stream ends with an empty final block; the gzip
// trailer's CRC-32 is computed over the whole body.

// gzipPartLevel is the deflate level of the parts: each is compressed once
// per change of its window, so a good level costs little (the table is in
// bench/README.md).
const gzipPartLevel = 6

// windowSize is deflate's: how far back a part may refer.
const windowSize = 32 << 10

// gzipHeader is a gzip member header without name, time or flags, from an
// unknown system (as compress/gzip writes it).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty final deflate block (fixed Huffman codes).
var finalBlock = []byte{0x03, 0x00}

// partKey identifies a compressed part: the item's fragment (its ident)
// and the fragments of the window before it, or first for the first item,
// compressed without a window and without the separator before it.
type partKey struct {
	item, window uint64
	first        bool
}

// flateWriters keeps writers for reuse, per level: a writer's state is
// large, and making one cost more than compressing a part.
var flateWriters [flate.BestCompression + 1]sync.Pool

// getWriter returns a writer at level from the pool, or a new one.
func getWriter(level int) *flate.Writer {
	if w, ok := flateWriters[level].Get().(*flate.Writer); ok {
		return w
	}
	w, _ := flate.NewWriter(nil, level)
	return w
}

// releaseWriter returns w, of level, to the pool holding no reference to
// what it compressed or wrote to.
func releaseWriter(w *flate.Writer, level int) {
	w.ResetDict(nil, nil)
	flateWriters[level].Put(w)
}

// deflateAlone compresses b at level without a dictionary, ending with a
// sync flush.
func deflateAlone(b []byte, level int) []byte {
	var buf bytes.Buffer
	w := getWriter(level)
	// ResetDict, not Reset, which would fill the window with the
	// dictionary the writer's last user gave it.
	w.ResetDict(&buf, nil)
	_, _ = w.Write(b) // a bytes.Buffer does not fail
	_ = w.Flush()
	releaseWriter(w, level)
	return buf.Bytes()
}

// gzipAssembled returns the gzip member of a whose items' fragments have
// the digests given, with the kept parts.
func (fs *fragments) gzipAssembled(a *feed.Assembled, digests []*itemDigest) []byte {
	n := len(a.Items)
	if n == 0 {
		return gzipMember(a, nil, deflateAlone(a.Head, fs.level))
	}
	parts := make([][]byte, 0, n+2)
	parts = append(parts, deflateAlone(a.Head, fs.level))
	parts = fs.appendParts(parts, a, digests)
	parts = append(parts, deflateAlone(a.Tail, fs.level))
	return gzipMember(a, digests, parts...)
}

// appendParts appends to parts the compressed parts of a's items, whose
// fragments have the digests given, compressing and keeping those not
// kept.
func (fs *fragments) appendParts(parts [][]byte, a *feed.Assembled, digests []*itemDigest) [][]byte {
	idents := make([]uint64, len(digests))
	for i, d := range digests {
		idents[i] = d.ident()
	}
	var w *flate.Writer  // compresses the parts not kept
	var buf bytes.Buffer // its output
	var window []byte    // the dictionary of a run
	run := false         // w has just compressed the part before this one
	for i, item := range a.Items {
		k := partKey{item: idents[i], first: i == 0}
		from := a.Starts[0] // where the part's window starts
		if i > 0 {
			from = max(from, a.Ends[i-1]-windowSize)
			k.window = fs.windowIdent(a, idents, i, from)
		}
		if p, ok := fs.get(keptKey{part: k}); ok {
			parts = append(parts, p)
			run = false
			continue
		}
		if w == nil {
			w = getWriter(fs.level)
			defer releaseWriter(w, fs.level)
		}
		if !run {
			start := a.Starts[0]
			if i > 0 {
				start = a.Ends[i-1]
			}
			window = a.AppendRange(window[:0], from, start)
			w.ResetDict(&buf, window)
			run = true
		}
		// A writer that has compressed the parts before this one refers
		// back into them as into a dictionary: its window is the same.
		// Each part but the first starts with the separator.
		if i > 0 {
			_, _ = w.Write(a.Sep)
		}
		_, _ = w.Write(item)
		_ = w.Flush()
		p := bytes.Clone(buf.Bytes())
		buf.Reset()
		fs.put(keptKey{part: k}, p)
		parts = append(parts, p)
	}
	return parts
}

// windowIdent identifies the window of item i's part, body[from:start of
// part i]: the idents of the items it overlaps, which fix its bytes.
func (fs *fragments) windowIdent(a *feed.Assembled, idents []uint64, i, from int) uint64 {
	var h maphash.Hash
	h.SetSeed(fs.seed)
	var b [8]byte
	for j := i - 1; j >= 0; j-- {
		binary.LittleEndian.PutUint64(b[:], idents[j])
		h.Write(b[:])
		if a.Starts[j] <= from {
			break
		}
	}
	return h.Sum64()
}

// gzipMember is the gzip member of a whose deflate parts are parts: the
// header, the parts, the final block, the CRC-32 and length of a, whose
// items' fragments have the digests given.
func gzipMember(a *feed.Assembled, digests []*itemDigest, parts ...[]byte) []byte {
	size := len(gzipHeader) + len(finalBlock) + 8
	for _, p := range parts {
		size += len(p)
	}
	out := make([]byte, 0, size)
	out = append(out, gzipHeader...)
	for _, p := range parts {
		out = append(out, p...)
	}
	out = append(out, finalBlock...)
	crc := crc32.ChecksumIEEE(a.Head)
	sep := crcOf(a.Sep)
	for i, d := range digests {
		if i > 0 {
			crc = crcAppend(crc, sep)
		}
		crc = crcAppend(crc, d.crc)
	}
	if len(digests) > 0 {
		crc = crcAppend(crc, crcOf(a.Tail))
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(a.Len))
}
