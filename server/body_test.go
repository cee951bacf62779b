package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"sokbo/server"
)

// TestBodyNotReceived: a body the client does not send in full — a
// malformed chunk size, an upload cut short — is a 400 naming the body,
// logged as the client's doing (INFO), never as a server error; nothing
// is stored.
func TestBodyNotReceived(t *testing.T) {
	logs := &logBuffer{}
	e := startWith(t, func(c *server.Config) { c.Logger = logs.logger() }, nil)
	const doc = "---\ntitle: Cut short\n---\nbody\n"
	for _, tc := range []struct {
		name    string
		request string
		// closeAll closes the connection after the request, so no answer
		// can be read; otherwise only the sending half is closed.
		closeAll bool
	}{
		{"bad chunk size", postHead + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + doc + "\r\n0\r\n\r\n", false},
		{"chunk size overflows", postHead + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n" + doc + "\r\n0\r\n\r\n", false},
		{"chunked cut short", postHead + "Transfer-Encoding: chunked\r\n\r\n100\r\n" + doc, false},
		{"length cut short", postHead + "Content-Length: 1000\r\n\r\n" + doc, false},
		{"closed mid-body", postHead + "Content-Length: 1000\r\n\r\n" + doc, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(logs.String())
			c := e.dial(t)
			if _, err := c.Write([]byte(tc.request)); err != nil {
				t.Fatal(err)
			}
			if tc.closeAll {
				c.Close()
			} else {
				if tc.request[len(tc.request)-4:] != "\r\n\r\n" {
					_ = c.(*net.TCPConn).CloseWrite()
				}
				r := readResponse(t, bufio.NewReader(c), "POST")
				var body map[string]string
				if r.StatusCode != http.StatusBadRequest || json.Unmarshal(r.body, &body) != nil || !strings.HasPrefix(body["error"], "body: ") {
					t.Errorf("%d %s; want 400 with a JSON error naming the body", r.StatusCode, r.body)
				}
			}
			log := logs.waitLog(t, before, "request body unreadable")
			if !strings.Contains(log, "level=INFO msg=\"request body unreadable\"") || strings.Contains(log, "level=ERROR") {
				t.Errorf("log:\n%s\nwant the unread body at INFO, and no ERROR", log)
			}
		})
	}
	if got, err := e.DB.Latest(context.Background(), "", 0, 10); err != nil || len(got) != 0 {
		t.Errorf("stored %d articles (%v), want none", len(got), err)
	}
}
