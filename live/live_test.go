package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sokbo/live"
	"sokbo/store"
)

var published = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// TestEvents: a new, an updated and a deleted article each make one
// unnamed event, numbered by the change log, with the article's summary
// and link; an unchanged post makes none.
func TestEvents(t *testing.T) {
	e := start(t, options{})
	s := e.open(t, "/events")
	opening := s.next(t)
	if opening.Retry == "" || !opening.HasID || opening.ID != "0" || len(opening.Comments) != 1 || opening.Data != "" {
		t.Errorf("opening = %+v, want retry, id 0 and a comment", opening)
	}

	ferry := doc{ID: "ferry", Title: "Ferry rescue", Excerpt: "All 42 passengers were rescued.", Categories: []string{"News"}}
	e.post(t, ferry, http.StatusCreated)
	b, m := s.event(t)
	want := message{Type: "created", ID: "ferry", Title: "Ferry rescue", URL: e.URL + "/articles/ferry",
		Summary: "All 42 passengers were rescued.\nIt matters today.", Categories: []string{"News"}, Published: published}
	if diff := cmp.Diff(want, m); diff != "" || b.ID != "1" {
		t.Errorf("created: id %q (-want +got):\n%s", b.ID, diff)
	}

	// An article that lives elsewhere links there; one without excerpt
	// is summarized by its highlights.
	e.post(t, doc{ID: "wire", Title: "Wire story", URL: "https://wire.example/story"}, http.StatusCreated)
	b, m = s.event(t)
	if b.ID != "2" || m.URL != "https://wire.example/story" || m.Summary != "It matters today." || m.Categories == nil {
		t.Errorf("article with its own URL: id %q, %+v", b.ID, m)
	}

	ferry.Title = "Ferry rescue: all safe"
	e.post(t, ferry, http.StatusOK)
	b, m = s.event(t)
	if b.ID != "3" || m.Type != "updated" || m.Title != ferry.Title {
		t.Errorf("updated: id %q, %+v", b.ID, m)
	}
	e.post(t, ferry, http.StatusOK) // unchanged: no event

	e.delete(t, "ferry")
	b, _ = s.event(t)
	if wantData := `{"type":"deleted","id":"ferry","categories":["News"]}`; b.ID != "4" || b.Data != wantData {
		t.Errorf("deleted: id %q, data %s; want 4, %s", b.ID, b.Data, wantData)
	}
	e.post(t, doc{ID: "next", Title: "Next"}, http.StatusCreated)
	if b, m := s.event(t); b.ID != "5" || m.ID != "next" {
		t.Errorf("after the unchanged post: id %q, %+v; want 5, next", b.ID, m)
	}
}

