//go:build !linux

package store

// release does nothing where madvise is not wired up.
func (db *DB) release() error { return nil }

// residentFile reports nothing where it is not known: no release is due.
func residentFile() int64 { return 0 }
