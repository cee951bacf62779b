package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Put stores a, creating it or updating the article with the same ID, with
// its index entries in the same transaction, and returns the feed.Change
// it made. When Put returns without error the change is committed and
// synced to disk. Put does not modify *a.
//
// The outcome is Unchanged when the stored article was posted with the
// same content (everything but the GUID); nothing is written then. Created
// needs a.GUID; it dates an article without Published by the clock, and
// sets a zero Updated to Published. Created also removes a kept tombstone
// of the id, returned as Change.Revived. Updated keeps the stored GUID and
// arrival number, keeps the stored Published when a.Published is zero, and
// sets a zero Updated to the clock. Updated is never before Published.
//
// Each precondition in pre is asked, in the write's transaction, about the
// article stored under a.ID before it is replaced; the first error it
// returns refuses the write, which then changes nothing and returns that
// error wrapped.
func (db *DB) Put(ctx context.Context, a *feed.Article, pre ...feed.Precondition) (feed.Change, error) {
	return db.PutExpected(ctx, a, nil, pre...)
}

// PutExpected is Put for a write announced with ExpectWrite: it withdraws
// the announcement once the write counts as being submitted, so that the
// commit the writer holds for it goes on waiting for it. withdraw is also
// called when PutExpected fails early; it may be nil.
func (db *DB) PutExpected(ctx context.Context, a *feed.Article, withdraw func(), pre ...feed.Precondition) (feed.Change, error) {
	if withdraw != nil {
		defer withdraw() // the early returns; a second call does nothing
	}
	if err := ctx.Err(); err != nil {
		return feed.Change{}, err
	}
	if err := checkPut(a); err != nil {
		return feed.Change{}, fmt.Errorf("put article: %w", err)
	}
	// From here the writer holds a commit for this write (see group).
	db.group.submitting.Add(1)
	if withdraw != nil {
		withdraw()
	}
	c, err := db.put(a, pre)
	if err != nil {
		return feed.Change{}, fmt.Errorf("put article %q: %w", a.ID, err)
	}
	return c, nil
}

// put encodes a and submits it; it counts a out of group.submitting
// itself if it fails before submitting.
func (db *DB) put(a *feed.Article, pre []feed.Precondition) (feed.Change, error) {
	p, err := db.preparePut(a, pre)
	if err != nil {
		db.group.submitting.Add(-1)
		db.group.wake()
		return feed.Change{}, err
	}
	c, err := db.submit(p.apply)
	if err == nil && p.refused != nil {
		return feed.Change{}, p.refused
	}
	return c, err
}

// putOp is a Put ready for the writer: the article, its new record
// encoded, its preconditions, and after the write, their refusal if any.
type putOp struct {
	db         *DB
	a          *feed.Article
	fresh      record
	compressed []byte
	pre        []feed.Precondition
	refused    error
}

// preparePut encodes the record of a. The poster, not the writer, does
// it: every post waits for the writer's commits, so its time is the
// scarcest.
func (db *DB) preparePut(a *feed.Article, pre []feed.Precondition) (*putOp, error) {
	p := &putOp{db: db, a: a, pre: pre}
	sum, err := contentSum(a)
	p.fresh = record{Sum: sum, Article: db.created(a)}
	if err == nil {
		p.compressed, err = compressRecord(&p.fresh)
	}
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return p, nil
}

// apply writes p in the writer's transaction tx; it may run twice (see
// commit). A write its precondition refuses has written nothing, so it
// answers the writer as Unchanged: an error would roll back and retry the
// writes grouped with it, one commit each, and a refusal is the poster's
// answer, not a failure. The poster reads the refusal from p (put).
func (p *putOp) apply(tx *bolt.Tx) (feed.Change, error) {
	p.refused = nil
	c, err := p.db.applyPut(tx, p.a, &p.fresh, p.compressed, p.pre)
	var r *refusal
	if errors.As(err, &r) {
		p.refused = r.err
		return feed.Change{Outcome: feed.Unchanged}, nil
	}
	return c, err
}

// refusal is a precondition's error, returned by applyPut before it has
// written anything.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

func checkPut(a *feed.Article) error {
	switch {
	case a == nil:
		return errors.New("nil article")
	case a.ID == "":
		return errors.New("empty id")
	case len(a.ID) > maxIDLen:
		return fmt.Errorf("id %.20q…: longer than %d bytes", a.ID, maxIDLen)
	case a.GUID == "":
		return fmt.Errorf("article %q without guid", a.ID)
	}
	return nil
}

