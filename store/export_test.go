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
// itself gives no sign between taken and committed.) The store must be
// open.
func HandOver(db *DB, a *feed.Article) (<-chan error, error) {
	if err := checkPut(a); err != nil {
		return nil, err
	}
	sum, err := contentSum(a)
	if err != nil {
		return nil, err
	}
	fresh := record{Sum: sum, Article: db.created(a)}
	compressed, err := compressRecord(&fresh)
	if err != nil {
		return nil, err
	}
	o := &op{
		apply: func(tx *bolt.Tx) (feed.Change, error) { return db.applyPut(tx, a, &fresh, compressed) },
		done:  make(chan result, 1),
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	db.group.submitting.Add(1) // as Put counts it
	db.group.ops <- o          // unbuffered: returns when the writer has received it
	errc := make(chan error, 1)
	go func() { errc <- (<-o.done).err }()
	return errc, nil
}
