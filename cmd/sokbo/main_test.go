package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
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

// TestUsage: no arguments, -h and bad arguments print the usage; -h of
// serve lists every flag, the environment and the defaults.
func TestUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args      []string
		ok        bool
		out, errs []string // in stdout, in stderr
	}{
		{nil, false, nil, []string{"usage:", "sokbo serve", "sokbo ingest", "sokbo backup", "sokbo check", "sokbo version", "sokbo COMMAND -h"}},
		{[]string{"help"}, true, []string{"usage:", "sokbo serve"}, nil},
		{[]string{"frobnicate"}, false, nil, []string{`unknown command "frobnicate"`, "usage:"}},
		{[]string{"version"}, true, []string{"sokbo "}, nil},
		{[]string{"serve", "-h"}, true, []string{"usage: sokbo serve [-config FILE]", "-config FILE",
			"SOKBO_ADDR", "127.0.0.1:8080", "SOKBO_DB", "./data/sokbo.db", "SOKBO_BASE_URL", "SOKBO_TOKEN", "data/token", "mode 0600",
			"GOMEMLIMIT, GOGC", "128 MiB", "config.example.yaml"}, nil},
		{[]string{"ingest", "-h"}, true, []string{"usage: sokbo ingest", "-server URL", "-token T", "-j N", "(default 4)", "$SOKBO_SERVER", "http://127.0.0.1:8080/", "data/token", "SOKBO_SERVER", "SOKBO_TOKEN"}, nil},
		{[]string{"backup", "-h"}, true, []string{"usage: sokbo backup", "-server URL", "-token T", "mode 0600", "SOKBO_SERVER"}, nil},
		{[]string{"check", "-h"}, true, []string{"usage: sokbo check FILE", "offline"}, nil},
		{[]string{"version", "-h"}, true, []string{"usage: sokbo version"}, nil},
		{[]string{"serve", "-bogus"}, false, nil, []string{"sokbo serve: flag provided but not defined: -bogus", "usage: sokbo serve"}},
		{[]string{"serve", "extra"}, false, nil, []string{"takes no arguments", "usage: sokbo serve"}},
		{[]string{"ingest"}, false, nil, []string{"sokbo ingest: needs at least one FILE or DIR", "usage: sokbo ingest"}},
		{[]string{"backup"}, false, nil, []string{"sokbo backup: needs one FILE", "usage: sokbo backup"}},
		{[]string{"check"}, false, nil, []string{"sokbo check: needs one database FILE"}},
		{[]string{"check", "a", "b"}, false, nil, []string{"sokbo check: needs one database FILE"}},
		{[]string{"version", "x"}, false, nil, []string{"sokbo version: takes no arguments"}},
	} {
		var out, errs bytes.Buffer
		err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errs)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok %v", tc.args, err, tc.ok)
		}
		for _, w := range tc.out {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%q: stdout lacks %q:\n%s", tc.args, w, out.String())
			}
		}
		for _, w := range tc.errs {
			if !strings.Contains(errs.String(), w) {
				t.Errorf("%q: stderr lacks %q:\n%s", tc.args, w, errs.String())
			}
		}
		if tc.ok && errs.Len() > 0 {
			t.Errorf("%q: wrote to stderr:\n%s", tc.args, errs.String())
		}
	}
}

// TestTokenNotPrinted: the token from the environment never shows in the
// help text or in a usage error.
func TestTokenNotPrinted(t *testing.T) {
	t.Parallel()
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
