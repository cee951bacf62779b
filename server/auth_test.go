package server

import (
	"testing"
	"time"
)

func TestTake(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	type step struct {
		at   time.Duration // after t0
		wait time.Duration // what take returns; 0 when allowed
	}
	for _, tc := range []struct {
		name      string
		perSecond float64
		burst     int
		steps     []step
	}{
		{"burst, then one per refill", 0.5, 2, []step{
			{0, 0}, {0, 0}, {0, 2 * time.Second},
			// A refused take took nothing: the wait shrinks with time.
			{time.Second, time.Second},
			{2 * time.Second, 0}, {2 * time.Second, 2 * time.Second},
		}},
		{"refill stops at the burst", 1, 1, []step{
			{0, 0}, {time.Hour, 0}, {time.Hour, time.Second},
		}},
		{"defaults: DefaultRate, a second's worth at once", 0, 0, []step{
			{0, 0}, {0, 0},
		}},
	} {
		l := newLimiter(tc.perSecond, tc.burst)
		for i, s := range tc.steps {
			if got := take(l, t0.Add(s.at)); got != s.wait {
				t.Errorf("%s: step %d at +%v: wait %v, want %v", tc.name, i, s.at, got, s.wait)
			}
		}
	}
	if l := newLimiter(0, 0); l.Limit() != DefaultRate || l.Burst() != DefaultRate {
		t.Errorf("defaults: rate %v, burst %d; want %d and %d", l.Limit(), l.Burst(), DefaultRate, DefaultRate)
	}
}
