package server

import (
	"net/http"
	"os"
	"runtime"
)

// handleStats serves GET /api/stats: the process's vital signs, for soak
// tests and operators (goroutines, heap, open files, cached responses, and
// the store's write groups and writes, whose ratio is the mean group size,
// and the kept items feeds are assembled from).
// It needs a token, like every /api endpoint that is not a public read.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if _, err := s.admit(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fds := -1
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		fds = len(ents)
	}
	groups, writes := s.admin.Groups()
	items := s.cache.fragments(s.cfg.ItemCacheBytes).stats()
	writeJSON(w, http.StatusOK, map[string]any{
		"write_groups":  groups,
		"writes":        writes,
		"goroutines":    runtime.NumGoroutine(),
		"heap_alloc":    m.HeapAlloc,
		"heap_inuse":    m.HeapInuse,
		"sys":           m.Sys,
		"num_gc":        m.NumGC,
		"open_fds":      fds,
		"cache_entries": s.cache.len(),
		// The rendered items and compressed parts kept to assemble feeds
		// from: their number and bytes, and the lookups that found one
		// and that made one.
		"item_fragments":   items.n,
		"item_bytes":       items.bytes,
		"item_hits":        items.hits,
		"item_misses":      items.misses,
		"gzip_part_hits":   items.partHits,
		"gzip_part_misses": items.partMisses,
	})
}
