package server

import "testing"

func TestServedLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, def, max, want int }{
		{1, 50, 500, 1},
		{2, 50, 500, 2},
		{3, 50, 500, 5},
		{7, 50, 500, 10},
		{11, 50, 500, 20},
		{21, 50, 500, 50},
		{50, 50, 500, 50},
		{51, 50, 500, 100},
		{499, 50, 500, 500},
		{500, 50, 500, 500},
		// A configured default and maximum are served values too.
		{25, 30, 500, 30},
		{31, 30, 500, 50},
		{201, 50, 300, 300},
		{300, 50, 300, 300},
		{4, 3, 4, 4},
	} {
		if got := servedLimit(tc.n, tc.def, tc.max); got != tc.want {
			t.Errorf("servedLimit(%d, def %d, max %d) = %d, want %d", tc.n, tc.def, tc.max, got, tc.want)
		}
	}
}
