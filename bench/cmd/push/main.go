// Command push measures how soon a POST reaches live subscribers: many
// server-sent event streams (GET /events) and many WebSub callbacks
// subscribed to the site feed, all in this process, against a running
// sokbo. See bench/README.md, "Push (issue 14)".
//
//	push -sse 10000 -callbacks 1000 -posts 20 -pid PID http://127.0.0.1:PORT
//
// It first POSTs -posts articles with nobody subscribed (the POST latency
// baseline), then starts its subscribers — a child process of its own, at
// a lower priority (nice 10), so that reading 10,000 streams on the same
// machine does not hold up the POSTs being timed: it subscribes the
// callbacks (and waits for their verification) and opens the streams,
// while this process reads the server's memory before and after. Then it
// POSTs -posts articles again, one every -gap, and for each measures the
// time from the POST's start, and from its response, to its receipt on
// every stream and at every callback (the child records each receipt with
// the wall clock, which both processes share, in arrays of its own, says
// when every subscriber of a kind has a post, and hands all the times over
// at the end, so that neither process works on receipts while the server
// fans a post out). It prints one PUSHRESULT
// line with the figures and exits non-zero when a subscriber missed a post
// or got one twice.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	nSSE := flag.Int("sse", 10000, "SSE `streams` to open on /events")
	nCB := flag.Int("callbacks", 1000, "WebSub `callbacks` to subscribe to the site feed")
	posts := flag.Int("posts", 20, "articles to post with subscribers (and as many without)")
	gap := flag.Duration("gap", time.Second, "pause between posts")
	topicFile := flag.String("topic", "feed.json", "the feed, relative to the base URL, the callbacks subscribe to")
	pid := flag.Int("pid", 0, "the server's `pid`, to read its memory from /proc")
	wait := flag.Duration("wait", 10*time.Second, "how long to wait for the last deliveries of a post")
	listen := flag.Bool("listen", false, "be the subscribers' process (started by push itself)")
	run := flag.String("run", "", "the run's `name` in the posts' ids (given to the subscribers' process)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: push [flags] BASE_URL")
		os.Exit(2)
	}
	base := strings.TrimSuffix(flag.Arg(0), "/") + "/"
	token := os.Getenv("SOKBO_TOKEN")
	if token == "" {
		fail("SOKBO_TOKEN is not set")
	}
	if *run == "" {
		*run = strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	}
	b := &bench{base: base, token: token, run: *run, wait: *wait,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}}

	if *listen {
		b.listen(*nSSE, *nCB, *posts, base+*topicFile)
		return
	}

	// The baseline: POST latency with nobody listening.
	var alone []time.Duration
	for i := range *posts {
		d, _, _ := b.post(fmt.Sprintf("alone-%d", i))
		alone = append(alone, d)
		time.Sleep(*gap)
	}

	rss0 := rssKB(*pid)
	child := b.startListener(*nSSE, *nCB, *posts, *topicFile)
	time.Sleep(2 * time.Second) // let the server's goroutines settle
	rss1 := rssKB(*pid)

	cpuServer0, cpuSubs0 := cpuTicks(*pid), cpuTicks(child.cmd.Process.Pid)
	var withSubs []time.Duration
	starts, answers := make([]time.Time, *posts), make([]time.Time, *posts)
	for i := range *posts {
		var d time.Duration
		d, starts[i], answers[i] = b.post(fmt.Sprintf("live-%d", i))
		withSubs = append(withSubs, d)
		child.wait(i, *nSSE > 0, *nCB > 0, b.wait)
		time.Sleep(*gap)
	}
	cpuServer, cpuSubs := cpuTicks(*pid)-cpuServer0, cpuTicks(child.cmd.Process.Pid)-cpuSubs0
	child.stop()
	var sseLat, cbLat, sseSent, cbSent []time.Duration
	var sseAll, cbAll []time.Duration // per post: the time until the last subscriber had it
	missed, cmissed := 0, 0
	for i := range *posts {
		s, m := child.times("s", i, *nSSE)
		c, cm := child.times("c", i, *nCB)
		missed, cmissed = missed+m, cmissed+cm
		sseLat, sseSent = append(sseLat, since(s, answers[i])...), append(sseSent, since(s, starts[i])...)
		cbLat, cbSent = append(cbLat, since(c, answers[i])...), append(cbSent, since(c, starts[i])...)
		if len(s) > 0 {
			sseAll = append(sseAll, slices.Max(since(s, starts[i])))
		}
		if len(c) > 0 {
			cbAll = append(cbAll, slices.Max(since(c, starts[i])))
		}
	}
	dup := int(child.dup)
	cdup := 0 // a full-feed delivery repeats earlier posts: duplicates are counted on the streams
	perConn := 0.0
	if *nSSE > 0 && rss1 > rss0 {
		perConn = float64(rss1-rss0) / float64(*nSSE)
	}
	fmt.Printf("POST latency p50: alone %s, with subscribers %s (%.2fx)\n", ms(pct(alone, 50)), ms(pct(withSubs, 50)), float64(pct(withSubs, 50))/float64(pct(alone, 50)))
	fmt.Printf("SSE  (%d streams): from the POST's response p50 %s p99 %s; from its start p50 %s p99 %s, all streams had it after (median post) %s, worst post %s; missed %d, duplicates %d, dropped streams %d\n",
		*nSSE, ms(pct(sseLat, 50)), ms(pct(sseLat, 99)), ms(pct(sseSent, 50)), ms(pct(sseSent, 99)), ms(pct(sseAll, 50)), ms(pct(sseAll, 100)), missed, dup, child.dropped)
	fmt.Printf("WebSub (%d callbacks): from the POST's response p50 %s p99 %s; from its start p50 %s p99 %s, all callbacks had it after (median post) %s, worst post %s; missed %d, bad signatures %d\n",
		*nCB, ms(pct(cbLat, 50)), ms(pct(cbLat, 99)), ms(pct(cbSent, 50)), ms(pct(cbSent, 99)), ms(pct(cbAll, 50)), ms(pct(cbAll, 100)), cmissed, child.badSig)
	fmt.Printf("server RSS: %d KB before the streams, %d KB with them: %.1f KB per stream\n", rss0, rss1, perConn)
	fmt.Printf("CPU per post (user+sys, over the %d posts, the gaps' heartbeats included): server %.1f ms, subscribers %.1f ms\n",
		*posts, float64(cpuServer)*10/float64(*posts), float64(cpuSubs)*10/float64(*posts))
	fmt.Printf("PUSHRESULT post_alone_ms=%.2f post_subs_ms=%.2f sse_p50_ms=%.1f sse_p99_ms=%.1f sse_all_ms=%.1f cb_p50_ms=%.1f cb_p99_ms=%.1f cb_all_ms=%.1f kb_per_stream=%.1f missed=%d dup=%d\n",
		msf(pct(alone, 50)), msf(pct(withSubs, 50)), msf(pct(sseSent, 50)), msf(pct(sseSent, 99)), msf(pct(sseAll, 50)),
		msf(pct(cbSent, 50)), msf(pct(cbSent, 99)), msf(pct(cbAll, 50)), perConn, missed+cmissed, dup+cdup)
	if missed+cmissed+dup+cdup > 0 || child.badSig > 0 {
		os.Exit(1)
	}
}

