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

// TestCrash posts from many goroutines, kills the server with SIGKILL at a
// random moment, restarts it on the same file, and checks that every
// article that got a 2xx is there, intact, in every index — round after
// round on the same database.
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
	acked := map[string]string{} // id → title, of every 2xx
	var mu sync.Mutex
	client := &http.Client{Timeout: 10 * time.Second}
	for round := range rounds {
		p := startProc(t, bin, db, tok)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					title := "속보 " + id
					doc := fmt.Sprintf("---\nid: %s\ntitle: %s\ncategories: [News, 라운드%d]\n---\n<p>본문 <mark>강조 %s.</mark> 끝.</p>\n", id, title, round, id)
					req, _ := http.NewRequest("POST", "http://"+p.addr+"/api/articles", bytes.NewReader([]byte(doc)))
					req.Header.Set("Authorization", "Bearer "+tok)
					res, err := client.Do(req)
					if err != nil {
						return // the server is gone
					}
					res.Body.Close()
					if res.StatusCode/100 == 2 {
						mu.Lock()
						acked[id] = title
						mu.Unlock()
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
	}
	if len(acked) == 0 {
		t.Fatal("no post was acknowledged")
	}

	// Offline: the file is consistent and holds every acknowledged article.
	sdb, err := store.Open(db, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if problems, err := sdb.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check after crashes: %v %q", err, problems)
	}
	news, err := sdb.Latest(ctx, "news", 0, len(acked)+1000)
	if err != nil {
		t.Fatal(err)
	}
	inNews := map[string]bool{}
	for _, a := range news {
		inNews[a.ID] = true
	}
	for id, title := range acked {
		a, err := sdb.Get(ctx, id)
		if err != nil {
			t.Errorf("acknowledged article %s lost: %v", id, err)
			continue
		}
		if a.Title != title || len(a.Highlights) != 1 {
			t.Errorf("article %s damaged: %q %q", id, a.Title, a.Highlights)
		}
		if !inNews[id] {
			t.Errorf("article %s missing from its category feed", id)
		}
	}
	sdb.Close()

	// And a restarted server serves them.
	p := startProc(t, bin, db, tok)
	for id := range acked {
		res, err := http.Get("http://" + p.addr + "/api/articles/" + id)
		if err != nil {
			t.Fatal(err)
		}
		var a struct{ Title string }
		_ = json.NewDecoder(res.Body).Decode(&a)
		res.Body.Close()
		if res.StatusCode != 200 || a.Title != acked[id] {
			t.Errorf("after restart GET %s: %d %q", id, res.StatusCode, a.Title)
		}
		break // one over HTTP is enough: the store was read above
	}
	t.Logf("%d rounds, %d acknowledged articles, all present", rounds, len(acked))
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
