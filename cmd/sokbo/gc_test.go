package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// gogc reads the runtime's GOGC without changing it.
func gogc() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestTuneGC: the configured memory budget applies unless GOMEMLIMIT is
// set, GOGC goes to the headroom's (a quarter of the limit) with it, and
// either variable in the environment (or a limit of 0) leaves the runtime
// as it is.
func TestTuneGC(t *testing.T) {
	limit, old := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(old) })
	for _, tc := range []struct {
		env          map[string]string
		wantLimit    int64
		wantHeadroom uint64
	}{
		{map[string]string{}, 64 << 20, 64 << 20 / 4},
		{map[string]string{"GOGC": "off"}, math.MaxInt64, 0},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, math.MaxInt64, 0},
		{map[string]string{"zero": "limit 0"}, math.MaxInt64, 0},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		debug.SetGCPercent(100)
		limit := int64(64 << 20)
		if tc.env["zero"] != "" {
			limit = 0
		}
		headroom := tuneGC(limit, func(k string) string { return tc.env[k] })
		if got := debug.SetMemoryLimit(-1); got != tc.wantLimit {
			t.Errorf("%v: memory limit %d, want %d", tc.env, got, tc.wantLimit)
		}
		if headroom != tc.wantHeadroom {
			t.Errorf("%v: headroom %d, want %d", tc.env, headroom, tc.wantHeadroom)
		}
		switch got := gogc(); {
		case headroom == 0 && got != 100:
			t.Errorf("%v: GOGC %d, want 100 (unchanged)", tc.env, got)
		case headroom > 0 && (got < minGCPercent || got%50 != 0):
			t.Errorf("%v: GOGC %d, want a multiple of 50 from %d", tc.env, got, minGCPercent)
		}
	}
}

func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	headroom := uint64(128 * mib / 4) // of the default limit
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{5 * mib, 600},           // an import: 32 MiB over 5 MiB, 640, rounded down
		{10 * mib, 300},          // 320
		{0, 800},                 // no heap yet counts as 4 MiB
		{2 * mib, 800},           // and so does a smaller one
		{15 * mib, minGCPercent}, // 213: twice the live heap is more
		{90 * mib, minGCPercent}, // a busy server's heap
	} {
		if got := gcPercent(tc.live, headroom); got != tc.want {
			t.Errorf("gcPercent(%d MiB, %d MiB) = %d, want %d", tc.live/mib, headroom/mib, got, tc.want)
		}
		// The heap it lets grow is the headroom, or twice the live heap.
		if grow := max(tc.live, 4*mib) * uint64(gcPercent(tc.live, headroom)) / 100; grow > max(headroom, 2*max(tc.live, 4*mib)) {
			t.Errorf("live %d MiB: the heap may grow by %d MiB", tc.live/mib, grow/mib)
		}
	}
}

// TestKeepGCHeadroom: the tuner sets GOGC from the live heap.
func TestKeepGCHeadroom(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one round, then it returns
	// A headroom so large that any live heap gets the ceiling.
	keepGCHeadroom(ctx, 1<<40, time.Hour)
	if got, want := gogc(), int64(gcPercent(liveHeap(), 1<<40)); got != want || want != 1<<20-1<<20%50 {
		t.Errorf("GOGC %d, want %d", got, want)
	}
}
