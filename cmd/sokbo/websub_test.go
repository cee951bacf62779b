package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sokbo/store"
)

// TestServeWebSub runs `sokbo serve` with its hub (private callbacks
// allowed, for a subscriber on 127.0.0.1): the feeds name the hub, a
// subscriber is verified, and an article posted through the API reaches
// it signed.
func TestServeWebSub(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	const token, secret = "x-0123456789abcdef", "subscriber secret"
	cfgPath := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(cfgPath, []byte("listen: "+addr+"\ndatabase: "+filepath.Join(dir, "db")+"\ntoken: "+token+
		"\nwebsub:\n  allow_private_callbacks: true\n  timeout: 5s\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", cfgPath}, func(string) string { return "" }, &logs, &logs)
	}()
	base := "http://" + addr + "/"
	waitUp(t, base+"healthz", done)

	// Discovery: the feed names the hub (WebSub 4).
	res, err := http.Get(base + "feed.atom")
	must(t, err)
	res.Body.Close()
	if link := strings.Join(res.Header.Values("Link"), ", "); !strings.Contains(link, "<"+base+`websub>; rel="hub"`) {
		t.Errorf("the feed's Link %q does not name the hub", link)
	}

	// The subscriber: echoes the challenge, records deliveries.
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get("X-Hub-Signature"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer cb.Close()
	topic := base + "feed.atom"
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {cb.URL + "/cb"}, "hub.secret": {secret}}
	res, err = http.PostForm(base+"websub", form)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d, want 202\n%s", res.StatusCode, logs.String())
	}
	// Active once the hub says so (after the echo).
	poll(t, "the subscription", func() bool { return strings.Contains(logs.String(), "websub: subscribed") })

	req, _ := http.NewRequest(http.MethodPost, base+"api/articles", strings.NewReader("---\ntitle: Ferry rescue\n---\nAll 42 passengers were rescued.\n"))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	res, err = http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST article: %d", res.StatusCode)
	}
	poll(t, "the delivery", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(bodies) > 0
	})
	mu.Lock()
	body, sig := bodies[0], sigs[0]
	mu.Unlock()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); sig != want {
		t.Errorf("X-Hub-Signature %q, want %q", sig, want)
	}
	f, err := gofeed.NewParser().ParseString(string(body))
	if err != nil || len(f.Items) != 1 || f.Items[0].Title != "Ferry rescue" {
		t.Errorf("delivered feed: %v\n%s", err, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	// The hub stopped before the store closed: the subscription and its
	// acknowledged delivery are on disk, and nothing was left unsaved.
	if strings.Contains(logs.String(), "without saving") {
		t.Errorf("the hub could not save its acknowledgements:\n%s", logs.String())
	}
	db, err := store.Open(filepath.Join(dir, "db"), store.Options{ReadOnly: true})
	must(t, err)
	defer db.Close()
	subs, err := db.Subscriptions(context.Background())
	must(t, err)
	last, err := db.LastChange(context.Background())
	must(t, err)
	if len(subs) != 1 || subs[0].Topic != topic || subs[0].Delivered != last || last == 0 {
		t.Errorf("stored subscriptions %+v, want one of %s delivered up to change %d", subs, topic, last)
	}
}

// poll waits for cond, failing the test after a deadline.
func poll(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
