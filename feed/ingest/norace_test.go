//go:build !race

package ingest_test

// Without the race detector the budget applies as it is (see
// race_test.go).
const (
	raceSlowdown = 1
	raceAlloc    = 1
)
