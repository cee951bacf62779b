//go:build !linux

package store

// release does nothing where madvise is not wired up.
func (db *DB) release() error { return nil }
