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
// existing article whose Published and categories put it there, and every
// article is in all its indexes. It returns one line per problem, none
// when the store is sound. It reads the whole store in one transaction,
// which is a maintenance cost, not a per-request one.
func (db *DB) Check(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var problems []string
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		// bbolt's own check of the file: pages, freelist, B+tree order.
		for err := range tx.Check() {
			report("file: %v", err)
		}
		// The index entries every article should have, built from the items.
		wantTime := map[string]string{}            // time key → id
		wantCats := map[string]map[string]string{} // category key → time key → id
		wantSeq := map[uint64]string{}             // arrival number → id
		n := 0
		err := tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if v == nil {
				report("items: %q is a bucket, not an article", k)
				return nil
			}
			var r record
			if _, err := decodeRecord(v, &r); err != nil {
				report("items: article %q: cannot decode: %v", k, err)
				return nil
			}
			a := &r.Article
			if a.ID != string(k) {
				report("items: article stored under %q has id %q", k, a.ID)
			}
			tk := string(timeKey(a.Published, string(k)))
			wantTime[tk] = string(k)
			if other, dup := wantSeq[r.Seq]; dup {
				report("items: articles %q and %q share arrival number %d", other, k, r.Seq)
			}
			wantSeq[r.Seq] = string(k)
			for _, cat := range categoryKeys(a.Categories) {
				if wantCats[cat] == nil {
					wantCats[cat] = map[string]string{}
				}
				wantCats[cat][tk] = string(k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		items := tx.Bucket(bucketItems)

		checkIndex(tx.Bucket(bucketTime), items, "time index", wantTime, report)

		seqs := tx.Bucket(bucketSeq)
		last := seqs.Sequence()
		err = seqs.ForEach(func(k, v []byte) error {
			if len(k) != 8 || v == nil {
				report("arrival index: malformed entry %x", k)
				return nil
			}
			seq := binary.BigEndian.Uint64(k)
			want, ok := wantSeq[seq]
			switch {
			case !ok && items.Get(v) == nil:
				report("arrival index: entry %d for missing article %q", seq, v)
			case !ok || want != string(v):
				report("arrival index: stale entry %d for article %q", seq, v)
			}
			delete(wantSeq, seq)
			return nil
		})
		if err != nil {
			return err
		}
		deletedIDs := tx.Bucket(bucketDeletedIDs)
		err = tx.Bucket(bucketDeleted).ForEach(func(k, v []byte) error {
			var t feed.Tombstone
			switch err := json.Unmarshal(v, &t); {
			case err != nil:
				report("deleted: tombstone %x: cannot decode: %v", k, err)
			case items.Get([]byte(t.ID)) != nil:
				report("deleted: tombstone for article %q, which exists", t.ID)
			case deletedIDs != nil && !bytes.Equal(deletedIDs.Get([]byte(t.ID)), k):
				report("deleted: tombstone %x of article %q is not in the id index", k, t.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if deletedIDs != nil {
			err = deletedIDs.ForEach(func(id, k []byte) error {
				if v := tx.Bucket(bucketDeleted).Get(k); v == nil || len(k) <= 8 || string(k[8:]) != string(id) {
					report("deleted: id index entry %q points to no tombstone of it", id)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		for seq, id := range wantSeq {
			report("arrival index: missing entry %d for article %q", seq, id)
			if seq > last {
				report("arrival index: article %q has arrival number %d beyond the last assigned %d", id, seq, last)
			}
		}

		cats := tx.Bucket(bucketCats)
		err = cats.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if v != nil {
				report("cats: %q is a value, not a category bucket", k)
				return nil
			}
			name := string(k)
			checkIndex(cats.Bucket(k), items, fmt.Sprintf("category %q", name), wantCats[name], report)
			delete(wantCats, name)
			return nil
		})
		if err != nil {
			return err
		}
		for name, want := range wantCats {
			for tk, id := range want {
				report("category %q: missing entry for article %q (published %s)", name, id, keyTime([]byte(tk)))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check store: %w", err)
	}
	slices.Sort(problems) // map order would make the report vary
	return problems, nil
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