// TestCategoryStreams: a category's stream gets the changes that touched
// it, by CategoryKey, including the one that moved an article out of it;
// its heartbeat moves the client's last event id past the others.
func TestCategoryStreams(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: 50 * time.Millisecond}})
	news := e.open(t, "/category/news/events")
	econ := e.open(t, "/category/"+url.PathEscape("경제/산업")+"/events")
	site := e.open(t, "/events")
	// The same stream named in the query, as scripts build it.
	econQuery := e.open(t, "/events?category="+url.QueryEscape("경제/산업"))
	for _, s := range []*sse{news, econ, site, econQuery} {
		s.next(t)
	}

	e.post(t, doc{ID: "a", Title: "A", Categories: []string{"News"}}, http.StatusCreated)          // 1
	e.post(t, doc{ID: "b", Title: "B", Categories: []string{"Sports"}}, http.StatusCreated)        // 2
	e.post(t, doc{ID: "c", Title: "C", Categories: []string{"경제/산업", "NEWS"}}, http.StatusCreated) // 3
	e.post(t, doc{ID: "a", Title: "A", Categories: []string{"Sports"}}, http.StatusOK)             // 4: out of News
	e.delete(t, "c")                                                                               // 5

	type got struct {
		Seq, Type, ID string
		Categories    []string
	}
	read := func(s *sse, n int) []got {
		var out []got
		for range n {
			b, m := s.event(t)
			out = append(out, got{b.ID, m.Type, m.ID, m.Categories})
		}
		return out
	}
	wantNews := []got{
		{"1", "created", "a", []string{"News"}},
		{"3", "created", "c", []string{"경제/산업", "NEWS"}},
		{"4", "updated", "a", []string{"Sports"}},
		{"5", "deleted", "c", []string{"경제/산업", "NEWS"}},
	}
	if diff := cmp.Diff(wantNews, read(news, 4)); diff != "" {
		t.Errorf("News stream (-want +got):\n%s", diff)
	}
	wantEcon := []got{wantNews[1], wantNews[3]}
	if diff := cmp.Diff(wantEcon, read(econ, 2)); diff != "" {
		t.Errorf("경제/산업 stream (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantEcon, read(econQuery, 2)); diff != "" {
		t.Errorf("/events?category=경제/산업 (-want +got):\n%s", diff)
	}
	if n := len(read(site, 5)); n != 5 {
		t.Errorf("site stream: %d events", n)
	}

	// A change elsewhere: the category's client hears of its number with
	// a heartbeat, in an event without data.
	e.post(t, doc{ID: "d", Title: "D", Categories: []string{"Sports"}}, http.StatusCreated) // 6
	for {
		b := econ.next(t)
		if b.Data != "" {
			t.Fatalf("경제/산업 stream got %s", b.Data)
		}
		if b.HasID {
			if b.ID != "6" {
				t.Errorf("cursor id %s, want 6", b.ID)
			}
			break
		}
	}

	// An empty name is refused.
	if code, _ := e.request("GET", "/category/%20/events", ""); code != http.StatusBadRequest {
		t.Errorf("GET /category/%%20/events: %d, want 400", code)
	}
}

// TestResume: a client that reconnects with Last-Event-ID (or the query
// parameter) gets what it missed, each article once as it is now, then the
// live changes, without a gap or a repeat.
func TestResume(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: time.Hour}})
	s := e.open(t, "/events")
	s.next(t)
	e.post(t, doc{ID: "a", Title: "A v1"}, http.StatusCreated) // 1
	e.post(t, doc{ID: "b", Title: "B"}, http.StatusCreated)    // 2
	s.event(t)
	if b, _ := s.event(t); b.ID != "2" {
		t.Fatalf("second event id %s, want 2", b.ID)
	}
	s.close()

	// Meanwhile: a changes twice, c comes and goes, d comes and changes.
	e.post(t, doc{ID: "a", Title: "A v2"}, http.StatusOK)      // 3
	e.post(t, doc{ID: "c", Title: "C"}, http.StatusCreated)    // 4
	e.post(t, doc{ID: "a", Title: "A v3"}, http.StatusOK)      // 5
	e.delete(t, "c")                                           // 6
	e.post(t, doc{ID: "d", Title: "D v1"}, http.StatusCreated) // 7
	e.post(t, doc{ID: "d", Title: "D v2"}, http.StatusOK)      // 8

	type got struct{ Seq, Type, ID, Title string }
	want := []got{{"5", "updated", "a", "A v3"}, {"6", "deleted", "c", ""}, {"8", "created", "d", "D v2"}}
	for i, hdr := range [][]string{
		{"Last-Event-ID", "2"},
		nil, // the query
		nil,
		{"Last-Event-ID", "2"}, // the header wins over the query
	} {
		path := []string{"/events", "/events?last_event_id=2", "/events?lastEventId=2", "/events?last_event_id=6"}[i]
		r := e.open(t, path, hdr...)
		if b := r.next(t); b.Retry == "" || !slices.ContainsFunc(b.Comments, func(c string) bool { return strings.Contains(c, "after change 2") }) {
			t.Errorf("%s: opening %+v", path, b)
		}
		var replay []got
		for range want {
			b, m := r.event(t)
			replay = append(replay, got{b.ID, m.Type, m.ID, m.Title})
		}
		if diff := cmp.Diff(want, replay); diff != "" {
			t.Errorf("%s %q: replay (-want +got):\n%s", path, hdr, diff)
		}
		r.close()
	}

	// Live changes follow the replay, while it is open.
	r := e.open(t, "/events", "Last-Event-ID", "6")
	r.next(t)
	e.post(t, doc{ID: "e", Title: "E"}, http.StatusCreated) // 9
	for _, want := range []string{"8", "9"} {
		if b, _ := r.event(t); b.ID != want {
			t.Errorf("event id %s, want %s", b.ID, want)
		}
	}
}

