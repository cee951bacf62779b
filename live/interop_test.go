package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	gosse "github.com/tmaxmax/go-sse"
)

// TestIndependentClient: an SSE client we did not write (go-sse), which
// reconnects by itself with Last-Event-ID when its connection breaks,
// receives every post exactly once across a broken connection, with the
// posts made while it was away.
func TestIndependentClient(t *testing.T) {
	e := start(t, options{})
	// The client's connections, so that the test can break them.
	var mu sync.Mutex
	var conns []net.Conn
	dial := (&net.Dialer{}).DialContext
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err == nil {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
		return c, err
	}}}
	client := &gosse.Client{HTTPClient: hc, Backoff: gosse.Backoff{InitialInterval: 10 * time.Millisecond, MaxRetries: 0}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/events", nil)
	conn := client.NewConnection(req)

	got := map[string]int{}
	var lastIDs []string
	events := make(chan struct{}, 100)
	conn.SubscribeMessages(func(ev gosse.Event) {
		if ev.Data == "" {
			// An id: line without data, which moves the client's last
			// event id: EventSource dispatches no event for it, go-sse
			// an empty one.
			return
		}
		var m struct{ Type, ID string }
		if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
			t.Errorf("event data %q: %v", ev.Data, err)
			return
		}
		mu.Lock()
		got[m.Type+" "+m.ID]++
		lastIDs = append(lastIDs, ev.LastEventID)
		mu.Unlock()
		events <- struct{}{}
	})
	done := make(chan error, 1)
	go func() { done <- conn.Connect() }()

	// Wait for the stream to be open: a post then reaches it.
	deadline := time.Now().Add(10 * time.Second)
	for e.Broker.Streams() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the client did not connect")
		}
		time.Sleep(5 * time.Millisecond)
	}
	wait := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-events:
			case <-time.After(10 * time.Second):
				t.Fatalf("an event did not arrive; got %v", got)
			}
		}
	}
	e.post(t, doc{ID: "one", Title: "One"}, http.StatusCreated)
	wait(1)

	// Break the connection, post while the client is away, and let it
	// reconnect on its own.
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	for e.Broker.Streams() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	for i := range 3 {
		e.post(t, doc{ID: fmt.Sprintf("away-%d", i), Title: "Away"}, http.StatusCreated)
	}
	wait(3)
	e.post(t, doc{ID: "back", Title: "Back"}, http.StatusCreated)
	e.delete(t, "one")
	wait(2)
	cancel()
	<-done

	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"created one": 1, "created away-0": 1, "created away-1": 1, "created away-2": 1, "created back": 1, "deleted one": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %v, want each of %v once", got, want)
	}
	if len(conns) < 2 {
		t.Errorf("the client made %d connections; the test meant it to reconnect", len(conns))
	}
	for i := 1; i < len(lastIDs); i++ {
		if lastIDs[i] <= lastIDs[i-1] && len(lastIDs[i]) <= len(lastIDs[i-1]) {
			t.Errorf("event ids not increasing: %q", lastIDs)
			break
		}
	}
}
