package main

import "runtime"

// tuneProcs gives the Go scheduler one P more than the CPUs, and returns a
// function that gives the runtime back its default. It does nothing with
// GOMAXPROCS in the environment, or when the default is not the number of
// CPUs (a container's CPU quota set it): a P beyond a quota would only be
// throttled.
//
// The store's writer spends about half its time in fdatasync, inside
// bbolt's commit. A goroutine in a system call keeps its P until the
// runtime's monitor takes it back, and the monitor, finding little to do
// between syncs, sleeps up to 10 ms at a time: on two CPUs, one of the two
// Ps sat in the sync while posts waited to be parsed, and the CPUs were
// idle a tenth of the time during an import. With a third P the other two
// keep both CPUs busy meanwhile: ≈ 10 % more articles per second in
// interleaved imports, the same feed GETs.
//
// While it is set, Go does not follow a change of the CPU limit.
func tuneProcs(getenv func(string) string) (restore func()) {
	if getenv("GOMAXPROCS") != "" || runtime.GOMAXPROCS(0) != runtime.NumCPU() {
		return func() {}
	}
	runtime.GOMAXPROCS(runtime.NumCPU() + 1)
	return runtime.SetDefaultGOMAXPROCS
}
