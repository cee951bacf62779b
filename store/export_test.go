package store

// Announced returns how many writes announced with Preparing the writer
// has not taken yet: a test sees from it that a write is held.
func Announced(db *DB) int64 { return db.preparing.Load() }
