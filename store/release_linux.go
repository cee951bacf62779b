package store

import (
	"unsafe"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// release drops the pages of the memory-mapped database file from the
// process's page tables (madvise MADV_DONTNEED). The mapping is shared and
// read-only, so nothing is lost: the pages stay in the kernel's page cache
// and the next read of one maps it again. It runs inside a read
// transaction, which keeps bbolt from remapping the file meanwhile, and
// covers only the file's used size, which the mapping always spans.
func (db *DB) release() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		size := tx.Size()
		if size <= 0 {
			return nil
		}
		mapping := unsafe.Slice((*byte)(unsafe.Add(nil, db.bolt.Info().Data)), size) // mmap memory, not Go heap
		return unix.Madvise(mapping, unix.MADV_DONTNEED)
	})
}
