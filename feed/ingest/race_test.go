//go:build race

package ingest_test

// Under the race detector Parse is slower and allocates more (sync.Pool
// drops what it is given at random, so pooled buffers are made anew):
// the budget's checks allow for it by these factors.
const (
	raceSlowdown = 10
	raceAlloc    = 3
)