type bench struct {
	base, token, run string
	wait             time.Duration
	client           *http.Client // the subscriptions'
	conn             net.Conn     // the posts'
	connR            *bufio.Reader
}

// id is the article id of post name in this run.
func (b *bench) id(name string) string { return "pushbench-" + b.run + "-" + name }

// post POSTs a small article and returns the request's latency, when it
// started and when its response arrived. The request is written and its
// response read by this goroutine on a connection of its own (kept for
// the next post), not through a Transport's goroutines, each of which
// would wait for a core while the server fans the post out: the time
// measured is the server's answer, not this process's scheduling.
func (b *bench) post(name string) (time.Duration, time.Time, time.Time) {
	id := b.id(name)
	doc := fmt.Sprintf("---\nid: %s\ntitle: \"속보 %s\"\ncategories: [Breaking]\nexcerpt: 푸시 벤치마크\n---\n<p>본문 <b><span style=\"color: #ee2323;\">핵심 문장입니다.</span></b></p>\n", id, name)
	req, _ := http.NewRequest(http.MethodPost, b.base+"api/articles", strings.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+b.token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	// A connection idle for long (the subscribers' setup may take
	// minutes) may have been closed by the server: it is dialled again
	// once, and the post timed on the new one.
	var resp *http.Response
	var start time.Time
	for attempt := 0; ; attempt++ {
		reused := b.conn != nil
		if !reused {
			c, err := net.Dial("tcp", req.URL.Host)
			if err != nil {
				fail("post %s: %v", id, err)
			}
			b.conn, b.connR = c, bufio.NewReader(c)
		}
		_ = b.conn.SetDeadline(time.Now().Add(30 * time.Second))
		start = time.Now()
		err := req.Write(b.conn)
		if err == nil {
			resp, err = http.ReadResponse(b.connR, req)
		}
		if err == nil {
			break
		}
		b.conn.Close()
		b.conn = nil
		if !reused || attempt > 0 {
			fail("post %s: %v", id, err)
		}
		req.Body = io.NopCloser(strings.NewReader(doc))
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	at := time.Now()
	if resp.StatusCode != http.StatusCreated {
		fail("post %s: %s", id, resp.Status)
	}
	if resp.Close {
		b.conn.Close()
		b.conn = nil
	}
	return at.Sub(start), start, at
}

// receipts records when each subscriber first received each measured post
// (ids prefix0 … prefix(posts-1)), in arrays set without a lock, and calls
// full once every subscriber has a post.
type receipts struct {
	prefix string
	at     [][]int64      // [post][subscriber]: the first receipt, in Unix ns; 0 before
	count  []atomic.Int64 // [post]: the subscribers that have it
	dup    atomic.Int64   // receipts beyond the first
	full   func(post int)
	cancel context.CancelFunc
}

func newReceipts(prefix string, posts, n int) *receipts {
	r := &receipts{prefix: prefix, at: make([][]int64, posts), count: make([]atomic.Int64, posts), full: func(int) {}}
	for i := range r.at {
		r.at[i] = make([]int64, n)
	}
	return r
}

// add records that sub received the post whose number follows the prefix
// at the start of rest, at the Unix time at (ns).
func (r *receipts) add(sub int, rest []byte, at int64) {
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	post, err := strconv.Atoi(string(rest[:end]))
	if err != nil || post < 0 || post >= len(r.at) || sub < 0 || sub >= len(r.at[post]) {
		return
	}
	if !atomic.CompareAndSwapInt64(&r.at[post][sub], 0, at) {
		r.dup.Add(1)
		return
	}
	if r.count[post].Add(1) == int64(len(r.at[post])) {
		r.full(post)
	}
}

// scan records every measured post that b mentions, as received by sub at
// at; it returns how many it found.
func (r *receipts) scan(sub int, b []byte, at int64) int {
	n := 0
	for {
		i := bytes.Index(b, []byte(r.prefix))
		if i < 0 {
			return n
		}
		b = b[i+len(r.prefix):]
		r.add(sub, b, at)
		n++
	}
}

func (r *receipts) close() {
	if r.cancel != nil {
		r.cancel()
	}
}

// openStreams opens n SSE streams on /events and returns once each has
// its response headers.
func (b *bench) openStreams(n int, r *receipts) *streamSet {
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamSet{receipts: r}
	u, err := url.Parse(b.base + "events")
	if err != nil {
		fail("%v", err)
	}
	// One connection per stream, as n browsers would have, each read by
	// its own goroutine straight from the connection (http.ReadResponse
	// undoes the chunking), without a Transport's goroutines in between:
	// the less CPU the subscribers take, the more the server has.
	var mu sync.Mutex
	var conns []net.Conn
	s.cancel = func() {
		cancel()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}
	var ready sync.WaitGroup
	sem := make(chan struct{}, 200) // connecting, not open: 200 handshakes at a time
	for i := range n {
		ready.Add(1)
		sem <- struct{}{}
		go func() {
			var once sync.Once
			done := func() { once.Do(func() { <-sem; ready.Done() }) }
			defer done()
			c, err := net.Dial("tcp", u.Host)
			if err != nil {
				s.dropped.Add(1)
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			defer c.Close()
			req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
			req.Header.Set("Accept", "text/event-stream")
			br := bufio.NewReaderSize(c, 1024)
			if req.Write(c) != nil {
				s.dropped.Add(1)
				return
			}
			resp, err := http.ReadResponse(br, req)
			if err != nil || resp.StatusCode != http.StatusOK {
				s.dropped.Add(1)
				return
			}
			done()
			lines := bufio.NewReaderSize(resp.Body, 1024)
			for {
				line, err := lines.ReadSlice('\n')
				if err != nil {
					if ctx.Err() == nil {
						s.dropped.Add(1)
					}
					return
				}
				if !bytes.HasPrefix(line, []byte("data:")) {
					continue
				}
				// An event is one post: a duplicate counts twice.
				if _, rest, ok := bytes.Cut(line, []byte(`"id":"`+s.prefix)); ok {
					s.add(i, rest, time.Now().UnixNano())
				}
			}
		}()
	}
	ready.Wait()
	return s
}

type streamSet struct {
	*receipts
	dropped atomic.Int64
}

// callbackSet is n WebSub callbacks served by one listener of this
// process, at /cb/0 … /cb/n-1.
type callbackSet struct {
	*receipts
	n        int
	verified atomic.Int64
	badSig   atomic.Int64
	secret   []byte
}

// subscribe starts the callbacks' server, subscribes each to topic and
// waits until the hub has verified them all.
func (b *bench) subscribe(n int, topic string, r *receipts) (*callbackSet, error) {
	c := &callbackSet{receipts: r, n: n, secret: []byte("push-bench-secret")}
	if n == 0 {
		return c, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(c.serve)}
	go srv.Serve(ln)
	c.cancel = func() { srv.Close() }
	cbBase := "http://" + ln.Addr().String() + "/cb/"
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	var errs atomic.Int64
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {cbBase + strconv.Itoa(i)}, "hub.secret": {string(c.secret)}}
			resp, err := b.client.PostForm(b.base+"websub", form)
			if err != nil {
				errs.Add(1)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				errs.Add(1)
			}
		}()
	}
	wg.Wait()
	if errs.Load() > 0 {
		return nil, fmt.Errorf("%d of %d subscriptions refused", errs.Load(), n)
	}
	deadline := time.Now().Add(60 * time.Second)
	for c.verified.Load() < int64(n) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d of %d callbacks verified after 60 s", c.verified.Load(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // the hub activates after the echo
	return c, nil
}

