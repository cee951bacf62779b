package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// The range of times UnixNano can represent (years 1678 to 2262). Times
// outside it are clamped for the index key; the article keeps its own.
var (
	minKeyTime = time.Unix(0, math.MinInt64)
	maxKeyTime = time.Unix(0, math.MaxInt64)
)

// timeKey returns the index key of an article published at t: 8 bytes of
// big-endian uint64(t.UnixNano()) ^ 1<<63, which sort as times do, then id.
func timeKey(t time.Time, id string) []byte {
	var ns int64
	switch {
	case t.Before(minKeyTime):
		ns = math.MinInt64
	case t.After(maxKeyTime):
		ns = math.MaxInt64
	default:
		ns = t.UnixNano()
	}
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(ns)^1<<63)
	return append(k, id...)
}

// keyTime returns the time encoded in an index key, for messages.
func keyTime(k []byte) string {
	if len(k) < 8 {
		return "?"
	}
	ns := int64(binary.BigEndian.Uint64(k) ^ 1<<63)
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// categoryKeys returns the distinct, non-empty feed.CategoryKey forms of
// names, in first-seen order: the names of their index buckets.
func categoryKeys(names []string) []string {
	names = feed.UniqueCategories(names)
	keys := make([]string, len(names))
	for i, name := range names {
		keys[i] = feed.CategoryKey(name)
	}
	return keys
}

// seqKey is the key of an article in the arrival index.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// putIndex writes a's entries in the time, arrival and category indexes;
// seq is its arrival number.
func putIndex(tx *bolt.Tx, a *feed.Article, seq uint64) error {
	tk := timeKey(a.Published, a.ID)
	if err := tx.Bucket(bucketTime).Put(tk, []byte{}); err != nil {
		return fmt.Errorf("write time index: %w", err)
	}
	if err := tx.Bucket(bucketSeq).Put(seqKey(seq), []byte(a.ID)); err != nil {
		return fmt.Errorf("write arrival index: %w", err)
	}
	cats := tx.Bucket(bucketCats)
	for _, cat := range categoryKeys(a.Categories) {
		// bbolt does not check the length of bucket names as it does keys.
		if len(cat) > bolt.MaxKeySize {
			return fmt.Errorf("category %.20q…: name longer than %d bytes", cat, bolt.MaxKeySize)
		}
		b, err := cats.CreateBucketIfNotExists([]byte(cat))
		if err != nil {
			return fmt.Errorf("create category %q: %w", cat, err)
		}
		if err := b.Put(tk, []byte{}); err != nil {
			return fmt.Errorf("write category %q index: %w", cat, err)
		}
	}
	return nil
}

// deleteIndex removes a's entries from the time, arrival and category
// indexes, and drops category buckets it leaves empty.
func deleteIndex(tx *bolt.Tx, a *feed.Article, seq uint64) error {
	tk := timeKey(a.Published, a.ID)
	if err := tx.Bucket(bucketTime).Delete(tk); err != nil {
		return fmt.Errorf("delete time index entry: %w", err)
	}
	if err := tx.Bucket(bucketSeq).Delete(seqKey(seq)); err != nil {
		return fmt.Errorf("delete arrival index entry: %w", err)
	}
	cats := tx.Bucket(bucketCats)
	for _, cat := range categoryKeys(a.Categories) {
		b := cats.Bucket([]byte(cat))
		if b == nil {
			continue
		}
		if err := b.Delete(tk); err != nil {
			return fmt.Errorf("delete category %q index entry: %w", cat, err)
		}
		if k, _ := b.Cursor().First(); k == nil {
			if err := cats.DeleteBucket([]byte(cat)); err != nil {
				return fmt.Errorf("drop empty category %q: %w", cat, err)
			}
		}
	}
	return nil
}
