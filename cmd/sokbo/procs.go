package main

import "runtime"

// tuneProcs gives the Go scheduler one P more than the CPUs, and returns a
// function that gives the runtime back its default. The store's writer
// spends much of its time in fdatasync, holding its P until the runtime's
// monitor takes it back, and the extra P keeps the CPUs busy parsing posts
// meanwhile.
//
// It does nothing with GOMAXPROCS in the environment, or when the default
// is not the number of CPUs (a container's CPU quota set it): a P beyond a
// quota would only be throttled. While it is set, Go does not follow a
// change of the CPU limit.
func tuneProcs(getenv func(string) string) (restore func()) {
	if getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) != runtime.NumCPU() {
		return func() {}
	}
	runtime.GOMAXPROCS(runtime.NumCPU() + 1)
	return runtime.SetDefaultGOMAXPROCS
}
