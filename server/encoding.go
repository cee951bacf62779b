package server

import (
	"strconv"
	"strings"
)

// Content codings a response is kept in, besides identity ("").
const (
	codingGzip   = "gzip"
	codingBrotli = "br"
)

// negotiate picks the content coding of a response from an Accept-Encoding
// header (RFC 9110 12.5.3): "br", "gzip" or "" for identity. The highest
// q-value wins and ties go to br, then gzip, then identity; "*" stands for
// every coding the header does not name; q=0 (or a q-value that does not
// parse) refuses. Identity is acceptable unless refused, even when unnamed.
func negotiate(accept string) string {
	if accept == "" {
		return ""
	}
	// The q-value of each coding; -1 while the header does not name it.
	gz, br, identity, star := -1.0, -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		q := qValue(params)
		switch {
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			gz = q
		case strings.EqualFold(name, "br"):
			br = q
		case strings.EqualFold(name, "identity"):
			identity = q
		case name == "*":
			star = q
		}
	}
	// qOf is the q-value a coding ends up with: its own, else that of "*",
	// else acceptable only for identity.
	qOf := func(q float64, isIdentity bool) float64 {
		switch {
		case q >= 0:
			return q
		case star >= 0:
			return star
		case isIdentity:
			return 0.001
		}
		return 0
	}
	best, bestQ := "", qOf(identity, true)
	if q := qOf(gz, false); q > 0 && q >= bestQ {
		best, bestQ = codingGzip, q
	}
	if q := qOf(br, false); q > 0 && q >= bestQ {
		best = codingBrotli
	}
	return best
}

// qValue reads the weight among the parameters of one Accept-Encoding
// element ("q=0.5"): 1 when absent, 0 when it is not a number in [0, 1].
func qValue(params string) float64 {
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(f >= 0 && f <= 1) { // NaN fails both comparisons
			f = 0
		}
		q = f
	}
	return q
}
