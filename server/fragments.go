package server

import (
	"container/list"
	"encoding/binary"
	"hash/maphash"
	"sync"
	"time"

	"sokbo/feed"
)

// fragments keeps the rendered items of the feeds (feed.Item's bytes), so
// that a write re-renders only the items it changed and a feed is
// assembled from kept ones (feed.Assemble): rendering 50 items was nearly
// all of a feed's cost after each write (bench/README.md, "Freshness").
//
// A fragment is keyed by its article's content (version), not only its id,
// so that no write has to invalidate fragments and a render racing a
// write cannot keep a stale one under the new content: an item changed is
// a new key, and its old fragments age out. The least recently used are
// evicted past the byte budget.
type fragments struct {
	mu     sync.Mutex
	m      map[fragmentKey]*list.Element
	lru    *list.List // of *fragment, most recently used first
	bytes  int64
	budget int64
	seed   maphash.Seed
	// hits and misses count lookups, for /api/stats and the tests.
	hits, misses uint64
}

// fragmentKey is everything an item's bytes depend on.
type fragmentKey struct {
	id      string
	version uint64 // articleVersion
	format  feed.Format
	full    bool   // the whole body or the summary (feed.Channel.Fulls)
	context string // feed.Channel.ItemContext
}

type fragment struct {
	key  fragmentKey
	body []byte
}

// fragmentOverhead is what a kept fragment costs besides its bytes (the
// map entry, list element and key), counted against the budget.
const fragmentOverhead = 160

func newFragments(budget int64) *fragments {
	return &fragments{m: map[fragmentKey]*list.Element{}, lru: list.New(), budget: budget, seed: maphash.MakeSeed()}
}

// item returns a's fragment in format f for channel c (whose ItemContext
// is context), rendering and keeping it unless it is kept already.
func (fs *fragments) item(f feed.Format, c *feed.Channel, context string, a *feed.Article, full bool) ([]byte, error) {
	k := fragmentKey{id: a.ID, version: fs.version(a), format: f, full: full, context: context}
	if b, ok := fs.get(k); ok {
		return b, nil
	}
	b, err := feed.Item(f, c, a, full)
	if err != nil {
		return nil, err
	}
	fs.put(k, b)
	return b, nil
}

func (fs *fragments) get(k fragmentKey) ([]byte, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	el, ok := fs.m[k]
	if !ok {
		fs.misses++
		return nil, false
	}
	fs.hits++
	fs.lru.MoveToFront(el)
	return el.Value.(*fragment).body, true
}

// put keeps b under k, evicting the least recently used fragments past
// the budget; a fragment larger than a quarter of the budget is not kept.
func (fs *fragments) put(k fragmentKey, b []byte) {
	size := fragmentSize(k, b)
	if size > fs.budget/4 {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if _, ok := fs.m[k]; ok {
		return // another render kept it meanwhile
	}
	fs.m[k] = fs.lru.PushFront(&fragment{key: k, body: b})
	fs.bytes += size
	for fs.bytes > fs.budget {
		el := fs.lru.Back()
		old := el.Value.(*fragment)
		fs.lru.Remove(el)
		delete(fs.m, old.key)
		fs.bytes -= fragmentSize(old.key, old.body)
	}
}

func fragmentSize(k fragmentKey, b []byte) int64 {
	return int64(len(b) + len(k.id) + fragmentOverhead)
}

// stats returns the fragments kept, their bytes, and the lookups that
// found one and that did not.
func (fs *fragments) stats() (n int, bytes int64, hits, misses uint64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.m), fs.bytes, fs.hits, fs.misses
}

// version identifies a's content: a hash of every field (a field added to
// feed.Article must be added here: TestFragmentVersion fails until it is),
// each string preceded by its length so that no two articles hash alike by
// moving bytes between fields. The seed is the process's, so no client can
// aim at a collision.
func (fs *fragments) version(a *feed.Article) uint64 {
	var h maphash.Hash
	h.SetSeed(fs.seed)
	var n [binary.MaxVarintLen64]byte
	num := func(v uint64) { h.Write(n[:binary.PutUvarint(n[:], v)]) }
	str := func(s string) {
		num(uint64(len(s)))
		h.WriteString(s)
	}
	strs := func(ss []string) {
		num(uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(a.ID)
	str(a.GUID)
	str(a.Title)
	str(a.URL)
	strs(a.Authors)
	strs(a.Categories)
	strs(a.Tags)
	str(a.Lang)
	str(a.Image)
	str(a.Excerpt)
	str(a.FeatureText)
	strs(a.Highlights)
	str(a.Lead)
	str(a.ContentHTML)
	for _, t := range []time.Time{a.Published, a.Updated} {
		num(uint64(t.Unix()))
		num(uint64(t.Nanosecond()))
	}
	return h.Sum64()
}
