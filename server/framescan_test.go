package server

import (
	"strconv"
	"strings"
	"testing"
)

// TestFrameScanner: the scanner finds every head as net/http does,
// whatever a body holds, and marks the request to refuse: the one with
// both Content-Length and Transfer-Encoding, or the one after framing it
// cannot follow (which net/http refuses too, closing the connection).
func TestFrameScanner(t *testing.T) {
	t.Parallel()
	const get = "GET /feed.rss HTTP/1.1\r\nHost: a\r\n\r\n"
	smuggled := "POST /api/articles HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
	withCL := func(body string) string {
		return "POST /api/articles HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	chunked := func(chunks ...string) string {
		s := "POST /api/articles HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
		for _, c := range chunks {
			s += strconv.FormatInt(int64(len(c)), 16) + "\r\n" + c + "\r\n"
		}
		return s + "0\r\n\r\n"
	}
	for _, tc := range []struct {
		name       string
		stream     string
		heads, bad int64
	}{
		{"keep-alive GETs", get + get + get, 3, 0},
		{"a body holding a head with both", withCL(smuggled) + get, 2, 0},
		{"chunks holding heads", chunked(smuggled, "\r\n\r\n", get) + get, 2, 0},
		{"chunk extension and upper-case size", "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\nA;name=\"x;y\"\r\n0123456789\r\n0\r\n\r\n" + get, 2, 0},
		{"trailer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Sum: 1\r\n\r\n" + get, 2, 0},
		{"both", smuggled + get, 1, 1},
		{"both after others", get + withCL("x") + smuggled + get, 3, 3},
		{"both, Transfer-Encoding first, odd case", "POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\nCONTENT-LENGTH: 3\r\n\r\n0\r\n\r\n", 1, 1},
		{"both, any Transfer-Encoding", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 1, 1},
		{"both in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", 1, 1},
		{"Transfer-Encoding ignored in HTTP/1.0", "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + get, 2, 0},
		{"bare LF heads", "GET / HTTP/1.1\nHost: a\n\n" + "POST / HTTP/1.1\nContent-Length: 2\n\nab" + get, 3, 0},
		{"CRLFs after a POST", withCL("ab") + "\r\n\r\n" + get, 2, 0},
		{"equal Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length:  2 \r\n\r\nab" + get, 2, 0},
		{"Content-Length with leading zeros", "POST / HTTP/1.1\r\nContent-Length: 0002\r\n\r\nab" + get, 2, 0},
		// Framing the scanner does not follow: net/http refuses these, or
		// the scanner refuses the request itself.
		{"folded Content-Length", "POST / HTTP/1.1\r\nContent-Length:\r\n 2\r\n\r\nab" + get, 0, 1},
		{"folded Transfer-Encoding", "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\tchunked\r\nX: y\r\n\r\n", 0, 1},
		{"long request line", "GET /" + strings.Repeat("a", maxScanLine) + " HTTP/1.1\r\n\r\n", 0, 1},
		{"long Content-Length", "POST / HTTP/1.1\r\nContent-Length: " + strings.Repeat("0", maxScanLine) + "1\r\n\r\nx", 0, 1},
		{"not HTTP/1", "GET / HTTP/2.0\r\n\r\n", 0, 1},
		{"differing Content-Lengths", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc" + get, 1, 2},
		{"two Transfer-Encodings", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + get, 1, 2},
		{"bare LF chunk line", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\r\n0\r\n\r\n" + get, 1, 2},
		{"chunk size of 17 digits", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n" + get, 1, 2},
		{"chunk data not ended by CRLF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n" + get, 1, 2},
	} {
		// Whole, byte by byte, and in pieces of 7: the result is the same
		// however the reads cut the stream.
		for _, size := range []int{len(tc.stream), 1, 7} {
			var f frameScanner
			for s := tc.stream; len(s) > 0; {
				n := min(size, len(s))
				f.scan([]byte(s[:n]))
				s = s[n:]
			}
			if f.heads != tc.heads || f.bad != tc.bad {
				t.Errorf("%s, in reads of %d: %d heads, request %d refused; want %d, %d", tc.name, size, f.heads, f.bad, tc.heads, tc.bad)
			}
		}
	}
}
