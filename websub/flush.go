package websub

import (
	"context"
	"fmt"
	"time"

	"sokbo/feed"
)

// Acknowledgements (a subscription's Delivered moved on, its lease
// renewed, its failures begun or over) are written together every
// flushEvery, in one transaction: at the rate of a breaking story and
// thousands of subscribers, one fsync per delivery would be the hub's
// bottleneck. A crash loses at most that much, and those deliveries are
// made again: at least once. A subscription verified or ended is written
// at once instead: the subscriber was just told so, and they are few.

// flushLoop flushes every flushEvery until ctx ends; Close flushes last.
func (h *Hub) flushLoop(ctx context.Context) {
	defer h.wg.Done()
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-t.C:
		case <-h.flushSoon:
		case <-ctx.Done():
			return
		}
		// One line when saving begins to fail and one when it works
		// again, not one every flushEvery.
		switch err := h.flush(ctx); {
		case err != nil && !failing && ctx.Err() == nil:
			h.log.Error("websub: subscriptions not saved; trying again", "err", err)
			failing = true
		case err == nil && failing:
			h.log.Info("websub: subscriptions saved again")
			failing = false
		}
	}
}

// flushNow has the subscriptions written without waiting for the tick.
func (h *Hub) flushNow() {
	select {
	case h.flushSoon <- struct{}{}:
	default:
	}
}

// flush writes the subscriptions that changed since the last flush as
// they are now, and deletes the records of those that ended. What fails
// to be written is kept for the next flush, unless changed again.
func (h *Hub) flush(ctx context.Context) error {
	h.flushMu.Lock()
	defer h.flushMu.Unlock()
	h.mu.Lock()
	if len(h.dirty) == 0 {
		h.mu.Unlock()
		return nil
	}
	dirty := h.dirty
	h.dirty = map[key]bool{}
	var puts []feed.Subscription
	var dels []key
	for k := range dirty {
		if s := h.subs[k]; s != nil {
			puts = append(puts, s.Subscription)
		} else {
			dels = append(dels, k)
		}
	}
	h.mu.Unlock()

	// No cancellation midway: a write begun is finished.
	ctx = context.WithoutCancel(ctx)
	err := h.store.PutSubscriptions(ctx, puts...)
	for _, k := range dels {
		if err != nil {
			break
		}
		err = h.store.DeleteSubscription(ctx, k.topic, k.callback)
	}
	if err != nil {
		// Written again whole next time: rewriting what did get written
		// is harmless, for the record is the subscription as it is then.
		h.mu.Lock()
		for k := range dirty {
			h.dirty[k] = true
		}
		h.mu.Unlock()
		return fmt.Errorf("save %d subscriptions, delete %d: %w", len(puts), len(dels), err)
	}
	return nil
}
