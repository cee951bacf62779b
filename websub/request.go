package websub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The modes of a subscription request.
const (
	modeSubscribe   = "subscribe"
	modeUnsubscribe = "unsubscribe"
)

// Bounds of a subscription request: a form of two URLs and a secret.
const (
	maxRequestBody = 16 << 10
	maxURLLen      = 2048
	// maxSecretLen: WebSub 5.1 wants the secret under 200 bytes.
	maxSecretLen = 199
)

// request is a subscription request as parsed, before the hub decides on
// it.
type request struct {
	mode, topic, callback, secret string
	// host is the callback's host, lower-cased: what MaxPerHost counts.
	host string
	// lease is the lease asked for; given is false when none was.
	lease uint64
	given bool
}

// requestError refuses a request: its status, and a message that names
// the field at fault.
type requestError struct {
	code int
	msg  string
}

func (e *requestError) Error() string { return e.msg }

func badField(field, format string, args ...any) error {
	return &requestError{http.StatusBadRequest, field + ": " + fmt.Sprintf(format, args...)}
}

// ServeHTTP takes a subscription request (POST, WebSub 5.1): it answers
// 202 Accepted when the request is well formed and within the bounds, and
// the verification of intent (or the denial) follows from a worker.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := parseRequest(w, r, h.cfg.AllowPrivateCallbacks)
	if err != nil {
		fail(w, err)
		return
	}
	in := &intent{mode: req.mode, topic: req.topic, callback: req.callback, secret: req.secret, lease: h.cfg.lease(req.lease, req.given)}
	if canonical, ok := h.topics.Topic(req.topic); ok {
		in.canonical = canonical
	} else {
		in.reason = "not a topic of this hub: it delivers the feeds of its own site only"
	}
	if err := h.accept(in, req.host); err != nil {
		fail(w, err)
		return
	}
	h.poke()
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted: the callback will be asked to confirm", "mode": req.mode, "topic": req.topic, "callback": req.callback})
}

// accept files in unless the hub is full or closing: a pair already held
// (active or pending) never counts twice.
func (h *Hub) accept(in *intent, host string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return &requestError{http.StatusServiceUnavailable, "the hub is stopping; try again later"}
	}
	if !h.isHeld(in.key()) {
		switch {
		case h.held >= h.cfg.MaxSubscriptions:
			return &requestError{http.StatusServiceUnavailable, fmt.Sprintf("the hub holds as many subscriptions as it may (%d, pending ones included); try again later", h.cfg.MaxSubscriptions)}
		case h.hosts[host] >= h.cfg.MaxPerHost:
			return &requestError{http.StatusTooManyRequests, fmt.Sprintf("hub.callback: callbacks on %s hold as many subscriptions as one host may (%d, pending ones included)", host, h.cfg.MaxPerHost)}
		}
	}
	h.enqueue(in, host)
	return nil
}

// key is the pair in is about: its topic's canonical URL, or the topic as
// given when it is not one of this hub's.
func (in *intent) key() key {
	if in.canonical == "" {
		return key{in.topic, in.callback}
	}
	return key{in.canonical, in.callback}
}

// lease is the lease granted for one asked for: LeaseDefault when none
// was, else into [LeaseMin, LeaseMax].
func (c Config) lease(seconds uint64, given bool) time.Duration {
	switch {
	case !given:
		return c.LeaseDefault
	case seconds >= uint64(c.LeaseMax/time.Second):
		return c.LeaseMax
	}
	return max(time.Duration(seconds)*time.Second, c.LeaseMin)
}

