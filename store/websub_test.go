package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
	"sokbo/store"
)

// sub returns a subscription of callback to topic, delivered up to seq.
func sub(topic, callback string, seq uint64) feed.Subscription {
	return feed.Subscription{Topic: topic, Callback: callback, Expires: t0.Add(240 * time.Hour), Delivered: seq}
}

// subscriptions returns what Subscriptions returns and fails the test on
// error.
func subscriptions(tb testing.TB, db *store.DB) []feed.Subscription {
	tb.Helper()
	got, err := db.Subscriptions(context.Background())
	if err != nil {
		tb.Fatalf("Subscriptions: %v", err)
	}
	return got
}

// TestSubscriptions: subscriptions come back as stored, in key order; a
// put replaces the subscription of the same topic and callback (the
// later of a batch wins); a delete removes one, and deleting one that is
// not there is no error; all of it survives reopening the file.
func TestSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbPath(t)
	db := openAt(t, path, store.Options{})

	if got := subscriptions(t, db); len(got) != 0 {
		t.Fatalf("Subscriptions of a new store = %v, want none", got)
	}
	const site, news = "https://example.org/feed.atom", "https://example.org/category/news/feed.rss"
	seoul := time.FixedZone("KST", 9*3600)
	a := feed.Subscription{Topic: site, Callback: "https://a.example/cb", Secret: "s3cret",
		Expires: time.Date(2024, 6, 1, 18, 0, 0, 5, seoul), Delivered: 7, FailingSince: t0}
	b := sub(site, "https://b.example/cb?id=1", 3)
	c := sub(news, "https://a.example/cb", 0)
	if err := db.PutSubscriptions(ctx, c, b, a); err != nil {
		t.Fatalf("PutSubscriptions: %v", err)
	}
	// Key order: the news topic sorts before the site's feed.atom.
	want := []feed.Subscription{c, a, b}
	if diff := cmp.Diff(want, subscriptions(t, db)); diff != "" {
		t.Errorf("after the first put (-want +got):\n%s", diff)
	}

	a2 := a
	a2.Delivered, a2.FailingSince, a2.Secret = 9, time.Time{}, ""
	b2 := b
	b2.Delivered = 5
	if err := db.PutSubscriptions(ctx, a2, b, b2); err != nil {
		t.Fatalf("PutSubscriptions (upsert): %v", err)
	}
	want = []feed.Subscription{c, a2, b2}
	if diff := cmp.Diff(want, subscriptions(t, db)); diff != "" {
		t.Errorf("after the upsert (-want +got):\n%s", diff)
	}

	if err := db.DeleteSubscription(ctx, news, c.Callback); err != nil {
		t.Fatalf("DeleteSubscription: %v", err)
	}
	if err := db.DeleteSubscription(ctx, news, c.Callback); err != nil {
		t.Errorf("DeleteSubscription of one already gone = %v, want nil", err)
	}
	if err := db.DeleteSubscription(ctx, news, "https://never.example/"); err != nil {
		t.Errorf("DeleteSubscription of one never stored = %v, want nil", err)
	}
	if err := db.PutSubscriptions(ctx); err != nil {
		t.Errorf("PutSubscriptions() = %v, want nil", err)
	}
	want = []feed.Subscription{a2, b2}
	if diff := cmp.Diff(want, subscriptions(t, db)); diff != "" {
		t.Errorf("after the delete (-want +got):\n%s", diff)
	}
	mustCheck(t, db)

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path, store.Options{})
	if diff := cmp.Diff(want, subscriptions(t, db)); diff != "" {
		t.Errorf("after reopening (-want +got):\n%s", diff)
	}
	mustCheck(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSubscriptions(ctx, a); !errors.Is(err, store.ErrClosed) {
		t.Errorf("PutSubscriptions after Close = %v, want ErrClosed", err)
	}
	if err := db.DeleteSubscription(ctx, a.Topic, a.Callback); !errors.Is(err, store.ErrClosed) {
		t.Errorf("DeleteSubscription after Close = %v, want ErrClosed", err)
	}
}

// TestSubscriptionsOldFile: a file made before subscriptions were kept
// (no websub bucket) still opens read-only and lists none; a read-only
// store refuses to store one.
func TestSubscriptionsOldFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := dbPath(t)
	db := openAt(t, path, store.Options{})
	put(t, db, article("a", t0, "News"))
	if err := db.PutSubscriptions(ctx, sub("https://example.org/feed.rss", "https://a.example/", 1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	editBolt(t, path, func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("websub")) })

	ro := openAt(t, path, store.Options{ReadOnly: true})
	if got := subscriptions(t, ro); len(got) != 0 {
		t.Errorf("Subscriptions of a file without them = %v, want none", got)
	}
	if err := ro.PutSubscriptions(ctx, sub("https://example.org/feed.rss", "https://a.example/", 1)); err == nil {
		t.Error("PutSubscriptions on a read-only store succeeded")
	}
	if err := ro.DeleteSubscription(ctx, "https://example.org/feed.rss", "https://a.example/"); err == nil {
		t.Error("DeleteSubscription on a read-only store succeeded")
	}
	mustCheck(t, ro)
}

