package websub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"sokbo/feed"
	"sokbo/store"
	"sokbo/websub"
)

// TestSubscribeAndDeliver: a subscriber of each feed (every format, the
// site's and a category's) is verified with a challenge it echoes, then
// receives the feed with the article just posted, signed with its secret,
// with the Link headers of WebSub 7; the store then says it received the
// last change.
func TestSubscribeAndDeliver(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		topic, ctype string
	}{
		{"feed.rss", "application/rss+xml"},
		{"feed.atom", "application/atom+xml"},
		{"feed.json", "application/feed+json"},
		{"category/news/feed.atom", "application/atom+xml"},
	}
	subs := make([]*subscriber, len(tests))
	for i, tt := range tests {
		subs[i] = newSubscriber(t)
		e.mustSubscribe("subscribe", e.url+tt.topic, subs[i].url, "hub.secret", "secret of "+tt.topic)
	}
	for i, tt := range tests {
		q := subs[i].waitRequest(t, "subscribe")
		if q.Get("hub.topic") != e.url+tt.topic || len(q.Get("hub.challenge")) < 32 || q.Get("hub.lease_seconds") != strconv.Itoa(int(websub.DefaultConfig().LeaseDefault/time.Second)) {
			t.Errorf("%s: verification %v", tt.topic, q)
		}
	}
	waitFor(t, "the subscriptions stored", func() bool { return len(e.stored()) == len(tests) })

	e.post("Ferry rescue", "News")
	last := e.lastChange()
	for i, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			d := subs[i].waitDeliveries(t, 1)[0]
			if got := d.header.Get("Content-Type"); !strings.HasPrefix(got, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", got, tt.ctype)
			}
			if got, want := d.header.Get("Link"), "<"+e.url+`websub>; rel="hub", <`+e.url+tt.topic+`>; rel="self"`; got != want {
				t.Errorf("Link %q, want %q", got, want)
			}
			if got, want := d.header.Get("X-Hub-Signature"), hmacHex("secret of "+tt.topic, d.body); got != want {
				t.Errorf("X-Hub-Signature %q, want %q", got, want)
			}
			f, err := gofeed.NewParser().ParseString(string(d.body))
			if err != nil {
				t.Fatalf("the delivered feed does not parse: %v\n%s", err, d.body)
			}
			if len(f.Items) != 1 || f.Items[0].Title != "Ferry rescue" {
				t.Errorf("delivered items %v, want the article", f.Items)
			}
		})
	}
	waitFor(t, "the deliveries acknowledged", func() bool {
		for _, s := range e.stored() {
			if s.Delivered != last || !s.FailingSince.IsZero() {
				return false
			}
		}
		return true
	})
}

// TestUnsigned: without a secret, a delivery has no signature.
func TestUnsigned(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	e.mustSubscribe("subscribe", e.url+"feed.rss", s.url)
	waitFor(t, "the subscription stored", func() bool { return len(e.stored()) == 1 })
	e.post("Quiet day")
	if d := s.waitDeliveries(t, 1)[0]; d.header.Get("X-Hub-Signature") != "" {
		t.Errorf("X-Hub-Signature %q without a secret", d.header.Get("X-Hub-Signature"))
	}
}

// TestWrongChallenge: a callback that does not echo the challenge, or
// refuses, never becomes a subscriber.
func TestWrongChallenge(t *testing.T) {
	tests := []struct {
		name string
		code int
		body func(challenge string) string
	}{
		{"other body", http.StatusOK, func(string) string { return "wrong" }},
		{"challenge and more", http.StatusOK, func(c string) string { return c + "\n" }},
		{"not found", http.StatusNotFound, func(c string) string { return c }},
		{"redirect", http.StatusFound, func(c string) string { return c }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			s := newSubscriber(t)
			s.set(func(s *subscriber) {
				s.verify = func(q url.Values) (int, string) { return tt.code, tt.body(q.Get("hub.challenge")) }
			})
			e.mustSubscribe("subscribe", e.url+"feed.atom", s.url)
			e.waitLog("verification failed", s.url)
			e.post("Nobody listens")
			// Close writes every acknowledgement: the store is then the
			// hub's state.
			e.stop()
			e.open()
			if got := e.stored(); len(got) != 0 {
				t.Errorf("stored %v, want none", got)
			}
			if n := len(s.deliveries()); n != 0 {
				t.Errorf("%d deliveries, want none", n)
			}
		})
	}
}

