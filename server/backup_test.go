package server_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/server"
)

// TestBackupBounded: two downloads of a backup at once; a third is
// refused with 503, Retry-After and a JSON error while both run. A client
// that stops reading is cut once a write has waited the stall time, and
// its copy of the database is removed; then backups are served again.
func TestBackupBounded(t *testing.T) {
	tmp := t.TempDir()
	logs := &logBuffer{}
	e := startWith(t, func(c *server.Config) { c.TempDir = tmp; c.Logger = logs.logger() }, nil)
	// Long enough for both downloads to start and the third to be refused
	// on a loaded machine before the first is cut.
	const stall = 5 * time.Second
	server.SetBackupLimits(e.Server, 2, stall)
	// Larger than what the kernel buffers between a server and a client
	// that does not read, so that the server's writes block.
	fill(t, e, 12<<20)

	for range 2 {
		c := e.dial(t)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4 << 10)
		}
		if _, err := c.Write([]byte("GET /api/backup HTTP/1.1\r\nHost: sokbo\r\nAuthorization: Bearer " + token + "\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReaderSize(c, 1<<10)
		res, err := http.ReadResponse(br, &http.Request{Method: "GET"})
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("a stalled backup: %v %v", res, err)
		}
		// and read no further
	}
	if n := len(copies(t, tmp)); n != 2 {
		t.Errorf("%d copies of the database while two backups are served, want 2", n)
	}
	r := e.do("GET", "/api/backup", nil, "Authorization", "Bearer "+token)
	var body map[string]string
	if r.Code != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || json.Unmarshal(r.Body, &body) != nil || !strings.HasPrefix(body["error"], "backup: ") {
		t.Errorf("a third backup: %d, Retry-After %q, %s; want 503 with Retry-After and a JSON error", r.Code, r.Header.Get("Retry-After"), r.Body)
	}

	// The stalled downloads are cut, and their copies removed.
	for deadline := time.Now().Add(30 * stall); len(copies(t, tmp)) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("copies left after the stalled downloads' deadline: %q", copies(t, tmp))
		}
	}
	if log := logs.waitLog(t, 0, `msg="backup cut"`); strings.Count(log, `msg="backup cut"`) != 2 {
		t.Errorf("log:\n%s\nwant two backups cut", log)
	}

	r = e.do("GET", "/api/backup", nil, "Authorization", "Bearer "+token)
	if r.Code != http.StatusOK || r.Header.Get("Content-Length") != strconv.Itoa(len(r.Body)) || len(r.Body) < 12<<20 {
		t.Errorf("a backup after the stalled ones: %d, %d bytes of %s", r.Code, len(r.Body), r.Header.Get("Content-Length"))
	}
	if n := len(copies(t, tmp)); n != 0 {
		t.Errorf("%d copies left after a backup served in full", n)
	}
}

// fill stores incompressible articles of about size bytes in all.
func fill(t *testing.T, e *env, size int) {
	t.Helper()
	const each = 256 << 10
	for i := range size/each + 1 {
		noise := make([]byte, each*3/4)
		_, _ = rand.Read(noise)
		a := &feed.Article{
			ID: fmt.Sprintf("big-%d", i), GUID: fmt.Sprintf("tag:example.org,2026:big-%d", i), Title: "big",
			ContentHTML: "<p>" + base64.StdEncoding.EncodeToString(noise) + "</p>",
			Published:   time.Date(2026, 11, 24, 9, 0, i, 0, time.UTC),
		}
		if _, err := e.DB.Put(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
}

// copies lists the backup copies in dir.
func copies(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".sokbo-backup-*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range m {
		if _, err := os.Stat(p); err == nil {
			out = append(out, filepath.Base(p))
		}
	}
	return out
}
