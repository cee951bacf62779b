package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const backupAbout = `
Saves a running server's consistent snapshot (GET /api/backup) to FILE,
mode 0600, through a temporary file renamed into place only when complete.
Restoring is starting sokbo serve with SOKBO_DB naming that file.`

// runBackup saves a running server's snapshot.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := newFlagSet("backup", "[-server URL] [-token T] FILE", backupAbout, clientEnv)
	var cf clientFlags
	cf.register(fl)
	if err := parseFlags(fl, args, stdout, stderr); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return usageError(fl, stderr, "needs one FILE to write")
	}
	base, token, err := cf.resolve(getenv)
	if err != nil {
		return err
	}
	dst := fl.Arg(0)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint(base, "api/backup"), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("backup: %w", explainDial(err, base))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("backup: %s: %s", res.Status, strings.TrimSpace(string(b)))
	}
	n, err := writeFileAtomic(dst, res.Body, res.ContentLength)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d bytes in %s\n", dst, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// writeFileAtomic writes r to path (mode 0600) through a temporary file in
// the same directory, synced and renamed into place only when complete: a
// failure leaves an older file at path as it was. A size of -1 is unknown;
// any other must be met.
func writeFileAtomic(path string, r io.Reader, size int64) (n int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sokbo-backup-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	n, err = io.Copy(tmp, r)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("got %d of %d bytes", n, size)
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
		err = os.Rename(tmp.Name(), path)
	}
	return n, err
}
