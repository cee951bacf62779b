package feed

import (
	"fmt"
	"strings"
	"time"
)

// Outcome is what a write did to the stored articles.
type Outcome int

// The outcomes of a write.
const (
	// Created: the article did not exist (or had been deleted).
	Created Outcome = iota + 1
	// Updated: the article existed and its content changed.
	Updated
	// Unchanged: the same content was posted again; nothing was written.
	Unchanged
	// Deleted: the article was removed.
	Deleted
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Deleted:
		return "deleted"
	}
	return "unknown"
}

// Change is the result of one committed write, as the store reports it.
// It is the one description of a write that the layers above act on: the
// server invalidates the feeds it touches (Categories) and answers the
// poster from it; push and replication build on it too.
type Change struct {
	Outcome Outcome
	// Article is the article as stored after the write; nil when Deleted.
	Article *Article
	// Prev is the version the write replaced or removed; nil when Created.
	// When Unchanged it is the stored article, the same as Article.
	Prev *Article
	// Revived is the tombstone that a Created write removed: the article
	// had been deleted within the store's keeping window and is posted
	// again, so the feeds it was deleted from change too. Nil otherwise.
	Revived *Tombstone
	// Seq numbers the change in the store's change log (see LoggedChange);
	// 0 when Unchanged.
	Seq uint64
}

// LoggedChange is an entry of the store's change log: which article a
// numbered change was about and the categories, tags and authors it
// touched. Live streams resume from it and the WebSub hub learns from it
// what a subscriber has not yet received; the article itself is read from
// the store. Entries logged before tags and authors were have none.
type LoggedChange struct {
	Seq        uint64
	Outcome    Outcome
	ID         string
	Categories []string
	Tags       []string
	Authors    []string
	When       time.Time
}

// Facets lists the facets the logged change touched, as Change.Facets
// does.
func (c LoggedChange) Facets() []Facet {
	return appendFacets(appendFacets(appendFacets(nil, CategoryFacet, c.Categories), TagFacet, c.Tags), AuthorFacet, c.Authors)
}

// Changed reports whether the write changed what is stored.
func (c Change) Changed() bool { return c.Outcome != Unchanged }

// Categories lists the categories whose feeds the change touches: those of
// the previous and the current version and of a revived tombstone, each
// once (by CategoryKey), in that order. The site's own feeds are touched by
// every change that Changed.
func (c Change) Categories() []string {
	if !c.Changed() {
		return nil
	}
	var names []string
	if c.Prev != nil {
		names = append(names, c.Prev.Categories...)
	}
	if c.Article != nil {
		names = append(names, c.Article.Categories...)
	}
	if c.Revived != nil {
		names = append(names, c.Revived.Categories...)
	}
	return UniqueCategories(names)
}

// Facets lists the facets whose feeds the change touches: every
// category, tag and author of the previous and the current version and of
// a revived tombstone, each once (by kind and CategoryKey), categories
// first, then tags, then authors. The site's own feeds are touched by
// every change that Changed.
func (c Change) Facets() []Facet {
	if !c.Changed() {
		return nil
	}
	var out []Facet
	for _, k := range FacetKinds() {
		var names []string
		if c.Prev != nil {
			names = append(names, k.Of(c.Prev)...)
		}
		if c.Article != nil {
			names = append(names, k.Of(c.Article)...)
		}
		if c.Revived != nil {
			names = append(names, k.OfDeleted(c.Revived)...)
		}
		out = appendFacets(out, k, names)
	}
	return out
}

// appendFacets appends to out a facet of kind k for each of names but
// those UniqueCategories drops (repeats and blanks).
func appendFacets(out []Facet, k FacetKind, names []string) []Facet {
	for _, name := range UniqueCategories(names) {
		out = append(out, Facet{Kind: k, Name: name})
	}
	return out
}

// A Facet is a group of articles with feeds and a page of their own: those
// filed under a category, or carrying a tag, or by an author. Name is
// spelled as an article spells it; every spelling with the same
// CategoryKey is the same facet, for tags and authors as for categories.
// The zero Facet (no name) stands for the whole site.
type Facet struct {
	Kind FacetKind
	Name string
}

// FacetKind is what a Facet groups articles by.
type FacetKind uint8

// The kinds of facets.
const (
	CategoryFacet FacetKind = iota + 1
	TagFacet
	AuthorFacet
)

// FacetKinds returns every kind, in the order changes list them.
func FacetKinds() []FacetKind { return []FacetKind{CategoryFacet, TagFacet, AuthorFacet} }

func (k FacetKind) String() string {
	switch k {
	case CategoryFacet:
		return "category"
	case TagFacet:
		return "tag"
	case AuthorFacet:
		return "author"
	}
	return "unknown"
}

// Of returns the names a is filed under as k: its categories, tags or
// authors.
func (k FacetKind) Of(a *Article) []string {
	switch k {
	case CategoryFacet:
		return a.Categories
	case TagFacet:
		return a.Tags
	case AuthorFacet:
		return a.Authors
	}
	return nil
}

// OfDeleted returns the names t's article was filed under as k.
func (k FacetKind) OfDeleted(t *Tombstone) []string {
	switch k {
	case CategoryFacet:
		return t.Categories
	case TagFacet:
		return t.Tags
	case AuthorFacet:
		return t.Authors
	}
	return nil
}

// Site reports whether f stands for the whole site rather than a facet.
func (f Facet) Site() bool { return f.Name == "" }

// Key is the form f's name is indexed and looked up under (CategoryKey).
func (f Facet) Key() string { return CategoryKey(f.Name) }

// Holds reports whether a is filed under f; every article is the site's.
func (f Facet) Holds(a *Article) bool {
	return f.Site() || f.named(f.Kind.Of(a))
}

// HoldsDeleted reports whether t's article was filed under f.
func (f Facet) HoldsDeleted(t *Tombstone) bool {
	return f.Site() || f.named(f.Kind.OfDeleted(t))
}

// named reports whether one of names has f's key; a blank name names
// nothing.
func (f Facet) named(names []string) bool {
	key := f.Key()
	if key == "" {
		return false
	}
	for _, n := range names {
		if CategoryKey(n) == key {
			return true
		}
	}
	return false
}

// String names f for messages: tag "경제", or site.
func (f Facet) String() string {
	if f.Site() {
		return "site"
	}
	return fmt.Sprintf("%s %q", f.Kind, f.Name)
}

// Precondition decides, inside a write's transaction, whether the write
// may replace stored, the article stored under its id; an error refuses
// the write, which then changes nothing. It is not asked when no article
// is stored under the id (a deleted one's id included). It runs in the
// store's one writer, holding every write behind it: it must be quick.
type Precondition func(stored *Article) error

// ConflictError refuses a write whose id was made from its title (no id
// was given) when another article, with another title, is stored under
// that id: two stories whose titles make the same id must not replace
// each other.
type ConflictError struct {
	ID string
	// Existing is the article stored under ID.
	Existing *Article
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("id %q, made from the title, is the id of another article, %q", e.ID, e.Existing.Title)
}

// KeepsTitle is the precondition of writing a when its id was made from
// its title: it may update only an article with the same title (see
// SameTitle), and is refused with a *ConflictError otherwise.
func KeepsTitle(a *Article) Precondition {
	return func(stored *Article) error {
		if SameTitle(a.Title, stored.Title) {
			return nil
		}
		return &ConflictError{ID: a.ID, Existing: stored}
	}
}

// SameTitle reports whether two titles name the same story: equal but for
// case and spacing, which an edit corrects without making a new story.
// Any other difference (words, punctuation) makes another title.
func SameTitle(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