// serve answers verifications (echoing the challenge) and records
// deliveries: every post of this run the delivered feed carries.
func (c *callbackSet) serve(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/cb/"))
	if err != nil || n < 0 || n >= c.n {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if q.Get("hub.mode") == "subscribe" {
			c.verified.Add(1)
		}
		_, _ = io.WriteString(w, q.Get("hub.challenge"))
		return
	}
	body, err := io.ReadAll(r.Body)
	at := time.Now().UnixNano()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, c.secret)
	mac.Write(body)
	if r.Header.Get("X-Hub-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		c.badSig.Add(1)
	}
	// A full-feed delivery carries the earlier posts too: each post counts
	// when it first arrives, and the repeats (this receipts' dup) are not
	// duplicates; those are counted on the streams, where an event is one
	// post.
	c.scan(n, body, at)
	w.WriteHeader(http.StatusNoContent)
}

// listen is the subscribers' process: it subscribes the callbacks, opens
// the streams and says "ready"; then, for each post, "full s|c POST" once
// every stream or callback has it. When its stdin closes it writes, per
// kind and post, "times s|c POST T…" (Unix ns of each subscriber's first
// receipt, 0 for none) and ends with "end DROPPED BADSIG DUPLICATES".
func (b *bench) listen(nSSE, nCB, posts int, topic string) {
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	var mu sync.Mutex
	full := func(kind string) func(int) {
		return func(post int) {
			mu.Lock()
			fmt.Fprintf(out, "full %s %d\n", kind, post)
			out.Flush()
			mu.Unlock()
		}
	}
	prefix := b.id("live-")
	cr, sr := newReceipts(prefix, posts, nCB), newReceipts(prefix, posts, nSSE)
	cr.full, sr.full = full("c"), full("s")
	cbs, err := b.subscribe(nCB, topic, cr)
	if err != nil {
		fail("subscribe: %v", err)
	}
	streams := b.openStreams(nSSE, sr)
	mu.Lock()
	fmt.Fprintln(out, "ready")
	out.Flush()
	mu.Unlock()
	_, _ = io.Copy(io.Discard, os.Stdin)
	streams.close()
	cbs.close()
	mu.Lock()
	defer mu.Unlock()
	for _, k := range []struct {
		kind string
		r    *receipts
	}{{"s", sr}, {"c", cr}} {
		for post, at := range k.r.at {
			fmt.Fprintf(out, "times %s %d", k.kind, post)
			for i := range at {
				fmt.Fprintf(out, " %d", atomic.LoadInt64(&at[i]))
			}
			fmt.Fprintln(out)
		}
	}
	fmt.Fprintf(out, "end %d %d %d\n", streams.dropped.Load(), cbs.badSig.Load(), sr.dup.Load())
	out.Flush()
}

