package main

import (
	"runtime"
	"testing"
)

// TestTuneProcs: one P more than the CPUs, the default given back after;
// left alone when GOMAXPROCS is in the environment.
func TestTuneProcs(t *testing.T) {
	def := runtime.GOMAXPROCS(0) // the default, unless the tests run with GOMAXPROCS set
	t.Cleanup(func() { runtime.GOMAXPROCS(def) })
	restore := tuneProcs(func(string) string { return "" })
	want := def
	if def == runtime.NumCPU() {
		want = def + 1
	}
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS %d, want %d (default %d, %d CPUs)", got, want, def, runtime.NumCPU())
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("restored GOMAXPROCS %d, want %d", got, def)
	}
	restore = tuneProcs(func(k string) string { return map[string]string{"GOMAXPROCS": "1"}[k] })
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("with GOMAXPROCS set: %d, want %d (unchanged)", got, def)
	}
	restore()
}
