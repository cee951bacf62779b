package live

import (
	"context"
	"fmt"

	"sokbo/feed"
)

// replayPage is how many logged changes a replay reads at a time.
const replayPage = 1000

// replay writes what the client of s missed after change after, from the
// change log up to the last change logged now, and returns the number its
// last event id has then. Changes after that reach s live: it subscribed
// before the log was read, and drops what the replay already sent. An
// article that changed several times is replayed once, as it is now (or
// as deleted). When the log no longer reaches back to after, or after is
// no number this log gave (not a number, or one ahead of the log: another
// database's), the client gets a reset event instead.
func (b *Broker) replay(ctx context.Context, k *sink, s *stream, from lastID) (uint64, error) {
	last, err := b.src.LastChange(ctx)
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	after := from.n
	if !from.valid || after > last {
		return last, k.write(resetEvent(last))
	}
	entries, complete, err := b.missed(ctx, s.key, after, last)
	if err != nil {
		return 0, fmt.Errorf("replay after %d: %w", after, err)
	}
	if !complete {
		return last, k.write(resetEvent(last))
	}
	sent := after
	for _, e := range newest(entries) {
		if s.gone.Load() {
			return sent, errGone
		}
		ev, err := b.loggedEvent(ctx, e.LoggedChange, e.typ)
		if err != nil {
			return sent, fmt.Errorf("replay change %d: %w", e.Seq, err)
		}
		if err := k.write(ev.wire); err != nil {
			return sent, err
		}
		sent = e.Seq
	}
	if sent < last {
		// The last changes were not this stream's, or were superseded:
		// the client's last event id moves past them all the same.
		if err := k.write(cursor(last)); err != nil {
			return sent, err
		}
	}
	return last, nil
}

// missed returns the logged changes numbered after+1 to last that touched
// the category key ("" for every change). complete is false when the log
// no longer holds them all.
func (b *Broker) missed(ctx context.Context, key string, after, last uint64) (out []feed.LoggedChange, complete bool, err error) {
	for from := after; from < last; {
		page, complete, err := b.src.ChangesAfter(ctx, from, int(min(replayPage, last-from)))
		switch {
		case err != nil:
			return nil, false, err
		case !complete:
			return nil, false, nil
		case len(page) == 0:
			return out, true, nil
		}
		for _, e := range page {
			if key == "" || touches(e.Categories, key) {
				out = append(out, e)
			}
		}
		from = page[len(page)-1].Seq
	}
	return out, true, nil
}

// touches reports whether categories has one whose key is key.
func touches(categories []string, key string) bool {
	for _, c := range categories {
		if feed.CategoryKey(c) == key {
			return true
		}
	}
	return false
}

// replayed is a logged change to replay, with its event's type.
type replayed struct {
	feed.LoggedChange
	typ string
}

// newest returns the last of entries for each article, in the log's
// order: the article is sent as it is now, so its earlier changes would
// only repeat it. An article created in the gap and updated since is
// replayed as created, since the client never saw it.
func newest(entries []feed.LoggedChange) []replayed {
	lastAt := make(map[string]int, len(entries))
	created := map[string]bool{}
	for i, e := range entries {
		lastAt[e.ID] = i
		if e.Outcome == feed.Created {
			created[e.ID] = true
		}
	}
	out := make([]replayed, 0, len(lastAt))
	for i, e := range entries {
		if lastAt[e.ID] != i {
			continue
		}
		typ := e.Outcome.String()
		if e.Outcome == feed.Updated && created[e.ID] {
			typ = typeCreated
		}
		out = append(out, replayed{e, typ})
	}
	return out
}
