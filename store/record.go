package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/klauspost/compress/s2"

	"sokbo/feed"
)

// record is an article as the store keeps it: the domain article plus the
// store's own bookkeeping, which never leaves this package.
type record struct {
	// Seq is the article's arrival number, assigned when it is first
	// stored; archive pages are cut by it. In the compressed form it sits
	// in front of the JSON (see frame), not in it.
	Seq uint64 `json:"seq,omitempty"`
	// Sum identifies the content of the article as posted (contentSum), so
	// that posting the same article again writes nothing. Empty in records
	// of older stores, whose next post is therefore an update.
	Sum string `json:"sum,omitempty"`
	// The article's fields are inlined, as older stores wrote them.
	feed.Article
}

// The stored form of a record, a value of the items bucket, starts with
// its version:
//
//   - formS2 (1): the seq as a uvarint, then the record's JSON without
//     the seq, compressed with S2. Articles are mostly HTML, which
//     compresses to about half, and the seq is outside the compressed part
//     so that a new article can be compressed by its poster before the
//     transaction that numbers it.
//   - '{': the plain JSON written by the first stores, still read; a
//     record is rewritten in formS2 when its article changes.
//
// A new version gets a new first byte; decodeRecord keeps reading the old.
const formS2 byte = 1

// maxDecoded bounds the length a compressed record may claim, so that a
// damaged value cannot make a read allocate without limit. Articles are
// bounded by the server's body limit, far below it.
const maxDecoded = 64 << 20

// compressRecord returns the compressed part of r's stored form: its JSON
// without the seq and without the HTML escaping of <, > and & (which would
// make every tag of the content longer), compressed.
func compressRecord(r *record) ([]byte, error) {
	n := *r // shallow: only Seq changes
	n.Seq = 0
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	js := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(js) > maxDecoded {
		// Never write what decodeRecord would refuse to read back.
		return nil, fmt.Errorf("article of %d bytes: the store keeps at most %d", len(js), maxDecoded)
	}
	return s2.Encode(nil, js), nil
}

// frame returns the stored form of the record numbered seq whose
// compressed part is c.
func frame(seq uint64, c []byte) []byte {
	v := make([]byte, 0, 1+binary.MaxVarintLen64+len(c))
	v = append(v, formS2)
	v = binary.AppendUvarint(v, seq)
	return append(v, c...)
}

// encodeRecord returns the stored form of r.
func encodeRecord(r *record) ([]byte, error) {
	c, err := compressRecord(r)
	if err != nil {
		return nil, err
	}
	return frame(r.Seq, c), nil
}

// decodeRecord decodes the stored form v into r and returns the length of
// its JSON: what the decoded article weighs, roughly.
func decodeRecord(v []byte, r *record) (int, error) {
	if len(v) == 0 {
		return 0, errors.New("empty value")
	}
	if v[0] == '{' {
		return len(v), json.Unmarshal(v, r)
	}
	if v[0] != formS2 {
		return 0, fmt.Errorf("unknown record version %d", v[0])
	}
	seq, n := binary.Uvarint(v[1:])
	if n <= 0 {
		return 0, errors.New("compressed record: malformed seq")
	}
	c := v[1+n:]
	size, err := s2.DecodedLen(c)
	if err != nil {
		return 0, fmt.Errorf("compressed record: %w", err)
	}
	if size > maxDecoded {
		return 0, fmt.Errorf("compressed record: claims %d bytes", size)
	}
	js, err := s2.Decode(nil, c)
	if err != nil {
		return 0, fmt.Errorf("compressed record: %w", err)
	}
	if err := json.Unmarshal(js, r); err != nil {
		return 0, err
	}
	r.Seq = seq
	return len(js), nil
}

// contentSum identifies the content of a posted article: every field but
// the GUID, which ingest dates by the clock for an undated document, and
// which the store keeps from the first version anyway.
func contentSum(a *feed.Article) (string, error) {
	n := *a
	n.GUID = ""
	h := sha256.New()
	if err := json.NewEncoder(h).Encode(&n); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
