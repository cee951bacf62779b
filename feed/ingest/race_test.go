//go:build race

package ingest_test

// raceSlowdown is how much slower the race detector makes Parse, for the
// budget fuzz target's generous wall-time ceiling.
const raceSlowdown = 10
