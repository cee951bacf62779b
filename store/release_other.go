//go:build !linux

package store

// release is a no-op where madvise is not used.
func (db *DB) release() error { return nil }