// TestDenied: a topic that is not a feed of the site is denied with a
// GET hub.mode=denied to the callback.
func TestDenied(t *testing.T) {
	e := newEnv(t, nil)
	for _, topic := range []string{
		"https://elsewhere.example/feed.rss",
		e.url + "articles/ferry-rescue",
		e.url + "feed.rss?limit=5",
		e.url + "archive/1/feed.atom",
	} {
		t.Run(topic, func(t *testing.T) {
			s := newSubscriber(t)
			e.mustSubscribe("subscribe", topic, s.url)
			q := s.waitRequest(t, "denied")
			if q.Get("hub.topic") != topic || q.Get("hub.reason") == "" || q.Has("hub.challenge") {
				t.Errorf("denial %v", q)
			}
		})
	}
	if got := e.stored(); len(got) != 0 {
		t.Errorf("stored %v, want none", got)
	}
}

// TestUnsubscribe: an unsubscription takes effect only once verified; then
// the subscriber receives nothing more.
func TestUnsubscribe(t *testing.T) {
	e := newEnv(t, nil)
	s, witness := newSubscriber(t), newSubscriber(t)
	topic := e.url + "feed.atom"
	e.mustSubscribe("subscribe", topic, s.url)
	e.mustSubscribe("subscribe", topic, witness.url)
	waitFor(t, "the subscriptions stored", func() bool { return len(e.stored()) == 2 })

	// Someone else asks: the subscriber answers 404, and stays.
	s.set(func(s *subscriber) {
		s.verify = func(q url.Values) (int, string) {
			if q.Get("hub.mode") == "unsubscribe" {
				return http.StatusNotFound, ""
			}
			return http.StatusOK, q.Get("hub.challenge")
		}
	})
	e.mustSubscribe("unsubscribe", topic, s.url)
	q := s.waitRequest(t, "unsubscribe")
	if q.Get("hub.topic") != topic || q.Get("hub.challenge") == "" || q.Has("hub.lease_seconds") {
		t.Errorf("unsubscribe verification %v", q)
	}
	e.waitLog("verification failed", "mode=unsubscribe", s.url)
	e.post("Still subscribed")
	s.waitDeliveries(t, 1)
	witness.waitDeliveries(t, 1)

	// The subscriber asks and confirms.
	s.set(func(s *subscriber) { s.verify = nil })
	e.mustSubscribe("unsubscribe", topic, s.url)
	waitFor(t, "the subscription deleted", func() bool {
		_, ok := e.stored()[s.url]
		return !ok
	})
	e.post("After unsubscribing")
	witness.waitDeliveries(t, 2)
	e.stop()
	e.open()
	if n := len(s.deliveries()); n != 1 {
		t.Errorf("%d deliveries to the unsubscribed, want 1 (before)", n)
	}
}

// TestLeaseSeconds: the lease granted is the default when none is asked
// for, else the one asked for within [LeaseMin, LeaseMax]; it is what the
// verification says, and the stored expiry.
func TestLeaseSeconds(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) {
		c.LeaseMin, c.LeaseDefault, c.LeaseMax = time.Minute, time.Hour, 2*time.Hour
	})
	tests := []struct {
		asked string // "" for none
		want  int
	}{
		{"", 3600},
		{"90", 90},
		{"1", 60},
		{"0", 60},
		{"86400", 7200},
		{"99999999999999999999999", 7200},
	}
	for _, tt := range tests {
		t.Run("asked "+tt.asked, func(t *testing.T) {
			s := newSubscriber(t)
			var more []string
			if tt.asked != "" {
				more = []string{"hub.lease_seconds", tt.asked}
			}
			before := time.Now()
			e.mustSubscribe("subscribe", e.url+"feed.rss", s.url, more...)
			if got := s.waitRequest(t, "subscribe").Get("hub.lease_seconds"); got != strconv.Itoa(tt.want) {
				t.Errorf("hub.lease_seconds %s, want %d", got, tt.want)
			}
			var stored feed.Subscription
			waitFor(t, "the subscription stored", func() bool {
				var ok bool
				stored, ok = e.stored()[s.url]
				return ok
			})
			lease := time.Duration(tt.want) * time.Second
			if stored.Expires.Before(before.Add(lease)) || stored.Expires.After(time.Now().Add(lease)) {
				t.Errorf("expires %v, want %v from the verification", stored.Expires, lease)
			}
		})
	}
}

