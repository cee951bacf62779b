package server

import (
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
