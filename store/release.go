package store

import "time"

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
// resident file-backed memory may grow between two releases.
const releaseAbove = 32 << 20

// releaseGap is how long after a release the next waits while the
// resident memory has grown by less than twice releaseAbove. A release
// drops the pages in use with the rest, and a store whose working set
// (with the pages the kernel maps around each one read) is larger than
// releaseAbove — 100,000 articles, a post a second — faulted it back in
// after every dozen writes, which made each write 0.8 ms slower
// (bench/README.md, "Releases paced").
const releaseGap = 5 * time.Second

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
// memory has grown enough since the last release (releaseDue). Failing to
// release costs memory, never data.
func (db *DB) look() {
	grown := residentFile() - db.residentBase.Load()
	since := time.Duration(db.sinceOpen() - db.releasedAt.Load())
	if !releaseDue(grown, db.releaseAbove.Load(), since) || !db.releasing.TryLock() {
		return
	}
	defer db.releasing.Unlock()
	_ = db.release()
	db.residentBase.Store(residentFile())
	db.releasedAt.Store(db.sinceOpen())
}

// releaseDue reports whether resident memory grown by grown since a
// release made since ago calls for another: grown by above, once
// releaseGap has passed, or by twice above at any time.
func releaseDue(grown, above int64, since time.Duration) bool {
	return grown >= 2*above || grown >= above && since >= releaseGap
}

// sinceOpen is the time since the store was opened, by the monotonic
// clock, in nanoseconds: releases are timed by it, not by the wall clock
// (or Options.Now), which may step.
func (db *DB) sinceOpen() int64 { return int64(time.Since(db.opened)) }