// TestLeaseExpiry: a subscription whose lease ended is removed and
// receives nothing; one re-subscribed in time is renewed.
func TestLeaseExpiry(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) { c.LeaseMin = time.Second })
	expiring, renewed := newSubscriber(t), newSubscriber(t)
	topic := e.url + "feed.json"
	e.mustSubscribe("subscribe", topic, expiring.url, "hub.lease_seconds", "1")
	e.mustSubscribe("subscribe", topic, renewed.url, "hub.lease_seconds", "3")
	renewed.waitRequest(t, "subscribe")
	e.mustSubscribe("subscribe", topic, renewed.url, "hub.lease_seconds", "3600")
	waitFor(t, "the renewal", func() bool {
		s, ok := e.stored()[renewed.url]
		return ok && time.Until(s.Expires) > 50*time.Minute
	})
	waitFor(t, "the expired subscription removed", func() bool {
		_, ok := e.stored()[expiring.url]
		return !ok && len(e.stored()) == 1
	})
	e.waitLog("lease ended", expiring.url)
	e.post("After the lease")
	renewed.waitDeliveries(t, 1)
	e.stop()
	e.open()
	if n := len(expiring.deliveries()); n != 0 {
		t.Errorf("%d deliveries after the lease ended, want none", n)
	}
}

// TestRetry: a subscriber that first answers 500 gets the delivery again
// after a backoff; the retries then stop.
func TestRetry(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	s.set(func(s *subscriber) {
		s.status = func(n int) int {
			if n == 0 {
				return http.StatusInternalServerError
			}
			return http.StatusNoContent
		}
	})
	e.mustSubscribe("subscribe", e.url+"feed.atom", s.url, "hub.secret", "k")
	waitFor(t, "the subscription stored", func() bool { return len(e.stored()) == 1 })
	e.post("Second try")
	e.waitLog("delivery failed, will retry", s.url)
	ds := s.waitDeliveries(t, 2)
	if string(ds[0].body) != string(ds[1].body) || ds[1].header.Get("X-Hub-Signature") != hmacHex("k", ds[1].body) {
		t.Errorf("the retry differs from the first attempt:\n%s\n%s", ds[0].body, ds[1].body)
	}
	last := e.lastChange()
	waitFor(t, "the retry acknowledged", func() bool {
		st := e.stored()[s.url]
		return st.Delivered == last && st.FailingSince.IsZero()
	})
	e.stop()
	e.open()
	if n := len(s.deliveries()); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}
}

// TestDropped: past RetryFor (here none), a failing delivery is dropped
// with a WARN line naming the callback and the topic, and the
// subscription moves on.
func TestDropped(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) { c.RetryFor = 0 })
	s := newSubscriber(t)
	s.set(func(s *subscriber) { s.status = func(int) int { return http.StatusServiceUnavailable } })
	topic := e.url + "feed.rss"
	e.mustSubscribe("subscribe", topic, s.url)
	waitFor(t, "the subscription stored", func() bool { return len(e.stored()) == 1 })
	e.post("Lost")
	e.waitLog("level=WARN", "delivery dropped", "callback="+s.url, "topic="+topic)
	last := e.lastChange()
	waitFor(t, "the subscription moved on", func() bool {
		st := e.stored()[s.url]
		return st.Delivered == last && st.FailingSince.IsZero()
	})
}

// TestGone: a subscriber that answers 410 Gone is unsubscribed (WebSub 7).
func TestGone(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	s.set(func(s *subscriber) { s.status = func(int) int { return http.StatusGone } })
	e.mustSubscribe("subscribe", e.url+"feed.rss", s.url)
	waitFor(t, "the subscription stored", func() bool { return len(e.stored()) == 1 })
	e.post("Gone")
	waitFor(t, "the subscription deleted", func() bool { return len(e.stored()) == 0 })
}

// TestDeadSubscriber: a subscriber that never answers delays neither the
// POST that made the change nor the delivery to another, and gets one
// delivery at a time.
func TestDeadSubscriber(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) { c.Workers, c.Timeout = 2, time.Minute })
	dead, alive := newSubscriber(t), newSubscriber(t)
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) }) // before the servers close: runs first
	dead.set(func(s *subscriber) { s.hold = hold })
	topic := e.url + "feed.atom"
	e.mustSubscribe("subscribe", topic, dead.url)
	e.mustSubscribe("subscribe", topic, alive.url)
	waitFor(t, "the subscriptions stored", func() bool { return len(e.stored()) == 2 })

	e.post("First")
	dead.waitDeliveries(t, 1) // now held
	alive.waitDeliveries(t, 1)
	// The dead one still holds a worker; the other worker serves the rest.
	e.post("Second")
	e.post("Third")
	ds := alive.waitDeliveries(t, 1)
	waitFor(t, "the third article delivered", func() bool {
		ds = alive.deliveries()
		return strings.Contains(string(ds[len(ds)-1].body), "Third")
	})
	if n := len(dead.deliveries()); n != 1 {
		t.Errorf("%d deliveries in flight to the dead subscriber, want 1", n)
	}
}

