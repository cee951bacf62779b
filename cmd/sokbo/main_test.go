package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeAndIngest runs `sokbo serve` with no configuration but the
// environment, then `sokbo ingest` on a directory, then stops the server.
func TestServeAndIngest(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	env := map[string]string{"SOKBO_ADDR": addr, "SOKBO_DB": filepath.Join(dir, "db", "sokbo.db")}
	getenv := func(k string) string { return env[k] }

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &logs, &logs) }()
	waitUp(t, "http://"+addr+"/healthz", done)

	// A generated token, saved with mode 0600 beside the database.
	tokPath := filepath.Join(dir, "db", "token")
	fi, err := os.Stat(tokPath)
	if err != nil {
		t.Fatalf("token file: %v\n%s", err, logs.String())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), tokPath) {
		t.Errorf("log does not say where the token is:\n%s", logs.String())
	}
	tok, _ := os.ReadFile(tokPath)
	if strings.Contains(logs.String(), strings.TrimSpace(string(tok))) {
		t.Errorf("the token itself was logged")
	}

	posts := filepath.Join(dir, "_posts")
	must(t, os.MkdirAll(filepath.Join(posts, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(posts, "2026-11-24-ferry-rescue.md"), []byte("---\ntitle: Ferry rescue\n---\nAll **42** passengers were rescued. <mark>No one was hurt.</mark>\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(posts, "sub", "broken.md"), []byte("---\ntitle: [unclosed\n---\nbody\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(posts, "notes.jpg"), []byte("not a document"), 0o644))

	var out, errOut bytes.Buffer
	ingestEnv := map[string]string{"SOKBO_TOKEN": strings.TrimSpace(string(tok))}
	err = run(ctx, []string{"ingest", "-server", "http://" + addr, posts}, func(k string) string { return ingestEnv[k] }, &out, &errOut)
	if err == nil {
		t.Errorf("ingest succeeded although one file is broken\nstdout: %s\nstderr: %s", out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "broken.md") || !strings.Contains(errOut.String(), "400") {
		t.Errorf("ingest did not report the failure with its reason:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "created 2026-11-24-ferry-rescue") {
		t.Errorf("ingest output: %s", out.String())
	}

	// The Jekyll file name gave the date and the slug.
	res, err := http.Get("http://" + addr + "/api/articles/2026-11-24-ferry-rescue")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Published  time.Time `json:"published"`
		Highlights []string  `json:"highlights"`
	}
	must(t, json.NewDecoder(res.Body).Decode(&a))
	res.Body.Close()
	if a.Published.Format("2006-01-02") != "2026-11-24" || len(a.Highlights) != 1 || a.Highlights[0] != "No one was hurt." {
		t.Errorf("ingested article: %+v", a)
	}

	// A wrong token is a failure too.
	out.Reset()
	errOut.Reset()
	if err := run(ctx, []string{"ingest", "-server", "http://" + addr, "-token", "wrong", filepath.Join(posts, "2026-11-24-ferry-rescue.md")}, getenv, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "401") {
		t.Errorf("ingest with a wrong token: err=%v, stderr=%s", err, errOut.String())
	}

	// An online backup, then an offline check of it and of the database.
	backup := filepath.Join(dir, "backup.db")
	out.Reset()
	errOut.Reset()
	if err := run(ctx, []string{"backup", "-server", "http://" + addr, backup}, func(k string) string { return ingestEnv[k] }, &out, &errOut); err != nil {
		t.Fatalf("backup: %v %s", err, errOut.String())
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, db := range []string{backup, env["SOKBO_DB"]} {
		out.Reset()
		if err := run(context.Background(), []string{"check", db}, getenv, &out, &errOut); err != nil || !strings.Contains(out.String(), ": ok") {
			t.Errorf("check %s: %v %s %s", db, err, out.String(), errOut.String())
		}
	}
	// A broken index makes check fail and say why.
	bdb, err := bolt.Open(backup, 0o600, nil)
	must(t, err)
	must(t, bdb.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte("time")).Cursor()
		k, _ := c.First()
		return tx.Bucket([]byte("time")).Delete(k)
	}))
	must(t, bdb.Close())
	out.Reset()
	if err := run(context.Background(), []string{"check", backup}, getenv, &out, &errOut); err == nil || !strings.Contains(out.String(), "missing entry") {
		t.Errorf("check of a broken database: %v %q", err, out.String())
	}
}

func waitUp(t testing.TB, url string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not come up")
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, os.Getenv, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "sokbo ") {
		t.Errorf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, os.Getenv, &out, &errOut); err == nil {
		t.Errorf("unknown command succeeded")
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(path, []byte("site:\n  title: 뉴스\n  base_url: https://news.example.com/sub\nfeeds:\n  limit: 20\n"), 0o644))
	env := map[string]string{"SOKBO_ADDR": "127.0.0.1:9999", "SOKBO_TOKEN": "t-0123456789abcdef"}
	c, err := loadConfig(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	base, _ := c.baseURL()
	if c.Site.Title != "뉴스" || c.Feeds.Limit != 20 || c.Feeds.MaxLimit != 500 || c.Listen != "127.0.0.1:9999" || c.Token != "t-0123456789abcdef" || base.String() != "https://news.example.com/sub/" {
		t.Errorf("config = %+v, base %s", c, base)
	}
	for name, body := range map[string]string{
		"unknown key": "sitee:\n  title: x\n",
		"bad base":    "site:\n  base_url: ftp://x/\n",
		"bad limits":  "feeds:\n  limit: 600\n",
		"bad yaml":    "site: [\n",
		"tiny memory": "memory:\n  limit: 1000000\n",
	} {
		must(t, os.WriteFile(path, []byte(body), 0o644))
		if _, err := loadConfig(path, func(string) string { return "" }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The example configuration is valid and equals the defaults.
	ex, err := loadConfig(filepath.Join("..", "..", "config.example.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	def := defaultConfig()
	if ex.Listen != def.Listen || ex.Database != def.Database || ex.Feeds != def.Feeds || *ex.Summary.Highlights != *def.Summary.Highlights || ex.Ingest != def.Ingest || ex.Site != def.Site || ex.Shutdown != def.Shutdown || ex.Memory != def.Memory {
		t.Errorf("config.example.yaml differs from the defaults:\n%+v\n%+v", ex, def)
	}
}

// TestServeTLS: with a certificate configured the server speaks HTTPS and
// HTTP/2.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := selfSigned(t, dir)
	addr := freeAddr(t)
	cfgPath := filepath.Join(dir, "c.yaml")
	must(t, os.WriteFile(cfgPath, []byte("listen: "+addr+"\ndatabase: "+filepath.Join(dir, "db")+"\ntoken: x-0123456789abcdef\ntls:\n  cert: "+certPath+"\n  key: "+keyPath+"\n"), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-config", cfgPath}, func(string) string { return "" }, &logs, &logs)
	}()

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
		ForceAttemptHTTP2: true,
	}}
	var res *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err = client.Get("https://" + addr + "/feed.atom"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET over TLS: %v\n%s", err, logs.String())
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.ProtoMajor != 2 {
		t.Errorf("status %d over %s, want 200 over HTTP/2", res.StatusCode, res.Proto)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// selfSigned writes a certificate and key for 127.0.0.1.
func selfSigned(t testing.TB, dir string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	must(t, err)
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	must(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))
	return certPath, keyPath
}

// TestTokenNotPrinted: the token from the environment never shows in the
// help text or in a usage error.
func TestTokenNotPrinted(t *testing.T) {
	const secret = "supersecret-token-value"
	getenv := func(k string) string {
		if k == "SOKBO_TOKEN" {
			return secret
		}
		return ""
	}
	for _, args := range [][]string{{"ingest", "-bogus"}, {"backup", "-bogus"}, {"ingest", "-h"}} {
		var out, errOut bytes.Buffer
		_ = run(context.Background(), args, getenv, &out, &errOut)
		if strings.Contains(out.String()+errOut.String(), secret) {
			t.Errorf("%v printed the token", args)
		}
	}
}

// gogc reads the runtime's GOGC without changing it.
func gogc() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestTuneGC: the configured memory budget applies unless GOMEMLIMIT is
// set, GOGC goes to the headroom's (a quarter of the limit) with it, and
// either variable in the environment (or a limit of 0) leaves the runtime
// as it is.
func TestTuneGC(t *testing.T) {
	limit, old := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(old) })
	for _, tc := range []struct {
		env          map[string]string
		wantLimit    int64
		wantHeadroom uint64
	}{
		{map[string]string{}, 64 << 20, 64 << 20 / 4},
		{map[string]string{"GOGC": "off"}, math.MaxInt64, 0},
		{map[string]string{"GOMEMLIMIT": "1GiB"}, math.MaxInt64, 0},
		{map[string]string{"zero": "limit 0"}, math.MaxInt64, 0},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		debug.SetGCPercent(100)
		limit := int64(64 << 20)
		if tc.env["zero"] != "" {
			limit = 0
		}
		headroom := tuneGC(limit, func(k string) string { return tc.env[k] })
		if got := debug.SetMemoryLimit(-1); got != tc.wantLimit {
			t.Errorf("%v: memory limit %d, want %d", tc.env, got, tc.wantLimit)
		}
		if headroom != tc.wantHeadroom {
			t.Errorf("%v: headroom %d, want %d", tc.env, headroom, tc.wantHeadroom)
		}
		switch got := gogc(); {
		case headroom == 0 && got != 100:
			t.Errorf("%v: GOGC %d, want 100 (unchanged)", tc.env, got)
		case headroom > 0 && (got < minGCPercent || got%50 != 0):
			t.Errorf("%v: GOGC %d, want a multiple of 50 from %d", tc.env, got, minGCPercent)
		}
	}
}

func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	headroom := uint64(128 * mib / 4) // of the default limit
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{5 * mib, 600},           // an import: 32 MiB over 5 MiB, 640, rounded down
		{10 * mib, 300},          // 320
		{0, 800},                 // no heap yet counts as 4 MiB
		{2 * mib, 800},           // and so does a smaller one
		{15 * mib, minGCPercent}, // 213: twice the live heap is more
		{90 * mib, minGCPercent}, // a busy server's heap
	} {
		if got := gcPercent(tc.live, headroom); got != tc.want {
			t.Errorf("gcPercent(%d MiB, %d MiB) = %d, want %d", tc.live/mib, headroom/mib, got, tc.want)
		}
		// The heap it lets grow is the headroom, or twice the live heap.
		if grow := max(tc.live, 4*mib) * uint64(gcPercent(tc.live, headroom)) / 100; grow > max(headroom, 2*max(tc.live, 4*mib)) {
			t.Errorf("live %d MiB: the heap may grow by %d MiB", tc.live/mib, grow/mib)
		}
	}
}

// TestKeepGCHeadroom: the tuner sets GOGC from the live heap.
func TestKeepGCHeadroom(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one round, then it returns
	// A headroom so large that any live heap gets the ceiling.
	keepGCHeadroom(ctx, 1<<40, time.Hour)
	if got, want := gogc(), int64(gcPercent(liveHeap(), 1<<40)); got != want || want != 1<<20-1<<20%50 {
		t.Errorf("GOGC %d, want %d", got, want)
	}
}

// TestTuneProcs: one P more than the CPUs, the default given back after;
// left alone when GOMAXPROCS is in the environment.
func TestTuneProcs(t *testing.T) {
	def := runtime.GOMAXPROCS(0) // the default, unless the tests run with GOMAXPROCS set
	t.Cleanup(func() { runtime.GOMAXPROCS(def) })
	restore := tuneProcs(func(string) string { return "" })
	want := def
	if def == runtime.NumCPU() {
		want = def + 1
	}
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS %d, want %d (default %d, %d CPUs)", got, want, def, runtime.NumCPU())
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("restored GOMAXPROCS %d, want %d", got, def)
	}
	restore = tuneProcs(func(k string) string { return map[string]string{"GOMAXPROCS": "1"}[k] })
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("with GOMAXPROCS set: %d, want %d (unchanged)", got, def)
	}
	restore()
}
