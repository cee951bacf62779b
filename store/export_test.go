package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Expected returns how many writes are announced with ExpectWrite and not
// withdrawn yet.
func Expected(db *DB) int64 { return db.group.expected.Load() }

// Seq returns the arrival number stored with the article id, which
// feed.Article no longer carries.
func Seq(db *DB, id string) (uint64, error) {
	var seq uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketItems).Get([]byte(id))
		if v == nil {
			return feed.ErrNotFound
		}
		var r record
		if _, err := decodeRecord(v, &r); err != nil {
			return err
		}
		seq = r.Seq
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("seq of %q: %w", id, err)
	}
	return seq, nil
}

// HandOver prepares a Put of a as Put does and hands it to the writer,
// returning once the writer has taken it: from then on the write is in
// the writer's current group. Its result arrives on the channel. (Put
// itself gives no sign between taken and committed.) A refusal by one of
// pre is the result too. The store must be open.
func HandOver(db *DB, a *feed.Article, pre ...feed.Precondition) (<-chan error, error) {
	if err := checkPut(a); err != nil {
		return nil, err
	}
	p, err := db.preparePut(a, pre)
	if err != nil {
		return nil, err
	}
	o := &op{apply: p.apply, done: make(chan result, 1)}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	db.group.submitting.Add(1) // as Put counts it
	db.group.ops <- o          // unbuffered: returns when the writer has received it
	errc := make(chan error, 1)
	go func() {
		r := <-o.done
		if r.err == nil {
			r.err = p.refused
		}
		errc <- r.err
	}()
	return errc, nil
}
