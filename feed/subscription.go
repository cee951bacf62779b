package feed

import "time"

// Subscription is a WebSub subscriber's active, verified subscription to
// one topic (a feed URL of this site). The hub keeps it in the store, so
// that a restart loses neither the subscription nor what it has yet to
// receive: a change numbered above Delivered that touches Topic is
// pending for it.
type Subscription struct {
	Topic    string `json:"topic"`
	Callback string `json:"callback"`
	// Secret, when not empty, signs each delivery (X-Hub-Signature).
	Secret string `json:"secret,omitempty"`
	// Expires is the end of the lease.
	Expires time.Time `json:"expires"`
	// Delivered is the number (Change.Seq) of the last change the
	// subscriber received, or chose to skip; the hub sets it to the
	// newest change when the subscription is verified.
	Delivered uint64 `json:"delivered"`
	// FailingSince is when the first failed attempt of the pending
	// delivery was made; zero while deliveries succeed.
	FailingSince time.Time `json:"failing_since,omitzero"`
}
