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
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sokbo/store"
)

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
	// One line says where to go, where the data is and where the token is.
	var started string
	for line := range strings.Lines(logs.String()) {
		if strings.Contains(line, "msg=serving") {
			started = line
		}
	}
	for _, w := range []string{"url=http://" + addr + "/", "db=" + env["SOKBO_DB"], "token=\"" + tokPath + " (generated now)\""} {
		if !strings.Contains(started, w) {
			t.Errorf("the start line lacks %s:\n%s", w, logs.String())
		}
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

// TestServeLocked: a second server on a database in use says so, and what
// to do; so does check.
func TestServeLocked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sokbo.db")
	db, err := store.Open(path, store.Options{})
	must(t, err)
	defer db.Close()
	env := map[string]string{"SOKBO_ADDR": freeAddr(t), "SOKBO_DB": path, "SOKBO_TOKEN": "0123456789abcdef"}
	var out, errs syncBuffer
	err = run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), "SOKBO_DB") {
		t.Errorf("serve on a locked database: %v", err)
	}
	err = run(context.Background(), []string{"check", path}, noEnv, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") || !strings.Contains(err.Error(), "check a backup") {
		t.Errorf("check of a locked database: %v", err)
	}
}
