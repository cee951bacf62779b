package server_test

import (
	"fmt"
	"testing"
	"time"

	"sokbo/server"
)

// TestRenderedAhead: after a write, the feeds of the touched scopes that
// clients read are rendered again without a request, so the GET that
// follows reads the store no more; a feed nobody read since is not, nor a
// feed of a scope the write did not touch.
func TestRenderedAhead(t *testing.T) {
	t.Parallel()
	cs := &countingStore{}
	e := startWith(t, nil, func(st server.Store) server.Store { cs.Store = st; return cs })
	for i := range 3 {
		if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	if r := e.post(doc("스포츠", "2026-11-05", "Sports")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	read := []string{"/feed.rss", "/category/News/feed.atom", "/category/Sports/feed.json"}
	for range 2 { // twice: asked for again, the feeds are hot
		for _, p := range read {
			if r := e.do("GET", p, nil); r.Code != 200 {
				t.Fatalf("GET %s: %d", p, r.Code)
			}
		}
	}
	// settled waits until the store's reads stop moving, and returns them.
	settled := func() int64 {
		n := cs.latest.Load()
		for range 100 {
			time.Sleep(20 * time.Millisecond)
			if m := cs.latest.Load(); m == n {
				return m
			} else {
				n = m
			}
		}
		return n
	}
	get := func(paths ...string) {
		for _, p := range paths {
			if r := e.do("GET", p, nil); r.Code != 200 {
				t.Fatalf("GET %s: %d", p, r.Code)
			}
		}
	}
	post := func(title string) {
		if r := e.post(doc(title, "2026-11-20", "News")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	for i, step := range []struct {
		name       string
		do         func()
		storeReads int64
	}{
		{"a post renders ahead the site's and News's feeds, not Sports's", func() { post("첫째") }, 2},
		{"the GETs that follow find them made", func() { get(read...) }, 0},
		{"read since, they are rendered ahead after the next post", func() { post("둘째") }, 2},
		{"not read since, they are not after the one after", func() { post("셋째") }, 0},
		{"so their GETs render them", func() { get(read[:2]...) }, 2},
	} {
		before := settled()
		step.do()
		if got := settled() - before; got != step.storeReads {
			t.Errorf("step %d, %s: %d feed reads from the store, want %d", i, step.name, got, step.storeReads)
		}
	}
}
