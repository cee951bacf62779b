package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// The change log numbers every write that changed what is stored, in the
// write's own transaction, so that a live stream can resume where its
// client left off and the WebSub hub can tell what a subscriber has not
// yet received, across restarts. It keeps the last keepChanges entries:
// enough for a client away for hours on a busy site, and bounded.
//
//	changes   big-endian change number → JSON changeEntry
const keepChanges = 10_000

var bucketChanges = []byte("changes")

// changeEntry is the stored form of one feed.LoggedChange.
type changeEntry struct {
	Outcome    feed.Outcome `json:"o"`
	ID         string       `json:"id"`
	Categories []string     `json:"c,omitempty"`
	Tags       []string     `json:"g,omitempty"`
	Authors    []string     `json:"a,omitempty"`
	When       time.Time    `json:"t"`
}

// logChange numbers c, a write that Changed, in tx: it sets c.Seq and
// drops the entry keepChanges behind it.
func (db *DB) logChange(tx *bolt.Tx, c *feed.Change) error {
	b, err := tx.CreateBucketIfNotExists(bucketChanges) // a store made before the log
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	e := changeEntry{Outcome: c.Outcome, When: db.now().UTC().Round(0)}
	for _, f := range c.Facets() {
		switch f.Kind {
		case feed.CategoryFacet:
			e.Categories = append(e.Categories, f.Name)
		case feed.TagFacet:
			e.Tags = append(e.Tags, f.Name)
		case feed.AuthorFacet:
			e.Authors = append(e.Authors, f.Name)
		}
	}
	if c.Article != nil {
		e.ID = c.Article.ID
	} else if c.Prev != nil {
		e.ID = c.Prev.ID
	}
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	if err := b.Put(seqKey(seq), v); err != nil {
		return fmt.Errorf("change log: %w", err)
	}
	if seq > keepChanges {
		if err := b.Delete(seqKey(seq - keepChanges)); err != nil {
			return fmt.Errorf("change log: %w", err)
		}
	}
	c.Seq = seq
	return nil
}

// LastChange returns the number of the last logged change; 0 when none.
func (db *DB) LastChange(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketChanges); b != nil {
			n = b.Sequence()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("last change: %w", err)
	}
	return n, nil
}

// ChangesAfter returns at most limit logged changes numbered above after,
// oldest first. complete is false when the log no longer holds every
// change after it (the oldest were dropped): the caller then knows it
// missed some.
func (db *DB) ChangesAfter(ctx context.Context, after uint64, limit int) (out []feed.LoggedChange, complete bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	complete = true
	err = db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChanges)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		if first, _ := c.First(); first != nil && binary.BigEndian.Uint64(first) > after+1 {
			complete = false
		}
		k, v := c.Seek(seqKey(after + 1))
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var e changeEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode change %x: %w", k, err)
			}
			out = append(out, feed.LoggedChange{
				Seq: binary.BigEndian.Uint64(k), Outcome: e.Outcome, ID: e.ID,
				Categories: e.Categories, Tags: e.Tags, Authors: e.Authors, When: e.When,
			})
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("changes after %d: %w", after, err)
	}
	return out, complete, nil
}
