package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

const ingestAbout = `
Posts each FILE to a running server, and each document in each DIR
(recursively: .md, .markdown, .html, .htm and .txt; hidden entries are
skipped). Jekyll _posts names (2026-11-24-ferry-rescue.md) give the date
and the slug when the front matter has none. Prints each failure with the
server's reason and exits non-zero if any failed.`

// isDocument reports whether ingest posts a file it finds walking a
// directory; files named on the command line are always posted.
func isDocument(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".html", ".htm", ".txt":
		return true
	}
	return false
}

// posted is the outcome of posting one file.
type posted struct {
	file   string
	status string // "created" or "stored"
	id     string
	err    error
}

// runIngest posts documents to a running server.
func runIngest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := newFlagSet("ingest", "[-server URL] [-token T] [-j N] FILE|DIR...", ingestAbout, clientEnv)
	var cf clientFlags
	cf.register(fl)
	workers := fl.Int("j", 4, "`N` posts in flight at once")
	if err := parseFlags(fl, args, stdout, stderr); err != nil {
		return err
	}
	if fl.NArg() == 0 {
		return usageError(fl, stderr, "needs at least one FILE or DIR")
	}
	base, token, err := cf.resolve(getenv)
	if err != nil {
		return err
	}
	files, err := collect(fl.Args())
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 60 * time.Second}
	// One clear error instead of one per file when no server is there.
	if err := ping(ctx, client, base); err != nil {
		return err
	}
	results := postAll(ctx, files, max(1, *workers), func(file string) posted {
		return postFile(ctx, client, endpoint(base, "api/articles"), token, file)
	})
	if failed := report(results, len(files), stdout, stderr); failed > 0 {
		return errSilent
	}
	return nil
}

// ping asks the server for its health, so that a wrong -server fails once.
func ping(ctx context.Context, c *http.Client, base *url.URL) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint(base, "healthz"), nil)
	if err != nil {
		return err
	}
	res, err := c.Do(req)
	if err != nil {
		return explainDial(err, base)
	}
	res.Body.Close()
	return nil
}

// postAll posts the files with n workers and sends each outcome on the
// channel it returns, which is closed when all are done or ctx ends.
func postAll(ctx context.Context, files []string, n int, post func(file string) posted) <-chan posted {
	jobs := make(chan string)
	results := make(chan posted)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for f := range jobs {
				results <- post(f)
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, f := range files {
			select {
			case jobs <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	return results
}

// report prints each outcome as it comes, and a summary; on a terminal a
// progress line stays at the bottom (each outcome is printed over it, then
// it is drawn again). It returns how many files were not posted.
func report(results <-chan posted, total int, stdout, stderr io.Writer) (failed int) {
	tty := isTerminal(stderr)
	done := 0
	for r := range results {
		done++
		if tty {
			fmt.Fprint(stderr, "\r\033[K")
		}
		if r.err == nil {
			fmt.Fprintf(stdout, "%s %s %s\n", r.status, r.id, r.file)
		} else {
			failed++
			fmt.Fprintf(stderr, "FAIL %s: %v\n", r.file, r.err)
		}
		if tty {
			fmt.Fprintf(stderr, "[%d/%d] %d failed", done, total, failed)
		}
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	fmt.Fprintf(stderr, "%d posted, %d failed\n", done-failed, failed)
	return failed + total - done // those not posted when ctx ended count too
}

// collect expands the arguments: files as given, directories recursively
// (documents only, hidden entries skipped), in a stable order.
func collect(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != arg && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && isDocument(p) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// postFile posts one document. Its status is "created", or "stored" for
// an update or an unchanged re-post; a refusal is an error carrying the
// server's reason.
func postFile(ctx context.Context, c *http.Client, endpoint, token, file string) posted {
	p := posted{file: file}
	doc, err := os.ReadFile(file)
	if err != nil {
		p.err = err
		return p
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(doc))
	if err != nil {
		p.err = err
		return p
	}
	ctype := "text/markdown; charset=utf-8"
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".html" || ext == ".htm" {
		ctype = "text/html; charset=utf-8"
	}
	req.Header.Set("Content-Type", ctype)
	// The file name carries a Jekyll _posts date and slug to the server.
	req.Header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filepath.Base(file)}))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		p.err = err
		return p
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		p.err = err
		return p
	}
	var out struct {
		ID    string `json:"id"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &out)
	switch res.StatusCode {
	case http.StatusCreated:
		p.status, p.id = "created", out.ID
	case http.StatusOK:
		p.status, p.id = "stored", out.ID
	default:
		if out.Error == "" {
			out.Error = strings.TrimSpace(string(body))
		}
		p.err = fmt.Errorf("%s: %s", res.Status, out.Error)
	}
	return p
}

// isTerminal reports whether w is a terminal, where a progress line can
// be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
