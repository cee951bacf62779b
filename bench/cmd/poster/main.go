// Command poster imports a directory of documents into sokbo the way a
// newsroom's import does: it reads each file from disk when it is its turn
// and POSTs it to BASE/api/articles over -c keep-alive connections, one
// request in flight per connection, until every file is answered.
//
//	poster [-c 32] [-n N] [-timeout 10s] BASE DIR
//
// The token is $SOKBO_TOKEN. The files are DIR's *.md, posted in the order
// of the number in their names (bench-0.md, bench-1.md, … as
// bench/cmd/corpus -out writes them), else by name. It prints the
// statuses, the first failures, articles/s, the POST latency percentiles
// and its own CPU time, then one machine-readable line:
//
//	POSTRESULT answered created other2xx failed seconds p50_us p99_us max_us p90_us p999_us cpu_s
//
// Exit status 1 when a post failed or went unanswered.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	conns := flag.Int("c", 32, "concurrent posters (keep-alive connections)")
	n := flag.Int("n", 0, "post only the first N files (0: all)")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on one POST after this")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: poster [-c 32] [-n N] [-timeout 10s] BASE DIR   (token in $SOKBO_TOKEN)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || *conns < 1 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := documents(flag.Arg(1), *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "poster:", err)
		os.Exit(1)
	}
	r := post(strings.TrimSuffix(flag.Arg(0), "/")+"/api/articles", os.Getenv("SOKBO_TOKEN"), files, *conns, *timeout)
	r.print(os.Stdout)
	if r.failed > 0 || r.answered() < len(files) {
		os.Exit(1)
	}
}

// documents returns the paths of dir's *.md files in posting order: by the
// number in their names, then by name.
func documents(dir string, n int) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.md files in %s", dir)
	}
	num := func(p string) int {
		b := strings.TrimSuffix(filepath.Base(p), ".md")
		i := strings.LastIndexAny(b, "-_")
		v, err := strconv.Atoi(b[i+1:])
		if err != nil {
			return -1
		}
		return v
	}
	slices.SortFunc(files, func(a, b string) int {
		if c := num(a) - num(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if n > 0 && n < len(files) {
		files = files[:n]
	}
	return files, nil
}

type result struct {
	created, other, failed int
	errs                   []string // the first failures
	lat                    []time.Duration
	elapsed                time.Duration
	cpu                    time.Duration
}

func (r *result) answered() int { return r.created + r.other + r.failed }

// post sends every file once, conns at a time, and waits for the answers.
func post(url, token string, files []string, conns int, timeout time.Duration) *result {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: tr, Timeout: timeout}
	defer tr.CloseIdleConnections()

	var next atomic.Int64
	var mu sync.Mutex
	r := &result{lat: make([]time.Duration, 0, len(files))}
	fail := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		r.failed++
		if len(r.errs) < 3 {
			r.errs = append(r.errs, msg)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				doc, err := os.ReadFile(files[i])
				if err != nil {
					fail(err.Error())
					continue
				}
				t0 := time.Now()
				code, body, err := send(client, url, token, filepath.Base(files[i]), doc)
				d := time.Since(t0)
				if err != nil {
					fail(fmt.Sprintf("%s: %v", filepath.Base(files[i]), err))
					continue
				}
				mu.Lock()
				r.lat = append(r.lat, d)
				switch {
				case code == http.StatusCreated:
					r.created++
				case code >= 200 && code < 300:
					r.other++
				default:
					r.failed++
					if len(r.errs) < 3 {
						r.errs = append(r.errs, fmt.Sprintf("%s: %d %s", filepath.Base(files[i]), code, bytes.TrimSpace(body)))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r
}

// send POSTs one document and returns the status and (the start of) the
// answer's body, read to its end so the connection is reused.
func send(client *http.Client, url, token, name string, doc []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(doc))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/markdown; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var body []byte
	if resp.StatusCode >= 300 {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 200))
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

func (r *result) print(w io.Writer) {
	slices.Sort(r.lat)
	pct := func(p float64) int64 {
		if len(r.lat) == 0 {
			return 0
		}
		k := min(int(p*float64(len(r.lat))), len(r.lat)-1)
		return r.lat[k].Microseconds()
	}
	var maxUS int64
	if len(r.lat) > 0 {
		maxUS = r.lat[len(r.lat)-1].Microseconds()
	}
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "posted %d articles in %.2fs: %d created (201), %d other 2xx, %d failed; %.0f articles/s\n",
		r.answered(), secs, r.created, r.other, r.failed, float64(r.answered())/secs)
	fmt.Fprintf(w, "POST latency: p50 %dus, p90 %dus, p99 %dus, p99.9 %dus, max %dus; poster CPU %.1fs\n",
		pct(0.50), pct(0.90), pct(0.99), pct(0.999), maxUS, r.cpu.Seconds())
	if len(r.errs) > 0 {
		fmt.Fprintln(w, "first failures:")
		for _, e := range r.errs {
			fmt.Fprintln(w, "  "+e)
		}
	}
	fmt.Fprintf(w, "POSTRESULT %d %d %d %d %.3f %d %d %d %d %d %.2f\n", r.answered(), r.created, r.other, r.failed, secs,
		pct(0.50), pct(0.99), maxUS, pct(0.90), pct(0.999), r.cpu.Seconds())
}
