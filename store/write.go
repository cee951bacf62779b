package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// ErrClosed is returned by writes to a closed store.
var ErrClosed = errors.New("store closed")

// maxBatch bounds how many writes share one commit.
const maxBatch = 256

// defaultLinger is how long a commit waits, at most, for writes announced
// with Preparing, when Options.Linger is zero. Parsing a post takes about a
// millisecond of CPU; a commit costs about half of one, plus two fsyncs.
const defaultLinger = 2 * time.Millisecond

// releaseEvery is the default of DB.releaseEvery. A bulk import reads and
// rewrites pages all over the file, and a reader walking the archives
// reads them all; without the release they would stay mapped, and count
// in the process's RSS, until bbolt next remaps.
const releaseEvery = 32 << 20

// mapped counts n bytes of the file read or written through the mapping,
// and releases the mapping when releaseEvery have been since the last
// time. It must not be called inside a transaction: release opens one.
func (db *DB) mapped(n int64) {
	every := db.releaseEvery.Load()
	if n <= 0 || db.mappedBytes.Add(n) < every {
		return
	}
	// Of the callers that crossed the threshold together, the one that
	// takes the count releases.
	if db.mappedBytes.Swap(0) < every {
		return
	}
	// Failing to release costs memory, never data: go on.
	_ = db.release()
}

// op is one write waiting for the writer goroutine.
type op struct {
	put *feed.Article // a Put, or
	// fresh is put as it is stored when it is new, encoded and
	// compressed by the caller (see encodeFresh), so that the writer,
	// whose commits every post waits for, does not spend its time on it.
	fresh []byte
	del   string // a Delete
	done  chan result
	// prep is the announcement of the write (see Preparing), which the
	// writer withdraws when it takes the op, or nil.
	prep *preparation
}

type result struct {
	stored, prev *feed.Article
	wrote        bool
	err          error
}

// Put stores a, creating it or updating the article with the same ID, and
// writes its index entries in the same transaction. It returns the article
// as stored and the version it replaced (nil when a was created). When Put
// returns without error the change is committed and synced to disk.
//
// Re-putting an article whose Hash equals the stored one writes nothing and
// returns the stored article as both stored and prev. An update keeps the
// stored GUID and Seq, keeps the stored Published unless a.DateSet, and sets
// Updated to a.Updated if a.UpdatedSet, else to the clock. A new article
// must carry its GUID; its Updated is a.Updated if a.UpdatedSet, else
// Published. Updated is never before Published. Put does not modify *a.
//
// Concurrent writes are group-committed: the writer takes every write
// waiting when it is free and, while writes announced with Preparing are
// still being prepared, those that arrive within the linger; it commits
// them in one transaction (one commit, two fsyncs), so groups are as large
// as the real concurrency. A lone writer waits for nothing; a write made
// while others are being prepared may wait up to the linger for them.
func (db *DB) Put(ctx context.Context, a *feed.Article) (stored, prev *feed.Article, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if a == nil {
		return nil, nil, errors.New("put article: nil article")
	}
	if a.ID == "" {
		return nil, nil, errors.New("put article: empty id")
	}
	if len(a.ID) > maxIDLen {
		return nil, nil, fmt.Errorf("put article %.20q…: id longer than %d bytes", a.ID, maxIDLen)
	}
	p, _ := ctx.Value(preparationKey{db}).(*preparation)
	fresh, err := encodeFresh(a)
	if err != nil {
		return nil, nil, fmt.Errorf("put article %q: encode: %w", a.ID, err)
	}
	r := db.submit(&op{put: a, fresh: fresh, prep: p})
	if r.err != nil {
		return nil, nil, fmt.Errorf("put article %q: %w", a.ID, r.err)
	}
	return r.stored, r.prev, nil
}

// Preparing announces a write that the caller is preparing (a post being
// parsed) and will submit soon with Put(ctx, …), ctx being the returned
// context or one derived from it. The writer withdraws the announcement
// when it takes the write; done withdraws it when the caller gives up
// instead, and does nothing after that.
//
// While writes are being prepared, the writer holds a commit for them, up to
// Options.Linger, so that concurrent posters share one commit (and its two
// fsyncs) instead of each paying for a commit of its own. Without it, the
// commits that posters finishing one after another make are so small that
// their fixed cost takes the CPU the posts need. A lone writer, with nothing
// else being prepared, waits for nothing.
func (db *DB) Preparing(ctx context.Context) (_ context.Context, done func()) {
	p := &preparation{db: db}
	db.preparing.Add(1)
	return context.WithValue(ctx, preparationKey{db}, p), p.done
}

// preparationKey is the context key of a write announced to db.
type preparationKey struct{ db *DB }

// preparation is one write announced with Preparing.
type preparation struct {
	db   *DB
	once sync.Once
}

func (p *preparation) done() { p.withdraw(true) }

// withdraw ends the announcement, once. When nothing is being prepared any
// more, wake wakes a writer holding a commit (a signal already pending will
// do); the writer taking the write need not wake itself.
func (p *preparation) withdraw(wake bool) {
	p.once.Do(func() {
		if p.db.preparing.Add(-1) == 0 && wake {
			select {
			case p.db.prepared <- struct{}{}:
			default:
			}
		}
	})
}

