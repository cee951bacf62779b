package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/live"
	"sokbo/server"
	"sokbo/store"
)

const token = "test-token"

// wait bounds every wait of the tests: generous, for -race on shared
// cores; a test that passes never waits it out.
const wait = 15 * time.Second

// client does not ask for gzip behind the tests' back.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}}

type env struct {
	URL string
	// Client is the client of the server: client, or one that trusts
	// the server's certificate.
	Client *http.Client
	DB     *store.DB
	Broker *live.Broker
	// HTTP is the test server's http.Server.
	HTTP *http.Server
}

type options struct {
	live live.Config
	// prefill writes to the store before the broker starts.
	prefill func(testing.TB, *store.DB)
	// sndBuf is the server's socket send buffer, when not 0.
	sndBuf int
	// timeout is the server's ReadTimeout and WriteTimeout, when not 0.
	timeout time.Duration
	// http2 serves HTTP/2 over TLS; the env's Client speaks it.
	http2 bool
}

// start runs a real server with the live streams mounted as the command
// mounts them, over a bbolt file in a temp dir, on 127.0.0.1.
func start(t testing.TB, o options) *env {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "sokbo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o.prefill != nil {
		o.prefill(t, db)
	}
	var h http.Handler
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	if o.sndBuf > 0 {
		ts.Listener = sndBufListener{ts.Listener, o.sndBuf}
	}
	ts.Config.ReadTimeout, ts.Config.WriteTimeout = o.timeout, o.timeout
	c := client
	if o.http2 {
		ts.EnableHTTP2 = true
		ts.StartTLS()
		c = ts.Client()
	} else {
		ts.Listener = server.CheckFraming(ts.Config, ts.Listener) // as sokbo serve does
		ts.Start()
	}
	base, _ := url.Parse(ts.URL + "/")
	srv := server.New(server.Config{
		Title:             "sokbo test",
		BaseURL:           base,
		Lang:              "en",
		Tokens:            []server.Token{{Name: "test", Secret: token}},
		SummaryHighlights: 5,
		MaxBody:           64 << 10,
	}, db)
	b, err := live.New(context.Background(), o.live, db, base, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"/events", "/category/{name}/events"} {
		srv.Handle("GET "+route, b)
		srv.Handle("OPTIONS "+route, b)
	}
	srv.OnChange(b.Publish)
	h = srv
	// The streams end first: the test server waits for its requests.
	t.Cleanup(func() { b.Close(); ts.Close(); db.Close() })
	return &env{URL: ts.URL, Client: c, DB: db, Broker: b, HTTP: ts.Config}
}

// sndBufListener gives each connection a small send buffer, so that a
// client that stops reading fills it soon.
type sndBufListener struct {
	net.Listener
	size int
}

func (l sndBufListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(l.size)
	}
	return c, err
}

// doc is an article to post.
type doc struct {
	ID, Title, Excerpt, URL string
	Categories              []string
}

func (d doc) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\ndate: 2026-01-02T03:04:05Z\n", d.ID, d.Title)
	if d.Excerpt != "" {
		fmt.Fprintf(&b, "excerpt: %q\n", d.Excerpt)
	}
	if d.URL != "" {
		fmt.Fprintf(&b, "url: %s\n", d.URL)
	}
	if len(d.Categories) > 0 {
		b.WriteString("categories:\n")
		for _, c := range d.Categories {
			fmt.Fprintf(&b, "  - %q\n", c)
		}
	}
	fmt.Fprintf(&b, "---\nThe story of %s. <mark>It matters today.</mark>\n", d.Title)
	return b.String()
}

// request makes a request and returns its status; it is called from
// goroutines too, so it returns errors rather than failing the test.
func (e *env) request(method, path, body string, hdr ...string) (int, error) {
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return res.StatusCode, nil
}

// post posts d and wants status code (201 created, 200 updated).
func (e *env) post(t testing.TB, d doc, code int) {
	t.Helper()
	if got, err := e.request("POST", "/api/articles", d.String()); err != nil || got != code {
		t.Fatalf("POST %s: %d, %v; want %d", d.ID, got, err, code)
	}
}

