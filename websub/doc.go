// Package websub is sokbo's built-in WebSub hub (W3C Recommendation):
// subscriptions to the site's feeds, verification of intent, and the
// delivery of every change to the subscribers of the feeds it touches,
// retried with backoff and kept across restarts.
//
// # How a post reaches a subscriber
//
// Follow Hub. A subscriber POSTs hub.mode=subscribe, hub.topic (a feed URL
// of the site, any format, the site's or a category's, tag's or author's),
// hub.callback and optionally hub.lease_seconds and hub.secret to /websub
// (Hub.ServeHTTP, request.go). A malformed request is answered 400 with
// {"error": "hub.callback: …"} naming the field; one over the bounds 429
// or 503; any other 202 Accepted, and its pair (topic, callback) is
// queued (an intent, verify.go). A worker then sends the callback a
// denial (hub.mode=denied) when the topic is not one of the site's feeds
// (Topics.Topic), or else a GET with hub.challenge, and activates the
// subscription only when the answer is 2xx and its body is the challenge
// exactly; an unsubscription takes effect the same way. A new
// subscription starts at the store's last change (Storage.LastChange):
// Subscription.Delivered is the change log's number of the last change
// the subscriber received.
//
// The server hands each committed write to Hub.Publish once the POST's
// response is sent; Publish only notes it and wakes the scheduler (schedule.go),
// one goroutine which takes the noted changes (the feeds each touches:
// Topics.TopicsOf), queues every subscription of those feeds whose
// Delivered is below its feed's last change, and hands what is due to a
// fixed pool of Config.Workers workers. A worker POSTs the feed
// (deliver.go) with its Content-Type, the Link headers rel="hub" and
// rel="self", and X-Hub-Signature (sha256=, HMAC-SHA256 of the exact body
// with the subscriber's secret) when it gave one. A 2xx answer moves
// Delivered to the change sent; the acknowledgements of all deliveries
// are written together every 100 ms (flush.go).
//
// # Choices
//
// Content. Config.Content "full" (the default) sends the feed as a GET of
// it answers now (Topics.Document, cached by the server, so one change
// costs one render per feed whatever the subscribers): it is what WebSub
// recommends and what every feed reader parses. "changes" sends only the
// items changed since the subscriber's Delivered (Topics.ChangesDocument,
// deletions as Atom tombstones), rendered once for all the subscribers
// at the same place (share.go); the whole feed instead when the log no
// longer holds those changes or they are more than 100.
//
// Coalescing. A subscription has at most one delivery in flight, and the
// hub sends a feed's latest state: a subscriber that is slow, or failing,
// while the feed changes several times gets one delivery of the latest.
//
// Retry. Anything but a 2xx (410 Gone ends the subscription, as WebSub
// allows), or no answer within Config.Timeout, is retried after 1 s, 2 s,
// 4 s … up to 5 minutes, each ±25% at random, until Config.RetryFor has
// passed since the first failure (Subscription.FailingSince, stored, so a
// restart does not reset it): then the delivery is dropped with a WARN
// line naming the callback and the topic. A later change is tried again.
//
// Durability. Subscriptions, their Delivered and FailingSince are in the
// store (Storage). At Start the hub reads the change log once to learn
// each feed's last change; a subscription below it has a delivery
// pending and gets it: a change is delivered at least once, a restart
// may repeat the last 100 ms of deliveries.
//
// Isolation. The workers are the only ones to wait for subscribers, each
// request bounded by Config.Timeout, its answer read up to a bound; the
// poster never waits, and one dead subscriber holds one worker at a time.
//
// Bounds and safety. At most Config.MaxSubscriptions pairs, and
// Config.MaxPerHost per callback host, active or pending, so that the hub
// cannot be made to amplify traffic; leases are granted within
// [LeaseMin, LeaseMax] and swept when they end. A callback must be http
// or https, and the hub connects to public addresses only (unless
// Config.AllowPrivateCallbacks): the check is made on the address
// dialled, so a name that resolves to a loopback or private address is
// refused too, and redirects are not followed (addr.go).
//
// Publishing. Each change of a feed is also pinged (hub.mode=publish) to
// every hub of Config.Publish, by the same workers, best effort.
package websub
