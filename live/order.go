package live

import (
	"context"
	"errors"
	"time"

	"sokbo/feed"
)

// Changes reach Publish out of order: the store commits concurrent posts
// in one transaction and each poster's goroutine then publishes its own
// change when the scheduler runs it. A stream must send them in order, or
// a client that disconnects after change 7 but before the late change 6
// resumes after 7 and never gets 6. So the broker delivers change next
// only, holds a change that arrives ahead of it, and delivers the held
// ones once the gap closes. Should a change never be published (a poster
// that panicked after its commit), fillGaps reads it from the change log
// after gapWait, so one lost change cannot stall every stream.

// gapWait is how long a gap may stay open before fillGaps fills it from
// the change log. A late Publish normally follows within microseconds; the
// wait bounds the delay of the changes behind a lost one.
const gapWait = 100 * time.Millisecond

// arrive takes ev in: delivers it and the held changes that follow when it
// is the next, holds it when it is ahead, and ignores it when it is behind
// (fillGaps delivered it from the log). b.mu is held.
func (b *Broker) arrive(ev *event) {
	switch {
	case b.closed || ev.seq < b.next:
		return
	case ev.seq > b.next:
		b.held[ev.seq] = ev
		select {
		case b.gap <- struct{}{}:
		default:
		}
		return
	}
	b.deliver(ev)
	b.next++
	b.deliverHeld()
}

// deliverHeld delivers the held changes that follow next without a gap.
// b.mu is held.
func (b *Broker) deliverHeld() {
	for {
		ev, ok := b.held[b.next]
		if !ok {
			return
		}
		delete(b.held, b.next)
		b.deliver(ev)
		b.next++
	}
}

// fillGaps fills, until ctx ends, each gap that stays open gapWait: it
// reads the missing changes from the log and delivers them in order with
// the held ones.
func (b *Broker) fillGaps(ctx context.Context) {
	wait := time.NewTimer(gapWait)
	wait.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.gap:
		}
		wait.Reset(gapWait)
		select {
		case <-ctx.Done():
			return
		case <-wait.C:
		}
		b.mu.Lock()
		from, to := b.next, b.next
		for seq := range b.held {
			to = max(to, seq)
		}
		b.mu.Unlock()
		if to == from {
			continue // closed in time
		}
		filled, err := b.readGap(ctx, from, to)
		if err != nil && ctx.Err() == nil {
			b.log.Error("live: fill a gap in the changes from the log", "from", from, "to", to, "err", err)
		}
		b.mu.Lock()
		b.closeGap(to, filled)
		if len(b.held) > 0 {
			select {
			case b.gap <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

// readGap returns the events of the logged changes numbered from to to-1
// (those held are replaced by what was published).
func (b *Broker) readGap(ctx context.Context, from, to uint64) (map[uint64]*event, error) {
	entries, _, err := b.src.ChangesAfter(ctx, from-1, int(to-from))
	if err != nil {
		return nil, err
	}
	filled := make(map[uint64]*event, len(entries))
	for _, e := range entries {
		ev, err := b.loggedEvent(ctx, e, e.Outcome.String())
		if err != nil {
			return filled, err
		}
		filled[e.Seq] = ev
	}
	return filled, nil
}

// closeGap delivers, in order, the changes up to to: each as published
// when it was (meanwhile), otherwise as read from the log, then the held
// ones that follow. A number in neither (the log could not be read, which
// fillGaps logged) is skipped: waiting longer would stall every stream.
// b.mu is held.
func (b *Broker) closeGap(to uint64, filled map[uint64]*event) {
	if b.closed {
		return
	}
	var lost []uint64
	for ; b.next < to; b.next++ {
		ev, ok := b.held[b.next]
		if ok {
			delete(b.held, b.next)
		} else if ev, ok = filled[b.next]; ok {
			lost = append(lost, b.next)
		}
		if ok {
			b.deliver(ev)
		}
	}
	b.deliverHeld()
	if len(lost) > 0 {
		b.log.Warn("live: changes never published, sent from the log", "seqs", lost)
	}
}

// loggedEvent is the event of the logged change e, typed typ, with the
// article as it is now. An article gone since is sent as deleted: its
// deletion may not touch the categories this change did (it moved out of
// one, then was deleted), and a category's client must still drop it.
func (b *Broker) loggedEvent(ctx context.Context, e feed.LoggedChange, typ string) (*event, error) {
	if typ != typeDeleted {
		a, err := b.src.Get(ctx, e.ID)
		if err == nil {
			return b.articleEvent(e.Seq, typ, a, e.Categories)
		}
		if !errors.Is(err, feed.ErrNotFound) {
			return nil, err
		}
	}
	return b.deletedEvent(e.Seq, e.ID, e.Categories, e.Categories)
}
