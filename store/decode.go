package store

import (
	"hash/maphash"
	"sync"

	"sokbo/feed"
)

// decodeCache keeps decoded articles by id, with a hash of the stored
// bytes they were decoded from: a feed is rendered again after every
// write, and decoding its articles was most of that cost (see
// BenchmarkLatest and bench/README.md). An
// entry is used only while the stored bytes still hash the same, so an
// update is never hidden; the articles it returns are shared and must not
// be modified.
type decodeCache struct {
	mu       sync.Mutex
	seed     maphash.Seed
	max      int   // entries
	maxBytes int64 // JSON bytes of the entries
	bytes    int64
	m        map[string]decodedArticle
}

type decodedArticle struct {
	sum  uint64
	size int64 // of the article's JSON: what the decoded article weighs, roughly
	a    *feed.Article
}

// newDecodeCache keeps at most max articles and maxBytes of their JSON
// (what they weigh decoded, roughly): a count alone would let 512 articles of a megabyte each hold half
// a gigabyte.
func newDecodeCache(max int, maxBytes int64) *decodeCache {
	return &decodeCache{seed: maphash.MakeSeed(), max: max, maxBytes: maxBytes, m: make(map[string]decodedArticle, max)}
}

// decode returns the article stored as raw under id.
func (c *decodeCache) decode(id, raw []byte) (*feed.Article, error) {
	sum := maphash.Bytes(c.seed, raw)
	c.mu.Lock()
	d, ok := c.m[string(id)]
	c.mu.Unlock()
	if ok && d.sum == sum {
		return d.a, nil
	}
	var r record
	n, err := decodeRecord(raw, &r)
	if err != nil {
		return nil, err
	}
	a := &r.Article
	size := int64(n)
	if size > c.maxBytes/8 {
		return a, nil // too big to keep
	}
	c.mu.Lock()
	if old, ok := c.m[string(id)]; ok {
		c.bytes -= old.size
		delete(c.m, string(id))
	}
	if len(c.m) >= c.max || c.bytes+size > c.maxBytes {
		// Evict a quarter of the entries, in map (random) order, and
		// more while the bytes are over the budget.
		n := len(c.m) / 4
		for k, e := range c.m {
			if n <= 0 && c.bytes+size <= c.maxBytes {
				break
			}
			n--
			c.bytes -= e.size
			delete(c.m, k)
		}
	}
	c.m[string(id)] = decodedArticle{sum, size, a}
	c.bytes += size
	c.mu.Unlock()
	return a, nil
}
