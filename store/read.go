package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Get returns the article with the given id, or an error wrapping
// feed.ErrNotFound.
func (db *DB) Get(ctx context.Context, id string) (*feed.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var a *feed.Article
	var read int
	defer func() { db.mapped(int64(read)) }()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketItems).Get([]byte(id))
		if v == nil {
			return feed.ErrNotFound
		}
		read = len(v)
		var r record
		if _, err := decodeRecord(v, &r); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		a = &r.Article
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get article %q: %w", id, err)
	}
	return a, nil
}

// Latest and Arrived return articles that may be shared with other
// callers (see decodeCache): read them, never modify them.

// Latest returns up to limit articles, newest Published first (ties broken
// by id, descending), after skipping the offset newest. With category ""
// it reads the site feed; otherwise only the articles filed under a
// category with the same feed.CategoryKey. A category without articles
// gives an empty list, not an error. The cost is O(offset+limit).
func (db *DB) Latest(ctx context.Context, category string, offset, limit int) ([]*feed.Article, error) {
	return db.LatestIn(ctx, feed.Facet{Kind: feed.CategoryFacet, Name: category}, offset, limit)
}

// LatestIn is Latest for any facet: the articles filed under a category,
// carrying a tag or by an author whose name has the same
// feed.CategoryKey as f's, or the site's for the zero Facet. A facet
// without articles gives an empty list, not an error.
func (db *DB) LatestIn(ctx context.Context, f feed.Facet, offset, limit int) ([]*feed.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if offset < 0 || limit < 0 {
		return nil, fmt.Errorf("latest %s: negative offset %d or limit %d", f, offset, limit)
	}
	if limit == 0 {
		return []*feed.Article{}, nil
	}
	var out []*feed.Article
	var read int
	defer func() { db.mapped(int64(read)) }()
	lk := listKey{offset: offset, limit: limit}
	if !f.Site() {
		lk.kind, lk.key = f.Kind, f.Key()
	}
	var txid int
	remembered := false
	err := db.bolt.View(func(tx *bolt.Tx) error {
		txid = tx.ID()
		if l, ok := db.lists.get(txid, lk); ok {
			out, remembered = l, true
			return nil
		}
		out = make([]*feed.Article, 0, min(limit, 1000))
		index := facetIndex(tx, f)
		if index == nil {
			return nil
		}
		items := tx.Bucket(bucketItems)
		c := index.Cursor()
		k, _ := c.Last()
		for i := 0; i < offset && k != nil; i++ {
			k, _ = c.Prev()
		}
		for ; k != nil && len(out) < limit; k, _ = c.Prev() {
			if len(k) <= 8 {
				return fmt.Errorf("malformed index key %x", k)
			}
			id := k[8:]
			v := items.Get(id)
			if v == nil {
				return fmt.Errorf("index entry %x: no article %q", k, id)
			}
			read += len(v)
			a, err := db.decoded.decode(id, v)
			if err != nil {
				return fmt.Errorf("decode article %q: %w", id, err)
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("latest %s: %w", f, err)
	}
	if !remembered {
		db.lists.put(txid, lk, out)
	}
	return out, nil
}

// facetIndex is the index bucket of f's articles: the time index for the
// site, else its key's bucket in its kind's index; nil when it has no
// article (or its kind no index yet, in a store opened read-only before
// its first open for writing built it).
func facetIndex(tx *bolt.Tx, f feed.Facet) *bolt.Bucket {
	if f.Site() {
		return tx.Bucket(bucketTime)
	}
	key := f.Key()
	parent := tx.Bucket(facetBucket(f.Kind))
	if key == "" || parent == nil {
		return nil
	}
	return parent.Bucket([]byte(key))
}

// LastSeq returns the arrival number of the newest article ever stored
// (deleted ones included); 0 for an empty store.
func (db *DB) LastSeq(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSeq).Sequence()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("last seq: %w", err)
	}
	return n, nil
}

// Arrived returns the articles whose arrival numbers are in [from, to],
// newest first. It reads only that range: O(to-from).
func (db *DB) Arrived(ctx context.Context, from, to uint64) ([]*feed.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []*feed.Article
	var read int
	defer func() { db.mapped(int64(read)) }()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		items := tx.Bucket(bucketItems)
		c := tx.Bucket(bucketSeq).Cursor()
		end := seqKey(to)
		for k, v := c.Seek(seqKey(from)); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
			raw := items.Get(v)
			if raw == nil {
				return fmt.Errorf("arrival index %x: no article %q", k, v)
			}
			read += len(raw)
			a, err := db.decoded.decode(v, raw)
			if err != nil {
				return fmt.Errorf("decode article %q: %w", v, err)
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("arrived %d-%d: %w", from, to, err)
	}
	slices.Reverse(out)
	return out, nil
}
