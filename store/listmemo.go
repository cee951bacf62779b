package store

import (
	"slices"
	"sync"

	"sokbo/feed"
)

// Remembered lists. After a write the feeds of a facet in each format are
// rendered again at once, and each read the same newest articles: three
// identical reads (each hashing fifty stored records to find them decoded)
// were a tenth of the server's CPU in a freshness round (bench/README.md,
// "Freshness"). A list read is remembered for as long as the store is in
// the state it was read in, which a read transaction's id names.

// maxLists bounds the lists remembered for one state of the store.
const maxLists = 64

type listKey struct {
	kind          feed.FacetKind
	key           string // the facet's key, "" for the site
	offset, limit int
}

type listMemo struct {
	mu    sync.Mutex
	txid  int
	lists map[listKey][]*feed.Article
}

// get returns a copy of the list remembered under k in state txid.
func (m *listMemo) get(txid int, k listKey) ([]*feed.Article, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if txid != m.txid {
		return nil, false
	}
	l, ok := m.lists[k]
	return slices.Clone(l), ok
}

// put remembers a copy of l under k in state txid, forgetting the lists of
// older states; a list of an older state than those remembered is not kept.
func (m *listMemo) put(txid int, k listKey, l []*feed.Article) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case txid < m.txid:
		return
	case txid > m.txid || m.lists == nil:
		m.txid = txid
		m.lists = make(map[listKey][]*feed.Article)
	}
	if len(m.lists) < maxLists {
		m.lists[k] = slices.Clone(l)
	}
}
