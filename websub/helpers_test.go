package websub_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/server"
	"sokbo/store"
	"sokbo/websub"
)

const token = "websub-test-token-0123456789"

// env is a site on 127.0.0.1: a real store in a temporary directory, the
// real server, and the hub mounted on it as sokbo serve mounts it. The
// listener outlives restart, so that the site keeps its URL.
type env struct {
	t    testing.TB
	dir  string
	cfg  websub.Config
	wrap func(websub.Topics) websub.Topics
	// url is the site's base URL, ending in "/".
	url     string
	handler atomic.Value // http.Handler
	logs    *syncBuffer

	db  *store.DB
	srv *server.Server
	hub *websub.Hub
}

// newEnv starts a site whose hub has cfg edited by edit: private
// callbacks allowed (the subscribers are on 127.0.0.1), four workers.
func newEnv(t testing.TB, edit func(*websub.Config)) *env {
	t.Helper()
	return newEnvWrapped(t, edit, nil)
}

// newEnvWrapped is newEnv with the hub's Topics wrapped (to count calls).
func newEnvWrapped(t testing.TB, edit func(*websub.Config), wrap func(websub.Topics) websub.Topics) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), logs: &syncBuffer{}, wrap: wrap}
	e.cfg = websub.Config{AllowPrivateCallbacks: true, Workers: 4, Timeout: 5 * time.Second, RetryFor: time.Minute}
	if edit != nil {
		edit(&e.cfg)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.url = ts.URL + "/"
	e.open()
	t.Cleanup(func() { e.stop() })
	return e
}

// open opens the store, makes the server and starts the hub.
func (e *env) open() {
	e.t.Helper()
	db, err := store.Open(filepath.Join(e.dir, "sokbo.db"), store.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	base, _ := url.Parse(e.url)
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	srv := server.New(server.Config{Title: "sokbo test", BaseURL: base, Lang: "ko", Hub: e.url + "websub",
		Tokens: []server.Token{{Name: "test", Secret: token}}, Logger: log}, db)
	var topics websub.Topics = srv
	if e.wrap != nil {
		topics = e.wrap(srv)
	}
	hub := websub.New(e.cfg, db, topics, e.url+"websub", log)
	srv.Handle("POST /websub", hub)
	srv.OnChange(hub.Publish)
	if err := hub.Start(context.Background()); err != nil {
		db.Close()
		e.t.Fatal(err)
	}
	e.db, e.srv, e.hub = db, srv, hub
	e.handler.Store(http.Handler(srv))
}

// stop stops the hub, then closes the store, as sokbo serve should.
func (e *env) stop() {
	e.t.Helper()
	if err := e.hub.Close(); err != nil {
		e.t.Errorf("close the hub: %v", err)
	}
	if err := e.db.Close(); err != nil {
		e.t.Errorf("close the store: %v", err)
	}
}

// restart stops the hub and the store and opens them again.
func (e *env) restart() {
	e.t.Helper()
	e.stop()
	e.open()
}

// subscribe POSTs a subscription request and returns the status and the
// decoded JSON answer.
func (e *env) subscribe(form url.Values) (int, map[string]string) {
	e.t.Helper()
	res, err := http.Post(e.url+"websub", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatalf("POST /websub: %v", err)
	}
	defer res.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		e.t.Fatalf("POST /websub: %d, body not JSON: %v", res.StatusCode, err)
	}
	return res.StatusCode, body
}

// mustSubscribe subscribes callback to topic, expecting 202.
func (e *env) mustSubscribe(mode, topic, callback string, more ...string) {
	e.t.Helper()
	form := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.callback": {callback}}
	for i := 0; i+1 < len(more); i += 2 {
		form.Set(more[i], more[i+1])
	}
	if code, body := e.subscribe(form); code != http.StatusAccepted {
		e.t.Fatalf("%s %s to %s: %d %v, want 202", mode, callback, topic, code, body)
	}
}

