package store

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// Group commit. Every write goes to one writer goroutine, which takes all
// the writes waiting when it is free and commits them in one transaction:
// one commit and its fsyncs for the whole group, so a busy newsroom pays a
// fraction of an fsync per article. Posters that finish parsing one after
// another would still each get a commit of their own, so a poster can
// announce its write while it parses it (ExpectWrite), and the writer
// holds a commit for announced writes, up to the linger. A lone write,
// with nothing announced, waits for nothing. BenchmarkPut and
// bench/README.md show what each part gains.

// ErrClosed is returned by writes to a closed store.
var ErrClosed = errors.New("store closed")

// maxBatch bounds how many writes share one commit.
const maxBatch = 256

// defaultLinger is how long a commit waits, at most, for announced
// writes, when Options.Linger is zero: about what parsing a post takes.
const defaultLinger = 2 * time.Millisecond

// group is the state of the writer goroutine.
type group struct {
	ops  chan *op
	done chan struct{} // closed when the writer has stopped
	// expected counts the announced writes not yet withdrawn, and
	// submitting the Puts that are encoding their write, not yet taken by
	// the writer; withdrawn wakes a writer holding a commit when both fall
	// to zero. PutExpected counts its write as submitting before it
	// withdraws the announcement, so the commit held for it goes on
	// waiting until the write arrives.
	expected   atomic.Int64
	submitting atomic.Int64
	withdrawn  chan struct{}
	linger     time.Duration
	// groups and writes count the groups the writer has taken and the
	// writes they held.
	groups, writes atomic.Uint64
}

func (g *group) start(linger time.Duration) {
	if linger == 0 {
		linger = defaultLinger
	}
	g.ops = make(chan *op)
	g.done = make(chan struct{})
	g.withdrawn = make(chan struct{}, 1)
	g.linger = linger
}

// op is one write waiting for the writer.
type op struct {
	apply func(tx *bolt.Tx) (feed.Change, error)
	done  chan result
}

type result struct {
	change feed.Change
	err    error
}

// ExpectWrite announces a write that the caller is preparing (a post
// being parsed) and returns the function that withdraws the announcement:
// pass it to PutExpected, which withdraws it once the write is on its way,
// or call it when giving up. Calling it again does nothing.
func (db *DB) ExpectWrite() (withdraw func()) {
	g := &db.group
	g.expected.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			g.expected.Add(-1)
			g.wake()
		})
	}
}

// pending reports whether writes are announced or being submitted.
func (g *group) pending() bool {
	return g.expected.Load() > 0 || g.submitting.Load() > 0
}

// wake wakes a writer holding a commit once nothing is pending.
func (g *group) wake() {
	if g.pending() {
		return
	}
	select {
	case g.withdrawn <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// took counts o as taken by the writer.
func (g *group) took(o *op) *op {
	g.submitting.Add(-1)
	return o
}

// Groups returns how many groups of writes the writer has taken since Open
// and how many writes they held: their ratio is the mean group size. A
// group is one transaction, unless a write in it fails (then each is
// retried in its own) or none changes anything (then it is rolled back).
func (db *DB) Groups() (groups, writes uint64) {
	return db.group.groups.Load(), db.group.writes.Load()
}

// submit hands a write to the writer, which its caller has counted in
// group.submitting, and waits for its result. The wait
// ignores the caller's context: once submitted, a write either commits or
// fails, and the caller learns which.
func (db *DB) submit(apply func(tx *bolt.Tx) (feed.Change, error)) (feed.Change, error) {
	o := &op{apply: apply, done: make(chan result, 1)}
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		db.group.submitting.Add(-1)
		db.group.wake()
		return feed.Change{}, ErrClosed
	}
	db.group.ops <- o
	db.mu.RUnlock()
	r := <-o.done
	return r.change, r.err
}

// writer commits the waiting writes in groups until ops is closed.
func (db *DB) writer() {
	defer close(db.group.done)
	batch := make([]*op, 0, maxBatch)
	for o := range db.group.ops {
		batch = db.group.gather(append(batch[:0], db.group.took(o)))
		db.commit(batch)
		db.look()
	}
}

// gather adds to batch the writes waiting for the writer and, while writes
// are announced, those submitted within the linger.
func (g *group) gather(batch []*op) []*op {
	var linger <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case o, ok := <-g.ops:
			if !ok {
				return batch
			}
			batch = append(batch, g.took(o))
			continue
		default:
		}
		if g.linger <= 0 || !g.pending() {
			return batch
		}
		if linger == nil {
			t := time.NewTimer(g.linger)
			defer t.Stop()
			linger = t.C
		}
		select {
		case o, ok := <-g.ops:
			if !ok {
				return batch
			}
			batch = append(batch, g.took(o))
		case <-g.withdrawn:
			// Nothing is announced any more (or a stale signal: the loop
			// looks again).
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
func (db *DB) commit(batch []*op) {
	results := make([]result, len(batch))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		wrote := false
		for i, o := range batch {
			r := &results[i]
			if r.change, r.err = o.apply(tx); r.err != nil {
				return r.err
			}
			wrote = wrote || r.change.Changed()
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
				results[i] = db.commitAlone(o)
			}
		}
	}
	db.group.groups.Add(1)
	db.group.writes.Add(uint64(len(batch)))
	for i, o := range batch {
		o.done <- results[i]
	}
}

// commitAlone applies o in a transaction of its own.
func (db *DB) commitAlone(o *op) (r result) {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		r.change, r.err = o.apply(tx)
		if r.err == nil && !r.change.Changed() {
			return errNoWrites
		}
		return r.err
	})
	if err != nil && !errors.Is(err, errNoWrites) {
		return result{err: err}
	}
	return r
}