// listener is the subscribers' process, seen from the parent.
type listener struct {
	cmd                  *exec.Cmd
	stdin                io.WriteCloser
	end                  chan struct{}
	full                 map[string]chan struct{} // "s 3": closed when every stream has post 3
	at                   map[string][]int64       // "s 3": the receipts of post 3 on the streams
	dropped, badSig, dup int64
	ended                bool  // the "end" line arrived
	err                  error // reading the child's output failed
}

// startListener starts the subscribers' process at nice 10 and returns
// once its subscribers are ready.
func (b *bench) startListener(nSSE, nCB, posts int, topicFile string) *listener {
	self, err := os.Executable()
	if err != nil {
		fail("%v", err)
	}
	l := &listener{end: make(chan struct{}), full: map[string]chan struct{}{}, at: map[string][]int64{}}
	for i := range posts {
		for _, kind := range []string{"s", "c"} {
			l.full[fmt.Sprintf("%s %d", kind, i)] = make(chan struct{})
		}
	}
	l.cmd = exec.Command("nice", "-n", "10", self, "-listen", "-sse", strconv.Itoa(nSSE), "-callbacks", strconv.Itoa(nCB),
		"-posts", strconv.Itoa(posts), "-topic", topicFile, "-run", b.run, b.base)
	l.cmd.Stderr = os.Stderr
	l.stdin, _ = l.cmd.StdinPipe()
	stdout, _ := l.cmd.StdoutPipe()
	if err := l.cmd.Start(); err != nil {
		fail("start the subscribers: %v", err)
	}
	ready := make(chan struct{})
	go func() {
		defer close(l.end)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 1 && f[0] == "ready":
				close(ready)
			case len(f) == 3 && f[0] == "full":
				if ch, ok := l.full[f[1]+" "+f[2]]; ok {
					close(ch)
				}
			case len(f) >= 3 && f[0] == "times":
				at := make([]int64, len(f)-3)
				for i, v := range f[3:] {
					at[i], _ = strconv.ParseInt(v, 10, 64)
				}
				l.at[f[1]+" "+f[2]] = at
			case len(f) == 4 && f[0] == "end":
				l.dropped, _ = strconv.ParseInt(f[1], 10, 64)
				l.badSig, _ = strconv.ParseInt(f[2], 10, 64)
				l.dup, _ = strconv.ParseInt(f[3], 10, 64)
				l.ended = true
			}
		}
		l.err = sc.Err()
	}()
	select {
	case <-ready:
	case <-l.end:
		fail("the subscribers' process ended before it was ready")
	case <-time.After(3 * time.Minute):
		fail("the subscribers were not ready after 3 minutes")
	}
	return l
}

