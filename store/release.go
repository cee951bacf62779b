package store

// The store releases the pages of its memory-mapped file from the process
// now and then (release_linux.go), so that a bulk import or a reader
// walking the archives does not keep the whole file resident and counted
// in the process's RSS until bbolt next remaps. bench/README.md shows the
// peak RSS with and without.
//
// What decides is the process's resident file-backed memory, not the
// bytes the store reads or writes: an insert in a large file maps every
// page on its way down each index, many times the bytes of the record.

// releaseAbove is the default of DB.releaseAbove: how much the process's
// resident file-backed memory may grow between two releases. It is above
// the writer's working set at 100,000 stored (each commit's pages lie
// scattered over the file, and the kernel maps 64 KB around each page a
// fault touches: 35-45 MB), which at 32 MB the writer released every dozen
// posts and faulted back in, 1.3-1.7 ms a post; a 100,000-article import
// peaks at 125 MB (bench/README.md, "At 100,000 stored, 2026-12-06").
const releaseAbove = 48 << 20

// lookEvery is how many bytes reads go through between two looks at the
// resident size; the writer looks after every commit.
const lookEvery = 1 << 20

// mapped counts n bytes read through the mapping, and looks at the
// resident size once lookEvery have been read since the last look. It must
// not be called inside a transaction: a release opens one.
func (db *DB) mapped(n int64) {
	if n <= 0 || db.mappedBytes.Add(n) < lookEvery {
		return
	}
	// Of the callers that crossed the threshold together, the one that
	// takes the count looks.
	if db.mappedBytes.Swap(0) < lookEvery {
		return
	}
	db.look()
}

// look releases the mapping when the process's resident file-backed
// memory has grown by releaseAbove since the last release. Failing to
// release costs memory, never data.
func (db *DB) look() {
	above := db.releaseAbove.Load()
	if residentFile()-db.residentBase.Load() < above || !db.releasing.TryLock() {
		return
	}
	defer db.releasing.Unlock()
	_ = db.release()
	db.residentBase.Store(residentFile())
}
