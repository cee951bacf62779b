package live

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sokbo/feed"
)

var (
	errClosed = errors.New("live streams: the server is shutting down; retry later")
	errFull   = errors.New("live streams: too many are open; retry later")
	errGone   = errors.New("stream dropped")
)

// retryAfter is the Retry-After of a refused stream, in seconds.
const retryAfter = "10"

// ping is the heartbeat: a comment, which EventSource ignores.
const ping = ": ping\n\n"

// ServeHTTP serves a stream of the site's changes, or of a category's when
// the route has a {name}, and answers the CORS preflight (OPTIONS).
func (b *Broker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*") // the events are public, as the feeds are
	switch r.Method {
	case http.MethodOptions:
		h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Last-Event-ID, Cache-Control")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet, http.MethodHead:
	default:
		h.Set("Allow", "GET, HEAD, OPTIONS")
		writeError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here; allowed: GET, HEAD, OPTIONS")
		return
	}
	var key string
	name := r.PathValue("name")
	if name == "" {
		// /events?category=NAME is a category's stream too: a script
		// builds that URL without escaping the name into a path (where a
		// browser reads a name of dots as "." or "..").
		name = r.URL.Query().Get("category")
	}
	if name != "" {
		if key = feed.CategoryKey(name); key == "" {
			writeError(w, http.StatusBadRequest, "category: empty name")
			return
		}
	}
	if r.Method == http.MethodHead {
		streamHeaders(h)
		w.WriteHeader(http.StatusOK)
		return
	}
	s, at, err := b.subscribe(key)
	if err != nil {
		h.Set("Retry-After", retryAfter)
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer b.unsubscribe(s)
	streamHeaders(h)
	w.WriteHeader(http.StatusOK)
	k := &sink{w: w, rc: http.NewResponseController(w), timeout: 4 * b.cfg.Heartbeat}
	if err := b.serve(r.Context(), k, s, at, lastEventID(r)); err != nil && !errors.Is(err, errGone) && r.Context().Err() == nil {
		// Not the client's doing (a failed write cancels the request's
		// context): the store failed a replay.
		b.log.Error("live: stream ended", "path", r.URL.Path, "err", err)
	}
}

// serve writes the stream's opening, what the client missed when it
// resumes, then each change as it comes and a heartbeat when idle, until
// the client leaves or the broker drops the stream.
func (b *Broker) serve(ctx context.Context, k *sink, s *stream, at uint64, from lastID) error {
	// A random retry spreads the reconnections after a restart, when every
	// client reconnects at once and most replay a little from the log.
	open := "retry: " + strconv.Itoa(2000+rand.IntN(3000)) + "\n"
	sent := at
	if !from.given {
		// The id moves the client's last event id to now: when it
		// reconnects, it resumes from here even if no change came.
		open += "id: " + strconv.FormatUint(at, 10) + "\n: live events from change " + strconv.FormatUint(at, 10) + "\n\n"
	} else {
		open += ": resuming after change " + strconv.FormatUint(from.n, 10) + "\n\n"
	}
	if err := k.write([]byte(open)); err != nil {
		return err
	}
	if from.given {
		var err error
		if sent, err = b.replay(ctx, k, s, from); err != nil {
			return err
		}
	}
	if err := k.flush(); err != nil {
		return err
	}
	tick := time.NewTicker(b.cfg.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-s.ch:
			if !ok || s.gone.Load() {
				return errGone
			}
			if ev.seq <= sent {
				continue // replayed from the log already
			}
			if err := k.send(ev.wire); err != nil {
				return err
			}
			sent = ev.seq
		case <-tick.C:
			beat := []byte(ping)
			// A category's stream skips most changes; its client's last
			// event id moves past them with the heartbeat, so that it
			// resumes from near now, not from before what the log keeps.
			// Every change up to d was handed to the stream before d was
			// stored, so with nothing waiting, none up to d is unsent.
			if d := b.delivered.Load(); d > sent && len(s.ch) == 0 {
				beat = []byte(": ping\nid: " + strconv.FormatUint(d, 10) + "\n\n")
				sent = d
			}
			if err := k.send(beat); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// lastID is the last event id a client gives.
type lastID struct {
	n     uint64
	given bool
	// valid is false when the id is not a number, as this server gives.
	valid bool
}

// lastEventID returns the number of the last change the client received:
// the Last-Event-ID header an EventSource sends when it reconnects, else
// the query parameter last_event_id or lastEventId, for clients that
// cannot set headers. The header comes first: an EventSource's query stays
// as it was created, its header moves on.
func lastEventID(r *http.Request) lastID {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		q := r.URL.Query()
		if v = q.Get("last_event_id"); v == "" {
			v = q.Get("lastEventId")
		}
	}
	if v = strings.TrimSpace(v); v == "" {
		return lastID{}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return lastID{n: n, given: true, valid: err == nil}
}

// sink writes a stream's bytes with a deadline.
type sink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	// timeout is how far ahead the write deadline is kept. It outlasts
	// the wait for the next heartbeat: over HTTP/2 a deadline that passes
	// resets the stream even between writes. A client that stops reading
	// fails its write then.
	timeout  time.Duration
	deadline time.Time
}

// write writes p, which net/http buffers; flush sends it.
func (k *sink) write(p []byte) error {
	// The server's WriteTimeout, counted from the request's start, would
	// cut every stream: the stream keeps its own deadline instead, moved
	// on when half of it has passed rather than at every write, which
	// with thousands of streams would cost a timer update per event each.
	// Kept at least two heartbeats ahead, it cannot pass before the next
	// write.
	if now := time.Now(); k.deadline.Sub(now) < k.timeout/2 {
		k.deadline = now.Add(k.timeout)
		_ = k.rc.SetWriteDeadline(k.deadline)
	}
	_, err := k.w.Write(p)
	return err
}

// flush sends what was written.
func (k *sink) flush() error {
	return k.rc.Flush()
}

// send writes p and flushes it.
func (k *sink) send(p []byte) error {
	if err := k.write(p); err != nil {
		return err
	}
	return k.flush()
}

// streamHeaders sets the headers of a stream.
func streamHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would hold the events back otherwise
	h.Set("X-Content-Type-Options", "nosniff")
}

// writeError answers msg as JSON {"error": msg}, as the server's API does.
func writeError(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg}) // a string map always encodes
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}
