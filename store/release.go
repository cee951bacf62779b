package store

// The store releases the pages of its memory-mapped file from the process
// now and then (release_linux.go), so that a bulk import or a reader
// walking the archives does not keep the whole file resident and counted
// in the process's RSS until bbolt next remaps. bench/README.md shows the
// peak RSS with and without.

// releaseEvery is the default of DB.releaseEvery: how many bytes of the
// file are read or written through the mapping between two releases.
const releaseEvery = 32 << 20

// mapped counts n bytes of the file read or written through the mapping,
// and releases the mapping when releaseEvery have been since the last
// time. It must not be called inside a transaction: release opens one.
func (db *DB) mapped(n int64) {
	every := db.releaseEvery.Load()
	if n <= 0 || db.mappedBytes.Add(n) < every {
		return
	}
	// Of the callers that crossed the threshold together, the one that
	// takes the count releases.
	if db.mappedBytes.Swap(0) < every {
		return
	}
	// Failing to release costs memory, never data: go on.
	_ = db.release()
}
