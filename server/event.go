package server

import (
	"net/http"

	"sokbo/feed"
)

// An Event is what one committed write means to the service: the
// feed.Change the store reported, and the cache scopes — the site's feeds
// and pages, and each touched category's, tag's and author's — that no
// longer hold. Every
// write becomes exactly one Event, published before the write's response
// is sent, so a request that starts after a POST returned sees it, and
// announced to the subscribers right after (announce).
type Event struct {
	Change feed.Change
	// Scopes are the cache scopes to invalidate (see scope); none when the
	// write changed nothing.
	Scopes []string
}

// newEvent returns the Event of c.
func newEvent(c feed.Change) Event {
	e := Event{Change: c}
	if !c.Changed() {
		return e
	}
	e.Scopes = append(e.Scopes, "") // the site's feeds, archives and pages
	for _, fc := range c.Facets() {
		e.Scopes = append(e.Scopes, scope(fc))
	}
	return e
}

// publish acts on e before the write's response: it invalidates the
// cached responses it makes stale. It returns the renders ahead of the
// feeds among them that clients read, for announce to start.
func (s *Server) publish(e Event) (ahead []warmJob) {
	if len(e.Scopes) == 0 {
		return nil
	}
	return s.cache.invalidate(e.Scopes...)
}

// announce starts the renders ahead and hands e's change to the live
// streams and the hub (OnChange) once the write's response, written to w,
// is sent: rendering feeds on every core, and handing one change to
// thousands of subscribers, must not delay the poster's answer. A GET
// that comes before a render ahead renders the feed itself.
func (s *Server) announce(w http.ResponseWriter, e Event, ahead []warmJob) {
	if len(e.Scopes) == 0 {
		return
	}
	_ = http.NewResponseController(w).Flush()
	s.cache.startWarm(ahead)
	for _, f := range s.onChange {
		f(e.Change)
	}
}
