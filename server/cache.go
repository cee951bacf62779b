package server

import (
	"fmt"
	"sync"
	"time"
)

// cache keeps rendered responses by key. Each key belongs to a scope (the
// site, or one category); a write bumps the generation of exactly the
// scopes it touches, and an entry rendered under an older generation is
// never served again. The generation is read before the store is, so a
// render racing a write can only be marked stale, never hide the write:
// a request that starts after a write returned sees it.
type cache struct {
	mu      sync.Mutex
	gen     map[string]uint64    // scope → generation
	changed map[string]time.Time // scope → time of its last change
	entries map[cacheKey]*entry
	max     int   // entries
	bytes   int64 // held by the entries' bodies, estimated
	budget  int64 // most bytes to hold
	started time.Time
	now     func() time.Time
}

type cacheKey struct {
	scope       string // "" for the site, "c:"+category key
	name        string // what is rendered, e.g. "rss" or "rss 경제"
	limit, page int    // of a feed
}

type entry struct {
	gen  uint64
	done chan struct{}
	r    *rendered
	err  error
	size int64 // bytes counted in cache.bytes; 0 until rendered
}

func newCache(max int, budget int64, now func() time.Time) *cache {
	return &cache{
		gen:     map[string]uint64{},
		changed: map[string]time.Time{},
		entries: map[cacheKey]*entry{},
		max:     max,
		budget:  budget,
		started: now(),
		now:     now,
	}
}

// remove drops the entry of k; c.mu is held.
func (c *cache) remove(k cacheKey) {
	if e, ok := c.entries[k]; ok {
		c.bytes -= e.size
		delete(c.entries, k)
	}
}

// shrink evicts entries, in map order (random), until the cache holds at
// most max entries and budget bytes, sparing keep; c.mu is held. Whatever
// limits, pages and categories clients ask for, memory stays bounded.
func (c *cache) shrink(keep cacheKey) {
	for key := range c.entries {
		if len(c.entries) <= c.max && c.bytes <= c.budget {
			return
		}
		if key != keep {
			c.remove(key)
		}
	}
}

// get returns the entry for k, rendering it once however many requests
// ask at the same time. render receives the time the scope last changed
// (or the start of the process), for Last-Modified.
func (c *cache) get(k cacheKey, render func(changed time.Time) (*rendered, error)) (*rendered, error) {
	c.mu.Lock()
	g := c.gen[k.scope]
	if e, ok := c.entries[k]; ok && e.gen == g {
		c.mu.Unlock()
		<-e.done
		return e.r, e.err
	}
	changed, ok := c.changed[k.scope]
	if !ok {
		changed = c.started
	}
	e := &entry{gen: g, done: make(chan struct{})}
	c.remove(k)
	c.entries[k] = e
	c.shrink(k)
	c.mu.Unlock()

	c.fill(e, k, render, changed)
	c.mu.Lock()
	if c.entries[k] == e {
		if e.err != nil {
			c.remove(k)
		} else {
			// The identity body and, at most, its two compressed variants.
			e.size = int64(len(e.r.identity.body)) * 3 / 2
			c.bytes += e.size
			c.shrink(k)
		}
	}
	c.mu.Unlock()
	return e.r, e.err
}

// fill renders the entry e of k and lets its waiters read it; a render
// that panics leaves an error, so that they do not wait forever.
func (c *cache) fill(e *entry, k cacheKey, render func(changed time.Time) (*rendered, error), changed time.Time) {
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
	}
}

// len is the number of entries, rendered or being rendered.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// invalidate marks every entry of the scopes stale.
func (c *cache) invalidate(scopes ...string) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range scopes {
		c.gen[s]++
		c.changed[s] = now
	}
}
