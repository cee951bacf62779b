// Package store keeps sokbo's articles in one bbolt file. It is the only
// package that imports bbolt.
//
// Layout (every bucket is written in the same transaction as the article
// its entries point to):
//
//	items                 id → record: the article and its bookkeeping (record.go)
//	time                  timeKey(Published) ‖ id → empty: the site feed's order
//	cats/<CategoryKey>    timeKey(Published) ‖ id → empty: one per category
//	tags/<CategoryKey>    timeKey(Published) ‖ id → empty: one per tag
//	authors/<CategoryKey> timeKey(Published) ‖ id → empty: one per author
//	seq                   big-endian arrival number → id: archive pages' order
//	deleted               timeKey(when) ‖ id → JSON feed.Tombstone (tombstone.go)
//	deleted-ids           id → its key in deleted
//	changes               big-endian change number → the change (changes.go)
//
// The cats, tags and authors buckets are the facet indexes (index.go):
// each feed.Facet's articles, under the CategoryKey of its name. A store
// made before tags and authors had feeds gets their indexes, built from
// its articles, when it is next opened for writing.
//
// and, apart from the articles, written in transactions of its own:
//
//	websub             topic ‖ 0x00 ‖ callback → a WebSub subscription (websub.go)
//
// A time key is the big-endian uint64(Published.UnixNano()) ^ 1<<63, so that
// byte order is time order (pre-1970 included); the id that follows makes
// the key unique and breaks ties. Walking an index backwards from its last
// key yields the newest articles first, at a cost proportional to the
// number of entries read, not to the size of the store.
//
// Writes (write.go) go through one goroutine that commits concurrent
// writes together (commit.go); each returns the feed.Change it made.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names.
var (
	bucketItems      = []byte("items")
	bucketTime       = []byte("time")
	bucketCats       = []byte("cats")
	bucketTags       = []byte("tags")
	bucketAuthors    = []byte("authors")
	bucketSeq        = []byte("seq")
	bucketDeleted    = []byte("deleted")
	bucketDeletedIDs = []byte("deleted-ids")
)

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("the database file is in use by another process (is another sokbo serving it?)")

// defaultTimeout bounds the wait for the file lock when Options.Timeout is
// zero: another process holding the file makes Open fail instead of hang.
const defaultTimeout = time.Second

// DefaultKeepDeleted is how long a deleted article's tombstone is kept
// when Options.KeepDeleted is zero.
const DefaultKeepDeleted = 7 * 24 * time.Hour

// maxIDLen is the longest id whose index key (8 bytes of time, then the
// id) bbolt accepts.
const maxIDLen = bolt.MaxKeySize - 8

// Options configures Open. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process; zero means one second.
	Timeout time.Duration
	// Now is the store's clock: it dates undated articles, updates and
	// deletions; nil means time.Now.
	Now func() time.Time
	// ReadOnly opens an existing file with a shared lock; writes then fail.
	ReadOnly bool
	// KeepDeleted is how long the tombstone of a deleted article is kept
	// (and listed by Deleted); zero means DefaultKeepDeleted.
	KeepDeleted time.Duration
	// Linger is how long, at most, a commit waits for writes announced
	// with DB.ExpectWrite; zero means 2 ms, a negative value never waits.
	Linger time.Duration
}

// DB is an open article store. It is safe for concurrent use.
type DB struct {
	bolt        *bolt.DB
	now         func() time.Time
	keepDeleted time.Duration
	// decoded keeps the articles feeds read most, decoded (decode.go).
	decoded *decodeCache
	// lists remembers the lists LatestIn read in the current state
	// (listmemo.go).
	lists listMemo
	// group is the writer goroutine's state (commit.go).
	group group
	// mu guards closed against sends on group.ops.
	mu     sync.RWMutex
	closed bool
	// Releasing the mapping (release.go): the growth of resident
	// file-backed memory that calls for a release, that memory just after
	// the last release, the bytes read since the last look, and the lock
	// that keeps to one release at a time.
	releaseAbove atomic.Int64
	residentBase atomic.Int64
	mappedBytes  atomic.Int64
	releasing    sync.Mutex
}

// Open opens the store at path, creating the file (mode 0600), its parent
// directory (0755) and the buckets if needed. A read-only store must
// already exist. A file held by another process is ErrLocked.
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
	// list: an article is a run of overflow pages, and a large store frees
	// and reuses pages all over its file.
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opt.ReadOnly, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if opt.ReadOnly {
		err = bdb.View(checkBuckets)
	} else {
		err = bdb.Update(createBuckets)
	}
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	keep := opt.KeepDeleted
	if keep <= 0 {
		keep = DefaultKeepDeleted
	}
	db := &DB{bolt: bdb, now: now, keepDeleted: keep, decoded: newDecodeCache(512, 16<<20)}
	db.releaseAbove.Store(releaseAbove)
	db.residentBase.Store(residentFile())
	db.group.start(opt.Linger)
	go db.writer()
	return db, nil
}

// buckets must exist in a store opened read-only. The tags and authors
// indexes may not: a store made before them gets them when it is next
// opened for writing, and until then their feeds are empty.
var buckets = [][]byte{bucketItems, bucketTime, bucketCats, bucketSeq, bucketDeleted}

func checkBuckets(tx *bolt.Tx) error {
	for _, name := range buckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("missing bucket %q", name)
		}
	}
	return nil
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range buckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %q: %w", name, err)
		}
	}
	if err := indexFacets(tx); err != nil {
		return err
	}
	return indexTombstones(tx)
}

// Close finishes the writes already submitted, refuses new ones with
// ErrClosed, and closes the file; it waits for running transactions.
func (db *DB) Close() error {
	db.mu.Lock()
	if !db.closed {
		db.closed = true
		close(db.group.ops)
	}
	db.mu.Unlock()
	<-db.group.done
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}
