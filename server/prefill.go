package server

import (
	"context"
	"time"

	"sokbo/feed"
)

// Rendering while a post commits. A post's commit waits for its pages to
// reach the disk, while the cores have little to do; right after it, the
// renders ahead (cachewarm.go) assemble the feeds it touched, and the new
// item's fragments and the compressed parts around it were most of their
// work (bench/README.md, "Freshness"). So while the write commits, each
// feed that will be rendered ahead is assembled once on a guess of what
// it will hold: the new article in its place among the feed's current
// items. Nothing of that is served: only the fragments and compressed
// parts it made are kept, and those are keyed by their content
// (fragments.go), so a wrong guess costs its CPU and nothing else.

// prefill starts, for a write of a about to commit, the prefills of the
// feeds that the write will render ahead, each in a warm slot; it returns
// the function to call once the write is done, after which no prefill
// starts. While one write's prefills may start, another's do not: with
// many posters at once there is no idle time to fill.
func (s *Server) prefill(posted *feed.Article) (done func()) {
	if posted.Published.IsZero() {
		return func() {} // dated by the store's clock: no guess
	}
	// The guess is a new article, as the store files one; an update
	// (it keeps the stored GUID) is guessed wrong.
	guess := posted.AsCreated(time.Time{})
	a := &guess
	jobs := s.cache.prefillJobs(articleScopes(a))
	if len(jobs) == 0 || !s.prefilling.CompareAndSwap(false, true) {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for _, j := range jobs {
			if s.cache.warmSlots.acquire(ctx) != nil {
				return
			}
			if ctx.Err() == nil {
				j(a)
			}
			s.cache.warmSlots.release()
		}
	}()
	return func() {
		cancel()
		s.prefilling.Store(false)
	}
}

// articleScopes are the cache scopes a write of a touches (see newEvent),
// as far as a alone tells: the site's and those of its facets.
func articleScopes(a *feed.Article) []string {
	scopes := []string{""}
	for _, k := range feed.FacetKinds() {
		for _, name := range k.Of(a) {
			scopes = append(scopes, scope(feed.Facet{Kind: k, Name: name}))
		}
	}
	return scopes
}

// prefillJobs are the prefills of the entries of scopes that a write would
// render ahead (warmJobs).
func (c *cache) prefillJobs(scopes []string) []func(*feed.Article) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []func(*feed.Article)
	for _, j := range c.warmJobs(scopes) {
		if j.prefill != nil {
			out = append(out, j.prefill)
		}
	}
	return out
}

// prefillFeedPage assembles page p of a feed as it will be once a is
// stored, if p is a first page, keeping what the assembly made.
func (s *Server) prefillFeedPage(p feedPage, a *feed.Article) {
	if p.page != 1 {
		return
	}
	ctx := context.Background()
	items, err := s.latest(ctx, p.facet, 0, p.limit)
	if err != nil {
		return
	}
	items = withArticle(items, a, p.limit)
	if items == nil {
		return
	}
	c, err := s.pageChannel(ctx, p, shownFacet(p.facet, items))
	if err != nil {
		return
	}
	// Only what is keyed by content is kept: the items and their parts,
	// not the frame, the member or its checksum (the head is not known).
	asm, digests, err := s.assembleItems(p.format, c, items)
	if err != nil {
		return
	}
	s.cache.fragments(s.cfg.ItemCacheBytes).appendParts(nil, asm, digests)
}

// withArticle is items, newest first as the store lists them (by
// publication date, then id), with a in its place instead of any item of
// its id, cut at limit; nil when a falls outside.
func withArticle(items []*feed.Article, a *feed.Article, limit int) []*feed.Article {
	out := make([]*feed.Article, 0, len(items)+1)
	placed := false
	for _, it := range items {
		if it.ID == a.ID {
			continue
		}
		if !placed && (a.Published.After(it.Published) || a.Published.Equal(it.Published) && a.ID > it.ID) {
			out = append(out, a)
			placed = true
		}
		out = append(out, it)
	}
	if !placed {
		out = append(out, a)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	for _, it := range out {
		if it == a {
			return out
		}
	}
	return nil
}
