package server

import "testing"

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate", "gzip"},
		{"gzip, deflate, br", "br"},
		{"gzip, deflate, br, zstd", "br"},
		{"br, gzip", "br"},
		{"deflate", ""},
		{"identity", ""},
		// q-values: the highest wins, ties go to br, then gzip.
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"gzip ; q=0.9 , br ; q=0.9 ", "br"},
		{"compress, gzip;q=1, br;q=.9", "gzip"},
		{"br;q=0.2, identity;q=0.5", ""},
		{"gzip;q=0.5, identity;q=0.5", "gzip"},
		// q=0 refuses.
		{"br;q=0, gzip;q=0", ""},
		{"gzip;q=0", ""},
		// "*" stands for every coding not named.
		{"*", "br"},
		{"*;q=0.1, gzip;q=0", "br"},
		{"gzip;q=0, *", "br"},
		{"*;q=0, gzip", "gzip"},
		// Identity refused: a coding is still chosen when one is allowed.
		{"identity;q=0, gzip;q=0.1", "gzip"},
		{"*;q=0, identity", ""},
		// Aliases and case.
		{"x-gzip", "gzip"},
		{"GZIP;Q=1.0", "gzip"},
		{"Br;q=0.4, X-GZIP;q=0.3", "br"},
		// A q-value that does not parse, or lies outside [0, 1], refuses.
		{"gzip;q=bogus, br;q=0.3", "br"},
		{"br;q=NaN, gzip;q=0.5", "gzip"},
		{"br;q=2, gzip;q=0.5", "gzip"},
		{"br;q=-1", ""},
		// Other parameters are ignored.
		{"br;level=3;q=0.7, gzip;q=0.6", "br"},
		{" , ,gzip", "gzip"},
	} {
		if got := negotiate(tc.accept); got != tc.want {
			t.Errorf("negotiate(%q) = %q, want %q", tc.accept, got, tc.want)
		}
	}
}