// parseRequest reads and checks a subscription request. Parameters it
// does not know are ignored, as WebSub 5.1 requires.
func parseRequest(w http.ResponseWriter, r *http.Request, allowPrivate bool) (request, error) {
	var req request
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return req, &requestError{http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type: %q; a subscription request is a form, application/x-www-form-urlencoded", r.Header.Get("Content-Type"))}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return req, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body: more than %d bytes", mbe.Limit)}
	}
	if err != nil {
		return req, &requestError{http.StatusBadRequest, fmt.Sprintf("body: %v", err)}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return req, &requestError{http.StatusBadRequest, fmt.Sprintf("body: not a form: %v", err)}
	}
	var dup error
	field := func(name string) string {
		vs := form[name]
		if len(vs) > 1 && dup == nil {
			dup = badField(name, "given %d times", len(vs))
		}
		if len(vs) == 0 {
			return ""
		}
		return vs[0]
	}
	req.mode, req.topic, req.callback, req.secret = field("hub.mode"), field("hub.topic"), field("hub.callback"), field("hub.secret")
	lease, given := field("hub.lease_seconds"), form.Has("hub.lease_seconds")
	if dup != nil {
		return req, dup
	}

	switch req.mode {
	case modeSubscribe, modeUnsubscribe:
	case "":
		return req, badField("hub.mode", "missing: subscribe or unsubscribe")
	default:
		return req, badField("hub.mode", "%.50q is neither subscribe nor unsubscribe", req.mode)
	}
	if req.host, err = checkCallback(req.callback, allowPrivate); err != nil {
		return req, err
	}
	if err := checkTopic(req.topic); err != nil {
		return req, err
	}
	if given && req.mode == modeSubscribe {
		n, err := strconv.ParseUint(lease, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			n, err = ^uint64(0), nil // more than any maximum
		}
		if err != nil {
			return req, badField("hub.lease_seconds", "%.50q is not a whole number of seconds", lease)
		}
		req.lease, req.given = n, true
	}
	if len(req.secret) > maxSecretLen {
		return req, badField("hub.secret", "%d bytes; WebSub allows fewer than 200", len(req.secret))
	}
	return req, nil
}

// checkCallback checks a callback URL and returns its host, lower-cased.
// A literal private address is refused here for a quick answer; a name
// is checked on the address dialled (addr.go).
func checkCallback(raw string, allowPrivate bool) (host string, err error) {
	const field = "hub.callback"
	switch {
	case raw == "":
		return "", badField(field, "missing")
	case len(raw) > maxURLLen:
		return "", badField(field, "%d bytes, more than %d", len(raw), maxURLLen)
	case strings.Contains(raw, "#"):
		return "", badField(field, "has a fragment (#…)")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", badField(field, "not a URL: %v", errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https" || u.Opaque != "":
		return "", badField(field, "not an absolute http or https URL")
	case u.Hostname() == "":
		return "", badField(field, "no host")
	case u.User != nil:
		// It would end up in logs; a subscriber authenticates the hub by
		// the secret instead.
		return "", badField(field, "user info (name@) is not accepted")
	}
	host = strings.ToLower(u.Hostname())
	if ip, err := netip.ParseAddr(host); err == nil && !allowPrivate {
		if kind := nonPublic(ip); kind != "" {
			return "", badField(field, "%s is a %s address; this hub calls public addresses only", host, kind)
		}
	}
	return host, nil
}

// checkTopic checks that a topic is an absolute URL; whether it is one of
// this hub's is the validation that follows (a denial, not an error).
func checkTopic(raw string) error {
	const field = "hub.topic"
	if raw == "" {
		return badField(field, "missing")
	}
	if len(raw) > maxURLLen {
		return badField(field, "%d bytes, more than %d", len(raw), maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return badField(field, "not an absolute URL")
	}
	return nil
}

// fail answers err: a requestError's status and message, else 500.
func fail(w http.ResponseWriter, err error) {
	re := &requestError{http.StatusInternalServerError, "internal error"}
	errors.As(err, &re)
	writeJSON(w, re.code, map[string]string{"error": re.msg})
}

// writeJSON answers v as JSON with status code, as the server's API does.
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // maps of strings always encode
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// hostOf is the host of a stored callback, as checkCallback returns it.
func hostOf(callback string) string {
	u, err := url.Parse(callback)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
