package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sokbo/feed"
)

// endless is a store whose every feed goes on for ever: it serves any
// offset of any feed with as many articles as asked for.
type endless struct{ Store }

func (endless) Latest(_ context.Context, _ string, offset, limit int) ([]*feed.Article, error) {
	out := make([]*feed.Article, 0, limit)
	for i := range limit {
		id := fmt.Sprintf("a%07d", offset+i)
		out = append(out, &feed.Article{ID: id, GUID: "tag:example.org,2026:" + id, Title: id, Tags: []string{"T"},
			Published: time.Unix(2e9-int64(offset+i), 0).UTC()})
	}
	return out, nil
}

func (s endless) LatestIn(ctx context.Context, _ feed.Facet, offset, limit int) ([]*feed.Article, error) {
	return s.Latest(ctx, "", offset, limit)
}

func (endless) DeletedIn(context.Context, feed.Facet) ([]feed.Tombstone, error) { return nil, nil }
func (endless) LastSeq(context.Context) (uint64, error)                         { return 1 << 20, nil }

// TestNoNextPastMaxOffset: the last page deep enough to be served links
// no next page, which would not be served (the site's would redirect to
// the open archive page, whose items are the newest, a facet's is
// refused); every next link before it leads to a page that is served.
func TestNoNextPastMaxOffset(t *testing.T) {
	s := New(Config{}, endless{})
	last := maxOffset/500 + 1 // the deepest page of 500 served
	for _, fc := range []feed.Facet{{}, {Kind: feed.CategoryFacet, Name: "News"}, {Kind: feed.TagFacet, Name: "T"}} {
		for _, page := range []int{1, last - 1, last} {
			rd, err := s.renderFeedPage(context.Background(), feedPage{format: feed.Atom, facet: fc, limit: 500, page: page}, time.Time{})
			if err != nil {
				t.Fatalf("%s page %d: %v", fc, page, err)
			}
			body := string(rd.body())
			i := strings.Index(body, `rel="next"`)
			if page == last {
				if i >= 0 {
					t.Errorf("%s page %d (offset %d) links a next page", fc, page, (page-1)*500)
				}
				continue
			}
			if i < 0 {
				t.Fatalf("%s page %d: no next link", fc, page)
			}
			start := strings.LastIndex(body[:i], `href="`) + len(`href="`)
			link := strings.ReplaceAll(body[start:start+strings.IndexByte(body[start:], '"')], "&amp;", "&")
			r := httptest.NewRequest("GET", link, nil)
			if p, err := s.parseFeedPage(r, feed.Atom, fc); err != nil || p.page != page+1 {
				t.Errorf("%s page %d: its next link %s is page %d, %v; want page %d served", fc, page, link, p.page, err, page+1)
			}
		}
	}
}