// Groups returns how many groups of writes the writer has taken since Open
// and how many writes they held: their ratio is the mean group size. A
// group is one transaction, unless a write in it fails (then each is
// retried in its own) or none changes anything (then it is rolled back).
func (db *DB) Groups() (groups, writes uint64) {
	return db.groups.Load(), db.writes.Load()
}

// Delete removes the article with the given id and all its index entries,
// and returns it; or returns an error wrapping feed.ErrNotFound.
func (db *DB) Delete(ctx context.Context, id string) (*feed.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := db.submit(&op{del: id})
	if r.err != nil {
		return nil, fmt.Errorf("delete article %q: %w", id, r.err)
	}
	return r.prev, nil
}

// submit hands o to the writer and waits for its result. The wait ignores
// the caller's context: once submitted, a write either commits or fails,
// and the caller learns which.
func (db *DB) submit(o *op) result {
	o.done = make(chan result, 1)
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		if o.prep != nil {
			o.prep.done()
		}
		return result{err: ErrClosed}
	}
	db.ops <- o
	db.mu.RUnlock()
	return <-o.done
}

// writer commits the waiting writes in groups until ops is closed.
func (db *DB) writer() {
	defer close(db.writerDone)
	batch := make([]*op, 0, maxBatch)
	for o := range db.ops {
		batch = db.gather(append(batch[:0], o.taken()))
		db.mapped(db.commit(batch))
	}
}

// taken withdraws the announcement of o, which the writer has taken: from
// then on, nothing waits for it.
func (o *op) taken() *op {
	if o.prep != nil {
		o.prep.withdraw(false)
	}
	return o
}

// gather adds to batch the writes waiting for the writer and, while writes
// are being prepared (see Preparing), those submitted within the linger.
func (db *DB) gather(batch []*op) []*op {
	var linger <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case o, ok := <-db.ops:
			if !ok {
				return batch
			}
			batch = append(batch, o.taken())
			continue
		default:
		}
		if db.linger <= 0 || db.preparing.Load() <= 0 {
			return batch
		}
		if linger == nil {
			t := time.NewTimer(db.linger)
			defer t.Stop()
			linger = t.C
		}
		select {
		case o, ok := <-db.ops:
			if !ok {
				return batch
			}
			batch = append(batch, o.taken())
		case <-db.prepared:
			// Nothing is being prepared any more (or a stale signal:
			// the loop looks again).
		case <-linger:
			return batch
		}
	}
	return batch
}

// errNoWrites rolls back a transaction that changed nothing: a commit
// would still write and sync the meta page.
var errNoWrites = errors.New("no writes")

// commit applies batch in one transaction. If any write fails, the whole
// transaction is rolled back and each write is retried in a transaction of
// its own, so one bad write cannot fail the others (as bolt.DB.Batch does).
// It returns how many bytes of pages the transaction wrote.
func (db *DB) commit(batch []*op) (written int64) {
	results := make([]result, len(batch))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		countWritten(tx, &written)
		wrote := false
		for i, o := range batch {
			results[i] = db.apply(tx, o)
			if results[i].err != nil {
				return results[i].err
			}
			wrote = wrote || results[i].wrote
		}
		if !wrote {
			return errNoWrites
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNoWrites) {
		if len(batch) == 1 {
			results[0] = result{err: err}
		} else {
			for i, o := range batch {
				var n int64
				results[i], n = db.applyAlone(o)
				written += n
			}
		}
	}
	db.groups.Add(1)
	db.writes.Add(uint64(len(batch)))
	for i, o := range batch {
		o.done <- results[i]
	}
	return written
}

// countWritten sets *n, once tx has committed, to the bytes of pages it
// wrote.
func countWritten(tx *bolt.Tx, n *int64) {
	tx.OnCommit(func() {
		st := tx.Stats()
		*n = st.GetPageAlloc()
	})
}

func (db *DB) applyAlone(o *op) (r result, written int64) {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		countWritten(tx, &written)
		r = db.apply(tx, o)
		if r.err == nil && !r.wrote {
			return errNoWrites
		}
		return r.err
	})
	if err != nil && !errors.Is(err, errNoWrites) {
		return result{err: err}, written
	}
	return r, written
}

func (db *DB) apply(tx *bolt.Tx, o *op) result {
	if o.put != nil {
		return db.applyPut(tx, o.put, o.fresh)
	}
	return db.applyDelete(tx, o.del)
}

