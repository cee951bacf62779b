package websub

import (
	"bytes"
	"container/heap"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"sokbo/feed"
)

// delivery is a task: send topic's content, as of change to, to one
// subscriber, whose last received change is from. The fields are copied
// from the subscription when the task is made, so the worker reads them
// without the lock.
type delivery struct {
	s                       *sub
	topic, callback, secret string
	from, to                uint64
}

// maxDrained bounds what is read of a subscriber's answer to a delivery,
// which WebSub 7 says to ignore: enough to reuse the connection.
const maxDrained = 64 << 10

// run delivers d and reports the outcome.
func (d *delivery) run(ctx context.Context, h *Hub) {
	started := time.Now()
	code, err := h.deliver(ctx, d)
	if ctx.Err() != nil {
		return // closing: it stays pending, for after the restart
	}
	h.delivered(d, started, code, err)
}

// deliver sends d: the status of the subscriber's answer, 0 when there
// was nothing to send.
func (h *Hub) deliver(ctx context.Context, d *delivery) (int, error) {
	body, ctype, err := h.content(ctx, d)
	if errors.Is(err, feed.ErrNotFound) || err == nil && body == nil {
		// The topic is gone (a category emptied) or no item of it
		// changed: there is nothing to send.
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("content of %s: %w", d.topic, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.callback, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("request %s: %w", d.callback, err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", userAgent)
	// WebSub 7: the hub, and the topic's canonical URL.
	req.Header.Set("Link", "<"+h.self+`>; rel="hub", <`+d.topic+`>; rel="self"`)
	if d.secret != "" {
		req.Header.Set("X-Hub-Signature", signature(d.secret, body))
	}
	res, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	drain(res)
	return res.StatusCode, nil
}

// signature is the X-Hub-Signature of body under secret (WebSub 8):
// "sha256=" and the hex of its HMAC-SHA256.
func signature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// drain reads a little of res's body, so that the connection may serve
// again, and closes it.
func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxDrained))
	res.Body.Close()
}

// content is what d carries: the topic's current feed, or in "changes"
// mode the items changed in (from, to].
func (h *Hub) content(ctx context.Context, d *delivery) (body []byte, ctype string, err error) {
	if h.cfg.Content == ContentChanges {
		return h.shared.get(ctx, shareKey{d.topic, d.from, d.to}, func(ctx context.Context) ([]byte, string, error) {
			return h.changes(ctx, d.topic, d.from, d.to)
		})
	}
	return h.topics.Document(ctx, d.topic)
}

// maxChanged is the most items a changes document holds: past it the
// whole feed (which holds the newest anyway) is sent instead.
const maxChanged = 100

// logKept is how many changes the store's log keeps.
const logKept = 10_000

// changes renders the changes of topic numbered in (from, to], or the
// topic's whole feed when the log no longer holds them all or they are
// many; nil when none touched the topic.
func (h *Hub) changes(ctx context.Context, topic string, from, to uint64) ([]byte, string, error) {
	if to-from > logKept {
		return h.topics.Document(ctx, topic)
	}
	logged, complete, err := h.store.ChangesAfter(ctx, from, int(to-from))
	if err != nil {
		return nil, "", fmt.Errorf("read the change log: %w", err)
	}
	if !complete {
		return h.topics.Document(ctx, topic)
	}
	var mine []feed.LoggedChange
	for _, c := range logged {
		if c.Seq <= to && slices.Contains(h.topics.TopicsOf(c.Facets()), topic) {
			mine = append(mine, c)
		}
	}
	switch {
	case len(mine) == 0:
		return nil, "", nil
	case len(mine) > maxChanged:
		return h.topics.Document(ctx, topic)
	}
	return h.topics.ChangesDocument(ctx, topic, mine)
}

// delivered records the outcome of d, made at started: any 2xx moves the
// subscription on; 410 Gone ends it (WebSub 7); anything else is retried
// after a backoff until RetryFor has passed since the first failure, when
// the delivery is dropped.
func (h *Hub) delivered(d *delivery, started time.Time, code int, err error) {
	h.mu.Lock()
	defer h.poke()
	defer h.mu.Unlock()
	s := d.s
	s.busy = false
	if h.subs[s.key()] != s {
		return // unsubscribed or expired meanwhile
	}
	switch {
	case err == nil && (code == 0 || code >= 200 && code <= 299):
		s.Delivered = max(s.Delivered, d.to)
		s.FailingSince, s.attempts = time.Time{}, 0
	case err == nil && code == http.StatusGone:
		h.log.Info("websub: the subscriber ended its subscription (410 Gone)", "callback", s.Callback, "topic", s.Topic)
		h.remove(s)
		return
	default:
		if err == nil {
			err = fmt.Errorf("the callback answered %d %s", code, http.StatusText(code))
		}
		if s.FailingSince.IsZero() {
			s.FailingSince = started
		}
		s.attempts++
		if now := time.Now(); now.Sub(s.FailingSince) >= h.cfg.RetryFor {
			h.log.Warn("websub: delivery dropped", "callback", s.Callback, "topic", s.Topic, "change", d.to,
				"failing_since", s.FailingSince, "attempts", s.attempts, "err", err)
			s.Delivered = max(s.Delivered, d.to)
			s.FailingSince, s.attempts = time.Time{}, 0
		} else {
			s.retryAt = now.Add(backoff(s.attempts))
			heap.Push(&h.retries, retryEntry{at: s.retryAt, s: s})
			h.log.Info("websub: delivery failed, will retry", "callback", s.Callback, "topic", s.Topic, "attempts", s.attempts, "retry_at", s.retryAt, "err", err)
		}
	}
	h.dirty[s.key()] = true
	h.pend(s)
}

// ping asks a configured hub to fetch a topic (hub.mode=publish): best
// effort, one request, logged.
type ping struct{ hub, topic string }

func (p ping) run(ctx context.Context, h *Hub) {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {p.topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.hub, strings.NewReader(form.Encode()))
	if err != nil {
		h.log.Warn("websub: ping not sent", "hub", p.hub, "topic", p.topic, "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)
	res, err := h.pinger.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			h.log.Warn("websub: ping failed", "hub", p.hub, "topic", p.topic, "err", err)
		}
		return
	}
	drain(res)
	if res.StatusCode < 200 || res.StatusCode > 299 {
		h.log.Warn("websub: ping refused", "hub", p.hub, "topic", p.topic, "status", res.StatusCode)
	}
}
