package websub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"sokbo/feed"
)

// Storage keeps the subscriptions and reads the change log; *store.DB
// satisfies it.
type Storage interface {
	// PutSubscriptions upserts subs by (Topic, Callback) in one
	// transaction.
	PutSubscriptions(ctx context.Context, subs ...feed.Subscription) error
	// DeleteSubscription removes the subscription of callback to topic;
	// nil when there is none.
	DeleteSubscription(ctx context.Context, topic, callback string) error
	// Subscriptions returns every stored subscription.
	Subscriptions(ctx context.Context) ([]feed.Subscription, error)
	// ChangesAfter returns at most limit logged changes numbered above
	// after, oldest first; complete is false when older entries were
	// dropped from the log.
	ChangesAfter(ctx context.Context, after uint64, limit int) (changes []feed.LoggedChange, complete bool, err error)
	// LastChange returns the number of the last logged change.
	LastChange(ctx context.Context) (uint64, error)
}

// Topics is what the hub asks the server; *server.Server satisfies it.
type Topics interface {
	// Topic reports whether rawURL is a live feed of the site, and its
	// canonical URL.
	Topic(rawURL string) (canonical string, ok bool)
	// TopicsOf returns the topics a change to articles filed under
	// facets (categories, tags, authors) touches.
	TopicsOf(facets []feed.Facet) []string
	// Document returns the topic's current feed (cached by the server: one
	// render per change however many subscribers get it).
	Document(ctx context.Context, topic string) (body []byte, contentType string, err error)
	// ChangesDocument returns a feed of the topic's format holding only
	// the articles changes name, deletions as Atom tombstones.
	ChangesDocument(ctx context.Context, topic string, changes []feed.LoggedChange) (body []byte, contentType string, err error)
}

// flushEvery is how long acknowledgements wait to be written together:
// one transaction (one fsync) per round of deliveries, not per delivery.
const flushEvery = 100 * time.Millisecond

// sweepEvery is how often expired leases are looked for at the latest;
// the sweep also runs when the first lease ends.
const sweepEvery = time.Minute

// Hub is the WebSub hub: ServeHTTP takes subscription requests, Publish
// is told of each change, and a pool of workers verifies subscribers and
// delivers to them (see the package documentation for the flow).
type Hub struct {
	cfg    Config
	store  Storage
	topics Topics
	// self is the hub's URL, named rel="hub" in deliveries.
	self string
	log  *slog.Logger
	// client reaches subscribers (private addresses refused as dialled);
	// pinger the configured hubs, which the operator chose.
	client, pinger *http.Client

	// noted holds the changes Publish was given and the scheduler has
	// not yet taken: Publish only appends and wakes it.
	noteMu sync.Mutex
	noted  []note
	wake   chan struct{}

	// tasks hands work from the scheduler to idle workers.
	tasks chan task
	// shared are the changes documents being delivered (share.go).
	shared shares
	// flushMu keeps flushes in order: a later write of a subscription
	// is never overtaken by an earlier one. flushSoon asks for a flush
	// before the next tick.
	flushMu   sync.Mutex
	flushSoon chan struct{}
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu sync.Mutex
	// started and closed follow Start and Close.
	started, closed bool
	// subs are the active subscriptions, also by topic.
	subs    map[key]*sub
	byTopic map[string]map[*sub]struct{}
	// intents are the requests not yet verified (or denied), one entry a
	// (topic, callback).
	intents map[key]*pending
	// held counts the pairs that are active or pending, in all and per
	// callback host: what the bounds apply to.
	held  int
	hosts map[string]int
	// newest is the number of the last change of each topic.
	newest map[string]uint64
	// ready are the tasks due now, oldest first; retries those waiting
	// for their backoff.
	ready   []queued
	retries retryHeap
	// pings are the pings to the configured hubs queued, not yet sent.
	pings map[ping]bool
	// dirty are the pairs whose stored record no longer matches: written
	// (or deleted) by the next flush.
	dirty     map[key]bool
	nextSweep time.Time
}

// key names a subscription: its topic and callback.
type key struct{ topic, callback string }

// sub is an active subscription and the hub's state of its delivery.
type sub struct {
	feed.Subscription
	host string
	// queued: in ready; busy: a worker is delivering to it; retryAt: set
	// while it waits for its backoff. One at a time, so that a
	// subscription has at most one delivery in flight.
	queued, busy bool
	retryAt      time.Time
	// attempts counts the failures of the pending delivery.
	attempts int
}

func (s *sub) key() key { return key{s.Topic, s.Callback} }

// note is a change as Publish was given it.
type note struct {
	seq    uint64
	facets []feed.Facet
}

// New returns a hub over st and topics whose URL is self. It serves
// requests at once (their verifications wait for Start). Zero fields of
// cfg get DefaultConfig's; log may be nil.
func New(cfg Config, st Storage, topics Topics, self string, log *slog.Logger) *Hub {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{
		cfg: cfg, store: st, topics: topics, self: self, log: log,
		client:    newClient(cfg.Timeout, cfg.Workers, !cfg.AllowPrivateCallbacks),
		pinger:    newClient(cfg.Timeout, 2, false),
		wake:      make(chan struct{}, 1),
		flushSoon: make(chan struct{}, 1),
		tasks:     make(chan task),
		subs:      map[key]*sub{},
		byTopic:   map[string]map[*sub]struct{}{},
		intents:   map[key]*pending{},
		hosts:     map[string]int{},
		newest:    map[string]uint64{},
		pings:     map[ping]bool{},
		dirty:     map[key]bool{},
	}
}

