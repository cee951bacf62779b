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
// numbered change was about and the categories it touched. Live streams
// resume from it and the WebSub hub learns from it what a subscriber has
// not yet received; the article itself is read from the store.
type LoggedChange struct {
	Seq        uint64
	Outcome    Outcome
	ID         string
	Categories []string
	When       time.Time
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