// Delete removes the article with the given id and all its index entries,
// and leaves its tombstone. Its change is Deleted, with the removed
// article as Prev; a missing article is an error wrapping feed.ErrNotFound.
func (db *DB) Delete(ctx context.Context, id string) (feed.Change, error) {
	if err := ctx.Err(); err != nil {
		return feed.Change{}, err
	}
	db.group.submitting.Add(1)
	c, err := db.submit(func(tx *bolt.Tx) (feed.Change, error) {
		return db.applyDelete(tx, id)
	})
	if err != nil {
		return feed.Change{}, fmt.Errorf("delete article %q: %w", id, err)
	}
	return c, nil
}

// applyPut writes a inside tx: fresh (compressed) when it is new, else as
// an update of the stored version, if each precondition in pre allows it
// (else a *refusal, with nothing written). It may run twice (see commit).
func (db *DB) applyPut(tx *bolt.Tx, a *feed.Article, fresh *record, compressed []byte, pre []feed.Precondition) (feed.Change, error) {
	items := tx.Bucket(bucketItems)
	id := []byte(a.ID)
	v := items.Get(id)
	if v == nil {
		revived, err := db.dropTombstones(tx, a.ID, time.Time{})
		if err != nil {
			return feed.Change{}, err
		}
		seq, err := tx.Bucket(bucketSeq).NextSequence()
		if err != nil {
			return feed.Change{}, fmt.Errorf("next sequence: %w", err)
		}
		if err := items.Put(id, frame(seq, compressed)); err != nil {
			return feed.Change{}, fmt.Errorf("write item: %w", err)
		}
		stored := fresh.Article // a copy for the caller: fresh may be applied again
		if err := putIndex(tx, &stored, seq); err != nil {
			return feed.Change{}, err
		}
		c := feed.Change{Outcome: feed.Created, Article: &stored, Revived: revived}
		return c, db.logChange(tx, &c)
	}

	var old record
	if _, err := decodeRecord(v, &old); err != nil {
		return feed.Change{}, fmt.Errorf("decode stored article: %w", err)
	}
	for _, p := range pre {
		if err := p(&old.Article); err != nil {
			return feed.Change{}, &refusal{err}
		}
	}
	if old.Sum != "" && old.Sum == fresh.Sum {
		return feed.Change{Outcome: feed.Unchanged, Article: &old.Article, Prev: &old.Article}, nil
	}
	n := record{Seq: old.Seq, Sum: fresh.Sum, Article: db.updated(a, &old.Article)}
	nv, err := encodeRecord(&n)
	if err != nil {
		return feed.Change{}, fmt.Errorf("encode article: %w", err)
	}
	if err := deleteIndex(tx, &old.Article, old.Seq); err != nil {
		return feed.Change{}, err
	}
	if err := items.Put(id, nv); err != nil {
		return feed.Change{}, fmt.Errorf("write item: %w", err)
	}
	if err := putIndex(tx, &n.Article, n.Seq); err != nil {
		return feed.Change{}, err
	}
	c := feed.Change{Outcome: feed.Updated, Article: &n.Article, Prev: &old.Article}
	return c, db.logChange(tx, &c)
}

func (db *DB) applyDelete(tx *bolt.Tx, id string) (feed.Change, error) {
	items := tx.Bucket(bucketItems)
	v := items.Get([]byte(id))
	if v == nil {
		return feed.Change{}, feed.ErrNotFound
	}
	var old record
	if _, err := decodeRecord(v, &old); err != nil {
		return feed.Change{}, fmt.Errorf("decode stored article: %w", err)
	}
	if err := deleteIndex(tx, &old.Article, old.Seq); err != nil {
		return feed.Change{}, err
	}
	if err := items.Delete([]byte(id)); err != nil {
		return feed.Change{}, fmt.Errorf("delete item: %w", err)
	}
	if err := db.putTombstone(tx, &old.Article); err != nil {
		return feed.Change{}, err
	}
	c := feed.Change{Outcome: feed.Deleted, Prev: &old.Article}
	return c, db.logChange(tx, &c)
}

// created returns a as it is stored when it is new (feed.Article.AsCreated),
// dated by the clock when it has no date (to the nanosecond, so that
// undated posts of the same second list in the order they arrived).
func (db *DB) created(a *feed.Article) feed.Article {
	return a.AsCreated(db.now())
}

// updated returns a as it is stored when it replaces old: with old's GUID,
// old's date when a has none, and updated now unless it says otherwise.
func (db *DB) updated(a, old *feed.Article) feed.Article {
	n := *a
	n.GUID = old.GUID
	if n.Published.IsZero() {
		n.Published = old.Published
	}
	if n.Updated.IsZero() {
		n.Updated = db.now()
	}
	n.SettleDates()
	return n
}
