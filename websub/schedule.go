package websub

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"time"
)

// The scheduler is one goroutine that decides what is due and hands it
// to a free worker; the workers report back under h.mu. Everything that
// may be due sits in h.ready once (the queued flags), so a change to a
// topic with many subscribers costs one pass over them, and a worker
// never waits for another's subscriber.

// task is work for a worker: a verification, a delivery or a ping.
type task interface {
	run(ctx context.Context, h *Hub)
}

// queued is an entry of h.ready: a subscription to deliver to, a pair's
// pending request, or a ping (one of the three is set).
type queued struct {
	s    *sub
	p    *pending
	ping ping
}

// schedule runs until ctx ends: it takes the noted changes, then hands
// the due tasks to the workers one by one, and sleeps until a change, a
// request or a worker's report wakes it, or the next retry or sweep is
// due.
func (h *Hub) schedule(ctx context.Context) {
	defer h.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		t, wait := h.next(time.Now())
		if t != nil {
			select {
			case h.tasks <- t:
				continue
			case <-ctx.Done():
				return
			}
		}
		timer.Reset(wait)
		select {
		case <-h.wake:
		case <-timer.C:
		case <-ctx.Done():
			return
		}
	}
}

// next returns the next task due, or how long until one may be.
func (h *Hub) next(now time.Time) (task, time.Duration) {
	h.noteMu.Lock()
	notes := h.noted
	h.noted = nil
	h.noteMu.Unlock()
	// Each note's topics, found before the lock: the server's work.
	topics := make([][]string, len(notes))
	for i, n := range notes {
		topics[i] = h.topics.TopicsOf(n.facets)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	for i, n := range notes {
		h.absorb(n.seq, topics[i])
	}
	for len(h.retries) > 0 && !h.retries[0].at.After(now) {
		e := heap.Pop(&h.retries).(retryEntry)
		if s := e.s; h.subs[s.key()] == s && s.retryAt.Equal(e.at) {
			s.retryAt = time.Time{}
			h.pend(s)
		}
	}
	if !now.Before(h.nextSweep) {
		h.sweep(now)
	}
	for len(h.ready) > 0 {
		q := h.ready[0]
		h.ready[0] = queued{}
		h.ready = h.ready[1:]
		if t := h.taskOf(q, now); t != nil {
			return t, 0
		}
	}
	wait := h.nextSweep.Sub(now)
	if len(h.retries) > 0 {
		wait = min(wait, h.retries[0].at.Sub(now))
	}
	return nil, max(wait, time.Millisecond)
}

// absorb takes change seq, which touched topics: each becomes pending for
// its subscribers, and is pinged to the configured hubs (h.mu held).
func (h *Hub) absorb(seq uint64, topics []string) {
	for _, t := range topics {
		if seq <= h.newest[t] {
			continue // known already (read from the log at Start)
		}
		h.newest[t] = seq
		h.shared.forget(t)
		for s := range h.byTopic[t] {
			h.pend(s)
		}
		for _, hub := range h.cfg.Publish {
			if p := (ping{hub: hub, topic: t}); !h.pings[p] {
				h.pings[p] = true
				h.ready = append(h.ready, queued{ping: p})
			}
		}
	}
}

// pend queues s if it has a change to receive and is neither queued,
// being delivered nor waiting for a retry (h.mu held).
func (h *Hub) pend(s *sub) {
	if s.queued || s.busy || !s.retryAt.IsZero() || s.Delivered >= h.newest[s.Topic] {
		return
	}
	s.queued = true
	h.ready = append(h.ready, queued{s: s})
}

// taskOf makes the task of q, or nil when there is nothing left to do
// (h.mu held).
func (h *Hub) taskOf(q queued, now time.Time) task {
	switch {
	case q.p != nil:
		p := q.p
		p.inReady = false
		in := p.next
		if in == nil {
			return nil
		}
		p.next, p.running = nil, in
		return in
	case q.s != nil:
		s := q.s
		s.queued = false
		if h.subs[s.key()] != s {
			return nil // removed meanwhile
		}
		if !now.Before(s.Expires) {
			h.expire(s)
			return nil
		}
		to := h.newest[s.Topic]
		if s.Delivered >= to {
			return nil
		}
		s.busy = true
		return &delivery{s: s, topic: s.Topic, callback: s.Callback, secret: s.Secret, from: s.Delivered, to: to}
	default:
		delete(h.pings, q.ping)
		return q.ping
	}
}

// sweep removes the subscriptions whose lease ended and sets when the
// next sweep is due: a minute from now, or sooner when a lease ends
// before (h.mu held).
func (h *Hub) sweep(now time.Time) {
	h.nextSweep = now.Add(sweepEvery)
	for _, s := range h.subs {
		if !now.Before(s.Expires) {
			h.expire(s)
		} else if s.Expires.Before(h.nextSweep) {
			h.nextSweep = s.Expires
		}
	}
}

// expire removes s, whose lease ended (h.mu held).
func (h *Hub) expire(s *sub) {
	h.log.Info("websub: lease ended", "callback", s.Callback, "topic", s.Topic, "expires", s.Expires)
	h.remove(s)
}

// work runs the tasks the scheduler hands over until ctx ends.
func (h *Hub) work(ctx context.Context) {
	defer h.wg.Done()
	for {
		select {
		case t := <-h.tasks:
			t.run(ctx, h)
		case <-ctx.Done():
			return
		}
	}
}

// The backoff of a failing delivery: doubled from backoffMin at each
// failure up to backoffMax, give or take a quarter, so that the
// subscribers of a hub that restarts do not all come back at once.
const (
	backoffMin = time.Second
	backoffMax = 5 * time.Minute
)

// backoff is the wait after the n-th failure in a row (n ≥ 1).
func backoff(n int) time.Duration {
	d := backoffMax
	if n < 20 {
		d = min(backoffMin<<(n-1), backoffMax)
	}
	return d*3/4 + rand.N(d/2)
}

// retryEntry is a subscription waiting for its backoff until at.
type retryEntry struct {
	at time.Time
	s  *sub
}

// retryHeap orders the waiting subscriptions by time, earliest first. An
// entry whose subscription was removed or rescheduled since is dropped
// when it comes up.
type retryHeap []retryEntry

func (r retryHeap) Len() int           { return len(r) }
func (r retryHeap) Less(i, j int) bool { return r[i].at.Before(r[j].at) }
func (r retryHeap) Swap(i, j int)      { r[i], r[j] = r[j], r[i] }
func (r *retryHeap) Push(x any)        { *r = append(*r, x.(retryEntry)) }
func (r *retryHeap) Pop() any {
	old := *r
	e := old[len(old)-1]
	old[len(old)-1] = retryEntry{}
	*r = old[:len(old)-1]
	return e
}
