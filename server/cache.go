package server

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"sokbo/feed"
)

// cache keeps rendered responses by key. Each key belongs to a scope (the
// site, or one category); a write bumps the generation of exactly the
// scopes it touches, and an entry rendered under an older generation is
// never served again. The generation is read before the store is, so a
// render racing a write can only be marked stale, never hide the write:
// a request that starts after a write returned sees it.
//
// Renders and compressions take a slot of limit; a response already
// rendered (and compressed, for its coding) is served without one.
type cache struct {
	mu      sync.Mutex
	gen     map[string]uint64    // scope → generation
	changed map[string]time.Time // scope → time of its last change
	entries map[cacheKey]*entry
	// cold and hot order the entries for eviction (cacheevict.go).
	cold, hot *list.List
	max       int   // entries
	bytes     int64 // held by the entries' bodies, estimated
	budget    int64 // most bytes to hold
	limit     renderLimit
	warmer    warmer
	// warmSlots bounds the renders ahead (cachewarm.go) apart from limit:
	// writes, not clients, cause them, and a write causes at most maxWarm.
	warmSlots renderLimit
	started   time.Time
	now       func() time.Time
	// items are the rendered items feeds are assembled from, made on
	// first use with the configured budget (fragments).
	itemsOnce sync.Once
	items     *fragments
}

type cacheKey struct {
	scope       string // "" for the site, "c:"+category key
	name        string // what is rendered, e.g. "rss" or "rss 경제"
	limit, page int    // of a feed
}

type entry struct {
	key  cacheKey
	gen  uint64
	done chan struct{}
	r    *rendered
	err  error
	size int64 // bytes counted in cache.bytes; 0 until rendered
	elem *list.Element
	hot  bool
	// compressed tells, per coding, whether precompress has run.
	gzip, br atomic.Bool
	// warm makes the entry again ahead of its clients around a write, for
	// an entry a client asked for (requested) since it was made.
	warm      *ahead
	requested bool
}

// ahead is how the cache makes an entry ahead of its clients: render
// renders it again right after a write (cachewarm.go); prefill, when
// set, renders before a write commits the parts of it that the write's
// article will change (prefill.go).
type ahead struct {
	render  renderFunc
	prefill func(a *feed.Article)
}

// renderFunc renders an entry; it receives the time the scope last
// changed (or the start of the process), for Last-Modified.
type renderFunc func(changed time.Time) (*rendered, error)

func newCache(max int, budget int64, now func() time.Time) *cache {
	return &cache{
		gen:       map[string]uint64{},
		changed:   map[string]time.Time{},
		entries:   map[cacheKey]*entry{},
		cold:      list.New(),
		hot:       list.New(),
		max:       max,
		budget:    budget,
		limit:     newRenderLimit(renderSlots()),
		started:   now(),
		warmSlots: newRenderLimit(warmWorkers()),
		now:       now,
	}
}

// get returns the entry for k, rendering it once however many requests
// ask at the same time.
func (c *cache) get(k cacheKey, render renderFunc) (*rendered, error) {
	return c.fetch(context.Background(), k, "", render)
}

// fetch is get with the response's coding made too, so that serving it
// costs no compression. A render or compression waits for a slot of
// c.limit, or for ctx to be done (whose error it then returns); an entry
// already made waits for nothing.
func (c *cache) fetch(ctx context.Context, k cacheKey, coding string, render renderFunc) (*rendered, error) {
	return c.fetchFor(ctx, k, coding, render, nil, true)
}

