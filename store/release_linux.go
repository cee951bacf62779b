package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
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
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, db.bolt.Info().Data, uintptr(size), syscall.MADV_DONTNEED)
		if errno != 0 {
			return errno
		}
		return nil
	})
}
