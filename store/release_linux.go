package store

import (
	"bytes"
	"os"
	"strconv"
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

// residentFile returns the process's resident file-backed memory in bytes
// (the shared pages of /proc/self/statm), or 0 when it cannot be read.
func residentFile() int64 {
	var buf [128]byte
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		return 0
	}
	n, _ := f.Read(buf[:])
	f.Close()
	// size resident shared text lib data dt, in pages.
	fields := bytes.Fields(buf[:n])
	if len(fields) < 3 {
		return 0
	}
	pages, err := strconv.ParseInt(string(fields[2]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
