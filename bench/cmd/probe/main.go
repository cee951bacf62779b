// Command probe makes one HTTP request for bench/run.sh and prints what
// came back on one tab-separated line:
//
//	STATUS  CONTENT-ENCODING  BODY-BYTES  ETAG
//
// ("identity" when there is no Content-Encoding, "-" when there is no
// ETag). The body is saved as received (not decoded) with -o.
//
//	probe [-H 'Name: value']... [-o FILE] [-wait 10s] URL
//
// -wait retries until the server accepts connections.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var hs headers
	flag.Var(&hs, "H", "request header 'Name: value' (repeatable)")
	out := flag.String("o", "", "write the body, as received, to this file")
	wait := flag.Duration("wait", 0, "retry connecting for this long")
	method := flag.String("X", "GET", "method")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: probe [-H 'Name: value']... [-o FILE] [-wait DUR] URL")
		os.Exit(2)
	}
	if err := run(*method, flag.Arg(0), hs, *out, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run(method, url string, hs headers, out string, wait time.Duration) error {
	// No transparent decompression: the bytes are counted as sent.
	client := &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{DisableCompression: true},
	}
	deadline := time.Now().Add(wait)
	for {
		req, err := http.NewRequest(method, url, nil)
		if err != nil {
			return err
		}
		for _, h := range hs {
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				return fmt.Errorf("header %q: want 'Name: value'", h)
			}
			req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		resp, err := client.Do(req)
		if err != nil {
			if time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if out != "" {
			if err := os.WriteFile(out, body, 0o644); err != nil {
				return err
			}
		}
		enc := resp.Header.Get("Content-Encoding")
		if enc == "" {
			enc = "identity"
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			etag = "-"
		}
		fmt.Printf("%d\t%s\t%d\t%s\n", resp.StatusCode, enc, len(body), etag)
		return nil
	}
}