// TestRestart: a delivery pending when the hub stops (the subscriber was
// down) is made after it starts again.
func TestRestart(t *testing.T) {
	e := newEnv(t, nil)
	s := newSubscriber(t)
	var down sync.Mutex // held while the subscriber is down
	isDown := true
	s.set(func(s *subscriber) {
		s.status = func(int) int {
			down.Lock()
			defer down.Unlock()
			if isDown {
				return http.StatusServiceUnavailable
			}
			return http.StatusNoContent
		}
	})
	topic := e.url + "category/world/feed.rss"
	e.mustSubscribe("subscribe", topic, s.url, "hub.secret", "restart")
	waitFor(t, "the subscription stored", func() bool { return len(e.stored()) == 1 })
	e.post("Across the restart", "World")
	// Refused, and the hub has taken the answer in.
	e.waitLog("delivery failed, will retry", s.url)
	e.stop()
	// The store as the hub left it.
	db, err := store.Open(filepath.Join(e.dir, "sokbo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := db.Subscriptions(context.Background())
	last, _ := db.LastChange(context.Background())
	db.Close()
	if err != nil || len(subs) != 1 || subs[0].Delivered >= last || subs[0].FailingSince.IsZero() {
		t.Errorf("stored after the failure: %+v %v, want one pending and failing", subs, err)
	}
	down.Lock()
	isDown = false
	down.Unlock()
	before := len(s.deliveries())
	e.open()
	d := s.waitDeliveries(t, before+1)[before]
	if !strings.Contains(string(d.body), "Across the restart") || d.header.Get("X-Hub-Signature") != hmacHex("restart", d.body) {
		t.Errorf("delivery after the restart: %s %s", d.header, d.body)
	}
	waitFor(t, "the delivery acknowledged", func() bool {
		st := e.stored()[s.url]
		return st.Delivered == last && st.FailingSince.IsZero()
	})
}

// TestPrivateCallbacks: without AllowPrivateCallbacks, a callback on a
// literal private address is refused at once, and one whose name resolves
// to one is refused when dialled: it hears nothing.
func TestPrivateCallbacks(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) { c.AllowPrivateCallbacks = false })
	s := newSubscriber(t)
	port := s.url[strings.LastIndexByte(s.url, ':')+1:]
	for _, tt := range []struct{ callback, kind string }{
		{s.url, "loopback"},
		{"http://[::1]:" + port, "loopback"},
		{"http://[::ffff:127.0.0.1]:" + port, "loopback"},
		{"http://10.1.2.3/cb", "private"},
		{"http://192.168.0.10/cb", "private"},
		{"http://169.254.169.254/latest/meta-data", "link-local"},
		{"https://[fd00::1]/cb", "private"},
		{"http://0.0.0.0:" + port, "unspecified"},
		{"http://100.64.0.1/cb", "carrier-grade NAT"},
	} {
		t.Run(tt.callback, func(t *testing.T) {
			code, body := e.subscribe(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {e.url + "feed.rss"}, "hub.callback": {tt.callback}})
			if code != http.StatusBadRequest || !strings.HasPrefix(body["error"], "hub.callback: ") || !strings.Contains(body["error"], tt.kind) {
				t.Errorf("%d %v, want 400 naming hub.callback and %s", code, body, tt.kind)
			}
		})
	}
	byName := "http://localhost:" + port + "/cb"
	e.mustSubscribe("subscribe", e.url+"feed.rss", byName)
	line := e.waitLog("verification failed", byName)
	if !strings.Contains(line, "loopback") {
		t.Errorf("the failure does not say why: %s", line)
	}
	e.stop()
	e.open()
	if len(s.requests()) != 0 || len(e.stored()) != 0 {
		t.Errorf("requests %v, stored %v, want none", s.requests(), e.stored())
	}
}