// fetchFor is fetch with, for an entry it makes, warm: how to make it
// again ahead of its clients around a write, nil for none; requested
// tells whether a client asked for k (the warmer does not).
func (c *cache) fetchFor(ctx context.Context, k cacheKey, coding string, render renderFunc, warm *ahead, requested bool) (*rendered, error) {
	held := false // a slot of slots
	slots := c.limit
	if !requested {
		slots = c.warmSlots
	}
	defer func() {
		if held {
			slots.release()
		}
	}()
	c.mu.Lock()
	for {
		g := c.gen[k.scope]
		if e, ok := c.entries[k]; ok && e.gen == g {
			c.touch(e)
			e.requested = e.requested || requested
			c.mu.Unlock()
			if held { // another request rendered k while this one waited
				slots.release()
				held = false
			}
			return c.ready(ctx, e, coding)
		}
		if held {
			break
		}
		c.mu.Unlock()
		if err := slots.acquire(ctx); err != nil {
			return nil, err
		}
		held = true
		c.mu.Lock()
	}
	g := c.gen[k.scope]
	changed, ok := c.changed[k.scope]
	if !ok {
		changed = c.started
	}
	e := &entry{key: k, gen: g, done: make(chan struct{}), warm: warm, requested: requested}
	// A stale entry's key was in demand — asked for again, or asked for
	// by a client before a write and again after it, as a reader polling
	// once per change does: its successor starts hot.
	old, stale := c.entries[k]
	c.remove(k)
	c.insert(e, stale && (old.hot || old.requested && requested))
	c.shrink(k)
	c.mu.Unlock()

	c.fill(e, k, render, changed)
	if e.err == nil {
		c.compress(e, coding)
	}
	c.mu.Lock()
	if c.entries[k] == e {
		if e.err != nil {
			c.remove(k)
		} else {
			// The identity body (counted whether it is made yet or
			// not) and, at most, its two compressed variants.
			e.size = int64(e.r.size) * 3 / 2
			c.bytes += e.size
			c.shrink(k)
		}
	}
	c.mu.Unlock()
	return e.r, e.err
}

// ready waits for e to be rendered, then makes its variant in coding
// (taking a slot) unless it is made already.
func (c *cache) ready(ctx context.Context, e *entry, coding string) (*rendered, error) {
	select {
	case <-e.done: // the common case, without making ctx's Done channel
	default:
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if e.err != nil || c.compressed(e, coding) {
		return e.r, e.err
	}
	if err := c.limit.acquire(ctx); err != nil {
		return nil, err
	}
	defer c.limit.release()
	c.compress(e, coding)
	return e.r, nil
}

// compressed reports whether e's variant in coding is made (identity
// always is).
func (c *cache) compressed(e *entry, coding string) bool {
	switch coding {
	case codingGzip:
		return e.gzip.Load()
	case codingBrotli:
		return e.br.Load()
	}
	return true
}

// compress makes e's variant in coding; the caller holds a slot.
func (c *cache) compress(e *entry, coding string) {
	precompress(e.r, coding)
	switch coding {
	case codingGzip:
		e.gzip.Store(true)
	case codingBrotli:
		e.br.Store(true)
	}
}

// fill renders the entry e of k and lets its waiters read it; a render
// that panics leaves an error, so that they do not wait forever.
func (c *cache) fill(e *entry, k cacheKey, render renderFunc, changed time.Time) {
	defer close(e.done)
	defer func() {
		if p := recover(); p != nil {
			e.r, e.err = nil, fmt.Errorf("render %v: panic: %v", k, p)
		}
	}()
	e.r, e.err = render(changed)
	if e.r == nil && e.err == nil {
		e.err = fmt.Errorf("render %v: nothing rendered", k)
	}
	if e.r != nil {
		e.r.now = c.now // before done is closed: waiters read it
		// A feed comes with its gzip variant (gzipparts.go): no request
		// need take a slot to make it.
		e.gzip.Store(e.r.gzip.body != nil)
	}
}

// fragments returns the kept items, made with budget bytes on first use.
func (c *cache) fragments(budget int64) *fragments {
	c.itemsOnce.Do(func() { c.items = newFragments(budget) })
	return c.items
}

// len is the number of entries, rendered or being rendered.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// invalidate marks every entry of the scopes stale and returns the jobs
// that render again the feeds among them that clients read, for
// startWarm (cachewarm.go).
func (c *cache) invalidate(scopes ...string) []warmJob {
	now := c.now()
	c.mu.Lock()
	jobs := c.warmJobs(scopes)
	for _, s := range scopes {
		c.gen[s]++
		c.changed[s] = now
	}
	c.mu.Unlock()
	return jobs
}
