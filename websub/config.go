package websub

import "time"

// Config is the hub's configuration; DefaultConfig holds the defaults,
// which New gives to zero fields (RetryFor aside: zero is no retry).
type Config struct {
	// Content is what a delivery carries: ContentFull or ContentChanges.
	Content string
	// LeaseDefault is the lease of a subscription that asks for none;
	// LeaseMax the longest granted.
	LeaseDefault, LeaseMax time.Duration
	// LeaseMin is the shortest lease granted: a shorter one would have
	// subscribers re-subscribe, and be verified, in a loop. Tests lower
	// it to see leases end.
	LeaseMin time.Duration
	// RetryFor is how long a failing delivery is retried, with backoff,
	// before it is dropped with a log line; zero drops it at its first
	// failure.
	RetryFor time.Duration
	// Timeout bounds each request to a subscriber (verification and
	// delivery).
	Timeout time.Duration
	// Workers is how many deliveries and verifications run at once.
	Workers int
	// MaxSubscriptions and MaxPerHost bound the subscriptions in total and
	// per callback host, so that the hub cannot amplify traffic.
	MaxSubscriptions, MaxPerHost int
	// AllowPrivateCallbacks allows callbacks on loopback, private and
	// link-local addresses (tests, and hubs inside one network).
	AllowPrivateCallbacks bool
	// Publish lists external hubs pinged with hub.mode=publish on every
	// change of a topic.
	Publish []string
}

// What a delivery carries.
const (
	// ContentFull: the topic's whole current feed, as WebSub recommends.
	ContentFull = "full"
	// ContentChanges: only the items that changed since the subscriber's
	// last delivery (the PubSubHubbub 0.4 "fat ping"); deletions as RFC
	// 6721 tombstones in Atom.
	ContentChanges = "changes"
)

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Content:          ContentFull,
		LeaseDefault:     10 * 24 * time.Hour,
		LeaseMax:         30 * 24 * time.Hour,
		LeaseMin:         time.Minute,
		RetryFor:         time.Hour,
		Timeout:          10 * time.Second,
		Workers:          32,
		MaxSubscriptions: 10_000,
		MaxPerHost:       100,
	}
}

// withDefaults gives the zero fields of c DefaultConfig's values, and
// keeps the leases in order.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Content == "" {
		c.Content = d.Content
	}
	if c.LeaseMin <= 0 {
		c.LeaseMin = d.LeaseMin
	}
	if c.LeaseMax <= 0 {
		c.LeaseMax = d.LeaseMax
	}
	c.LeaseMax = max(c.LeaseMax, c.LeaseMin)
	if c.LeaseDefault <= 0 {
		c.LeaseDefault = d.LeaseDefault
	}
	c.LeaseDefault = min(max(c.LeaseDefault, c.LeaseMin), c.LeaseMax)
	if c.RetryFor < 0 {
		c.RetryFor = 0
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Workers <= 0 {
		c.Workers = d.Workers
	}
	if c.MaxSubscriptions <= 0 {
		c.MaxSubscriptions = d.MaxSubscriptions
	}
	if c.MaxPerHost <= 0 {
		c.MaxPerHost = d.MaxPerHost
	}
	return c
}