// TestBounds: at most MaxPerHost pairs per callback host and
// MaxSubscriptions in all, pending verifications counted; a pair already
// held may ask again, and an unsubscription frees its place.
func TestBounds(t *testing.T) {
	e := newEnv(t, func(c *websub.Config) { c.MaxPerHost, c.MaxSubscriptions = 2, 3 })
	s := newSubscriber(t)
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	s.set(func(s *subscriber) {
		s.verify = func(q url.Values) (int, string) {
			<-release // the verifications stay pending until then
			return http.StatusOK, q.Get("hub.challenge")
		}
	})
	topic := e.url + "feed.atom"
	e.mustSubscribe("subscribe", topic, s.url+"/1")
	e.mustSubscribe("subscribe", topic, s.url+"/2")
	want := func(callback string, code int, says string) {
		t.Helper()
		got, body := e.subscribe(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {callback}})
		if got != code || !strings.Contains(body["error"], says) {
			t.Errorf("subscribe %s: %d %v, want %d saying %q", callback, got, body, code, says)
		}
	}
	want(s.url+"/3", http.StatusTooManyRequests, "127.0.0.1")
	e.mustSubscribe("subscribe", topic, s.url+"/1") // held already
	open()
	waitFor(t, "the subscriptions stored", func() bool { return len(e.stored()) == 2 })
	want(s.url+"/3", http.StatusTooManyRequests, "hub.callback")

	byName := strings.Replace(s.url, "127.0.0.1", "localhost", 1)
	e.mustSubscribe("subscribe", topic, byName+"/1")
	want(byName+"/2", http.StatusServiceUnavailable, "as many subscriptions as it may (3")

	e.mustSubscribe("unsubscribe", topic, s.url+"/2")
	waitFor(t, "the unsubscription", func() bool {
		_, ok := e.stored()[s.url+"/2"]
		return !ok
	})
	e.mustSubscribe("subscribe", topic, s.url+"/3")
}

// TestChanges: in "changes" mode a delivery carries only the items changed
// since the subscriber's last, a deletion as an Atom tombstone, rendered
// once for all the subscribers at the same place.
func TestChanges(t *testing.T) {
	var counts renderCounts
	e := newEnvWrapped(t, func(c *websub.Config) { c.Content = websub.ContentChanges },
		func(t websub.Topics) websub.Topics { return &countingTopics{Topics: t, counts: &counts} })
	subs := []*subscriber{newSubscriber(t), newSubscriber(t), newSubscriber(t)}
	topic := e.url + "feed.atom"
	for _, s := range subs {
		e.mustSubscribe("subscribe", topic, s.url)
	}
	waitFor(t, "the subscriptions stored", func() bool { return len(e.stored()) == len(subs) })

	first := e.post("First story")
	for _, s := range subs {
		d := s.waitDeliveries(t, 1)[0]
		f, err := gofeed.NewParser().ParseString(string(d.body))
		if err != nil || len(f.Items) != 1 || f.Items[0].Title != "First story" {
			t.Fatalf("first delivery: %v %s", err, d.body)
		}
	}
	if n := counts.get(topic); n != 1 {
		t.Errorf("%d renders of the changes for %d subscribers, want 1", n, len(subs))
	}
	e.post("Second story")
	d := subs[0].waitDeliveries(t, 2)[1]
	f, err := gofeed.NewParser().ParseString(string(d.body))
	if err != nil || len(f.Items) != 1 || f.Items[0].Title != "Second story" {
		t.Errorf("second delivery: %v %s", err, d.body)
	}
	e.delete(first)
	d = subs[0].waitDeliveries(t, 3)[2]
	if !strings.Contains(string(d.body), "deleted-entry") || !strings.Contains(string(d.body), first) {
		t.Errorf("the deletion's delivery has no tombstone for %s:\n%s", first, d.body)
	}
}

// renderCounts counts ChangesDocument calls by topic.
type renderCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *renderCounts) get(topic string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[topic]
}

// countingTopics is the server's Topics, counting the renders of changes.
type countingTopics struct {
	websub.Topics
	counts *renderCounts
}

func (c *countingTopics) ChangesDocument(ctx context.Context, topic string, changes []feed.LoggedChange) ([]byte, string, error) {
	c.counts.mu.Lock()
	if c.counts.n == nil {
		c.counts.n = map[string]int{}
	}
	c.counts.n[topic]++
	c.counts.mu.Unlock()
	return c.Topics.ChangesDocument(ctx, topic, changes)
}

// TestPublishPings: each change is pinged to the configured hubs, one
// hub.mode=publish per feed it touched.
func TestPublishPings(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	ext := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		got[r.PostForm.Get("hub.mode")+" "+r.PostForm.Get("hub.url")]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(ext.Close)
	e := newEnv(t, func(c *websub.Config) { c.Publish = []string{ext.URL + "/hub"} })
	e.post("Pinged", "News")
	want := []string{"feed.rss", "feed.atom", "feed.json", "category/news/feed.rss", "category/news/feed.atom", "category/news/feed.json"}
	waitFor(t, "a ping of each feed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, w := range want {
			if got["publish "+e.url+w] == 0 {
				return false
			}
		}
		return true
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Errorf("pings %v, want one of each of %v", got, want)
	}
}
