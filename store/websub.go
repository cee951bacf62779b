package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/feed"
)

// The WebSub hub's subscriptions are kept here so that a restart loses
// neither a subscriber nor the changes it has yet to receive. They are
// few and small, and written outside the article writer: a subscription
// changes no feed, so it has no place in the change log or in a commit
// of articles.
//
//	websub   topic ‖ 0x00 ‖ callback → JSON subscriptionRecord
//
// The bucket is made by the first write, so that a file made before it
// still opens read-only.
var bucketWebSub = []byte("websub")

// subscriptionRecord is the stored form of a feed.Subscription: the file
// format stays put when the domain type changes.
type subscriptionRecord struct {
	Topic        string    `json:"topic"`
	Callback     string    `json:"callback"`
	Secret       string    `json:"secret,omitempty"`
	Expires      time.Time `json:"expires"`
	Delivered    uint64    `json:"delivered"`
	FailingSince time.Time `json:"failing_since,omitzero"`
}

// subscriptionKey is the key of the subscription of callback to topic.
// A topic never holds a NUL (it is a URL), so the first NUL ends it and
// no two pairs share a key; bbolt refuses keys past MaxKeySize, checked
// here so that no batch is half-tried.
func subscriptionKey(topic, callback string) ([]byte, error) {
	switch {
	case topic == "" || callback == "":
		return nil, fmt.Errorf("subscription of %.100q to %.100q: empty topic or callback", callback, topic)
	case strings.IndexByte(topic, 0) >= 0:
		return nil, fmt.Errorf("subscription of %.100q to %.100q: the topic holds a NUL byte", callback, topic)
	case len(topic)+1+len(callback) > bolt.MaxKeySize:
		return nil, fmt.Errorf("subscription of %.100q to %.100q: topic and callback are %d bytes together, more than %d", callback, topic, len(topic)+len(callback), bolt.MaxKeySize-1)
	}
	k := make([]byte, 0, len(topic)+1+len(callback))
	k = append(k, topic...)
	k = append(k, 0)
	return append(k, callback...), nil
}

// PutSubscriptions stores subs, each replacing any stored subscription
// with the same Topic and Callback (a later one in subs wins), in one
// transaction synced before it returns: either all are stored or none
// is. The hub acknowledges a round of deliveries with one call.
func (db *DB) PutSubscriptions(ctx context.Context, subs ...feed.Subscription) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(subs) == 0 {
		return nil
	}
	// Encode first: a bad subscription fails the call before the
	// transaction takes the file's write lock.
	keys := make([][]byte, len(subs))
	values := make([][]byte, len(subs))
	for i, s := range subs {
		k, err := subscriptionKey(s.Topic, s.Callback)
		if err != nil {
			return fmt.Errorf("put subscriptions: %w", err)
		}
		v, err := json.Marshal(subscriptionRecord{
			Topic: s.Topic, Callback: s.Callback, Secret: s.Secret, Delivered: s.Delivered,
			Expires: s.Expires.UTC(), FailingSince: s.FailingSince.UTC(),
		})
		if err != nil {
			return fmt.Errorf("put subscriptions: encode %.100q: %w", s.Callback, err)
		}
		keys[i], values[i] = k, v
	}
	err := db.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWebSub)
		if err != nil {
			return err
		}
		for i := range keys {
			if err := b.Put(keys[i], values[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put subscriptions: %w", err)
	}
	return nil
}

// DeleteSubscription removes the subscription of callback to topic; it is
// not an error when there is none.
func (db *DB) DeleteSubscription(ctx context.Context, topic, callback string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k, err := subscriptionKey(topic, callback)
	if err != nil {
		return fmt.Errorf("delete subscription: %w", err)
	}
	err = db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebSub)
		if b == nil {
			return nil
		}
		return b.Delete(k)
	})
	if err != nil {
		return fmt.Errorf("delete subscription: %w", err)
	}
	return nil
}

// Subscriptions returns every stored subscription, ordered by topic, then
// callback.
func (db *DB) Subscriptions(ctx context.Context) ([]feed.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []feed.Subscription
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebSub)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			r, err := decodeSubscription(k, v)
			if err != nil {
				return err
			}
			out = append(out, feed.Subscription{
				Topic: r.Topic, Callback: r.Callback, Secret: r.Secret, Expires: r.Expires,
				Delivered: r.Delivered, FailingSince: r.FailingSince,
			})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return out, nil
}

// decodeSubscription decodes the entry k → v of the websub bucket and
// checks that it is stored under its own key.
func decodeSubscription(k, v []byte) (subscriptionRecord, error) {
	var r subscriptionRecord
	if v == nil {
		return r, fmt.Errorf("subscription %.100q: a bucket, not a subscription", k)
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("decode subscription %.100q: %w", k, err)
	}
	if want, err := subscriptionKey(r.Topic, r.Callback); err != nil || !bytes.Equal(k, want) {
		return r, fmt.Errorf("subscription %.100q: stored under another key (of %.100q to %.100q)", k, r.Callback, r.Topic)
	}
	return r, nil
}

// update runs fn in a write transaction of its own, outside the article
// writer, unless the store is closed. Holding mu's read lock keeps Close
// from closing the file under it, and makes a write after Close
// ErrClosed, as the article writes are.
func (db *DB) update(fn func(tx *bolt.Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	return db.bolt.Update(fn)
}
