package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"time"

	"sokbo/feed"
)

// newFeedResponse keeps an assembled feed with its gzip variant, already
// made (gzipparts.go); its identity body is made on first use, since most
// clients of a feed ask for it compressed. Its ETag is a SHA-256 of the
// feed's head, the SHA-256 of each item's fragment (made once, when the
// fragment was rendered), the separators and its tail, rather than of the
// whole body: hashing half a megabyte after every write was a fair share
// of a feed's assembly. The digests fix the bytes, so the ETag is as
// strong a validator as a hash of the body, and the same feed has the
// same one in any process.
func newFeedResponse(a *feed.Assembled, digests []*itemDigest, gz []byte, ctype, cacheControl string, modTime time.Time) *rendered {
	rd := newRendered(nil, ctype, cacheControl, modTime, nil)
	h := sha256.New()
	part := func(b []byte) {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	part(a.Head)
	for i, d := range digests {
		if i > 0 {
			part(a.Sep)
		}
		part(d.sum[:])
	}
	if len(digests) > 0 {
		part(a.Tail)
	}
	tag := base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:15])
	rd.identity = variant{etag: `"` + tag + `"`, length: strconv.Itoa(a.Len)}
	rd.size = a.Len
	rd.makeBody = a.Bytes
	rd.gzip.etag = `"` + tag + `-gz"`
	rd.br.etag = `"` + tag + `-br"`
	presetVariant(rd, codingGzip, gz)
	return rd
}