// TestResumeCategory: a category's client that resumes learns that an
// article left the category, as deleted when it is gone since (though its
// deletion did not touch the category), and its last event id moves past
// the changes that were not the category's.
func TestResumeCategory(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: time.Hour}})
	s := e.open(t, "/category/News/events")
	s.next(t)
	e.post(t, doc{ID: "a", Title: "A", Categories: []string{"News"}}, http.StatusCreated) // 1
	s.event(t)
	s.close()
	e.post(t, doc{ID: "a", Title: "A", Categories: []string{"Sports"}}, http.StatusOK)      // 2: out of News
	e.post(t, doc{ID: "b", Title: "B", Categories: []string{"Sports"}}, http.StatusCreated) // 3
	e.delete(t, "a")                                                                        // 4: touches Sports only
	e.post(t, doc{ID: "c", Title: "C", Categories: []string{"Sports"}}, http.StatusCreated) // 5

	r := e.open(t, "/category/News/events", "Last-Event-ID", "1")
	r.next(t)
	if b := r.next(t); b.ID != "2" || b.Data != `{"type":"deleted","id":"a","categories":["News","Sports"]}` {
		t.Errorf("replay: %+v, want a deleted with id 2", b)
	}
	if b := r.next(t); b.ID != "5" || b.Data != "" {
		t.Errorf("after the replay: %+v, want a cursor to 5", b)
	}
	e.post(t, doc{ID: "d", Title: "D", Categories: []string{"News"}}, http.StatusCreated) // 6
	if b, m := r.event(t); b.ID != "6" || m.ID != "d" {
		t.Errorf("live: %+v", b)
	}
}

