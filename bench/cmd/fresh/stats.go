package main

import (
	"fmt"
	"slices"
	"time"
)

// summary is the percentiles of one measure over the rounds.
type summary struct{ p50, p90, p99, max time.Duration }

// summarize takes nearest-rank percentiles: with 200 rounds p99 is the
// second slowest, a real round rather than an interpolation.
func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		k := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(k, 0), len(s)-1)]
	}
	return summary{at(0.50), at(0.90), at(0.99), s[len(s)-1]}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/1e6) }

func (s summary) print(name string) {
	fmt.Printf("%-16s %9s %9s %9s %9s\n", name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max))
}

// fields is the summary in microseconds, for the FRESHRESULT line.
func (s summary) fields() string {
	return fmt.Sprintf("%d %d %d %d", s.p50.Microseconds(), s.p90.Microseconds(), s.p99.Microseconds(), s.max.Microseconds())
}
