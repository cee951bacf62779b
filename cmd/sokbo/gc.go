package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// minGCPercent is the least GOGC tuneGC sets: the heap may always grow to
// 3× its live data.
const minGCPercent = 200

// tuneGC gives the garbage collector the configured memory budget instead
// of its default of collecting whenever the heap doubles, and returns the
// headroom that keepGCHeadroom is to keep (0: leave the runtime alone).
// sokbo's live heap is small and bounded while each post allocates several
// times its size and keeps almost none of it, so collecting at every
// doubling would spend an import's CPU on a tiny heap; the soft limit is
// what bounds a busy server's heap instead.
//
// The heap may grow by a quarter of the limit or by twice the live heap,
// whichever is more, before the next collection. A limit of 0 leaves Go's
// defaults; with GOGC or GOMEMLIMIT in the environment the runtime does as
// they say, and the configuration is not applied.
func tuneGC(limit int64, getenv func(string) string) (headroom uint64) {
	if limit <= 0 || getenv("GOMEMLIMIT") != "" || getenv("GOGC") != "" {
		return 0
	}
	debug.SetMemoryLimit(limit)
	headroom = uint64(limit / 4)
	debug.SetGCPercent(gcPercent(liveHeap(), headroom))
	return headroom
}

// gcPercent returns the GOGC that lets a heap of live bytes grow by
// headroom before the next collection, or by twice itself if that is more.
// It is rounded down to a multiple of 50, so that the small changes of the
// live heap from one collection to the next leave it as it is. A live heap
// under 4 MiB counts as 4 MiB, the runtime's least heap goal, so that a
// process that has not collected yet does not get a GOGC in the thousands
// to multiply it with.
func gcPercent(live, headroom uint64) int {
	live = max(live, 4<<20)
	p := int(min(headroom*100/live, 1<<20))
	return max(p-p%50, minGCPercent)
}

// liveHeap returns the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// keepGCHeadroom sets GOGC from the live heap every interval, as tuneGC
// did at the start, until ctx ends.
func keepGCHeadroom(ctx context.Context, headroom uint64, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := -1
	for {
		if p := gcPercent(liveHeap(), headroom); p != last {
			debug.SetGCPercent(p)
			last = p
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
