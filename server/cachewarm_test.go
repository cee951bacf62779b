package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/server"
)

// settled waits until the store's reads stop moving (the renders ahead,
// if any, are done), and returns their count.
func (c *countingStore) settled() int64 {
	n := c.latest.Load()
	for range 100 {
		time.Sleep(20 * time.Millisecond)
		if m := c.latest.Load(); m == n {
			return m
		} else {
			n = m
		}
	}
	return n
}

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
	settled := cs.settled
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
		// A feed rendered ahead is read by its render after the commit,
		// and by its prefill before (prefill.go) unless the commit was
		// done before the prefill started: up to twice.
		{"a post renders ahead the site's and News's feeds, not Sports's", func() { post("첫째") }, 2},
		{"the GETs that follow find them made", func() { get(read...) }, 0},
		{"read since, they are rendered ahead after the next post", func() { post("둘째") }, 2},
		{"not read since, they are not after the one after", func() { post("셋째") }, 0},
		{"so their GETs render them", func() { get(read[:2]...) }, 2},
	} {
		before := settled()
		step.do()
		got := settled() - before
		max := step.storeReads
		if strings.HasPrefix(step.name, "a post") || strings.HasPrefix(step.name, "read since") {
			max *= 2
		}
		if got < step.storeReads || got > max {
			t.Errorf("step %d, %s: %d feed reads from the store, want %d to %d", i, step.name, got, step.storeReads, max)
		}
	}
}

// TestRenderedAheadPolledOncePerChange: a feed that a reader asks for once
// after each change, as an aggregator polling it does, is rendered ahead
// from its second change on, though no generation of it was asked for
// twice.
func TestRenderedAheadPolledOncePerChange(t *testing.T) {
	t.Parallel()
	cs := &countingStore{}
	e := startWith(t, nil, func(st server.Store) server.Store { cs.Store = st; return cs })
	settled := cs.settled
	var ahead []int64
	for i := range 3 {
		if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "Sports")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
		before := settled()
		if r := e.do("GET", "/category/Sports/feed.json", nil); r.Code != 200 {
			t.Fatalf("GET: %d", r.Code)
		}
		ahead = append(ahead, settled()-before)
	}
	// The GET after the first change and after the second render the feed
	// themselves; the one after the third finds it rendered ahead.
	if ahead[0] != 1 || ahead[1] != 1 || ahead[2] != 0 {
		t.Errorf("store reads of the GETs after each change: %v, want [1 1 0]", ahead)
	}
}

// slowCommit is a store whose writes wait before they go in, as a commit
// waits for the disk; during runs then.
type slowCommit struct {
	server.Store
	during func()
}

func (s *slowCommit) PutExpected(ctx context.Context, a *feed.Article, withdraw func(), pre ...feed.Precondition) (feed.Change, error) {
	if s.during != nil {
		s.during()
	}
	return s.Store.PutExpected(ctx, a, withdraw, pre...)
}

// TestPrefilledWhileCommitting: while a post commits, the feeds it will
// render ahead are assembled on a guess of what they will hold (the new
// article on top), so that the renders after the commit find the new
// item and its compressed parts made; what is served is still what the
// store holds once the write is in.
func TestPrefilledWhileCommitting(t *testing.T) {
	t.Parallel()
	sc := &slowCommit{}
	e := startWith(t, nil, func(st server.Store) server.Store { sc.Store = st; return sc })
	for i := range 3 {
		if r := e.post(doc(fmt.Sprintf("기사 %d", i), fmt.Sprintf("2026-11-%02d", i+1), "News")); r.Code != 201 {
			t.Fatalf("post: %d %s", r.Code, r.Body)
		}
	}
	read := []string{"/feed.rss", "/category/News/feed.atom"}
	for range 2 { // twice: asked for again, the feeds are hot
		for _, p := range read {
			if r := e.do("GET", p, nil, "Accept-Encoding", "gzip"); r.Code != 200 {
				t.Fatalf("GET %s: %d", p, r.Code)
			}
		}
	}
	before := itemStats(t, e)
	var during map[string]float64
	sc.during = func() {
		// The commit waits until both feeds' new items are made and no
		// part has been compressed for three looks in a row (the parts
		// come after the items), or 10 s.
		steady := 0
		for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(5 * time.Millisecond) {
			last := during
			during = itemStats(t, e)
			if during["item_misses"]-before["item_misses"] < 2 || last == nil || during["gzip_part_misses"] != last["gzip_part_misses"] {
				steady = 0
				continue
			}
			if steady++; steady == 3 {
				return
			}
		}
	}
	if r := e.post(doc("새 기사", "2026-11-20", "News")); r.Code != 201 {
		t.Fatalf("post: %d %s", r.Code, r.Body)
	}
	sc.during = nil
	if got := during["item_misses"] - before["item_misses"]; got != 2 {
		t.Fatalf("before the commit, %v items rendered, want 2 (the new article in RSS and Atom)", got)
	}
	if got := during["gzip_part_misses"] - before["gzip_part_misses"]; got < 2 {
		t.Errorf("before the commit, %v gzip parts compressed, want at least the new items'", got)
	}
	for _, p := range read {
		if body := gunzip(t, e.do("GET", p, nil, "Accept-Encoding", "gzip").Body); !strings.Contains(string(body), "새 기사") {
			t.Errorf("GET %s after the post lacks the new article:\n%s", p, body)
		}
	}
	after := itemStats(t, e)
	if after["item_misses"] != during["item_misses"] {
		t.Errorf("after the commit, %v more items rendered; the prefill made them", after["item_misses"]-during["item_misses"])
	}
	if after["gzip_part_misses"] != during["gzip_part_misses"] {
		t.Errorf("after the commit, %v more gzip parts compressed; the prefill made them", after["gzip_part_misses"]-during["gzip_part_misses"])
	}
}
