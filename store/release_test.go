package store

import (
	"testing"
	"time"
)

// TestReleaseDue: growth by the threshold releases once releaseGap has
// passed since the last release; growth by twice the threshold releases
// at once; less growth never does.
func TestReleaseDue(t *testing.T) {
	const above = 32 << 20
	for _, tc := range []struct {
		name  string
		grown int64
		since time.Duration
		want  bool
	}{
		{"no growth, long after", 0, time.Hour, false},
		{"under the threshold, long after", above - 1, time.Hour, false},
		{"the threshold, just after", above, releaseGap - 1, false},
		{"the threshold, after the gap", above, releaseGap, true},
		{"under twice the threshold, just after", 2*above - 1, 0, false},
		{"twice the threshold, just after", 2 * above, 0, true},
		{"shrunk, long after", -above, time.Hour, false},
	} {
		if got := releaseDue(tc.grown, above, tc.since); got != tc.want {
			t.Errorf("%s: releaseDue(%d, %d, %v) = %v, want %v", tc.name, tc.grown, above, tc.since, got, tc.want)
		}
	}
}
