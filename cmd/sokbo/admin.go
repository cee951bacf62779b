package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sokbo/store"
)

// runCheck verifies a database file offline: every index entry points to
// an article and every article is in its indexes.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	if err := fl.Parse(args); err != nil {
		return errSilent
	}
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: sokbo check FILE")
		return errSilent
	}
	path := fl.Arg(0)
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%w (a running server holds the file: check a backup instead)", err)
	}
	defer db.Close()
	problems, err := db.Check(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%s: %d problems\n", path, len(problems))
		return errSilent
	}
	fmt.Fprintf(stdout, "%s: ok\n", path)
	return nil
}

// runBackup saves a running server's consistent snapshot (GET /api/backup)
// to FILE, through a temporary file renamed into place only when complete.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	serverURL := fl.String("server", envOr(getenv, "SOKBO_SERVER", "http://127.0.0.1:8080"), "base URL of the running service (env SOKBO_SERVER)")
	token := fl.String("token", "", "token (default: $SOKBO_TOKEN, else the token file ./data/token)")
	if err := fl.Parse(args); err != nil {
		return errSilent
	}
	if fl.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: sokbo backup [-server URL] [-token T] FILE")
		return errSilent
	}
	if *token == "" {
		// Not the flag's default: help and errors would print it.
		*token = getenv("SOKBO_TOKEN")
	}
	if *token == "" {
		*token = savedToken()
	}
	dst := fl.Arg(0)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*serverURL, "/")+"/api/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+*token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("backup: %s: %s", res.Status, strings.TrimSpace(string(b)))
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".sokbo-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	start := time.Now()
	n, err := io.Copy(tmp, res.Body)
	if err == nil && res.ContentLength >= 0 && n != res.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, res.ContentLength)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d bytes in %s\n", dst, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// savedToken is the token the server generated beside its default
// database, if any.
func savedToken() string {
	b, err := os.ReadFile(filepath.Join("data", "token"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
