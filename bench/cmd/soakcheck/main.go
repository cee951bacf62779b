// Command soakcheck is bench/soak.sh's helper: it reads sokbo's vital
// signs and checks that acknowledged posts are stored.
//
//	soakcheck stats BASE
//	    GET BASE/api/stats (token from $SOKBO_TOKEN) and print one line:
//	    goroutines heap_alloc heap_inuse open_fds cache_entries
//	soakcheck articles BASE FILE...
//	    GET BASE/api/articles/{id} for every id in the files (one a line)
//	    and print "checked N ok K lost L"; each id whose answer is not 200
//	    with that id is listed (up to 20) on stderr. Exit status 1 if any.
//	soakcheck warm BASE N
//	    fill sokbo's render cache: GET, with Accept-Encoding: br, every
//	    page of the site's and each corpus category's feeds in the three
//	    formats (?page=1, 2, … until one is not 200), /, each category's
//	    page, and /articles/bench-0 … bench-(N-1); print "warmed N
//	    requests". The cache is bounded (entries and bytes), so this brings
//	    it to its steady size, and a heap baseline taken after it compares
//	    with one taken after hours of traffic.
//	soakcheck streams BASE N DIR
//	    open N live streams (GET BASE/events), write "ready" to stdout once
//	    all are open, and read them until SIGTERM; then check that each
//	    stream received a "created" event for every id in DIR's
//	    acked-w-*.txt and acked-s-*.txt files (the posts made while it
//	    listened) exactly once, and print "streams N ok K missed M
//	    duplicates D dropped X". Exit status 1 unless every stream is ok.
//
// Each run closes its connections before it exits, so that the server's
// goroutine and file counts are not inflated by a helper's idle
// keep-alive connections.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"sokbo/bench/corpus"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	base := strings.TrimSuffix(os.Args[2], "/")
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8},
		// A site feed's page past the last redirects to the archive: the
		// walk of pages ends there, at the redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	var err error
	switch os.Args[1] {
	case "stats":
		err = stats(client, base)
	case "warm":
		if len(os.Args) != 4 {
			usage()
		}
		n, perr := strconv.Atoi(os.Args[3])
		if perr != nil {
			usage()
		}
		err = warm(client, base, n)
	case "articles":
		if len(os.Args) < 4 {
			usage()
		}
		var lost int
		lost, err = articles(client, base, os.Args[3:])
		if err == nil && lost > 0 {
			client.CloseIdleConnections()
			os.Exit(1)
		}
	case "streams":
		if len(os.Args) != 5 {
			usage()
		}
		n, perr := strconv.Atoi(os.Args[3])
		if perr != nil {
			usage()
		}
		var ok bool
		ok, err = streams(base, n, os.Args[4])
		if err == nil && !ok {
			os.Exit(1)
		}
	default:
		usage()
	}
	if err != nil {
		client.CloseIdleConnections()
		fmt.Fprintln(os.Stderr, "soakcheck:", err)
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: soakcheck stats BASE | soakcheck articles BASE FILE... | soakcheck warm BASE N | soakcheck streams BASE N DIR")
	os.Exit(2)
}

func stats(client *http.Client, base string) error {
	req, err := http.NewRequest(http.MethodGet, base+"/api/stats", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("SOKBO_TOKEN"))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/stats: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var s struct {
		Goroutines   int64 `json:"goroutines"`
		HeapAlloc    int64 `json:"heap_alloc"`
		HeapInuse    int64 `json:"heap_inuse"`
		OpenFDs      int64 `json:"open_fds"`
		CacheEntries int64 `json:"cache_entries"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return fmt.Errorf("GET /api/stats: %v", err)
	}
	fmt.Println(s.Goroutines, s.HeapAlloc, s.HeapInuse, s.OpenFDs, s.CacheEntries)
	return nil
}

// articles checks every id in files with 8 concurrent requests.
func articles(client *http.Client, base string, files []string) (lost int, err error) {
	var ids []string
	seen := map[string]bool{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			id := strings.TrimSpace(sc.Text())
			if id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return 0, err
		}
	}
	work := make(chan string)
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range work {
				if why := check(client, base, id); why != "" {
					mu.Lock()
					failures = append(failures, id+": "+why)
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	for i, f := range failures {
		if i == 20 {
			fmt.Fprintf(os.Stderr, "  … and %d more\n", len(failures)-20)
			break
		}
		fmt.Fprintln(os.Stderr, "  not retrievable:", f)
	}
	fmt.Printf("checked %d ok %d lost %d\n", len(ids), len(ids)-len(failures), len(failures))
	return len(failures), nil
}

// check returns why id is not retrievable, or "".
func check(client *http.Client, base, id string) string {
	resp, err := client.Get(base + "/api/articles/" + url.PathEscape(id))
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("%s %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var a struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return "bad JSON: " + err.Error()
	}
	if a.ID != id {
		return fmt.Sprintf("answered with id %q", a.ID)
	}
	return ""
}

// warm requests every feed page, the lists and the first n articles'
// pages, 8 at a time; a feed's pages are walked in order until one is not
// 200.
func warm(client *http.Client, base string, n int) error {
	get := func(path string) (int, error) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Accept-Encoding", "br")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	var jobs []func() (int, error) // each returns the requests it made
	prefixes := []string{"/"}
	for _, c := range corpus.Categories {
		prefixes = append(prefixes, "/category/"+url.PathEscape(c)+"/")
	}
	for _, p := range prefixes {
		jobs = append(jobs, func() (int, error) { _, err := get(p); return 1, err })
		for _, ext := range []string{"rss", "atom", "json"} {
			jobs = append(jobs, func() (int, error) {
				for page := 1; ; page++ {
					st, err := get(p + "feed." + ext + "?page=" + strconv.Itoa(page))
					if err != nil || st != http.StatusOK || page == 100 {
						return page, err
					}
				}
			})
		}
	}
	for i := range n {
		jobs = append(jobs, func() (int, error) { _, err := get("/articles/bench-" + strconv.Itoa(i)); return 1, err })
	}
	work := make(chan func() (int, error))
	var mu sync.Mutex
	var total int
	var first error
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for job := range work {
				k, err := job()
				mu.Lock()
				total += k
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	for _, job := range jobs {
		work <- job
	}
	close(work)
	wg.Wait()
	if first != nil {
		return first
	}
	fmt.Printf("warmed %d requests\n", total)
	return nil
}
