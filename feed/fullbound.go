package feed

// Fulls decides, on every render of a feed, whether each item's content
// fits the bounds; measuring that exactly renders each item's key points
// and lead image, which made re-assembling a 50-item feed 70 % slower
// (BenchmarkAssemble50, bench/README.md "Freshness"). Nearly every feed
// fits with room to spare, so an upper bound of each size, found without
// rendering anything, settles it; only a feed near a bound is measured.

// escapeGrowth is how many bytes html.EscapeString writes for one at most
// ("&#34;" for a quote).
const escapeGrowth = 5

// openingBound is at least len(c.opening(a)): its markup, with every
// byte of the text it escapes counted as escaped.
func (c *Channel) openingBound(a *Article) int {
	n := 0
	if a.Image != "" {
		n += len(`<p><img src="" alt=""></p>`) + escapeGrowth*(len(a.Image)+len(a.Title))
	}
	if c.ContentMode != ContentBoth {
		return n
	}
	s := a.Summary(c.Highlights)
	n += len("<p></p><ul></ul>") + escapeGrowth*len(a.Excerpt)
	for _, h := range s.Highlights {
		n += len("<li><strong></strong></li>") + escapeGrowth*len(h)
	}
	return n
}

// allFit reports whether every one of items fits whole, judged by
// openingBound: true means Fulls' exact measure would say so too.
func (c *Channel) allFit(items []*Article) bool {
	total := 0
	for _, a := range items {
		n := c.openingBound(a) + len(a.ContentHTML)
		if !c.fits(n, -1) {
			return false
		}
		total += n
	}
	return c.MaxFeedContent <= 0 || total <= c.MaxFeedContent
}
