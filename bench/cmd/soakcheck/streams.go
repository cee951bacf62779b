package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
)

// streams is "soakcheck streams": n streams on /events, read until
// SIGTERM, then checked against the posts acknowledged meanwhile.
func streams(base string, n int, dir string) (bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	seen := make([]map[string]int, n)
	var dropped atomic.Int64
	var mu sync.Mutex
	var open, done sync.WaitGroup
	for i := range n {
		seen[i] = map[string]int{}
		open.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			var once sync.Once
			ready := func() { once.Do(open.Done) }
			defer ready()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events", nil)
			resp, err := client.Do(req)
			if err != nil {
				dropped.Add(1)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				dropped.Add(1)
				return
			}
			ready()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:"))
				if !ok {
					continue
				}
				var e struct{ Type, ID string }
				if json.Unmarshal(data, &e) == nil && e.Type == "created" {
					mu.Lock()
					seen[i][e.ID]++
					mu.Unlock()
				}
			}
			if ctx.Err() == nil {
				dropped.Add(1) // the server ended the stream
			}
		}()
	}
	open.Wait()
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	cancel()
	done.Wait()

	var ids []string
	for _, pattern := range []string{"acked-w-*.txt", "acked-s-*.txt"} {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return false, err
			}
			for _, id := range bytes.Fields(b) {
				ids = append(ids, string(id))
			}
		}
	}
	ok, missed, dup := 0, 0, 0
	for i := range n {
		good := true
		for _, id := range ids {
			switch c := seen[i][id]; {
			case c == 0:
				missed++
				good = false
			case c > 1:
				dup += c - 1
				good = false
			}
		}
		if good {
			ok++
		}
	}
	fmt.Printf("streams %d ok %d missed %d duplicates %d dropped %d posts %d\n", n, ok, missed, dup, dropped.Load(), len(ids))
	return ok == n && dropped.Load() == 0, nil
}