// Start loads the stored subscriptions and learns from the change log
// the last change of each topic, so that a subscription that had not
// received it when the hub stopped gets it now; then starts the workers.
func (h *Hub) Start(ctx context.Context) error {
	stored, err := h.store.Subscriptions(ctx)
	if err != nil {
		return fmt.Errorf("websub: load subscriptions: %w", err)
	}
	newest, last, err := h.readLog(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	h.mu.Lock()
	if h.started || h.closed {
		h.mu.Unlock()
		return errors.New("websub: Start called twice, or after Close")
	}
	h.started = true
	for t, n := range newest {
		h.newest[t] = max(h.newest[t], n)
	}
	h.nextSweep = now.Add(sweepEvery)
	for _, s := range stored {
		k := key{s.Topic, s.Callback}
		if s.Delivered > last {
			// The log restarted below it (a database from elsewhere): from
			// its end on.
			s.Delivered = last
			h.dirty[k] = true
		}
		if !now.Before(s.Expires) {
			h.dirty[k] = true // removed by the first flush
			continue
		}
		h.add(&sub{Subscription: s, host: hostOf(s.Callback)})
	}
	for _, s := range h.subs {
		h.pend(s)
	}
	h.mu.Unlock()

	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.wg.Add(2 + h.cfg.Workers)
	go h.schedule(ctx)
	go h.flushLoop(ctx)
	for range h.cfg.Workers {
		go h.work(ctx)
	}
	h.poke()
	return nil
}

// logPage is how many log entries one read takes.
const logPage = 1000

// readLog reads the change log once: the number of the last change of
// each topic it names, and of the last change.
func (h *Hub) readLog(ctx context.Context) (newest map[string]uint64, last uint64, err error) {
	newest = map[string]uint64{}
	for {
		changes, _, err := h.store.ChangesAfter(ctx, last, logPage)
		if err != nil {
			return nil, 0, fmt.Errorf("websub: read the change log: %w", err)
		}
		for _, c := range changes {
			for _, t := range h.topics.TopicsOf(c.Facets()) {
				newest[t] = c.Seq
			}
			last = c.Seq
		}
		if len(changes) < logPage {
			break
		}
	}
	// A change may be logged between the reads; LastChange covers it for
	// the clamp above, and Publish for the topics.
	if l, err := h.store.LastChange(ctx); err == nil {
		last = max(last, l)
	}
	return newest, last, nil
}

// Publish tells the hub of a committed change: each subscriber of a topic
// it touches is sent the topic's new content. It only notes the change
// and wakes the scheduler, for it runs on the poster's goroutine before
// the write's response (server.OnChange).
func (h *Hub) Publish(c feed.Change) {
	if !c.Changed() || c.Seq == 0 {
		return
	}
	h.noteMu.Lock()
	h.noted = append(h.noted, note{seq: c.Seq, facets: c.Facets()})
	h.noteMu.Unlock()
	h.poke()
}

// poke wakes the scheduler; a wake already pending is enough.
func (h *Hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Close stops the workers, cancelling the requests in flight (their
// deliveries stay pending, so they are made again after a restart), and
// writes what is left to acknowledge. Call it before the store closes.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	h.mu.Unlock()
	if h.cancel != nil {
		h.cancel()
	}
	h.wg.Wait()
	if err := h.flush(context.Background()); err != nil {
		return fmt.Errorf("websub: close: %w", err)
	}
	return nil
}

// add makes s active (h.mu held).
func (h *Hub) add(s *sub) {
	k := s.key()
	was := h.isHeld(k)
	h.subs[k] = s
	m := h.byTopic[s.Topic]
	if m == nil {
		m = map[*sub]struct{}{}
		h.byTopic[s.Topic] = m
	}
	m[s] = struct{}{}
	h.count(k, s.host, was)
	if s.Expires.Before(h.nextSweep) && !h.nextSweep.IsZero() {
		h.nextSweep = s.Expires
	}
}

// remove ends s (h.mu held); the next flush deletes its record.
func (h *Hub) remove(s *sub) {
	k := s.key()
	if h.subs[k] != s {
		return
	}
	was := h.isHeld(k)
	delete(h.subs, k)
	if m := h.byTopic[s.Topic]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.byTopic, s.Topic)
		}
	}
	h.dirty[k] = true
	h.count(k, s.host, was)
}

// isHeld reports whether k counts against the bounds: active or pending
// (h.mu held).
func (h *Hub) isHeld(k key) bool {
	return h.subs[k] != nil || h.intents[k] != nil
}

// count brings the bounds' counts up to date after k, on host, changed
// from held (was) to what it is now (h.mu held).
func (h *Hub) count(k key, host string, was bool) {
	switch now := h.isHeld(k); {
	case now && !was:
		h.held++
		h.hosts[host]++
	case !now && was:
		h.held--
		if h.hosts[host]--; h.hosts[host] <= 0 {
			delete(h.hosts, host)
		}
	}
}
