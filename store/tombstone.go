package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// A deleted article leaves a tombstone, so that Atom feeds can tell
// aggregators to remove it (RFC 6721). The store keeps each for
// Options.KeepDeleted: Deleted lists only those, a delete drops the expired
// ones, and posting the article again removes its own.

// Deleted returns the tombstones the store keeps, newest first; with a
// category, only those of articles that were filed under it. Tombstones
// are few (one per deletion in the window), so this reads them all.
func (db *DB) Deleted(ctx context.Context, category string) ([]feed.Tombstone, error) {
	return db.DeletedIn(ctx, feed.Facet{Kind: feed.CategoryFacet, Name: category})
}

// DeletedIn is Deleted for any facet: the tombstones of articles that
// were filed under f (matched by feed.CategoryKey), or all of them for the
// zero Facet. A tombstone from before tags and authors were kept is in no
// tag's or author's list.
func (db *DB) DeletedIn(ctx context.Context, f feed.Facet) ([]feed.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	since := db.now().Add(-db.keepDeleted)
	var out []feed.Tombstone
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDeleted).Cursor()
		for k, v := c.Seek(timeKey(since, "")); k != nil; k, v = c.Next() {
			var t feed.Tombstone
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode tombstone %x: %w", k, err)
			}
			if f.HoldsDeleted(&t) {
				out = append(out, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deleted %s: %w", f, err)
	}
	slices.Reverse(out)
	return out, nil
}

// putTombstone records a's deletion and drops the expired tombstones (and
// any earlier one of the same id).
func (db *DB) putTombstone(tx *bolt.Tx, a *feed.Article) error {
	now := db.now().UTC().Round(0)
	if _, err := db.dropTombstones(tx, a.ID, now); err != nil {
		return err
	}
	v, err := json.Marshal(feed.Tombstone{ID: a.ID, GUID: a.GUID, When: now, Categories: a.Categories, Tags: a.Tags, Authors: a.Authors})
	if err != nil {
		return fmt.Errorf("encode tombstone: %w", err)
	}
	k := timeKey(now, a.ID)
	if err := tx.Bucket(bucketDeleted).Put(k, v); err != nil {
		return fmt.Errorf("write tombstone: %w", err)
	}
	if err := tx.Bucket(bucketDeletedIDs).Put([]byte(a.ID), k); err != nil {
		return fmt.Errorf("write tombstone: %w", err)
	}
	return nil
}

// dropTombstones deletes the tombstone of id, returning it if it was
// still kept at now (an article posted again is no longer deleted), and
// with now set, drops the tombstones expired at now. It reads only what it
// deletes: the id index finds id's, and the expired ones come first in
// time order.
func (db *DB) dropTombstones(tx *bolt.Tx, id string, now time.Time) (*feed.Tombstone, error) {
	b, ids := tx.Bucket(bucketDeleted), tx.Bucket(bucketDeletedIDs)
	var own *feed.Tombstone
	if k := ids.Get([]byte(id)); k != nil {
		if v := b.Get(k); v != nil {
			var t feed.Tombstone
			if err := json.Unmarshal(v, &t); err != nil {
				return nil, fmt.Errorf("decode tombstone of %q: %w", id, err)
			}
			if !t.When.Before(db.now().Add(-db.keepDeleted)) {
				own = &t
			}
		}
		if err := b.Delete(k); err != nil {
			return nil, fmt.Errorf("drop tombstone: %w", err)
		}
		if err := ids.Delete([]byte(id)); err != nil {
			return nil, fmt.Errorf("drop tombstone: %w", err)
		}
	}
	if now.IsZero() {
		return own, nil
	}
	limit := timeKey(now.Add(-db.keepDeleted), "")
	var drop [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
		drop = append(drop, bytes.Clone(k))
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return nil, fmt.Errorf("drop tombstone: %w", err)
		}
		if len(k) > 8 && bytes.Equal(ids.Get(k[8:]), k) {
			if err := ids.Delete(k[8:]); err != nil {
				return nil, fmt.Errorf("drop tombstone: %w", err)
			}
		}
	}
	return own, nil
}

// indexTombstones makes sure the tombstones' id index matches them, and
// rebuilds it when it does not: a store written before the index existed,
// or written since by such a version, gets it right on the next open.
// Tombstones are few (one per deletion in the keeping window), so reading
// them all once per open is cheap.
func indexTombstones(tx *bolt.Tx) error {
	deleted, ids := tx.Bucket(bucketDeleted), tx.Bucket(bucketDeletedIDs)
	if ids != nil {
		n, sound := 0, true
		err := deleted.ForEach(func(k, _ []byte) error {
			n++
			if len(k) > 8 && !bytes.Equal(ids.Get(k[8:]), k) {
				sound = false
			}
			return nil
		})
		if err != nil {
			return err
		}
		m := 0
		if err := ids.ForEach(func(_, _ []byte) error { m++; return nil }); err != nil {
			return err
		}
		if sound && m == n {
			return nil
		}
		if err := tx.DeleteBucket(bucketDeletedIDs); err != nil {
			return fmt.Errorf("rebuild tombstone index: %w", err)
		}
	}
	ids, err := tx.CreateBucket(bucketDeletedIDs)
	if err != nil {
		return fmt.Errorf("create bucket %q: %w", bucketDeletedIDs, err)
	}
	return deleted.ForEach(func(k, _ []byte) error {
		if len(k) <= 8 {
			return nil // Check reports it
		}
		return ids.Put(k[8:], bytes.Clone(k))
	})
}
