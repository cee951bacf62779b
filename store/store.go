// Package store keeps sokbo's articles in a bbolt file: each article
// under its id (compressed JSON, see codec.go), plus a time index for the site feed and one time index
// per category, all written in the same transaction as the article they
// point to. It is the only package that imports bbolt.
//
// Layout:
//
//	items              id → feed.Article (stored form: codec.go)
//	time               timeKey(Published) ‖ id → empty
//	cats/<CategoryKey> timeKey(Published) ‖ id → empty
//
// A time key is the big-endian uint64(Published.UnixNano()) ^ 1<<63, so that
// byte order is time order (pre-1970 included); the id that follows makes
// the key unique and breaks ties. Walking an index backwards from its last
// key yields the newest articles first, at a cost proportional to the
// number of entries read, not to the size of the store.
package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Bucket names.
var (
	bucketItems = []byte("items")
	bucketTime  = []byte("time")
	bucketCats  = []byte("cats")
	bucketSeq   = []byte("seq")
	// deleted holds a tombstone per deleted article: timeKey(when) ‖ id →
	// JSON of feed.Tombstone.
	bucketDeleted = []byte("deleted")
	// deletedIDs finds an article's tombstone: id → its key in deleted.
	// Opening a store for writing rebuilds it if it does not match (a
	// store written before it existed).
	bucketDeletedIDs = []byte("deleted-ids")
)

// defaultTimeout bounds the wait for the file lock when Options.Timeout is
// zero: another process holding the file makes Open fail instead of hang.
const defaultTimeout = time.Second

// maxIDLen is the longest id whose index key (8 bytes of time, then the
// id) bbolt accepts.
const maxIDLen = bolt.MaxKeySize - 8

// Options configures Open. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process; zero means one second.
	Timeout time.Duration
	// Now is the clock used for the Updated time of an update without a
	// given updated date; nil means time.Now.
	Now func() time.Time
	// ReadOnly opens an existing file with a shared lock; writes then fail.
	ReadOnly bool
	// KeepDeleted is how long the tombstone of a deleted article is kept;
	// zero means seven days.
	KeepDeleted time.Duration
	// Linger is how long, at most, a commit waits for writes announced
	// with DB.Preparing; zero means 2 ms, a negative value never waits.
	Linger time.Duration
}

// DB is an open article store. It is safe for concurrent use.
type DB struct {
	bolt        *bolt.DB
	now         func() time.Time
	keepDeleted time.Duration
	// decoded keeps the articles feeds read most, decoded.
	decoded *decodeCache

	// Writes go through one writer goroutine that group-commits them.
	ops        chan *op
	writerDone chan struct{}
	// preparing counts the writes announced with Preparing that the
	// writer has not taken yet; prepared wakes the writer when a caller
	// giving up makes it fall to zero. The writer holds a commit up to
	// linger for them.
	preparing atomic.Int64
	prepared  chan struct{}
	linger    time.Duration
	// groups and writes count the groups of writes the writer has taken
	// and the writes they held.
	groups, writes atomic.Uint64
	mu             sync.RWMutex // guards closed against sends on ops
	closed         bool
	// releaseEvery is how many bytes of the mapped file are read or
	// written between two releases of it (see release); mappedBytes
	// counts them.
	releaseEvery atomic.Int64
	mappedBytes  atomic.Int64
}

// Open opens the store at path, creating the file (mode 0600), its parent
// directory (0755) and the buckets if needed. A read-only store must
// already exist.
func Open(path string, opt Options) (*DB, error) {
	timeout := opt.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	// The hashmap freelist finds runs of free pages without scanning the
	// list: an article is a run of overflow pages, and a store of a
	// hundred thousand of them frees and reuses pages all over its file.
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opt.ReadOnly, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if opt.ReadOnly {
		err = bdb.View(func(tx *bolt.Tx) error {
			for _, name := range [][]byte{bucketItems, bucketTime, bucketCats, bucketSeq, bucketDeleted} {
				if tx.Bucket(name) == nil {
					return fmt.Errorf("missing bucket %q", name)
				}
			}
			return nil
		})
	} else {
		err = bdb.Update(func(tx *bolt.Tx) error {
			for _, name := range [][]byte{bucketItems, bucketTime, bucketCats, bucketSeq, bucketDeleted} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return fmt.Errorf("create bucket %q: %w", name, err)
				}
			}
			return indexTombstones(tx)
		})
	}
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	keep := opt.KeepDeleted
	if keep <= 0 {
		keep = 7 * 24 * time.Hour
	}
	linger := opt.Linger
	if linger == 0 {
		linger = defaultLinger
	}
	db := &DB{
		bolt: bdb, now: now, keepDeleted: keep, decoded: newDecodeCache(512, 16<<20),
		ops: make(chan *op), writerDone: make(chan struct{}),
		prepared: make(chan struct{}, 1), linger: linger,
	}
	db.releaseEvery.Store(releaseEvery)
	go db.writer()
	return db, nil
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

