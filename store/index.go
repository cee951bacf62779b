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

// facetBucket is the bucket of k's index: it holds a bucket per facet
// key, named by the key, of time keys.
func facetBucket(k feed.FacetKind) []byte {
	switch k {
	case feed.CategoryFacet:
		return bucketCats
	case feed.TagFacet:
		return bucketTags
	case feed.AuthorFacet:
		return bucketAuthors
	}
	return nil
}

// putIndex writes a's entries in the time, arrival and facet indexes; seq
// is its arrival number.
func putIndex(tx *bolt.Tx, a *feed.Article, seq uint64) error {
	tk := timeKey(a.Published, a.ID)
	if err := tx.Bucket(bucketTime).Put(tk, []byte{}); err != nil {
		return fmt.Errorf("write time index: %w", err)
	}
	if err := tx.Bucket(bucketSeq).Put(seqKey(seq), []byte(a.ID)); err != nil {
		return fmt.Errorf("write arrival index: %w", err)
	}
	return putFacets(tx, a, tk, feed.FacetKinds())
}

// putFacets writes a's entries, under time key tk, in the indexes of the
// kinds of facets given.
func putFacets(tx *bolt.Tx, a *feed.Article, tk []byte, kinds []feed.FacetKind) error {
	for _, kind := range kinds {
		parent := tx.Bucket(facetBucket(kind))
		for _, key := range categoryKeys(kind.Of(a)) {
			// bbolt does not check the length of bucket names as it does keys.
			if len(key) > bolt.MaxKeySize {
				return fmt.Errorf("%s %.20q…: name longer than %d bytes", kind, key, bolt.MaxKeySize)
			}
			b, err := parent.CreateBucketIfNotExists([]byte(key))
			if err != nil {
				return fmt.Errorf("create %s %q: %w", kind, key, err)
			}
			if err := b.Put(tk, []byte{}); err != nil {
				return fmt.Errorf("write %s %q index: %w", kind, key, err)
			}
		}
	}
	return nil
}

// deleteIndex removes a's entries from the time, arrival and facet
// indexes, and drops the facet buckets it leaves empty.
func deleteIndex(tx *bolt.Tx, a *feed.Article, seq uint64) error {
	tk := timeKey(a.Published, a.ID)
	if err := tx.Bucket(bucketTime).Delete(tk); err != nil {
		return fmt.Errorf("delete time index entry: %w", err)
	}
	if err := tx.Bucket(bucketSeq).Delete(seqKey(seq)); err != nil {
		return fmt.Errorf("delete arrival index entry: %w", err)
	}
	for _, kind := range feed.FacetKinds() {
		parent := tx.Bucket(facetBucket(kind))
		for _, key := range categoryKeys(kind.Of(a)) {
			b := parent.Bucket([]byte(key))
			if b == nil {
				continue
			}
			if err := b.Delete(tk); err != nil {
				return fmt.Errorf("delete %s %q index entry: %w", kind, key, err)
			}
			if k, _ := b.Cursor().First(); k == nil {
				if err := parent.DeleteBucket([]byte(key)); err != nil {
					return fmt.Errorf("drop empty %s %q: %w", kind, key, err)
				}
			}
		}
	}
	return nil
}

// indexFacets creates the facet indexes the store lacks and fills them
// from the articles: a store made before tags and authors had feeds has
// only the categories'. It runs in the transaction that opens the store
// for writing, so an open finds each index whole or builds it whole (a
// crash halfway leaves the store as it was, and the next open builds it
// again); it reads every article once, and only when an index is missing.
func indexFacets(tx *bolt.Tx) error {
	var missing []feed.FacetKind
	for _, kind := range feed.FacetKinds() {
		if tx.Bucket(facetBucket(kind)) != nil {
			continue
		}
		if _, err := tx.CreateBucket(facetBucket(kind)); err != nil {
			return fmt.Errorf("create bucket %q: %w", facetBucket(kind), err)
		}
		missing = append(missing, kind)
	}
	if len(missing) == 0 {
		return nil
	}
	return tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
		var r record
		if v == nil {
			return nil // not an article: Check reports it
		}
		if _, err := decodeRecord(v, &r); err != nil {
			// One damaged article must not keep the store from opening;
			// Check reports it.
			return nil
		}
		if err := putFacets(tx, &r.Article, timeKey(r.Published, string(k)), missing); err != nil {
			return fmt.Errorf("index article %q: %w", k, err)
		}
		return nil
	})
}
