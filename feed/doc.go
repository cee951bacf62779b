// Package feed holds sokbo's domain and its feed formats. The domain is the
// Article that newsrooms post, its Summary, the Change a write makes, the
// Facets that group articles into feeds of their own (a category, a tag,
// an author), the rule for when two of their names are the same
// (CategoryKey), and the errors shared by every layer. An item's content
// opens with the article's key points (content.go, feeds.content). The formats are RSS 2.0 (rss.go), Atom 1.0
// (atom.go) and JSON Feed 1.1 (jsonfeed.go), written by Write from a
// Channel; xmlchars.go holds the one definition of the characters XML 1.0
// forbids, which every layer that produces feed text uses.
//
// The renderers build on github.com/gorilla/feeds' types: where the library
// falls short of a specification (a required element it omits when empty,
// an extension it does not know), the format's file embeds the library type
// in one of its own that adds what is missing, and says why beside it.
//
// The package imports nothing else of sokbo's.
package feed