// Close finishes the writes already submitted, refuses new ones with
// ErrClosed, and closes the file; it waits for running transactions.
func (db *DB) Close() error {
	db.mu.Lock()
	if !db.closed {
		db.closed = true
		close(db.ops)
	}
	db.mu.Unlock()
	<-db.writerDone
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

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
		a = new(feed.Article)
		if _, err := decodeArticle(v, a); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
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
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if offset < 0 || limit < 0 {
		return nil, fmt.Errorf("latest %q: negative offset %d or limit %d", category, offset, limit)
	}
	out := make([]*feed.Article, 0, min(limit, 1000))
	if limit == 0 {
		return out, nil
	}
	var read int
	defer func() { db.mapped(int64(read)) }()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var index *bolt.Bucket
		if category == "" {
			index = tx.Bucket(bucketTime)
		} else {
			key := feed.CategoryKey(category)
			if key == "" {
				return nil
			}
			index = tx.Bucket(bucketCats).Bucket([]byte(key))
		}
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
		return nil, fmt.Errorf("latest %q: %w", category, err)
	}
	return out, nil
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

// Deleted returns the tombstones of the articles deleted since the given
// time, newest first; with a category, only those that were filed under
// it. Tombstones are few (one per deletion, kept for Options.KeepDeleted),
// so this reads them all from the window's start.
func (db *DB) Deleted(ctx context.Context, category string, since time.Time) ([]feed.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := feed.CategoryKey(category)
	var out []feed.Tombstone
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDeleted).Cursor()
		for k, v := c.Seek(timeKey(since, "")); k != nil; k, v = c.Next() {
			var t feed.Tombstone
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode tombstone %x: %w", k, err)
			}
			if key != "" && !slices.Contains(categoryKeys(t.Categories), key) {
				continue
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deleted since %s: %w", since.Format(time.RFC3339), err)
	}
	slices.Reverse(out)
	return out, nil
}

// Tombstone returns the tombstone of the article with the given id, or
// nil when it has none.
func (db *DB) Tombstone(ctx context.Context, id string) (*feed.Tombstone, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var t *feed.Tombstone
	err := db.bolt.View(func(tx *bolt.Tx) error {
		deleted := tx.Bucket(bucketDeleted)
		var v []byte
		if ids := tx.Bucket(bucketDeletedIDs); ids != nil {
			if k := ids.Get([]byte(id)); k != nil {
				v = deleted.Get(k)
			}
		} else { // a store from before the index, opened read-only
			c := deleted.Cursor()
			for k, w := c.First(); k != nil; k, w = c.Next() {
				if len(k) > 8 && string(k[8:]) == id {
					v = w
				}
			}
		}
		if v == nil {
			return nil
		}
		t = new(feed.Tombstone)
		if err := json.Unmarshal(v, t); err != nil {
			return fmt.Errorf("decode tombstone: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tombstone %q: %w", id, err)
	}
	return t, nil
}

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
			var a feed.Article
			if _, err := decodeArticle(v, &a); err != nil {
				report("items: article %q: cannot decode: %v", k, err)
				return nil
			}
			if a.ID != string(k) {
				report("items: article stored under %q has id %q", k, a.ID)
			}
			tk := string(timeKey(a.Published, string(k)))
			wantTime[tk] = string(k)
			if other, dup := wantSeq[a.Seq]; dup {
				report("items: articles %q and %q share arrival number %d", other, k, a.Seq)
			}
			wantSeq[a.Seq] = string(k)
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

// Backup writes a consistent snapshot of the whole store to w — a plain
// database file that Open can use — while writes go on, and returns its
// size. size, if not nil, learns the snapshot's size before the first byte
// is written. The copy holds one read transaction for its duration (which
// keeps the file from being remapped to grow meanwhile).
func (db *DB) Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}
