package server

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCacheGenerations: an entry is served until a write invalidates its
// scope, and only its scope; a failed or panicking render is not kept.
func TestCacheGenerations(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	c := newCache(100, 1<<20, func() time.Time { return clock })
	renders := map[cacheKey]int{}
	render := func(k cacheKey) func(time.Time) (*rendered, error) {
		return func(time.Time) (*rendered, error) {
			renders[k]++
			return newRendered([]byte(k.name), "text/plain", "no-cache", clock, nil), nil
		}
	}
	site, sport := cacheKey{name: "rss"}, cacheKey{scope: "c:sport", name: "rss sport"}
	get := func(k cacheKey) {
		if _, err := c.get(k, render(k)); err != nil {
			t.Errorf("get %v: %v", k, err)
		}
	}
	for _, step := range []struct {
		name        string
		invalidate  []string
		site, sport int // renders so far
	}{
		{"first requests render", nil, 1, 1},
		{"later requests are served from the cache", nil, 1, 1},
		{"a write to the category", []string{"c:sport"}, 1, 2},
		{"a write to the site only", []string{""}, 2, 2},
		{"a write to both", []string{"", "c:sport"}, 3, 3},
	} {
		c.invalidate(step.invalidate...)
		get(site)
		get(sport)
		if renders[site] != step.site || renders[sport] != step.sport {
			t.Errorf("%s: %d and %d renders, want %d and %d", step.name, renders[site], renders[sport], step.site, step.sport)
		}
	}

	failing := cacheKey{name: "failing"}
	for i, render := range []func(time.Time) (*rendered, error){
		func(time.Time) (*rendered, error) { return nil, errors.New("store down") },
		func(time.Time) (*rendered, error) { panic("bug") },
		func(time.Time) (*rendered, error) { return nil, nil },
	} {
		if _, err := c.get(failing, render); err == nil {
			t.Errorf("failing render %d: no error", i)
		}
		if n := c.len(); n != 2 {
			t.Errorf("failing render %d: %d entries, want the 2 good ones", i, n)
		}
	}
}

// TestCacheEviction: over its budget, the cache evicts entries asked for
// once before those asked for again, least recently used first, so a
// stream of one-off variants leaves the polled feeds cached; the entry
// being added is never evicted.
func TestCacheEviction(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	body := make([]byte, 100) // counted as 150 bytes
	renders := map[cacheKey]int{}
	c := newCache(100, 5*150, func() time.Time { return clock })
	get := func(k cacheKey) {
		t.Helper()
		if _, err := c.get(k, func(time.Time) (*rendered, error) {
			renders[k]++
			return newRendered(body, "text/plain", "no-cache", clock, nil), nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	polled := []cacheKey{{name: "rss"}, {name: "atom"}, {name: "json"}}
	for _, k := range polled {
		get(k)
		get(k) // asked for again: kept over one-off entries
	}
	for i := range 50 {
		get(cacheKey{name: "rss", limit: i + 1})
		if n := c.len(); n > 5 {
			t.Fatalf("%d entries in a budget of 5", n)
		}
	}
	for _, k := range polled {
		get(k)
		if renders[k] != 1 {
			t.Errorf("%v rendered %d times, want once: one-off entries evicted it", k, renders[k])
		}
	}
	// Among entries asked for again, the least recently used goes first.
	for _, k := range []cacheKey{{name: "a"}, {name: "b"}, {name: "c"}} {
		get(k)
		get(k)
	}
	get(polled[2])
	if renders[polled[2]] != 1 {
		t.Errorf("a recently used entry was evicted")
	}
	get(polled[0])
	if renders[polled[0]] != 2 {
		t.Errorf("the least recently used entry was kept over a newer one: %d renders", renders[polled[0]])
	}
	// An entry larger than the whole budget is still kept while it is
	// the newest.
	big := cacheKey{name: "big"}
	body = make([]byte, 10*150)
	get(big)
	get(big)
	if renders[big] != 1 {
		t.Errorf("an entry over the budget was evicted while it was the one added: %d renders", renders[big])
	}
}

// TestFetchWaits: while every render slot is taken, an entry already made
// is served, while a render or a compression waits for a slot and gives
// up, rendering nothing, when its context is done.
func TestFetchWaits(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	c := newCache(100, 1<<20, func() time.Time { return clock })
	c.limit = newRenderLimit(1)
	renders := 0
	render := func(time.Time) (*rendered, error) {
		renders++
		return newRendered(make([]byte, 1000), "text/plain", "no-cache", clock, nil), nil
	}
	ctx := context.Background()
	made := cacheKey{name: "made"}
	if _, err := c.fetch(ctx, made, codingGzip, render); err != nil {
		t.Fatal(err)
	}
	if err := c.limit.acquire(ctx); err != nil { // every slot taken
		t.Fatal(err)
	}
	defer c.limit.release()
	if rd, err := c.fetch(ctx, made, codingGzip, render); err != nil || rd == nil {
		t.Errorf("a made entry while every slot is taken: %v", err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name   string
		key    cacheKey
		coding string
	}{
		{"a render", cacheKey{name: "new"}, ""},
		{"a compression", made, codingBrotli},
	} {
		if _, err := c.fetch(gone, tc.key, tc.coding, render); !errors.Is(err, context.Canceled) {
			t.Errorf("%s for a gone client: error %v, want context.Canceled", tc.name, err)
		}
	}
	if renders != 1 {
		t.Errorf("%d renders, want 1: a gone client's was made", renders)
	}
	if c.compressed(c.entries[made], codingBrotli) {
		t.Errorf("the brotli variant was made for a gone client")
	}
}
