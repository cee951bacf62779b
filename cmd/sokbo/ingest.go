package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// documentExts are the file extensions ingest posts when it walks a
// directory; files named on the command line are always posted.
var documentExts = map[string]bool{".md": true, ".markdown": true, ".html": true, ".htm": true, ".txt": true}

func runIngest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fl.SetOutput(stderr)
	serverURL := fl.String("server", envOr(getenv, "SOKBO_SERVER", "http://127.0.0.1:8080"), "base URL of the running service (env SOKBO_SERVER)")
	token := fl.String("token", "", "ingest token (default: $SOKBO_TOKEN, else the token file ./data/token)")
	workers := fl.Int("j", 4, "posts in flight at once")
	if err := fl.Parse(args); err != nil {
		return errSilent
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: sokbo ingest [-server URL] [-token T] FILE|DIR...")
		return errSilent
	}
	if *token == "" {
		// Not the flag's default: help and errors would print it.
		*token = getenv("SOKBO_TOKEN")
	}
	if *token == "" {
		*token = savedToken()
	}
	files, err := collect(fl.Args())
	if err != nil {
		return err
	}
	endpoint := strings.TrimRight(*serverURL, "/") + "/api/articles"
	client := &http.Client{Timeout: 60 * time.Second}
	tty := isTerminal(stderr)

	type result struct {
		file, status, msg string
		ok                bool
	}
	jobs := make(chan string)
	results := make(chan result)
	var wg sync.WaitGroup
	for range max(1, *workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				status, msg, err := postFile(ctx, client, endpoint, *token, f)
				if err != nil {
					results <- result{file: f, msg: err.Error()}
					continue
				}
				results <- result{file: f, status: status, msg: msg, ok: true}
			}
		}()
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

	var done, failed int
	// On a terminal a progress line stays at the bottom: each result is
	// printed over it (cleared first), then it is drawn again.
	for r := range results {
		done++
		if tty {
			fmt.Fprint(stderr, "\r\033[K")
		}
		if r.ok {
			fmt.Fprintf(stdout, "%s %s %s\n", r.status, r.msg, r.file)
		} else {
			failed++
			fmt.Fprintf(stderr, "FAIL %s: %s\n", r.file, r.msg)
		}
		if tty {
			fmt.Fprintf(stderr, "[%d/%d] %d failed", done, len(files), failed)
		}
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	fmt.Fprintf(stderr, "%d posted, %d failed\n", done-failed, failed)
	if failed > 0 || done < len(files) {
		return errSilent
	}
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
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
			if !d.IsDir() && documentExts[strings.ToLower(filepath.Ext(p))] {
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

// postFile posts one document and returns "created" or "stored" (updated
// or unchanged) and the
// stored id, or an error carrying the server's reason.
func postFile(ctx context.Context, c *http.Client, endpoint, token, file string) (status, id string, err error) {
	doc, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(doc))
	if err != nil {
		return "", "", err
	}
	ctype := "text/markdown; charset=utf-8"
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".html" || ext == ".htm" {
		ctype = "text/html; charset=utf-8"
	}
	req.Header.Set("Content-Type", ctype)
	// The file name carries a Jekyll _posts date and slug to the server.
	req.Header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filepath.Base(file)}))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", "", err
	}
	var out struct {
		ID    string `json:"id"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &out)
	switch resp.StatusCode {
	case http.StatusCreated:
		return "created", out.ID, nil
	case http.StatusOK:
		return "stored", out.ID, nil
	}
	if out.Error == "" {
		out.Error = strings.TrimSpace(string(body))
	}
	return "", "", fmt.Errorf("%s: %s", resp.Status, out.Error)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
