package feed_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"sokbo/feed"
)

// TestFacetHolds: a facet holds the articles (and tombstones) that name
// it under its own kind, in any spelling with its CategoryKey; the site
// holds every article, and a blank name none.
func TestFacetHolds(t *testing.T) {
	t.Parallel()
	a := &feed.Article{Categories: []string{"News"}, Tags: []string{"선거"}, Authors: []string{"Kim  Min"}}
	ts := &feed.Tombstone{Categories: a.Categories, Tags: a.Tags, Authors: a.Authors}
	for _, tt := range []struct {
		f    feed.Facet
		want bool
	}{
		{feed.Facet{}, true},
		{feed.Facet{Kind: feed.CategoryFacet, Name: "NEWS "}, true},
		{feed.Facet{Kind: feed.TagFacet, Name: norm.NFD.String("선거")}, true},
		{feed.Facet{Kind: feed.AuthorFacet, Name: "kim min"}, true},
		{feed.Facet{Kind: feed.TagFacet, Name: "News"}, false},
		{feed.Facet{Kind: feed.AuthorFacet, Name: "선거"}, false},
		{feed.Facet{Kind: feed.TagFacet, Name: "  "}, false},
	} {
		if got := tt.f.Holds(a); got != tt.want {
			t.Errorf("%s.Holds = %v, want %v", tt.f, got, tt.want)
		}
		if got := tt.f.HoldsDeleted(ts); got != tt.want {
			t.Errorf("%s.HoldsDeleted = %v, want %v", tt.f, got, tt.want)
		}
	}
}

// TestLoggedChangeFacets: a logged change names its facets as the change
// did, each once, categories then tags then authors; one logged before
// tags and authors were names its categories only.
func TestLoggedChangeFacets(t *testing.T) {
	t.Parallel()
	c := feed.LoggedChange{Categories: []string{"News", "news"}, Tags: []string{"a", " A", ""}, Authors: []string{"Lee"}}
	want := []feed.Facet{{Kind: feed.CategoryFacet, Name: "News"}, {Kind: feed.TagFacet, Name: "a"}, {Kind: feed.AuthorFacet, Name: "Lee"}}
	if diff := cmp.Diff(want, c.Facets()); diff != "" {
		t.Errorf("Facets (-want +got):\n%s", diff)
	}
	old := feed.LoggedChange{Categories: []string{"News"}}
	if diff := cmp.Diff(want[:1], old.Facets()); diff != "" {
		t.Errorf("Facets of an old entry (-want +got):\n%s", diff)
	}
}
