package server

import (
	"crypto/subtle"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Token is a named bearer token allowed to post and delete articles. The
// name appears in logs; the secret never does.
type Token struct {
	Name   string
	Secret string
	// Rate is how many writes per second the token may make on average,
	// Burst how many at once; zero means the defaults (DefaultRate and a
	// burst of one second's worth).
	Rate  float64
	Burst int
}

// DefaultRate is a token's write rate when none is configured: well above
// a newsroom's bulk import (32 posters at a few thousand articles per
// second), so only a runaway client is throttled.
const DefaultRate = 10000

// client is a token at run time: its name and its rate limiter.
type client struct {
	name    string
	secret  []byte
	limiter *rate.Limiter
}

// authenticate returns the client whose token r carries, comparing with
// every configured token in constant time, or a 401 error.
func (s *Server) authenticate(r *http.Request) (*client, error) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	var found *client
	if ok && strings.EqualFold(scheme, "Bearer") {
		t := []byte(strings.TrimSpace(tok))
		for _, c := range s.clients {
			if subtle.ConstantTimeCompare(t, c.secret) == 1 {
				found = c
			}
		}
	}
	if found == nil {
		return nil, &statusError{http.StatusUnauthorized, "Authorization: missing or wrong bearer token"}
	}
	return found, nil
}

// admit authenticates r and takes one write from its token's allowance:
// a 401 or a 429 (with Retry-After) error when it may not proceed.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) (*client, error) {
	c, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if wait := take(c.limiter, s.cfg.Now()); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return nil, &statusError{http.StatusTooManyRequests, "rate limit: token " + strconv.Quote(c.name) + " is over its rate; retry later"}
	}
	return c, nil
}

// newLimiter returns a token's rate limiter: perSecond writes per second on
// average, burst at once, zero meaning the defaults.
func newLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		perSecond = DefaultRate
	}
	if burst <= 0 {
		burst = int(math.Ceil(perSecond))
	}
	return rate.NewLimiter(rate.Limit(perSecond), burst)
}

// take takes one write from l at time now, or returns how long until one
// is allowed, taking nothing.
func take(l *rate.Limiter, now time.Time) time.Duration {
	if l.AllowN(now, 1) {
		return 0
	}
	missing := 1 - l.TokensAt(now)
	return time.Duration(missing / float64(l.Limit()) * float64(time.Second))
}
