package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestFramingBoth: a request with both Content-Length and
// Transfer-Encoding, even after others on a kept-alive connection, is a
// 400 with Connection: close, stores nothing, and the server closes the
// connection: a request sent after it gets no answer.
func TestFramingBoth(t *testing.T) {
	e := start(t)
	const body = "---\ntitle: Smuggled\n---\nbody\n"
	chunk := strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
	for _, tc := range []struct{ name, fields string }{
		{"Content-Length first", "Content-Length: " + strconv.Itoa(len(chunk)) + "\r\nTransfer-Encoding: chunked\r\n"},
		{"Transfer-Encoding first", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"},
		{"names in lower case", "transfer-encoding: chunked\r\ncontent-length: 4\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.dial(t)
			br := bufio.NewReader(c)
			if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: sokbo\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			if r := readResponse(t, br, "GET"); r.StatusCode != http.StatusOK || r.Close {
				t.Fatalf("GET before: %d, close %v", r.StatusCode, r.Close)
			}
			if _, err := io.WriteString(c, postHead+tc.fields+"\r\n"+chunk); err != nil {
				t.Fatal(err)
			}
			r := readResponse(t, br, "POST")
			var msg map[string]string
			if r.StatusCode != http.StatusBadRequest || !r.Close || json.Unmarshal(r.body, &msg) != nil || !strings.HasPrefix(msg["error"], "request: both Content-Length and Transfer-Encoding") {
				t.Errorf("%d, Connection: close %v, %s; want 400, close and a JSON error", r.StatusCode, r.Close, r.body)
			}
			// Whatever follows on the connection is not read.
			_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: sokbo\r\n\r\n")
			if b, err := br.ReadByte(); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("after the refused request: %q, %v; want the connection closed", b, err)
			}
		})
	}
	if got, err := e.DB.Latest(context.Background(), "", 0, 10); err != nil || len(got) != 0 {
		t.Errorf("stored %d articles (%v), want none", len(got), err)
	}
}

// TestFramingKeepAlive: requests framed by one field each, pipelined on
// one connection — a chunked post whose body holds what looks like a
// head with both fields, a post by Content-Length, "OPTIONS *", GETs —
// are all served.
func TestFramingKeepAlive(t *testing.T) {
	e := start(t)
	doc := func(title string) string { return "---\ntitle: " + title + "\nid: " + title + "\n---\n<p>x</p>\n" }
	tricky := doc("chunked") + "<!-- GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n -->\n"
	requests := []struct{ method, raw string }{
		{"POST", postHead + "Transfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(int64(len(tricky)), 16) + ";ext=1\r\n" + tricky + "\r\n0\r\n\r\n"},
		{"POST", postHead + "Content-Length: " + strconv.Itoa(len(doc("sized"))) + "\r\n\r\n" + doc("sized") + "\r\n"},
		{"OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: sokbo\r\n\r\n"},
		{"GET", "GET /api/articles/chunked HTTP/1.1\r\nHost: sokbo\r\n\r\n"},
		{"GET", "GET /api/articles/sized HTTP/1.1\r\nHost: sokbo\r\n\r\n"},
	}
	c := e.dial(t)
	var all strings.Builder
	for _, rq := range requests {
		all.WriteString(rq.raw)
	}
	if _, err := io.WriteString(c, all.String()); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i, want := range []int{http.StatusCreated, http.StatusCreated, 0, http.StatusOK, http.StatusOK} {
		r := readResponse(t, br, requests[i].method)
		if r.Close || (want != 0 && r.StatusCode != want) || r.StatusCode >= 500 {
			t.Errorf("request %d (%s): %d, close %v, %s; want %d", i, requests[i].method, r.StatusCode, r.Close, r.body, want)
		}
	}
}
