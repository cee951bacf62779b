package server

import (
	"context"
	"runtime"
)

// renderLimit bounds how many renders and compressions run at once. Each
// uncached variant a client asks for costs a render, and clients can ask
// for many; with one core fewer than the machine has doing that work, a
// response already in the cache always finds a core free to send it.
type renderLimit chan struct{}

// renderSlots is one fewer than the CPUs, and at least one.
func renderSlots() int {
	return max(1, runtime.NumCPU()-1)
}

func newRenderLimit(slots int) renderLimit {
	return make(renderLimit, max(slots, 1))
}

// acquire waits for a free slot, or until ctx is done (the client went
// away), which it returns as an error.
func (l renderLimit) acquire(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	default:
	}
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release frees a slot taken by acquire.
func (l renderLimit) release() { <-l }
