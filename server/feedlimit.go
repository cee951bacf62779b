package server

// servedLimits are the ?limit= values a feed is rendered with (besides the
// configured default and maximum): any other is rounded up to the next of
// them. Every distinct limit is a render of its own and an entry in the
// cache, so the few values a reader may ask for bound what a client can
// make the server render; rounding up gives the reader at least the items
// it asked for.
var servedLimits = []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}

// servedLimit rounds n, a limit in [1, max], up to the next served value:
// one of servedLimits, def or max.
func servedLimit(n, def, max int) int {
	best := max
	for _, v := range servedLimits {
		if v >= n && v < best {
			best = v
			break
		}
	}
	if def >= n && def < best {
		best = def
	}
	return best
}
