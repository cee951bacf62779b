// Package live serves server-sent event streams of the site's changes
// (GET /events and /category/{name}/events): one event per new, updated
// or deleted article, numbered by the store's change log, so that a
// client that reconnects with Last-Event-ID receives what it missed.
package live
