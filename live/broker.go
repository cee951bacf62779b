package live

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"

	"sokbo/feed"
)

// Source is what the streams read from the store: the change log, to
// resume a client and to fill a gap (order.go), and the articles it names.
// *store.DB satisfies it.
type Source interface {
	// ChangesAfter returns at most limit logged changes numbered above
	// after, oldest first; complete is false when the log no longer holds
	// every change after it.
	ChangesAfter(ctx context.Context, after uint64, limit int) (changes []feed.LoggedChange, complete bool, err error)
	// LastChange returns the number of the last logged change.
	LastChange(ctx context.Context) (uint64, error)
	// Get returns the article id, or an error wrapping feed.ErrNotFound.
	Get(ctx context.Context, id string) (*feed.Article, error)
}

// Broker hands every change to the streams that want it, in the order of
// the change log, and serves the streams (stream.go).
type Broker struct {
	cfg        Config
	src        Source
	base       *url.URL
	highlights int
	log        *slog.Logger

	// cancel ends the gap filler's store reads (Close).
	cancel context.CancelFunc
	// gap wakes the gap filler (order.go).
	gap chan struct{}
	// queue holds the published events dispatch has yet to hand out, and
	// wake tells it there are some.
	qmu   sync.Mutex
	queue []*event
	wake  chan struct{}
	// delivered is the number of the last change handed to the streams:
	// every later one will be. Streams read it without the lock.
	delivered atomic.Uint64

	mu     sync.Mutex
	closed bool
	// streams holds the open streams by CategoryKey, "" for the site's.
	streams map[string]map[*stream]struct{}
	// open counts the streams being served, MaxStreams at most. A dropped
	// stream counts until its handler returns: its goroutine and
	// connection are still there.
	open int
	// next and held order the changes (order.go).
	next uint64
	held map[uint64]*event
}

// stream is one client's subscription. Its channel is closed, and gone
// set, when the broker drops it or closes.
type stream struct {
	key  string
	ch   chan *event
	gone atomic.Bool
}

// New returns a broker over src that has seen every change up to the
// last logged one (ctx bounds that read): the change after it is the one
// it delivers first, whatever order changes arrive in, so create it before
// the server takes posts. base is the site's URL, for the links of
// articles; highlights is how many highlighted sentences a summary shows
// (as in the feeds). Zero fields of cfg get DefaultConfig's.
func New(ctx context.Context, cfg Config, src Source, base *url.URL, highlights int, log *slog.Logger) (*Broker, error) {
	last, err := src.LastChange(ctx)
	if err != nil {
		return nil, fmt.Errorf("live: read the change log: %w", err)
	}
	d := DefaultConfig()
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = d.MaxStreams
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = d.Heartbeat
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = d.Buffer
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	fctx, cancel := context.WithCancel(context.Background())
	b := &Broker{
		cfg:        cfg,
		src:        src,
		base:       base,
		highlights: max(highlights, 0),
		log:        log,
		cancel:     cancel,
		gap:        make(chan struct{}, 1),
		wake:       make(chan struct{}, 1),
		streams:    map[string]map[*stream]struct{}{},
		next:       last + 1,
		held:       map[uint64]*event{},
	}
	b.delivered.Store(last)
	go b.fillGaps(fctx)
	go b.dispatch(fctx)
	return b, nil
}

// Publish hands c, a committed change, to the streams that want it. It
// is meant for server.OnChange, which calls it on the poster's goroutine
// after the response: it only encodes the event and queues it for
// dispatch, so that handing it to thousands of streams (and waking their
// goroutines) never holds up the poster's connection. A stream whose buffer is full is
// dropped, never waited for.
func (b *Broker) Publish(c feed.Change) {
	if !c.Changed() || c.Seq == 0 {
		return
	}
	ev, err := b.changeEvent(c)
	if err != nil {
		b.log.Error("live: change not sent", "seq", c.Seq, "err", err)
		return
	}
	b.qmu.Lock()
	b.queue = append(b.queue, ev)
	b.qmu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// dispatch hands the queued events to the streams, in the change log's
// order (arrive), until ctx ends.
func (b *Broker) dispatch(ctx context.Context) {
	var batch []*event
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		}
		b.qmu.Lock()
		batch, b.queue = b.queue, batch[:0]
		b.qmu.Unlock()
		b.mu.Lock()
		for _, ev := range batch {
			b.arrive(ev)
		}
		b.mu.Unlock()
		clear(batch)
	}
}

// Streams returns how many streams receive the changes: those open less
// those dropped whose handler has yet to return.
func (b *Broker) Streams() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, set := range b.streams {
		n += len(set)
	}
	return n
}

// Close ends every stream and refuses new ones. Shutdown waits for open
// requests, and streams never end by themselves: the command registers
// Close with http.Server.RegisterOnShutdown.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	b.cancel()
	for _, set := range b.streams {
		for s := range set {
			b.drop(s)
		}
	}
	clear(b.streams)
	clear(b.held)
}

// subscribe opens a stream for the category key ("" for the site) and
// returns it with the number of the last change delivered: the stream
// receives every later one. It refuses when the broker is closed or
// MaxStreams are open.
func (b *Broker) subscribe(key string) (s *stream, at uint64, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return nil, 0, errClosed
	case b.open >= b.cfg.MaxStreams:
		return nil, 0, errFull
	}
	s = &stream{key: key, ch: make(chan *event, b.cfg.Buffer)}
	set := b.streams[key]
	if set == nil {
		set = map[*stream]struct{}{}
		b.streams[key] = set
	}
	set[s] = struct{}{}
	b.open++
	return s, b.delivered.Load(), nil
}

// unsubscribe ends s, whose handler returns.
func (b *Broker) unsubscribe(s *stream) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.open--
	if set := b.streams[s.key]; set != nil {
		if _, ok := set[s]; ok {
			b.remove(s)
			b.drop(s)
		}
	}
}

// deliver hands ev to the streams of the site and of the categories it
// touched. A stream that cannot take it at once is dropped: its client
// resumes from the log when it reconnects, and Publish never waits.
// b.mu is held.
func (b *Broker) deliver(ev *event) {
	b.sendTo(b.streams[""], ev)
	for _, k := range ev.keys {
		if k != "" {
			b.sendTo(b.streams[k], ev)
		}
	}
	b.delivered.Store(ev.seq)
}

func (b *Broker) sendTo(set map[*stream]struct{}, ev *event) {
	for s := range set {
		select {
		case s.ch <- ev:
		default:
			b.log.Info("live: stream dropped: its client reads too slowly", "category", s.key, "seq", ev.seq)
			b.remove(s)
			b.drop(s)
		}
	}
}

// remove takes s out of the streams changes go to. b.mu is held.
func (b *Broker) remove(s *stream) {
	set := b.streams[s.key]
	delete(set, s)
	if len(set) == 0 && s.key != "" {
		delete(b.streams, s.key)
	}
}

// drop ends s: its handler sees the closed channel, or gone while it
// replays. b.mu is held, and s was in b.streams (so it is closed once).
func (b *Broker) drop(s *stream) {
	s.gone.Store(true)
	close(s.ch)
}
