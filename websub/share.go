package websub

import (
	"context"
	"sync"
)

// In "changes" mode a delivery's document depends on the subscriber's
// place in the change log, so the server's cache of feeds cannot hold it.
// Subscribers that received the same changes (all of a topic's, as soon
// as they have kept up once) need the same document: it is rendered once
// for them all and shared until the topic changes again, so that a change
// costs one render per topic, not one per subscriber.

// shareKey names a changes document: topic's changes in (from, to].
type shareKey struct {
	topic    string
	from, to uint64
}

// maxShared bounds the documents kept; past it, finished ones are
// dropped (a subscriber far behind the others gets its own render).
const maxShared = 256

// shares are the changes documents rendered or being rendered.
type shares struct {
	mu sync.Mutex
	m  map[shareKey]*shared
}

// shared is one document: done is closed when body, ctype and err are
// set.
type shared struct {
	done  chan struct{}
	body  []byte
	ctype string
	err   error
}

// get returns the document of k, rendering it with render unless another
// worker has or is; a failed render is not kept, so that the next
// delivery tries again.
func (s *shares) get(ctx context.Context, k shareKey, render func(context.Context) ([]byte, string, error)) ([]byte, string, error) {
	s.mu.Lock()
	if s.m == nil {
		s.m = map[shareKey]*shared{}
	}
	d, ok := s.m[k]
	if !ok {
		if len(s.m) >= maxShared {
			for k, d := range s.m {
				select {
				case <-d.done:
					delete(s.m, k)
				default:
				}
			}
		}
		d = &shared{done: make(chan struct{})}
		s.m[k] = d
	}
	s.mu.Unlock()
	if ok {
		select {
		case <-d.done:
			return d.body, d.ctype, d.err
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
	}
	d.body, d.ctype, d.err = render(ctx)
	close(d.done)
	if d.err != nil {
		s.mu.Lock()
		if s.m[k] == d {
			delete(s.m, k)
		}
		s.mu.Unlock()
	}
	return d.body, d.ctype, d.err
}

// forget drops the documents of topic, which changed: no delivery asks
// for them again but one that was behind already.
func (s *shares) forget(topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.m {
		if k.topic == topic {
			delete(s.m, k)
		}
	}
}
