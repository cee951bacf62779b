package store

import (
	"encoding/json"
	"hash/maphash"
	"sync"

	"sokbo/feed"
)

// decodeCache keeps decoded articles by id, with a hash of the stored
// bytes they were decoded from: a feed is rendered again after every
// write, and decoding its fifty articles' JSON was most of that cost. An
// entry is used only while the stored bytes still hash the same, so an
// update is never hidden; the articles it returns are shared and must not
// be modified.
type decodeCache struct {
	mu   sync.Mutex
	seed maphash.Seed
	max  int
	m    map[string]decodedArticle
}

type decodedArticle struct {
	sum uint64
	a   *feed.Article
}

func newDecodeCache(max int) *decodeCache {
	return &decodeCache{seed: maphash.MakeSeed(), max: max, m: make(map[string]decodedArticle, max)}
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
	a := new(feed.Article)
	if err := json.Unmarshal(raw, a); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		n := c.max / 4 // evict a quarter, in map (random) order
		for k := range c.m {
			if n--; n < 0 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[string(id)] = decodedArticle{sum, a}
	c.mu.Unlock()
	return a, nil
}
