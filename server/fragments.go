package server

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
	"runtime"
	"sync"
	"time"
	"weak"

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
	m      map[keptKey]*list.Element
	lru    *list.List // of *fragment, most recently used first
	bytes  int64
	budget int64
	seed   maphash.Seed
	level  int // of the gzip parts: gzipPartLevel (a benchmark varies it)
	// versions remembers the version of each article alive (version).
	versions map[weak.Pointer[feed.Article]]uint64
	// Lookups that found what they looked for and that did not, of
	// items and of compressed parts, for /api/stats and the tests.
	hits, misses         uint64
	partHits, partMisses uint64
}

// fragmentKey is everything an item's bytes depend on.
type fragmentKey struct {
	id      string
	version uint64 // of the article's content (fragments.version)
	format  feed.Format
	full    bool   // the whole body or the summary (feed.Channel.Fulls)
	context string // feed.Channel.ItemContext
}

// keptKey is an item's fragment or a compressed part (gzipparts.go),
// which share the budget.
type keptKey struct {
	item fragmentKey
	part partKey
}

type fragment struct {
	key    keptKey
	body   []byte
	digest *itemDigest // of body, for items
}

// itemDigest is what a feed keeps of an item's fragment besides its bytes:
// their SHA-256, which the feed's ETag and the keys of its compressed
// parts are made of, and their CRC-32, which its gzip trailer is joined
// from (crcjoin.go).
type itemDigest struct {
	sum [sha256.Size]byte
	crc crcPiece
}

func digestOf(b []byte) *itemDigest {
	return &itemDigest{sum: sha256.Sum256(b), crc: crcOf(b)}
}

// ident is the fragment's ident: the first 8 bytes of its SHA-256.
func (d *itemDigest) ident() uint64 {
	return binary.LittleEndian.Uint64(d.sum[:8])
}

// fragmentOverhead is what a kept fragment costs besides its bytes (the
// map entry, list element and key), counted against the budget.
const fragmentOverhead = 160

func newFragments(budget int64) *fragments {
	return &fragments{m: map[keptKey]*list.Element{}, lru: list.New(), budget: budget, seed: maphash.MakeSeed(), level: gzipPartLevel,
		versions: map[weak.Pointer[feed.Article]]uint64{}}
}

// item returns a's fragment in format f for channel c (whose ItemContext
// is context), rendering and keeping it unless it is kept already, and
// the digest of its bytes.
func (fs *fragments) item(f feed.Format, c *feed.Channel, context string, a *feed.Article, full bool) ([]byte, *itemDigest, error) {
	k := keptKey{item: fragmentKey{id: a.ID, version: fs.version(a), format: f, full: full, context: context}}
	if fr, ok := fs.lookup(k); ok {
		return fr.body, fr.digest, nil
	}
	b, err := feed.Item(f, c, a, full)
	if err != nil {
		return nil, nil, err
	}
	d := digestOf(b)
	fs.keep(&fragment{key: k, body: b, digest: d})
	return b, d, nil
}

// get returns the bytes kept under k.
func (fs *fragments) get(k keptKey) ([]byte, bool) {
	fr, ok := fs.lookup(k)
	if !ok {
		return nil, false
	}
	return fr.body, true
}

// put keeps b under k (see keep).
func (fs *fragments) put(k keptKey, b []byte) {
	fs.keep(&fragment{key: k, body: b})
}

func (fs *fragments) lookup(k keptKey) (*fragment, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	el, ok := fs.m[k]
	hits, misses := &fs.hits, &fs.misses
	if k.item == (fragmentKey{}) {
		hits, misses = &fs.partHits, &fs.partMisses
	}
	if !ok {
		*misses++
		return nil, false
	}
	*hits++
	fs.lru.MoveToFront(el)
	return el.Value.(*fragment), true
}

// keep keeps fr, evicting the least recently used fragments past the
// budget; a fragment larger than a quarter of the budget is not kept.
func (fs *fragments) keep(fr *fragment) {
	size := fragmentSize(fr.key, fr.body)
	if size > fs.budget/4 {
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if _, ok := fs.m[fr.key]; ok {
		return // another render kept it meanwhile
	}
	fs.m[fr.key] = fs.lru.PushFront(fr)
	fs.bytes += size
	for fs.bytes > fs.budget {
		el := fs.lru.Back()
		old := el.Value.(*fragment)
		fs.lru.Remove(el)
		delete(fs.m, old.key)
		fs.bytes -= fragmentSize(old.key, old.body)
	}
}

func fragmentSize(k keptKey, b []byte) int64 {
	return int64(len(b) + len(k.item.id) + fragmentOverhead)
}

// fragmentStats are the counters /api/stats shows.
type fragmentStats struct {
	n                    int
	bytes                int64
	hits, misses         uint64
	partHits, partMisses uint64
}

func (fs *fragments) stats() fragmentStats {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fragmentStats{len(fs.m), fs.bytes, fs.hits, fs.misses, fs.partHits, fs.partMisses}
}

// version identifies a's content (contentVersion), remembered for as long
// as a is alive: the store hands out the same shared, immutable article
// for as long as it is unchanged (store.DB.Latest), so each feed render
// after a write hashes only the new article, not all fifty.
func (fs *fragments) version(a *feed.Article) uint64 {
	wp := weak.Make(a)
	fs.mu.Lock()
	v, ok := fs.versions[wp]
	fs.mu.Unlock()
	if ok {
		return v
	}
	v = fs.contentVersion(a)
	fs.mu.Lock()
	_, dup := fs.versions[wp]
	fs.versions[wp] = v
	fs.mu.Unlock()
	if !dup {
		runtime.AddCleanup(a, fs.forget, wp)
	}
	return v
}

// forget drops the version of a collected article.
func (fs *fragments) forget(wp weak.Pointer[feed.Article]) {
	fs.mu.Lock()
	delete(fs.versions, wp)
	fs.mu.Unlock()
}

// contentVersion identifies a's content: a hash of every field (a field added to
// feed.Article must be added here: TestFragmentVersion fails until it is),
// each string's hash preceded by its length so that no two articles hash alike by
// moving bytes between fields. The seed is the process's, so no client can
// aim at a collision.
func (fs *fragments) contentVersion(a *feed.Article) uint64 {
	var h maphash.Hash
	h.SetSeed(fs.seed)
	var n [8]byte
	num := func(v uint64) {
		binary.LittleEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	// Each string is hashed whole and its hash written: Hash.WriteString
	// works through a long body 128 bytes at a time, several times slower.
	str := func(s string) {
		num(uint64(len(s)))
		num(maphash.String(fs.seed, s))
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
