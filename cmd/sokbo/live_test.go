package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeLive runs `sokbo serve`, over HTTP/1.1 and over HTTP/2 (TLS),
// and reads its live streams while an article is posted; stopping the
// server ends the open streams at once, well within the shutdown grace.
func TestServeLive(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"http1", false}, {"http2", true}} {
		t.Run(tc.name, func(t *testing.T) { testServeLive(t, tc.tls) })
	}
}

// sseEvent is a block of a stream, as the e2e test reads it.
type sseEvent struct {
	id, data string
	ping     bool
}

func testServeLive(t *testing.T, useTLS bool) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const token = "x-0123456789abcdef"
	cfg := "listen: " + addr + "\ndatabase: " + filepath.Join(dir, "db") + "\ntoken: " + token +
		"\nshutdown:\n  grace: 1m\nlive:\n  heartbeat: 1s\n"
	base, client := "http://"+addr, &http.Client{}
	if useTLS {
		certPath, keyPath := selfSigned(t, dir)
		cfg += "tls:\n  cert: " + certPath + "\n  key: " + keyPath + "\n"
		base = "https://" + addr
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true}
	}
	cfgPath := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", cfgPath}, func(string) string { return "" }, &logs, &logs)
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v\n%s", err, logs.String())
		}
	}

	// stream reads a stream's blocks into a channel, closed at its end.
	stream := func(path string) <-chan sseEvent {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if wantMajor := map[bool]int{false: 1, true: 2}[useTLS]; res.ProtoMajor != wantMajor {
			t.Errorf("GET %s over %s", path, res.Proto)
		}
		c := make(chan sseEvent, 100)
		go func() {
			defer close(c)
			sc := bufio.NewScanner(res.Body)
			var e sseEvent
			for sc.Scan() {
				switch line := sc.Text(); {
				case line == "":
					c <- e
					e = sseEvent{}
				case strings.HasPrefix(line, "id: "):
					e.id = strings.TrimPrefix(line, "id: ")
				case strings.HasPrefix(line, "data: "):
					e.data = strings.TrimPrefix(line, "data: ")
				case line == ": ping":
					e.ping = true
				}
			}
		}()
		return c
	}
	// next returns the next block that want accepts.
	next := func(c <-chan sseEvent, want func(sseEvent) bool) sseEvent {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case e, ok := <-c:
				if !ok {
					t.Fatal("stream ended")
				}
				if want(e) {
					return e
				}
			case <-timeout:
				t.Fatal("no event within 15s")
			}
		}
	}

	site, news := stream("/events"), stream("/category/news/events")
	doc := "---\nid: ferry-rescue\ntitle: Ferry rescue\ncategories: [News]\n---\nAll **42** passengers were rescued. <mark>No one was hurt.</mark>\n"
	req, _ := http.NewRequest("POST", base+"/api/articles", strings.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d", res.StatusCode)
	}
	for _, c := range []<-chan sseEvent{site, news} {
		e := next(c, func(e sseEvent) bool { return e.data != "" })
		var m struct{ Type, ID, Title, URL, Summary string }
		if err := json.Unmarshal([]byte(e.data), &m); err != nil {
			t.Fatalf("event data %s: %v", e.data, err)
		}
		if e.id != "1" || m.Type != "created" || m.ID != "ferry-rescue" || m.Title != "Ferry rescue" ||
			m.URL != base+"/articles/ferry-rescue" || m.Summary != "No one was hurt." {
			t.Errorf("event %s: %s", e.id, e.data)
		}
	}
	next(site, func(e sseEvent) bool { return e.ping })

	// The shutdown grace is a minute: the streams end at once all the same.
	stopped := time.Now()
	cancel()
	for _, c := range []<-chan sseEvent{site, news} {
		timeout := time.After(15 * time.Second)
	drain:
		for {
			select {
			case _, ok := <-c:
				if !ok {
					break drain
				}
			case <-timeout:
				t.Fatal("a stream is still open after the shutdown began")
			}
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if d := time.Since(stopped); d > 10*time.Second {
		t.Errorf("shutdown took %s with streams open", d)
	}
}

// TestServeLiveDisabled: with live.enabled false, no stream is served.
func TestServeLiveDisabled(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	cfgPath := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(cfgPath, []byte("listen: "+addr+"\ndatabase: "+filepath.Join(dir, "db")+
		"\ntoken: x-0123456789abcdef\nlive:\n  enabled: false\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", cfgPath}, func(string) string { return "" }, &logs, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	waitUp(t, "http://"+addr+"/healthz", done)
	res, err := http.Get("http://" + addr + "/events")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /events with live disabled: %d, want 404", res.StatusCode)
	}
}
