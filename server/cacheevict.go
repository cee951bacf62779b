package server

import "container/list"

// The eviction order. Evicting at random let a flood of one-off variants
// evict the feed readers poll, whose next GET then waited for a render slot
// behind the flood (bench/README.md, "Render amplification"). So entries
// asked for only once (cold) are evicted before those asked for again
// (hot), each list least recently used first.

// insert adds e under its key, hot or cold; c.mu is held.
func (c *cache) insert(e *entry, hot bool) {
	e.hot = hot
	if hot {
		e.elem = c.hot.PushFront(e)
	} else {
		e.elem = c.cold.PushFront(e)
	}
	c.entries[e.key] = e
}

// touch marks e used now, making it hot; c.mu is held.
func (c *cache) touch(e *entry) {
	if e.hot {
		c.hot.MoveToFront(e.elem)
		return
	}
	c.cold.Remove(e.elem)
	e.hot = true
	e.elem = c.hot.PushFront(e)
}

// remove drops the entry of k; c.mu is held.
func (c *cache) remove(k cacheKey) {
	if e, ok := c.entries[k]; ok {
		c.bytes -= e.size
		if e.hot {
			c.hot.Remove(e.elem)
		} else {
			c.cold.Remove(e.elem)
		}
		delete(c.entries, k)
	}
}

// shrink evicts the least recently used entries, cold ones first, until
// the cache holds at most max entries and budget bytes, sparing keep; c.mu
// is held. Whatever limits, pages and categories clients ask for, memory
// stays bounded.
func (c *cache) shrink(keep cacheKey) {
	for _, l := range []*list.List{c.cold, c.hot} {
		for el := l.Back(); el != nil; {
			if len(c.entries) <= c.max && c.bytes <= c.budget {
				return
			}
			e := el.Value.(*entry)
			el = el.Prev()
			if e.key != keep {
				c.remove(e.key)
			}
		}
	}
}
