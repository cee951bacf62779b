package server

import (
	"context"
	"io"

	"sokbo/feed"
)

// The server consumes storage through three small interfaces, one per
// job; store.DB implements all three, and main checks that it does.

// Reader reads what the feeds, pages and the JSON API show.
type Reader interface {
	// Get returns one article, or an error wrapping feed.ErrNotFound.
	Get(ctx context.Context, id string) (*feed.Article, error)
	// Latest returns the newest articles of the site (category "") or of
	// one category, after skipping offset of them.
	Latest(ctx context.Context, category string, offset, limit int) ([]*feed.Article, error)
	// LatestIn is Latest for any facet: a category, a tag or an author
	// (the site for the zero Facet), matched by feed.CategoryKey.
	LatestIn(ctx context.Context, f feed.Facet, offset, limit int) ([]*feed.Article, error)
	// DeletedIn returns the tombstones the store still keeps, newest
	// first, of the site (the zero Facet) or of the articles that were
	// filed under a facet.
	DeletedIn(ctx context.Context, f feed.Facet) ([]feed.Tombstone, error)
	// LastSeq and Arrived read the arrival order that archive pages are
	// cut from.
	LastSeq(ctx context.Context) (uint64, error)
	Arrived(ctx context.Context, from, to uint64) ([]*feed.Article, error)
}

// Writer changes the stored articles. Each write returns the feed.Change
// it made, once it is committed and synced.
type Writer interface {
	// ExpectWrite announces a post being parsed, so that the writes of
	// concurrent posters share one commit; the returned function
	// withdraws the announcement (when giving up).
	ExpectWrite() (withdraw func())
	// PutExpected stores an announced article, withdrawing its
	// announcement once the write is on its way to the commit. Each
	// precondition is asked in the write's transaction about the article
	// it would replace; a refusal is its error, and nothing is written.
	PutExpected(ctx context.Context, a *feed.Article, withdraw func(), pre ...feed.Precondition) (feed.Change, error)
	Delete(ctx context.Context, id string) (feed.Change, error)
}

// Admin is what the operator's endpoints need.
type Admin interface {
	// Backup writes a consistent snapshot of the database to w, telling
	// size its length first.
	Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error)
	// Groups counts the store's groups of writes (one commit each, as a
	// rule) and the writes they held.
	Groups() (groups, writes uint64)
}

// Store is everything the server uses of storage.
type Store interface {
	Reader
	Writer
	Admin
}