// TestResumeWhilePosting: a client that keeps reconnecting while others
// post concurrently (their changes reach the broker out of order) sees
// every change once, in the log's order.
func TestResumeWhilePosting(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: time.Hour}})
	const posters, each = 4, 20
	var seqs []uint64
	ids := map[string]int{}
	s := e.open(t, "/events")
	s.next(t)

	var wg sync.WaitGroup
	for p := range posters {
		wg.Go(func() {
			for i := range each {
				d := doc{ID: fmt.Sprintf("p%d-%d", p, i), Title: fmt.Sprintf("Post %d of %d", i, p)}
				if _, err := e.request("POST", "/api/articles", d.String()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for conn := 0; len(seqs) < posters*each; conn++ {
		if conn > 0 {
			s = e.open(t, "/events", "Last-Event-ID", strconv.FormatUint(seqs[len(seqs)-1], 10))
			s.next(t)
		}
		for range 7 {
			b, m := s.event(t)
			n, _ := strconv.ParseUint(b.ID, 10, 64)
			seqs = append(seqs, n)
			ids[m.ID]++
			if len(seqs) == posters*each {
				break
			}
		}
		s.close()
	}
	wg.Wait()
	for i, n := range seqs {
		if n != uint64(i+1) {
			t.Fatalf("event %d has id %d, want %d: %v", i, n, i+1, seqs)
		}
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
	if len(ids) != posters*each {
		t.Errorf("%d articles seen, want %d", len(ids), posters*each)
	}
}

// TestGapFilled: a change that is never published (here written past the
// server) is read from the log, so the changes behind it still come, in
// order.
func TestGapFilled(t *testing.T) {
	e := start(t, options{})
	s := e.open(t, "/events")
	s.next(t)
	put(t, e.DB, "quiet", "News")                                 // 1, never published
	e.post(t, doc{ID: "loud", Title: "Loud"}, http.StatusCreated) // 2, held until 1 is filled
	for _, want := range []string{"1 quiet created", "2 loud created"} {
		b, m := s.event(t)
		if got := b.ID + " " + m.ID + " " + m.Type; got != want {
			t.Errorf("event %q, want %q", got, want)
		}
	}
}

// TestReset: a client whose id the log no longer reaches, or never gave,
// is told to reload, then gets the live changes.
func TestReset(t *testing.T) {
	const n = 10_050 // the log keeps 10,000
	e := start(t, options{live: live.Config{Heartbeat: time.Hour}, prefill: func(tb testing.TB, db *store.DB) {
		var wg sync.WaitGroup
		for w := range 32 {
			wg.Go(func() {
				for i := w; i < n; i += 32 {
					put(tb, db, fmt.Sprintf("old-%05d", i))
				}
			})
		}
		wg.Wait()
	}})
	last := strconv.FormatUint(e.last(t), 10)
	for _, id := range []string{"3", "999999", "not-a-number"} {
		s := e.open(t, "/events", "Last-Event-ID", id)
		s.next(t)
		if b, m := s.event(t); b.ID != last || m.Type != "reset" || b.Data != `{"type":"reset"}` {
			t.Errorf("Last-Event-ID %s: %+v, want a reset with id %s", id, b, last)
		}
		s.close()
	}
	s := e.open(t, "/events", "Last-Event-ID", "3")
	s.next(t)
	s.event(t)
	e.post(t, doc{ID: "new", Title: "New"}, http.StatusCreated)
	if b, m := s.event(t); b.ID != strconv.Itoa(n+1) || m.ID != "new" {
		t.Errorf("after the reset: %+v", b)
	}
	// The log still reaches n-1: a replay.
	r := e.open(t, "/events", "Last-Event-ID", strconv.Itoa(n-1))
	r.next(t)
	if b, m := r.event(t); b.ID != last || m.Type != "created" {
		t.Errorf("replay of the last change: %+v", b)
	}
}

// TestMaxStreams: past MaxStreams, a stream is refused with 503,
// Retry-After and a JSON error, until one closes.
func TestMaxStreams(t *testing.T) {
	e := start(t, options{live: live.Config{MaxStreams: 2}})
	a := e.open(t, "/events")
	e.open(t, "/category/News/events")
	for _, path := range []string{"/events", "/category/News/events"} {
		res, err := e.Client.Get(e.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || err != nil || body.Error == "" ||
			res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s past MaxStreams: %d, Retry-After %q, %+v, %v", path, res.StatusCode, res.Header.Get("Retry-After"), body, err)
		}
	}
	a.close()
	eventually(t, "a stream closed", func() bool {
		res, err := e.Client.Get(e.URL + "/events")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

// TestSlowClientDropped: a client that stops reading is dropped once its
// buffer is full; the posts and the other clients go on as before, and
// the dropped client resumes from the log.
func TestSlowClientDropped(t *testing.T) {
	e := start(t, options{live: live.Config{Buffer: 4, Heartbeat: time.Second}, sndBuf: 4096})
	small := &http.Client{Transport: &http.Transport{DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(4096)
			}
			return c, err
		}}}
	slow := e.connect(t, small, "/events") // never read until the end
	fast := e.open(t, "/events")
	fast.next(t)
	eventually(t, "two streams", func() bool { return e.Broker.Streams() == 2 })

	excerpt := strings.Repeat("속보 ", 330) // 2 KB an event
	posted := 0
	for e.Broker.Streams() == 2 {
		if posted == 300 {
			t.Fatalf("the slow client is still served after %d posts", posted)
		}
		posted++
		start := time.Now()
		e.post(t, doc{ID: fmt.Sprintf("big-%03d", posted), Title: "Big", Excerpt: excerpt}, http.StatusCreated)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("post %d took %s", posted, d)
		}
	}
	t.Logf("the slow client was dropped after %d posts", posted)
	for i := 1; i <= posted; i++ {
		if b, _ := fast.event(t); b.ID != strconv.Itoa(i) {
			t.Fatalf("fast client: event %s, want %d", b.ID, i)
		}
	}
	slow.read()
	got := slow.ended(t)
	if len(got) >= posted {
		t.Fatalf("the slow client got all %d events", posted)
	}
	lastID := "0"
	if len(got) > 0 {
		lastID = got[len(got)-1].ID
	}
	for i, b := range got {
		if b.ID != strconv.Itoa(i+1) {
			t.Fatalf("slow client: event %s, want %d", b.ID, i+1)
		}
	}
	// Reconnecting, it gets the rest.
	r := e.open(t, "/events", "Last-Event-ID", lastID)
	r.next(t)
	for i := len(got) + 1; i <= posted; i++ {
		if b, _ := r.event(t); b.ID != strconv.Itoa(i) {
			t.Fatalf("resumed slow client: event %s, want %d", b.ID, i)
		}
	}
}

// TestHeartbeat: an idle stream gets a comment every Heartbeat.
func TestHeartbeat(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: 20 * time.Millisecond}})
	s := e.open(t, "/events")
	s.next(t)
	for range 3 {
		if b := s.next(t); !slices.Equal(b.Comments, []string{"ping"}) || b.Data != "" {
			t.Errorf("heartbeat %+v", b)
		}
	}
}

// TestOutlivesTimeouts: a stream lasts past the server's ReadTimeout and
// WriteTimeout, which would cut a response written or read in one go,
// over HTTP/1.1 and HTTP/2.
func TestOutlivesTimeouts(t *testing.T) {
	const timeout = time.Second
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "http1", true: "http2"}[h2], func(t *testing.T) {
			e := start(t, options{live: live.Config{Heartbeat: 100 * time.Millisecond}, timeout: timeout, http2: h2})
			s := e.open(t, "/events")
			if want := map[bool]int{false: 1, true: 2}[h2]; s.Res.ProtoMajor != want {
				t.Fatalf("stream over %s", s.Res.Proto)
			}
			s.next(t)
			for opened := time.Now(); time.Since(opened) < 3*timeout; {
				s.next(t)
			}
			e.post(t, doc{ID: "late", Title: "Late"}, http.StatusCreated)
			if _, m := s.event(t); m.ID != "late" {
				t.Errorf("event %+v", m)
			}
		})
	}
}