// TestSubscriptionsBatchAtomic: a batch is stored whole or not at all. A
// reader never sees part of a batch, and a batch with one subscription
// that cannot be stored stores none of the others.
func TestSubscriptionsBatchAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	const topic = "https://example.org/feed.json"
	batch := func(seq uint64) []feed.Subscription {
		return []feed.Subscription{sub(topic, "https://a.example/", seq), sub(topic, "https://b.example/", seq), sub(topic, "https://c.example/", seq)}
	}
	if err := db.PutSubscriptions(ctx, batch(0)...); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			subs, err := db.Subscriptions(ctx)
			if err != nil {
				t.Errorf("Subscriptions: %v", err)
				return
			}
			for _, s := range subs[1:] {
				if s.Delivered != subs[0].Delivered {
					t.Errorf("a reader saw part of a batch: %v", subs)
					return
				}
			}
		}
	})
	for seq := uint64(1); seq <= 50; seq++ {
		if err := db.PutSubscriptions(ctx, batch(seq)...); err != nil {
			t.Errorf("PutSubscriptions(%d): %v", seq, err)
			break
		}
	}
	close(done)
	wg.Wait()

	bad := append(batch(100), sub(topic, "https://"+strings.Repeat("x", bolt.MaxKeySize)+"/", 100))
	if err := db.PutSubscriptions(ctx, bad...); err == nil {
		t.Fatal("PutSubscriptions of a batch with a key too long succeeded")
	}
	if diff := cmp.Diff(batch(50), subscriptions(t, db)); diff != "" {
		t.Errorf("after the refused batch (-want +got):\n%s", diff)
	}
}

// TestSubscriptionKeys: a topic and callback that make no key (too long
// for bbolt, empty, or a topic with a NUL, which would blur where the
// topic ends) are an error from every method, not a panic; the longest
// key bbolt takes is stored.
func TestSubscriptionKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := openTemp(t, nil)
	const topic = "https://example.org/feed.rss"
	longest := "https://a.example/" + strings.Repeat("x", bolt.MaxKeySize-len(topic)-1-len("https://a.example/"))
	tests := []struct {
		name            string
		topic, callback string
		ok              bool
	}{
		{"longest key", topic, longest, true},
		{"one byte too long", topic, longest + "x", false},
		{"far too long", strings.Repeat("t", bolt.MaxKeySize), strings.Repeat("c", bolt.MaxKeySize), false},
		{"empty topic", "", "https://a.example/", false},
		{"empty callback", topic, "", false},
		{"NUL in the topic", topic + "\x00x", "https://a.example/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.PutSubscriptions(ctx, sub(tt.topic, tt.callback, 1))
			if (err == nil) != tt.ok {
				t.Errorf("PutSubscriptions = %v, want ok %v", err, tt.ok)
			}
			err = db.DeleteSubscription(ctx, tt.topic, tt.callback)
			if (err == nil) != tt.ok {
				t.Errorf("DeleteSubscription = %v, want ok %v", err, tt.ok)
			}
		})
	}
	if got := subscriptions(t, db); len(got) != 0 {
		t.Errorf("Subscriptions = %d left, want none", len(got))
	}
}

// TestCheckSubscriptions: Check reports a subscription it cannot decode
// and one stored under a key that is not its own (which an upsert would
// not replace).
func TestCheckSubscriptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := openTemp(t, nil)
	if err := db.PutSubscriptions(ctx, sub("https://example.org/feed.rss", "https://a.example/", 1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	editBolt(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("websub"))
		if err := b.Put([]byte("https://example.org/feed.rss\x00https://b.example/"), []byte("{not json")); err != nil {
			return err
		}
		return b.Put([]byte("https://example.org/feed.atom\x00https://c.example/"), []byte(`{"topic":"https://example.org/feed.rss","callback":"https://c.example/"}`))
	})
	db = openAt(t, path, store.Options{})
	problems, err := db.Check(ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	want := []string{`decode subscription`, `stored under another key`}
	if len(problems) != len(want) {
		t.Fatalf("Check = %q, want %d problems", problems, len(want))
	}
	for _, w := range want {
		found := false
		for _, p := range problems {
			found = found || strings.HasPrefix(p, "websub: ") && strings.Contains(p, w)
		}
		if !found {
			t.Errorf("Check = %q, want a websub problem with %q", problems, w)
		}
	}
	if _, err := db.Subscriptions(ctx); err == nil {
		t.Error("Subscriptions of a store with a broken one succeeded")
	}
}