// wait waits until every stream (if sse) and every callback (if cb) has
// post i, or for at most d.
func (l *listener) wait(i int, sse, cb bool, d time.Duration) {
	timeout := time.After(d)
	for _, k := range []struct {
		kind string
		on   bool
	}{{"s", sse}, {"c", cb}} {
		if !k.on {
			continue
		}
		select {
		case <-l.full[fmt.Sprintf("%s %d", k.kind, i)]:
		case <-timeout:
			return
		}
	}
}

// times returns the receipts of post i by the subscribers of kind, and
// how many subscribers never received it. Call it after stop.
func (l *listener) times(kind string, i, n int) (ts []time.Time, missed int) {
	at := l.at[fmt.Sprintf("%s %d", kind, i)]
	if len(at) != n {
		fail("the subscribers reported %d receipts of post %d (%s), for %d subscribers", len(at), i, kind, n)
	}
	for _, ns := range at {
		if ns == 0 {
			missed++
			continue
		}
		ts = append(ts, time.Unix(0, ns))
	}
	return ts, missed
}

// stop ends the subscribers' process and waits for its last report; a
// process that ended without it, or whose report was cut, fails the run.
func (l *listener) stop() {
	l.stdin.Close()
	<-l.end
	err := l.cmd.Wait()
	switch {
	case l.err != nil:
		fail("reading the subscribers' report: %v", l.err)
	case !l.ended:
		fail("the subscribers' process ended without its report (%v)", err)
	}
}

// cpuTicks is the user+system CPU time of pid in clock ticks (1/100 s on
// Linux); 0 when unknown.
func cpuTicks(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// rssKB is the resident memory of pid, from /proc; 0 when unknown.
func rssKB(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}

func since(ts []time.Time, at time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = max(t.Sub(at), 0)
	}
	return out
}

// pct is the p-th percentile of ds (nearest rank); 0 when empty.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string   { return fmt.Sprintf("%.1f ms", msf(d)) }
func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "push: "+format+"\n", args...)
	os.Exit(1)
}