// applyPut stores a; fresh is its encodeFresh form.
func (db *DB) applyPut(tx *bolt.Tx, a *feed.Article, fresh []byte) result {
	items := tx.Bucket(bucketItems)
	id := []byte(a.ID)

	var old *feed.Article
	if v := items.Get(id); v != nil {
		old = new(feed.Article)
		if _, err := decodeArticle(v, old); err != nil {
			return result{err: fmt.Errorf("decode stored article: %w", err)}
		}
		// An empty hash says nothing about the content, so it never makes
		// a put a no-op.
		if old.Hash != "" && old.Hash == a.Hash {
			return result{stored: old, prev: old}
		}
	}

	var n feed.Article
	var v []byte
	if old == nil {
		if a.GUID == "" {
			return result{err: errors.New("new article without guid")}
		}
		if err := dropTombstones(tx, a.ID, time.Time{}); err != nil {
			return result{err: err}
		}
		seq, err := tx.Bucket(bucketSeq).NextSequence()
		if err != nil {
			return result{err: fmt.Errorf("next sequence: %w", err)}
		}
		n = asFresh(a)
		n.Seq = seq
		v = frame(seq, fresh)
	} else {
		// A shallow copy is enough: only scalar fields change, and the
		// slices are read, never written.
		n = *a
		n.GUID = old.GUID
		n.Seq = old.Seq
		if !n.DateSet {
			n.Published = old.Published
		}
		if !n.UpdatedSet {
			n.Updated = db.now()
		}
		settle(&n)
		var err error
		if v, err = encode(&n); err != nil {
			return result{err: fmt.Errorf("encode article: %w", err)}
		}
	}
	if old != nil {
		if err := deleteIndex(tx, old); err != nil {
			return result{err: err}
		}
	}
	if err := items.Put(id, v); err != nil {
		return result{err: fmt.Errorf("write item: %w", err)}
	}
	if err := putIndex(tx, &n); err != nil {
		return result{err: err}
	}
	return result{stored: &n, prev: old, wrote: true}
}

func (db *DB) applyDelete(tx *bolt.Tx, id string) result {
	items := tx.Bucket(bucketItems)
	v := items.Get([]byte(id))
	if v == nil {
		return result{err: feed.ErrNotFound}
	}
	old := new(feed.Article)
	if _, err := decodeArticle(v, old); err != nil {
		return result{err: fmt.Errorf("decode stored article: %w", err)}
	}
	if err := deleteIndex(tx, old); err != nil {
		return result{err: err}
	}
	if err := items.Delete([]byte(id)); err != nil {
		return result{err: fmt.Errorf("delete item: %w", err)}
	}
	if err := db.putTombstone(tx, old); err != nil {
		return result{err: err}
	}
	return result{prev: old, wrote: true}
}

// putTombstone records a's deletion and drops the tombstones older than
// the keeping window (and any earlier one of the same id).
func (db *DB) putTombstone(tx *bolt.Tx, a *feed.Article) error {
	b := tx.Bucket(bucketDeleted)
	now := db.now().UTC().Round(0)
	if err := dropTombstones(tx, a.ID, now.Add(-db.keepDeleted)); err != nil {
		return err
	}
	v, err := json.Marshal(feed.Tombstone{ID: a.ID, GUID: a.GUID, When: now, Categories: a.Categories})
	if err != nil {
		return fmt.Errorf("encode tombstone: %w", err)
	}
	k := timeKey(now, a.ID)
	if err := b.Put(k, v); err != nil {
		return fmt.Errorf("write tombstone: %w", err)
	}
	if err := tx.Bucket(bucketDeletedIDs).Put([]byte(a.ID), k); err != nil {
		return fmt.Errorf("write tombstone: %w", err)
	}
	return nil
}

// dropTombstones deletes the tombstone of id (an article posted again is
// no longer deleted) and those older than before. It reads only what it
// deletes: the id index finds id's, and the expired ones come first in
// time order.
func dropTombstones(tx *bolt.Tx, id string, before time.Time) error {
	b, ids := tx.Bucket(bucketDeleted), tx.Bucket(bucketDeletedIDs)
	if k := ids.Get([]byte(id)); k != nil {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("drop tombstone: %w", err)
		}
		if err := ids.Delete([]byte(id)); err != nil {
			return fmt.Errorf("drop tombstone: %w", err)
		}
	}
	limit := timeKey(before, "")
	var drop [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
		drop = append(drop, bytes.Clone(k))
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("drop tombstone: %w", err)
		}
		if len(k) > 8 && bytes.Equal(ids.Get(k[8:]), k) {
			if err := ids.Delete(k[8:]); err != nil {
				return fmt.Errorf("drop tombstone: %w", err)
			}
		}
	}
	return nil
}

// seqKey is the key of an article in the arrival index.
func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// asFresh returns a as it is stored when it is new, but for its Seq,
// which the transaction assigns: updated when published unless set.
func asFresh(a *feed.Article) feed.Article {
	// A shallow copy is enough: only scalar fields change, and the slices
	// are read, never written.
	n := *a
	if !n.UpdatedSet {
		n.Updated = n.Published
	}
	settle(&n)
	return n
}

// settle puts the dates of n in their stored form: never updated before
// published, and what JSON gives back (UTC, no monotonic clock reading).
func settle(n *feed.Article) {
	if n.Updated.Before(n.Published) {
		n.Updated = n.Published
	}
	n.Published, n.Updated = n.Published.UTC().Round(0), n.Updated.UTC().Round(0)
}

// encodeFresh returns the compressed part of a's stored form as a new
// article (asFresh), which frame numbers.
func encodeFresh(a *feed.Article) ([]byte, error) {
	n := asFresh(a)
	return compressArticle(&n)
}
