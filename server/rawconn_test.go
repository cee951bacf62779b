package server_test

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Helpers for tests that speak HTTP/1.1 over a raw TCP connection, to
// send what no well-behaved client sends.

// dial opens a raw connection to the test server.
func (e *env) dial(t testing.TB) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// rawResponse is a response read from a raw connection.
type rawResponse struct {
	*http.Response
	body []byte
}

// readResponse reads one response to a request of method from br.
func readResponse(t testing.TB, br *bufio.Reader, method string) rawResponse {
	t.Helper()
	res, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the response's body: %v", err)
	}
	return rawResponse{res, b}
}

// postHead is the head of an authorized POST of a document, without the
// header fields that frame its body and without the blank line.
const postHead = "POST /api/articles HTTP/1.1\r\nHost: sokbo\r\nAuthorization: Bearer " + token + "\r\nContent-Type: text/markdown\r\n"

// logBuffer collects a server's log lines; the server writes them from
// its handlers' goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// logger is a server's logger writing into l, debug lines included.
func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitLog waits until the log after its first from bytes holds want, and
// returns that part of the log.
func (l *logBuffer) waitLog(t testing.TB, from int, want string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s := l.String()[from:]
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", want, s)
		}
	}
}
