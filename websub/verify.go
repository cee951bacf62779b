package websub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pending is what a (topic, callback) pair was asked and not yet done:
// the request being verified and the latest one after it. A pair has one
// verification at a time, so that an earlier request's answer never
// lands after a later one's; a request waiting behind another replaces
// any before it (each request overrides the pair's state, WebSub 5.1).
type pending struct {
	k       key
	host    string
	running *intent
	next    *intent
	inReady bool
}

// intent is one subscription request as accepted.
type intent struct {
	p    *pending
	mode string // "subscribe" or "unsubscribe"
	// topic is as requested, and sent back so; canonical is the topic's
	// own URL, the subscription's, or "" when it is not a topic of this
	// hub and the request is denied (for reason).
	topic, canonical, reason string
	callback, secret         string
	lease                    time.Duration
}

// enqueue files in, a request for its pair, behind the one being verified
// (h.mu held).
func (h *Hub) enqueue(in *intent, host string) {
	k := in.key()
	was := h.isHeld(k)
	p := h.intents[k]
	if p == nil {
		p = &pending{k: k, host: host}
		h.intents[k] = p
	}
	in.p = p
	p.next = in
	if p.running == nil && !p.inReady {
		p.inReady = true
		h.ready = append(h.ready, queued{p: p})
	}
	h.count(k, host, was)
}

// run carries in out: denial, or verification of intent, then its effect.
func (in *intent) run(ctx context.Context, h *Hub) {
	var effect func()
	switch {
	case in.canonical == "":
		h.deny(ctx, in)
	default:
		at := time.Now()
		if err := h.verify(ctx, in); err != nil {
			if ctx.Err() == nil {
				h.log.Info("websub: verification failed", "mode", in.mode, "callback", in.callback, "topic", in.topic, "err", err)
			}
			break
		}
		if in.mode == modeUnsubscribe {
			effect = func() { h.unsubscribed(in) }
			break
		}
		// The subscriber starts from now: every later change is its.
		last, err := h.store.LastChange(ctx)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Error("websub: subscription verified but not activated", "callback", in.callback, "topic", in.topic, "err", err)
			}
			break
		}
		effect = func() { h.subscribed(in, at.Add(in.lease), last) }
	}
	if ctx.Err() != nil {
		return // closing: the subscriber will ask again
	}
	h.mu.Lock()
	if effect != nil {
		effect()
	}
	p := in.p
	was := h.isHeld(p.k)
	p.running = nil
	if p.next != nil {
		p.inReady = true
		h.ready = append(h.ready, queued{p: p})
	} else {
		delete(h.intents, p.k)
	}
	h.count(p.k, p.host, was)
	h.mu.Unlock()
	h.poke()
}

// subscribed activates in's subscription, or renews it: a new lease and
// secret, the same place in the change log (h.mu held).
func (h *Hub) subscribed(in *intent, expires time.Time, last uint64) {
	k := key{in.canonical, in.callback}
	s := h.subs[k]
	if s == nil {
		s = &sub{host: in.p.host}
		s.Topic, s.Callback, s.Delivered = in.canonical, in.callback, last
		s.Expires = expires
		h.add(s)
	}
	s.Secret, s.Expires = in.secret, expires
	if expires.Before(h.nextSweep) {
		h.nextSweep = expires
	}
	h.dirty[k] = true
	h.log.Info("websub: subscribed", "callback", in.callback, "topic", in.canonical, "expires", expires)
	h.flushNow()
	h.pend(s)
}

// unsubscribed ends in's subscription, if any (h.mu held).
func (h *Hub) unsubscribed(in *intent) {
	if s := h.subs[key{in.canonical, in.callback}]; s != nil {
		h.remove(s)
	}
	h.flushNow()
	h.log.Info("websub: unsubscribed", "callback", in.callback, "topic", in.canonical)
}

// maxChallengeAnswer bounds what is read of a verification's answer: the
// challenge is 64 bytes.
const maxChallengeAnswer = 4 << 10

// verify asks the subscriber to confirm in (WebSub 5.3): a GET of the
// callback with a random challenge, which a 2xx answer must echo as its
// whole body.
func (h *Hub) verify(ctx context.Context, in *intent) error {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // never fails (crypto/rand)
	challenge := hex.EncodeToString(raw)
	q := url.Values{"hub.mode": {in.mode}, "hub.topic": {in.topic}, "hub.challenge": {challenge}}
	if in.mode == modeSubscribe {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(in.lease/time.Second), 10))
	}
	res, err := h.get(ctx, in.callback, q)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxChallengeAnswer))
	switch {
	case err != nil:
		return fmt.Errorf("read the answer: %w", err)
	case res.StatusCode < 200 || res.StatusCode > 299:
		return fmt.Errorf("the callback answered %s", res.Status)
	case !bytes.Equal(body, []byte(challenge)):
		return fmt.Errorf("the callback answered %d bytes that are not the challenge", len(body))
	}
	return nil
}

// deny tells the subscriber that in was refused (WebSub 5.2); its answer
// does not matter.
func (h *Hub) deny(ctx context.Context, in *intent) {
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {in.topic}, "hub.reason": {in.reason}}
	res, err := h.get(ctx, in.callback, q)
	if err != nil {
		if ctx.Err() == nil {
			h.log.Info("websub: denial not delivered", "callback", in.callback, "topic", in.topic, "err", err)
		}
		return
	}
	drain(res)
	h.log.Info("websub: denied", "callback", in.callback, "topic", in.topic, "reason", in.reason)
}

// get sends a GET of callback with q added to its query: its own query
// is kept, as WebSub 5.3 requires.
func (h *Hub) get(ctx context.Context, callback string, q url.Values) (*http.Response, error) {
	u := callback
	switch {
	case !strings.Contains(u, "?"):
		u += "?"
	case !strings.HasSuffix(u, "?") && !strings.HasSuffix(u, "&"):
		u += "&"
	}
	u += q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", callback, err)
	}
	req.Header.Set("User-Agent", userAgent)
	return h.client.Do(req)
}