// post posts an article filed under categories and returns its id.
func (e *env) post(title string, categories ...string) string {
	e.t.Helper()
	doc := fmt.Sprintf("---\ntitle: %s\ncategories: [%s]\n---\n%s: 본문입니다. <mark>강조된 문장.</mark>\n", title, strings.Join(categories, ", "), title)
	req, _ := http.NewRequest(http.MethodPost, e.url+"api/articles", strings.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("POST %s: %v", title, err)
	}
	defer res.Body.Close()
	var a struct{ ID string }
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &a) != nil {
		e.t.Fatalf("POST %s: %d %s", title, res.StatusCode, b)
	}
	return a.ID
}

// delete deletes article id.
func (e *env) delete(id string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, e.url+"api/articles/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("DELETE %s: %v", id, err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		e.t.Fatalf("DELETE %s: %d", id, res.StatusCode)
	}
}

// stored returns the stored subscriptions by callback.
func (e *env) stored() map[string]feed.Subscription {
	e.t.Helper()
	subs, err := e.db.Subscriptions(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	m := map[string]feed.Subscription{}
	for _, s := range subs {
		m[s.Callback] = s
	}
	return m
}

// lastChange is the store's last change number.
func (e *env) lastChange() uint64 {
	e.t.Helper()
	n, err := e.db.LastChange(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitLog waits for a log line holding every one of parts.
func (e *env) waitLog(parts ...string) string {
	e.t.Helper()
	var found string
	waitFor(e.t, fmt.Sprintf("a log line with %q", parts), func() bool {
		for line := range strings.Lines(e.logs.String()) {
			if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
				found = line
				return true
			}
		}
		return false
	})
	return found
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// subscriber is a WebSub subscriber's callback on 127.0.0.1: it records
// the hub's GETs (verifications, denials) and POSTs (deliveries), echoes
// the challenge unless told otherwise, and answers deliveries 204 unless
// told otherwise.
type subscriber struct {
	url string // the callback

	mu     sync.Mutex
	gets   []url.Values
	posts  []delivery
	verify func(q url.Values) (int, string)
	status func(n int) int
	// hold, when set, keeps deliveries waiting until it is closed or the
	// hub gives up.
	hold chan struct{}
}

// delivery is a POST the subscriber received.
type delivery struct {
	header http.Header
	body   []byte
}

func newSubscriber(t testing.TB) *subscriber {
	t.Helper()
	s := &subscriber{}
	ts := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(ts.Close)
	s.url = ts.URL + "/cb"
	return s
}

func (s *subscriber) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		s.mu.Lock()
		s.gets = append(s.gets, q)
		verify := s.verify
		s.mu.Unlock()
		code, body := http.StatusOK, q.Get("hub.challenge")
		if verify != nil {
			code, body = verify(q)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	n := len(s.posts)
	s.posts = append(s.posts, delivery{r.Header.Clone(), body})
	status, hold := s.status, s.hold
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}
	code := http.StatusNoContent
	if status != nil {
		code = status(n)
	}
	w.WriteHeader(code)
}

// deliveries returns the POSTs received so far.
func (s *subscriber) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// requests returns the GETs received so far.
func (s *subscriber) requests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gets)
}

// set changes how the subscriber answers, under its lock.
func (s *subscriber) set(f func(s *subscriber)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// waitDeliveries waits until the subscriber has received n deliveries
// and returns them.
func (s *subscriber) waitDeliveries(t testing.TB, n int) []delivery {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d deliveries to %s", n, s.url), func() bool { return len(s.deliveries()) >= n })
	return s.deliveries()
}

// waitRequest waits for a GET whose hub.mode is mode and returns it.
func (s *subscriber) waitRequest(t testing.TB, mode string) url.Values {
	t.Helper()
	var q url.Values
	waitFor(t, fmt.Sprintf("a %s request to %s", mode, s.url), func() bool {
		for _, g := range s.requests() {
			if g.Get("hub.mode") == mode {
				q = g
				return true
			}
		}
		return false
	})
	return q
}

// hmacHex is what X-Hub-Signature should say of body under secret,
// computed here independently of the hub.
func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// syncBuffer is a bytes.Buffer safe for the logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// jsonDecode decodes res's body into v.
func jsonDecode(res *http.Response, v any) error {
	return json.NewDecoder(res.Body).Decode(v)
}
