// Package websub is sokbo's built-in WebSub hub (W3C Recommendation):
// subscriptions to the site's feeds, verification of intent, and the
// delivery of every change to the subscribers of the feeds it touches,
// retried with backoff and kept across restarts.
package websub
