package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sokbo/store"
)

// buildSokbo builds the command once per test binary run.
var buildSokbo = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sokbo-crash-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "sokbo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is a sokbo server running as a separate process.
type proc struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
	done chan error // receives cmd.Wait's result
}

func startProc(t testing.TB, bin, db, token string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{addr: addr, logs: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(), "SOKBO_ADDR="+addr, "SOKBO_DB="+db, "SOKBO_TOKEN="+token)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			break
		}
		select {
		case err := <-p.done:
			t.Fatalf("server exited: %v\n%s", err, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up:\n%s", p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	return p
}

// want is what the test expects of one article after the crashes.
type want struct {
	exists    bool
	title     string
	uncertain bool // an operation on it got no answer: either outcome is right
}

// TestCrash posts, updates and deletes from many goroutines, kills the
// server with SIGKILL at a random moment, restarts it on the same file —
// round after round — and checks that every acknowledged write is there,
// intact, in every index: created and updated articles with their last
// acknowledged title, deleted ones gone.
func TestCrash(t *testing.T) {
	bin, err := buildSokbo()
	if err != nil {
		t.Fatal(err)
	}
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	const tok = "crash-test-token-0123456789"
	db := filepath.Join(t.TempDir(), "sokbo.db")
	state := map[string]*want{}
	var mu sync.Mutex
	client := &http.Client{Timeout: 10 * time.Second}
	// do sends one write and records what its answer proves.
	do := func(p *proc, method, id, title string) bool {
		mu.Lock()
		w := state[id]
		if w == nil {
			w = &want{}
			state[id] = w
		}
		w.uncertain = true
		mu.Unlock()
		var req *http.Request
		if method == "DELETE" {
			req, _ = http.NewRequest("DELETE", "http://"+p.addr+"/api/articles/"+id, nil)
		} else {
			doc := fmt.Sprintf("---\nid: %s\ntitle: %s\ncategories: [News, 라운드]\n---\n<p>본문 <mark>강조 %s.</mark> 끝.</p>\n", id, title, title)
			req, _ = http.NewRequest("POST", "http://"+p.addr+"/api/articles", bytes.NewReader([]byte(doc)))
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil {
			return false // no answer: the server is gone
		}
		res.Body.Close()
		mu.Lock()
		defer mu.Unlock()
		if res.StatusCode/100 == 2 {
			w.exists, w.title, w.uncertain = method != "DELETE", title, false
		} else if res.StatusCode < 500 {
			w.uncertain = false // refused: nothing changed
		}
		return true
	}
	for round := range rounds {
		p := startProc(t, bin, db, tok)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		acked := 0
		for w := range 16 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					if !do(p, "POST", id, "속보 "+id) {
						return
					}
					mu.Lock()
					acked++
					mu.Unlock()
					if i%3 == 0 && !do(p, "POST", id, "정정 "+id) {
						return
					}
					if i%5 == 0 && !do(p, "DELETE", id, "") {
						return
					}
				}
			})
		}
		time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-p.done
		close(stop)
		wg.Wait()
		if acked == 0 {
			t.Fatalf("round %d: no write was answered before the kill", round)
		}
	}

	// Offline: the file is consistent and holds every acknowledged write.
	sdb, err := store.Open(db, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if problems, err := sdb.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check after crashes: %v %q", err, problems)
	}
	news, err := sdb.Latest(ctx, "news", 0, len(state)+1000)
	if err != nil {
		t.Fatal(err)
	}
	inNews := map[string]bool{}
	for _, a := range news {
		inNews[a.ID] = true
	}
	var created, updated, deleted int
	for id, w := range state {
		if w.uncertain {
			continue
		}
		a, err := sdb.Get(ctx, id)
		switch {
		case !w.exists:
			deleted++
			if err == nil {
				t.Errorf("acknowledged delete of %s undone", id)
			}
		case err != nil:
			t.Errorf("acknowledged article %s lost: %v", id, err)
		case a.Title != w.title || len(a.Highlights) != 1 || !strings.Contains(a.Highlights[0], w.title):
			t.Errorf("article %s: %q %q, want the acknowledged %q", id, a.Title, a.Highlights, w.title)
		case !inNews[id]:
			t.Errorf("article %s missing from its category feed", id)
		default:
			created++
			if strings.HasPrefix(w.title, "정정") {
				updated++
			}
		}
	}
	sdb.Close()
	if created == 0 || updated == 0 || deleted == 0 {
		t.Errorf("too few acknowledged writes to prove anything: %d present (%d updated), %d deleted", created, updated, deleted)
	}

	// And a restarted server serves them.
	p := startProc(t, bin, db, tok)
	for id, w := range state {
		if w.uncertain || !w.exists {
			continue
		}
		res, err := http.Get("http://" + p.addr + "/api/articles/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var a struct{ Title string }
		_ = json.NewDecoder(res.Body).Decode(&a)
		res.Body.Close()
		if res.StatusCode != 200 || a.Title != w.title {
			t.Errorf("after restart GET %s: %d %q", id, res.StatusCode, a.Title)
		}
		break // one over HTTP is enough: the store was read above
	}
	t.Logf("%d rounds: %d articles present (%d updated), %d deleted, all as acknowledged", rounds, created, updated, deleted)
}

// TestSIGTERM: the server stops cleanly on SIGTERM, exit status 0, and the
// database is closed (another process can open it at once).
func TestSIGTERM(t *testing.T) {
	bin, err := buildSokbo()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "sokbo.db")
	const tok = "sigterm-token-0123456789"
	p := startProc(t, bin, db, tok)
	// Posts in flight when the signal comes either finish (and are kept)
	// or are refused; none is acknowledged and lost.
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				req, _ := http.NewRequest("POST", "http://"+p.addr+"/api/articles", bytes.NewReader([]byte("---\nid: "+id+"\ntitle: t\n---\nbody\n")))
				req.Header.Set("Authorization", "Bearer "+tok)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
				if res.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, p.logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit 15 s after SIGTERM")
	}
	wg.Wait()
	sdb, err := store.Open(db, store.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("database still locked after SIGTERM: %v", err)
	}
	defer sdb.Close()
	for _, id := range acked {
		if _, err := sdb.Get(context.Background(), id); err != nil {
			t.Errorf("acknowledged %s lost in shutdown: %v", id, err)
		}
	}
	if !strings.Contains(p.logs.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", p.logs.String())
	}
}
