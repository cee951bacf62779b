// Package live serves server-sent event streams of the site's changes
// (GET /events and /category/{name}/events): one event per new, updated
// or deleted article, numbered by the store's change log, so that a
// client that reconnects with Last-Event-ID receives what it missed.
//
// # Events
//
// Each change is an unnamed event (no event: line, so EventSource's
// onmessage sees it) whose id is the change's number in the log and whose
// data is one line of JSON:
//
//	id: 42
//	data: {"type":"created","id":"ferry-rescue","title":"Ferry rescue","url":"https://news.example/articles/ferry-rescue","summary":"All 42 passengers were rescued.","categories":["News"],"published":"2026-11-24T09:00:00Z"}
//
// type is "created" or "updated" (a client treats both as "insert or
// replace by id"), with the article's title, its link (its own URL when
// it has one, else its page on the site), its summary as plain text (the
// lead text, then one highlighted sentence a line, as in the JSON Feed)
// and its categories as they are now; or "deleted", with only the id and
// the categories it was in:
//
//	id: 43
//	data: {"type":"deleted","id":"ferry-rescue","categories":["News"]}
//
// A category's stream gets every change that touched the category (by
// feed.CategoryKey), including one that moved the article out of it: the
// event's categories then no longer hold the category, and the client
// drops the article. A category whose name holds a "/" is spelled with
// %2F in the stream's path (/category/a%2Fb/events), or with the slash as
// typed, as its feeds are.
//
// A stream opens with a retry: line (2 to 5 s, at random, so that clients
// do not all reconnect at once after a restart) and a comment. Idle, it
// gets a comment (": ping") every Config.Heartbeat, so that proxies keep
// it open and a dead client is found.
//
// # Resuming
//
// A client without a last event id gets the changes from now on; its
// stream's opening carries an id: line without data, which sets its last
// event id to now, so that it resumes from there if it reconnects before
// any change came. A client that reconnects with one (the Last-Event-ID
// header, or the query parameter last_event_id or lastEventId) first gets
// what it missed from the change log, then the live changes, with no gap
// and no repeat: the stream subscribes before it reads the log and drops
// the live changes the replay covered. An article that changed several
// times meanwhile is replayed once, with the number of its last change,
// as it is now: as "created" if it was new, as "deleted" if it is gone. A
// category's stream skips most changes; an id: line without data (at the
// replay's end, and with a heartbeat) moves its client's last event id
// past them, so that a quiet category resumes from near now.
//
// When the log no longer reaches back to the client's id (it keeps the
// last 10,000 changes), or the id is none this log gave (not a number, or
// ahead of the log: another database's), the client gets
//
//	id: 57
//	data: {"type":"reset"}
//
// meaning "what you show may be stale: reload it (from the feeds), then go
// on from here"; the live changes follow.
//
// The changes reach the broker out of order (the store commits
// concurrent posts together); it delivers them in the log's order
// (order.go).
//
// # Bounds
//
// Past Config.MaxStreams open streams, a new one is answered 503 with
// Retry-After and JSON {"error": "..."}. Each stream has a buffer of
// Config.Buffer events; a stream whose buffer is full when a change
// arrives is dropped (its response ends, and its client resumes from the
// log when it reconnects), so a client that stops reading never holds
// memory or delays a post. An idle stream costs its handler's goroutine,
// a channel and a ticker; each event is encoded once and shared by every
// stream, and handed out by one dispatcher goroutine after the post's
// response is sent. A stream keeps its connection's write deadline two
// to four heartbeats ahead (moved when half has passed, not at every
// write), so that the server's WriteTimeout does not cut the streams and
// a client that stops reading fails its write in time. Close ends every
// stream, for a shutdown.
package live
