package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/klauspost/compress/s2"

	"sokbo/feed"
)

// The stored form of an article, a value of the items bucket, is one of:
//
//   - formS2, the article's seq as a uvarint, then its JSON without the
//     seq, compressed with S2. An article's HTML compresses to about half,
//     so a commit writes and syncs about half the pages (each insert also
//     rewrites the leaf it lands in, with the two or three articles already
//     there), and the file is half the size;
//   - its JSON, which starts with '{': the form of stores written before
//     the compressed one, read as ever, and replaced by the compressed form
//     when the article is written again. (The change is one way: a sokbo
//     from before cannot read the compressed form.)
//
// The seq is outside the compressed part so that a new article can be
// compressed by its poster, before the transaction that numbers it.
const formS2 byte = 1

// maxDecoded bounds the length a compressed article may claim, so that a
// damaged value cannot make a read allocate without limit. Articles are
// bounded by the server's body limit, far below it.
const maxDecoded = 64 << 20

// compressArticle returns the compressed part of a's stored form: the
// JSON of a without its seq, without the HTML escaping of <, > and &
// (which would make every tag of the content 6 bytes longer), compressed.
func compressArticle(a *feed.Article) ([]byte, error) {
	n := *a // shallow: only Seq changes
	n.Seq = 0
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	js := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(js) > maxDecoded {
		// Never write what decodeArticle would refuse to read back.
		return nil, fmt.Errorf("article of %d bytes: the store keeps at most %d", len(js), maxDecoded)
	}
	return s2.Encode(nil, js), nil
}

// frame returns the stored form of the article numbered seq whose
// compressed part is c.
func frame(seq uint64, c []byte) []byte {
	v := make([]byte, 0, 1+binary.MaxVarintLen64+len(c))
	v = append(v, formS2)
	v = binary.AppendUvarint(v, seq)
	return append(v, c...)
}

// encode returns the stored form of a.
func encode(a *feed.Article) ([]byte, error) {
	c, err := compressArticle(a)
	if err != nil {
		return nil, err
	}
	return frame(a.Seq, c), nil
}

// decodeArticle decodes the stored form v into a and returns the length
// of its JSON: what the decoded article weighs, roughly.
func decodeArticle(v []byte, a *feed.Article) (int, error) {
	if len(v) == 0 {
		return 0, errors.New("empty value")
	}
	if v[0] != formS2 {
		return len(v), json.Unmarshal(v, a)
	}
	seq, n := binary.Uvarint(v[1:])
	if n <= 0 {
		return 0, errors.New("compressed article: malformed seq")
	}
	c := v[1+n:]
	size, err := s2.DecodedLen(c)
	if err != nil {
		return 0, fmt.Errorf("compressed article: %w", err)
	}
	if size > maxDecoded {
		return 0, fmt.Errorf("compressed article: claims %d bytes", size)
	}
	js, err := s2.Decode(nil, c)
	if err != nil {
		return 0, fmt.Errorf("compressed article: %w", err)
	}
	if err := json.Unmarshal(js, a); err != nil {
		return 0, err
	}
	a.Seq = seq
	return len(js), nil
}