// TestHeaders: the stream's headers, the CORS preflight on both routes,
// and the server's own routes under /category/ left as they were.
func TestHeaders(t *testing.T) {
	e := start(t, options{})
	for _, path := range []string{"/events", "/category/News/events"} {
		req, _ := http.NewRequest("OPTIONS", e.URL+path, nil)
		req.Header.Set("Origin", "https://reader.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "last-event-id")
		res, err := e.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		if res.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Last-Event-ID") || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Cache-Control") ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") {
			t.Errorf("OPTIONS %s: %d %v", path, res.StatusCode, h)
		}

		s := e.open(t, path)
		want := map[string]string{
			"Content-Type":                "text/event-stream; charset=utf-8",
			"Cache-Control":               "no-store",
			"X-Accel-Buffering":           "no",
			"Access-Control-Allow-Origin": "*",
		}
		for k, v := range want {
			if got := s.Res.Header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, v)
			}
		}
		s.close()
	}
	e.post(t, doc{ID: "a", Title: "A", Categories: []string{"News"}}, http.StatusCreated)
	res, err := e.Client.Get(e.URL + "/category/News/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"title": "A"`) && !strings.Contains(string(b), `"title":"A"`) {
		t.Errorf("GET /category/News/feed.json: %d %.200s", res.StatusCode, b)
	}
}

// TestClose: Close ends the streams and refuses new ones; posts go on.
func TestClose(t *testing.T) {
	e := start(t, options{})
	a, b := e.open(t, "/events"), e.open(t, "/category/News/events")
	a.next(t)
	b.next(t)
	e.Broker.Close()
	a.ended(t)
	b.ended(t)
	if code, _ := e.request("GET", "/events", ""); code != http.StatusServiceUnavailable {
		t.Errorf("GET /events after Close: %d, want 503", code)
	}
	e.post(t, doc{ID: "a", Title: "A"}, http.StatusCreated)
	e.Broker.Close() // twice is harmless
}

// TestShutdown: with Close registered, Shutdown is not held by the open
// streams.
func TestShutdown(t *testing.T) {
	e := start(t, options{live: live.Config{Heartbeat: time.Hour}})
	e.HTTP.RegisterOnShutdown(e.Broker.Close)
	s := e.open(t, "/events")
	s.next(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := e.HTTP.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	s.ended(t)
}
