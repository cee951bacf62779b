package server

import (
	"context"
	"runtime"
	"sync"
)

// Rendering ahead. A write invalidates the feeds it touches, and the next
// GET of each waited for its assembly and compression: six of them one
// after the other were most of the time from a POST to the article in
// every feed (bench/README.md, "Freshness"). So right after a write the
// cache renders again, in the background, the feeds of the touched scopes
// that a client read since they were last rendered: a GET that follows
// finds its feed made or being made. These renders run one per CPU in
// slots of their own (warmSlots), not in the clients' render slots: a
// write, which takes a token, causes them, at most maxWarm a write, and
// waiting behind one another for the one client slot was most of the time
// from a POST to the article in every feed with readers about. A feed nobody
// reads between two writes is not rendered ahead again, so an import
// without readers renders nothing ahead, and readers cause no render they
// would not have caused themselves.

// maxWarm bounds the feeds rendered ahead after one write. They are
// rendered least recently read first: readers poll in turns, so the feed
// read longest ago is the one asked for again soonest.
const maxWarm = 8

// warmJob renders one entry ahead.
type warmJob struct {
	key cacheKey
	*ahead
}

// warmer runs the jobs in up to warmWorkers goroutines while there are
// any; a job for a key already waiting replaces it.
type warmer struct {
	mu      sync.Mutex
	jobs    []warmJob
	running int
}

// warmWorkers is how many feeds are rendered ahead at once: one per CPU,
// since the GETs after a write wait for them.
func warmWorkers() int { return runtime.NumCPU() }

// warmJobs lists the entries of scopes to render ahead: current, read by a
// client since they were made, asked for more than once (hot), least
// recently used first; c.mu is held, before the scopes' generations move.
func (c *cache) warmJobs(scopes []string) []warmJob {
	var jobs []warmJob
	for el := c.hot.Back(); el != nil && len(jobs) < maxWarm; el = el.Prev() {
		e := el.Value.(*entry)
		if e.warm == nil || !e.requested || e.gen != c.gen[e.key.scope] {
			continue
		}
		for _, s := range scopes {
			if e.key.scope == s {
				jobs = append(jobs, warmJob{e.key, e.warm})
				break
			}
		}
	}
	return jobs
}

// startWarm queues jobs and starts the warmer unless it runs.
func (c *cache) startWarm(jobs []warmJob) {
	if len(jobs) == 0 {
		return
	}
	w := &c.warmer
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, j := range jobs {
		if i := w.find(j.key); i >= 0 {
			w.jobs[i] = j
		} else {
			w.jobs = append(w.jobs, j)
		}
	}
	for w.running < min(len(w.jobs), warmWorkers()) {
		w.running++
		go c.runWarm()
	}
}

func (w *warmer) find(k cacheKey) int {
	for i, j := range w.jobs {
		if j.key == k {
			return i
		}
	}
	return -1
}

// runWarm renders the queued entries (with their gzip variant, which a
// feed is made with) until none is left.
func (c *cache) runWarm() {
	w := &c.warmer
	for {
		w.mu.Lock()
		if len(w.jobs) == 0 {
			w.running--
			w.mu.Unlock()
			return
		}
		j := w.jobs[0]
		w.jobs = w.jobs[1:]
		w.mu.Unlock()
		// Rendered as a request would (an error is left for the next
		// request to meet); already current, it costs nothing.
		_, _ = c.fetchFor(context.Background(), j.key, codingGzip, j.render, j.ahead, false)
	}
}
