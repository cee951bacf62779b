package live

import "time"

// Config bounds the live streams; DefaultConfig holds the defaults, which
// New gives to zero fields.
type Config struct {
	// MaxStreams is how many streams may be open at once; past it a new
	// one is answered 503 with Retry-After.
	MaxStreams int
	// Heartbeat is how often an idle stream gets a comment line, so that
	// proxies keep it open and a dead client is noticed. A write to a
	// client must finish within twice it.
	Heartbeat time.Duration
	// Buffer is how many events a stream may fall behind before it is
	// dropped: a client that stops reading is never buffered without end.
	Buffer int
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{MaxStreams: 20_000, Heartbeat: 15 * time.Second, Buffer: 64}
}
