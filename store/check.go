package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Check verifies the store's consistency: every index entry points to an
// existing article whose Published and categories, tags or authors put it
// there, and every article is in all its indexes; tombstones and their
// index agree; WebSub subscriptions decode and sit under their own key. It
// returns one line per problem, none when the store is sound. It reads the
// whole store in one transaction, which is a maintenance cost, not a
// per-request one.
func (db *DB) Check(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &checker{
		wantTime:   map[string]string{},
		wantFacets: map[feed.FacetKind]map[string]map[string]string{},
		wantSeq:    map[uint64]string{},
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		// bbolt's own check of the file: pages, freelist, B+tree order.
		for err := range tx.Check() {
			c.report("file: %v", err)
		}
		c.items = tx.Bucket(bucketItems)
		if err := c.readItems(ctx); err != nil {
			return err
		}
		checkIndex(tx.Bucket(bucketTime), c.items, "time index", c.wantTime, c.report)
		if err := c.checkArrivals(tx.Bucket(bucketSeq)); err != nil {
			return err
		}
		if err := c.checkTombstones(tx.Bucket(bucketDeleted), tx.Bucket(bucketDeletedIDs)); err != nil {
			return err
		}
		c.checkSubscriptions(tx.Bucket(bucketWebSub))
		for _, kind := range feed.FacetKinds() {
			if err := c.checkFacets(ctx, kind, tx.Bucket(facetBucket(kind))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check store: %w", err)
	}
	slices.Sort(c.problems) // map order would make the report vary
	return c.problems, nil
}

// checker holds what Check has learnt so far.
type checker struct {
	problems []string
	items    *bolt.Bucket
	// The index entries every article should have, built from the items.
	wantTime   map[string]string                               // time key → id
	wantFacets map[feed.FacetKind]map[string]map[string]string // kind → facet key → time key → id
	wantSeq    map[uint64]string                               // arrival number → id
}

func (c *checker) report(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// readItems decodes every article and notes the index entries it needs.
func (c *checker) readItems(ctx context.Context) error {
	n := 0
	return c.items.ForEach(func(k, v []byte) error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if v == nil {
			c.report("items: %q is a bucket, not an article", k)
			return nil
		}
		var r record
		if _, err := decodeRecord(v, &r); err != nil {
			c.report("items: article %q: cannot decode: %v", k, err)
			return nil
		}
		if r.ID != string(k) {
			c.report("items: article stored under %q has id %q", k, r.ID)
		}
		tk := string(timeKey(r.Published, string(k)))
		c.wantTime[tk] = string(k)
		if other, dup := c.wantSeq[r.Seq]; dup {
			c.report("items: articles %q and %q share arrival number %d", other, k, r.Seq)
		}
		c.wantSeq[r.Seq] = string(k)
		for _, kind := range feed.FacetKinds() {
			want := c.wantFacets[kind]
			if want == nil {
				want = map[string]map[string]string{}
				c.wantFacets[kind] = want
			}
			for _, key := range categoryKeys(kind.Of(&r.Article)) {
				if want[key] == nil {
					want[key] = map[string]string{}
				}
				want[key][tk] = string(k)
			}
		}
		return nil
	})
}

// checkArrivals compares the arrival index with the articles' numbers.
func (c *checker) checkArrivals(seqs *bolt.Bucket) error {
	last := seqs.Sequence()
	err := seqs.ForEach(func(k, v []byte) error {
		if len(k) != 8 || v == nil {
			c.report("arrival index: malformed entry %x", k)
			return nil
		}
		seq := binary.BigEndian.Uint64(k)
		want, ok := c.wantSeq[seq]
		switch {
		case !ok && c.items.Get(v) == nil:
			c.report("arrival index: entry %d for missing article %q", seq, v)
		case !ok || want != string(v):
			c.report("arrival index: stale entry %d for article %q", seq, v)
		}
		delete(c.wantSeq, seq)
		return nil
	})
	if err != nil {
		return err
	}
	for seq, id := range c.wantSeq {
		c.report("arrival index: missing entry %d for article %q", seq, id)
		if seq > last {
			c.report("arrival index: article %q has arrival number %d beyond the last assigned %d", id, seq, last)
		}
	}
	return nil
}

// checkTombstones checks that no tombstone stands for an existing article
// and that the tombstones and their id index agree.
func (c *checker) checkTombstones(deleted, ids *bolt.Bucket) error {
	err := deleted.ForEach(func(k, v []byte) error {
		var t feed.Tombstone
		switch err := json.Unmarshal(v, &t); {
		case err != nil:
			c.report("deleted: tombstone %x: cannot decode: %v", k, err)
		case c.items.Get([]byte(t.ID)) != nil:
			c.report("deleted: tombstone for article %q, which exists", t.ID)
		case ids != nil && !bytes.Equal(ids.Get([]byte(t.ID)), k):
			c.report("deleted: tombstone %x of article %q is not in the id index", k, t.ID)
		}
		return nil
	})
	if err != nil || ids == nil {
		return err
	}
	return ids.ForEach(func(id, k []byte) error {
		if v := deleted.Get(k); v == nil || len(k) <= 8 || string(k[8:]) != string(id) {
			c.report("deleted: id index entry %q points to no tombstone of it", id)
		}
		return nil
	})
}

// checkSubscriptions checks that each WebSub subscription decodes and is
// stored under its own topic and callback, so that an upsert replaces it.
func (c *checker) checkSubscriptions(subs *bolt.Bucket) {
	if subs == nil { // no subscription was ever stored
		return
	}
	_ = subs.ForEach(func(k, v []byte) error {
		if _, err := decodeSubscription(k, v); err != nil {
			c.report("websub: %v", err)
		}
		return nil
	})
}

// checkFacets compares the index of each facet of kind (a bucket of
// index, e.g. cats/news) with its articles. A store opened read-only
// before its first open for writing built the tags and authors indexes
// has none: one line says so, rather than one per missing entry.
func (c *checker) checkFacets(ctx context.Context, kind feed.FacetKind, index *bolt.Bucket) error {
	want := c.wantFacets[kind]
	if index == nil {
		c.report("%s: no index (the store predates it; opening it for writing builds it)", facetBucket(kind))
		return nil
	}
	err := index.ForEach(func(k, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if v != nil {
			c.report("%s: %q is a value, not the bucket of one %s", facetBucket(kind), k, kind)
			return nil
		}
		name := string(k)
		checkIndex(index.Bucket(k), c.items, fmt.Sprintf("%s %q", kind, name), want[name], c.report)
		delete(want, name)
		return nil
	})
	if err != nil {
		return err
	}
	for name, entries := range want {
		for tk, id := range entries {
			c.report("%s %q: missing entry for article %q (published %s)", kind, name, id, keyTime([]byte(tk)))
		}
	}
	return nil
}

// checkIndex compares the entries of index with want (time key → id),
// reporting entries that should not be there and entries that are missing.
func checkIndex(index, items *bolt.Bucket, where string, want map[string]string, report func(string, ...any)) {
	seen := make(map[string]bool, len(want))
	c := index.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		switch {
		case v == nil:
			report("%s: nested bucket %q", where, k)
			continue
		case len(k) <= 8:
			report("%s: malformed key %x", where, k)
			continue
		}
		id := string(k[8:])
		if _, ok := want[string(k)]; ok {
			seen[string(k)] = true
			continue
		}
		if items.Get(k[8:]) == nil {
			report("%s: entry for missing article %q (published %s)", where, id, keyTime(k))
		} else {
			report("%s: stale entry for article %q (published %s): the article does not belong there", where, id, keyTime(k))
		}
	}
	for tk, id := range want {
		if !seen[tk] {
			report("%s: missing entry for article %q (published %s)", where, id, keyTime([]byte(tk)))
		}
	}
}
