package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClientResolve: the flag wins over the environment, which wins over
// the defaults (the token file of a server run here); without a token the
// error says where it looked.
func TestClientResolve(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // where ./data/token is looked for; not parallel
	for _, tc := range []struct {
		name          string
		flags         clientFlags
		env           map[string]string
		file          *string // ./data/token's content; nil: no file
		server, token string
		err           []string
	}{
		{name: "flags", flags: clientFlags{server: "https://news.example.com", token: "flag-token"},
			env: map[string]string{"SOKBO_SERVER": "http://env:1/", "SOKBO_TOKEN": "env-token"}, file: ptr("file-token\n"),
			server: "https://news.example.com/", token: "flag-token"},
		{name: "environment", env: map[string]string{"SOKBO_SERVER": "http://env:1/x", "SOKBO_TOKEN": "env-token"}, file: ptr("file-token\n"),
			server: "http://env:1/x/", token: "env-token"},
		{name: "token file", file: ptr("file-token\n"), server: "http://127.0.0.1:8080/", token: "file-token"},
		{name: "no token", err: []string{"no -token flag", "$SOKBO_TOKEN is not set", filepath.Join(dir, "data", "token") + " does not exist"}},
		{name: "empty token file", file: ptr("\n"), err: []string{filepath.Join(dir, "data", "token") + " is empty"}},
		{name: "server without scheme", env: map[string]string{"SOKBO_SERVER": "localhost:8080", "SOKBO_TOKEN": "x"},
			err: []string{`$SOKBO_SERVER "localhost:8080" is not a server URL such as http://127.0.0.1:8080/`}},
		{name: "bad flag", flags: clientFlags{server: "news.example.com"}, err: []string{`-server "news.example.com" is not a server URL`}},
	} {
		must(t, os.RemoveAll("data"))
		if tc.file != nil {
			must(t, os.MkdirAll("data", 0o755))
			must(t, os.WriteFile(filepath.Join("data", "token"), []byte(*tc.file), 0o600))
		}
		base, token, err := tc.flags.resolve(func(k string) string { return tc.env[k] })
		if tc.err != nil {
			if err == nil {
				t.Errorf("%s: no error", tc.name)
				continue
			}
			for _, w := range tc.err {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: %q\nwant it to contain %q", tc.name, err, w)
				}
			}
			continue
		}
		if err != nil || base.String() != tc.server || token != tc.token {
			t.Errorf("%s: %v, %q, %v; want %s, %q", tc.name, base, token, err, tc.server, tc.token)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestClientErrors: ingest and backup without a token say where they
// looked, and without a server say that nothing answers; neither
// writes a backup file then.
func TestClientErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	doc := filepath.Join(dir, "a.md")
	must(t, os.WriteFile(doc, []byte("---\ntitle: a\n---\nbody\n"), 0o644))
	noServer := "http://" + freeAddr(t)
	withToken := func(k string) string { return map[string]string{"SOKBO_TOKEN": "0123456789abcdef"}[k] }
	for _, tc := range []struct {
		args   []string
		getenv func(string) string
		want   string
	}{
		{[]string{"ingest", "-server", noServer, doc}, noEnv, "data/token does not exist"},
		{[]string{"backup", "-server", noServer, "b.db"}, noEnv, "data/token does not exist"},
		{[]string{"ingest", "-server", noServer, doc}, withToken, "nothing answers at " + noServer + "/: is sokbo serve running there?"},
		{[]string{"backup", "-server", noServer, "b.db"}, withToken, "nothing answers at " + noServer + "/"},
	} {
		var out, errs bytes.Buffer
		err := run(context.Background(), tc.args, tc.getenv, &out, &errs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant an error containing %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat("b.db"); !os.IsNotExist(err) {
		t.Errorf("a failed backup left b.db: %v", err)
	}
}