func (e *env) delete(t testing.TB, id string) {
	t.Helper()
	if got, err := e.request("DELETE", "/api/articles/"+url.PathEscape(id), ""); err != nil || got != http.StatusNoContent {
		t.Fatalf("DELETE %s: %d, %v", id, got, err)
	}
}

// block is one block of an SSE stream: the fields up to a blank line.
type block struct {
	ID       string
	HasID    bool
	Data     string
	Retry    string
	Event    string
	Comments []string
}

// message is an event's data.
type message struct {
	Type       string    `json:"type"`
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Summary    string    `json:"summary"`
	Categories []string  `json:"categories"`
	Published  time.Time `json:"published"`
}

func (b block) msg(t testing.TB) message {
	t.Helper()
	var m message
	if err := json.Unmarshal([]byte(b.Data), &m); err != nil {
		t.Fatalf("event data %q: %v", b.Data, err)
	}
	return m
}

// sse reads a stream's blocks in a goroutine of its own.
type sse struct {
	Res    *http.Response
	blocks chan block
	mu     sync.Mutex
	err    error // why the body ended
}

// open opens a stream and starts reading it; hdr are header pairs.
func (e *env) open(t testing.TB, path string, hdr ...string) *sse {
	t.Helper()
	s := e.connect(t, e.Client, path, hdr...)
	s.read()
	return s
}

// connect opens a stream without reading it.
func (e *env) connect(t testing.TB, c *http.Client, path string, hdr ...string) *sse {
	t.Helper()
	req, err := http.NewRequest("GET", e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return &sse{Res: res, blocks: make(chan block, 100_000)}
}

// read starts reading the stream, as EventSource parses it.
func (s *sse) read() {
	go func() {
		defer close(s.blocks)
		sc := bufio.NewScanner(s.Res.Body)
		var cur block
		seen := false
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				if seen {
					s.blocks <- cur
				}
				cur, seen = block{}, false
				continue
			}
			seen = true
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "":
				cur.Comments = append(cur.Comments, value)
			case "id":
				cur.ID, cur.HasID = value, true
			case "data":
				if cur.Data != "" {
					cur.Data += "\n"
				}
				cur.Data += value
			case "retry":
				cur.Retry = value
			case "event":
				cur.Event = value
			}
		}
		s.mu.Lock()
		s.err = sc.Err()
		s.mu.Unlock()
	}()
}

func (s *sse) close() { s.Res.Body.Close() }

// next returns the next block.
func (s *sse) next(t testing.TB) block {
	t.Helper()
	select {
	case b, ok := <-s.blocks:
		if !ok {
			s.mu.Lock()
			defer s.mu.Unlock()
			t.Fatalf("stream ended (%v)", s.err)
		}
		return b
	case <-time.After(wait):
		t.Fatalf("no block within %s", wait)
	}
	return block{}
}

// event returns the next block with data, skipping heartbeats and
// cursors.
func (s *sse) event(t testing.TB) (block, message) {
	t.Helper()
	for {
		if b := s.next(t); b.Data != "" {
			if b.Event != "" {
				t.Errorf("event has a name: %+v", b)
			}
			return b, b.msg(t)
		}
	}
}

// ended waits for the stream's end and returns the events read meanwhile.
func (s *sse) ended(t testing.TB) []block {
	t.Helper()
	var got []block
	timeout := time.After(wait)
	for {
		select {
		case b, ok := <-s.blocks:
			if !ok {
				return got
			}
			if b.Data != "" {
				got = append(got, b)
			}
		case <-timeout:
			t.Fatalf("stream did not end within %s", wait)
		}
	}
}

// eventually polls cond until it holds or the wait is over.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, wait)
		}
	}
}

// last returns the number of the store's last change.
func (e *env) last(t testing.TB) uint64 {
	t.Helper()
	n, err := e.DB.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// put writes an article to the store directly, past the server: no
// stream hears of it from Publish.
func put(t testing.TB, db *store.DB, id string, cats ...string) {
	t.Helper()
	a := &feed.Article{ID: id, GUID: "tag:example.org,2026:" + id, Title: "Story " + id, Categories: cats, Published: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if _, err := db.Put(context.Background(), a); err != nil {
		t.Errorf("Put %s: %v", id, err)
	}
}
