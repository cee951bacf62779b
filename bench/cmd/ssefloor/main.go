// Command ssefloor measures what fanning one event out to many streams
// costs this machine with no server in the way: the floor under the
// stream target of bench/push.sh. The parent accepts N loopback TCP
// connections from a child process (at nice 10, as bench/cmd/push runs)
// and, for each of P posts, writes one event of -size bytes to every
// connection: from one goroutine per connection woken by a channel, as an
// HTTP server's stream handlers are (-mode goroutines), from a single loop
// (-mode loop), or from the handlers of a minimal net/http server that
// streams each event with a flush, chunked, as any Go SSE handler does
// (-mode http: the connections are GET requests). The child reads every
// connection and records, per
// post, the time from the moment the parent began the fan-out to the
// event's arrival. It prints the p50 and p99 over all connections of each
// post, their medians, and the parent's CPU per post.
//
//	go run ./bench/cmd/ssefloor -n 10000 -posts 20
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 10000, "connections")
	posts := flag.Int("posts", 20, "events, a second apart")
	size := flag.Int("size", 600, "bytes of each event")
	mode := flag.String("mode", "goroutines", "goroutines (one writer per connection), loop (one writer) or http (a net/http handler per connection)")
	role := flag.String("role", "server", "server, or client (the child)")
	addr := flag.String("addr", "", "the server's address (client)")
	flag.Parse()
	var err error
	if *role == "client" {
		err = client(*addr, *n, *posts, *size, *mode == "http")
	} else {
		err = server(*n, *posts, *size, *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ssefloor:", err)
		os.Exit(1)
	}
}

func server(n, posts, size int, mode string) error {
	if mode != "goroutines" && mode != "loop" && mode != "http" {
		return fmt.Errorf("-mode %q: goroutines, loop or http", mode)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	child := exec.Command(os.Args[0], "-role", "client", "-addr", ln.Addr().String(), "-n", strconv.Itoa(n), "-posts", strconv.Itoa(posts), "-mode", mode, "-size", strconv.Itoa(size))
	child.Stderr = os.Stderr
	var out bytes.Buffer // the child's result, complete once it has exited
	child.Stdout = &out
	if err := child.Start(); err != nil {
		return err
	}
	// A child that fails (too few file descriptors, say) ends the wait for
	// its connections: closing the listener fails Accept, and the http
	// mode's wait gives up.
	exited := make(chan error, 1)
	go func() { exited <- child.Wait(); ln.Close() }()
	conns := make([]net.Conn, 0, n)
	chans := make([]chan []byte, n)
	if mode == "http" {
		var mu sync.Mutex
		var opened sync.WaitGroup
		opened.Add(n)
		all := make(chan struct{})
		go func() { opened.Wait(); close(all) }()
		go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ch := make(chan []byte, 4)
			mu.Lock()
			chans[len(conns)] = ch
			conns = append(conns, nil)
			mu.Unlock()
			w.Header().Set("Content-Type", "text/event-stream")
			rc := http.NewResponseController(w)
			_ = rc.Flush()
			opened.Done()
			for p := range ch {
				if _, err := w.Write(p); err != nil {
					return
				}
				if err := rc.Flush(); err != nil {
					return
				}
			}
		}))
		select {
		case <-all:
		case err := <-exited:
			return fmt.Errorf("the client ended before its %d streams were open: %v", n, err)
		}
	}
	for len(conns) < n {
		c, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("the client's connections: %w", err)
		}
		conns = append(conns, c)
	}
	if mode == "goroutines" {
		for i, c := range conns {
			ch := make(chan []byte, 4)
			chans[i] = ch
			go func() {
				for p := range ch {
					if _, err := c.Write(p); err != nil {
						fmt.Fprintln(os.Stderr, "write:", err)
						return
					}
				}
			}()
		}
	}
	time.Sleep(time.Second) // the child's readers settle
	var cpu time.Duration
	for range posts {
		at := time.Now()
		ev := fmt.Appendf(nil, "id: 1\ndata: {\"sent\":%d,\"pad\":\"", at.UnixNano())
		ev = append(ev, bytes.Repeat([]byte("x"), max(0, size-len(ev)-5))...)
		ev = append(ev, "\"}\n\n"...)
		before := cpuTime()
		if mode == "loop" {
			for _, c := range conns {
				if _, err := c.Write(ev); err != nil {
					return err
				}
			}
		} else {
			for _, ch := range chans {
				ch <- ev
			}
		}
		time.Sleep(time.Second)
		cpu += cpuTime() - before
	}
	// Every event has had a second to arrive: the child, which stops after
	// the last, ends; a connection cut here counts its events as missing.
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("the client: %w", err)
		}
	case <-time.After(time.Minute):
		_ = child.Process.Kill()
		return fmt.Errorf("the client did not end a minute after the last event")
	}
	var res result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return fmt.Errorf("the client's result: %w", err)
	}
	fmt.Printf("ssefloor: %d connections, %d posts of %d bytes, mode %s\n", n, posts, size, mode)
	fmt.Printf("p50 (median of posts) %.1f ms, p99 %.1f ms (min %.1f, max %.1f); events missing %d\n",
		median(res.P50), median(res.P99), slices.Min(res.P99), slices.Max(res.P99), res.Missing)
	fmt.Printf("server CPU per post %.1f ms (%.1f µs a connection, including the idle second after it)\n",
		ms(cpu)/float64(posts), float64(cpu.Microseconds())/float64(posts*n))
	return nil
}

// result is what the child reports: per post, the p50 and p99 in ms.
type result struct {
	P50, P99 []float64
	Missing  int
}

func client(addr string, n, posts, size int, get bool) error {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, 10)
	lat := make([][]int64, posts) // per post, per connection, ns
	for i := range lat {
		lat[i] = make([]int64, n)
	}
	var wg sync.WaitGroup
	var missing atomic.Int64
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		if get {
			if _, err := io.WriteString(c, "GET /events HTTP/1.1\r\nHost: "+addr+"\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
				return err
			}
		}
		wg.Go(func() {
			defer c.Close()
			r := bufio.NewReaderSize(c, max(4096, 2*size))
			for p := range posts {
				var sent int64
				for {
					line, err := r.ReadSlice('\n')
					if err != nil {
						missing.Add(int64(posts - p))
						return
					}
					if v, ok := bytes.CutPrefix(line, []byte(`data: {"sent":`)); ok {
						end := bytes.IndexByte(v, ',')
						sent, _ = strconv.ParseInt(string(v[:end]), 10, 64)
					}
					if len(line) == 1 { // the blank line that ends an event
						break
					}
				}
				lat[p][i] = time.Now().UnixNano() - sent
			}
		})
	}
	wg.Wait()
	var res result
	for _, l := range lat {
		// A connection that ended early has no time for the rest: those
		// count as missing, not as instant.
		l = slices.DeleteFunc(l, func(d int64) bool { return d == 0 })
		if len(l) == 0 {
			res.P50, res.P99 = append(res.P50, 0), append(res.P99, 0)
			continue
		}
		slices.Sort(l)
		res.P50 = append(res.P50, float64(l[len(l)/2])/1e6)
		res.P99 = append(res.P99, float64(l[len(l)*99/100])/1e6)
	}
	res.Missing = int(missing.Load())
	return json.NewEncoder(os.Stdout).Encode(&res)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
