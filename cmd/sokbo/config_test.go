package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sokbo/server"
	"sokbo/store"
)

// writeConfig writes body to a file c.yaml of its own and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	must(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

func noEnv(string) string { return "" }

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "site:\n  title: 뉴스\n  base_url: https://news.example.com/sub\n  description:\nfeeds:\n  limit: 20\n  keep_deleted: 48h\nsummary:\n  highlights: 0\n")
	env := map[string]string{"SOKBO_ADDR": "127.0.0.1:9999", "SOKBO_TOKEN": "t-0123456789abcdef"}
	c, err := loadConfig(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	def := defaultConfig()
	base, _ := c.baseURL()
	if c.Site.Title != "뉴스" || c.Feeds.Limit != 20 || c.Feeds.MaxLimit != def.Feeds.MaxLimit || c.Listen != "127.0.0.1:9999" || c.Token != "t-0123456789abcdef" || base.String() != "https://news.example.com/sub/" {
		t.Errorf("config = %+v, base %s", c, base)
	}
	// A key with no value keeps its default.
	if c.Site.Description != def.Site.Description {
		t.Errorf("description %q, want the default %q", c.Site.Description, def.Site.Description)
	}
	// Each setting reaches its package: the tombstone window the store,
	// highlights 0 (none) the server.
	if got := c.storeOptions().KeepDeleted; got != 48*time.Hour {
		t.Errorf("store's KeepDeleted %s, want 48h", got)
	}
	sc := c.serverConfig()
	if sc.SummaryHighlights != 0 || sc.FeedLimit != 20 || sc.Title != "뉴스" || len(sc.Tokens) != 1 || sc.Tokens[0].Secret != env["SOKBO_TOKEN"] {
		t.Errorf("server config = %+v", sc)
	}
}

// TestDefaults: the command's defaults are the server's and the store's,
// and config.example.yaml shows them all.
func TestDefaults(t *testing.T) {
	t.Parallel()
	def, sd := defaultConfig(), server.DefaultConfig()
	if def.Feeds.Limit != sd.FeedLimit || def.Summary.Highlights != sd.SummaryHighlights || def.Feeds.StaleWhileRevalidate != sd.StaleWhileRevalidate || def.Site.Description != sd.Description || def.Feeds.KeepDeleted != store.DefaultKeepDeleted {
		t.Errorf("defaults %+v differ from the packages'", def)
	}
	ex, err := loadConfig(filepath.Join("..", "..", "config.example.yaml"), noEnv)
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	if len(ex.Tokens) == 0 {
		ex.Tokens = nil // "tokens: []"
	}
	if !reflect.DeepEqual(ex, def) {
		t.Errorf("config.example.yaml differs from the defaults:\n%+v\n%+v", ex, def)
	}
	// An empty file, or comments only, is the defaults too.
	for _, body := range []string{"", "# nothing\n"} {
		c, err := loadConfig(writeConfig(t, body), noEnv)
		if err != nil || !reflect.DeepEqual(c, def) {
			t.Errorf("%q: %v, %+v", body, err, c)
		}
	}
}

// TestConfigErrors: an error names the key, and the line or the
// environment variable it came from, in the file's words: no Go type, no
// YAML tag.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		env        map[string]string
		want       []string // in the message, after the file's path
	}{
		{"unknown key", "sitee:\n  title: x\n", nil, []string{":1: sitee: unknown key", "site, listen, tls"}},
		{"unknown nested key", "site:\n  title: x\n  titel: y\n", nil, []string{":3: site.titel: unknown key", "title, description"}},
		{"unknown key in a list", "tokens:\n  - name: a\n    secret: x\n", nil, []string{":3: tokens[0].secret: unknown key"}},
		{"text for a number", "feeds:\n  limit: many\n", nil, []string{`:2: feeds.limit: "many" is not a whole number`}},
		{"number too large", "ingest:\n  max_body: 99999999999999999999\n", nil, []string{`:2: ingest.max_body: "99999999999999999999" is not a whole number`}},
		{"number for a duration", "feeds:\n  max_age: 60\n", nil, []string{`:2: feeds.max_age: "60" is not a duration such as 90s`}},
		{"bad duration", "shutdown:\n  grace: soon\n", nil, []string{`:2: shutdown.grace: "soon" is not a duration`}},
		{"bad rate", "tokens:\n  - name: a\n    rate: fast\n", nil, []string{`:3: tokens[0].rate: "fast" is not a number`}},
		{"keys for a value", "listen:\n  host: x\n", nil, []string{":2: listen: want a single value, not keys"}},
		{"value for keys", "site: news\n", nil, []string{`:1: site: want keys (title, description, base_url, language, timezone, icon, logo, author, templates), not "news"`}},
		{"value for a list", "tokens: abc\n", nil, []string{`:1: tokens: want a list`}},
		{"a list for the file", "- a\n- b\n", nil, []string{":1: want keys (site, listen", "not a list"}},
		{"key twice", "listen: a:1\nlisten: b:2\n", nil, []string{":2: listen: given twice (first on line 1)"}},
		{"syntax", "site:\n  title: [\n", nil, []string{":2: not valid YAML"}},
		{"tab", "site:\n\ttitle: x\n", nil, []string{"not valid YAML", "spaces, not tabs"}},
		{"limit over max", "feeds:\n  limit: 600\n", nil, []string{":2: feeds.limit: 600 is over feeds.max_limit (500)"}},
		{"base url", "site:\n  base_url: ftp://x/\n", nil, []string{`:2: site.base_url: "ftp://x/" is not an absolute http(s) URL`}},
		{"tiny memory", "memory:\n  limit: 1000000\n", nil, []string{":2: memory.limit: 1000000 bytes is under the 64 MiB"}},
		{"short token", "tokens:\n  - name: a\n    token: short\n", nil, []string{":3: tokens[0].token: shorter than 16 characters"}},
		{"token without name", "tokens:\n  - token: 0123456789abcdef\n", nil, []string{":2: tokens[0]: needs a name"}},
		{"keep_deleted", "feeds:\n  keep_deleted: 10s\n", nil, []string{":2: feeds.keep_deleted: 10s is under 1m"}},
		{"negative highlights", "summary:\n  highlights: -1\n", nil, []string{":2: summary.highlights: -1 is negative"}},
		{"tls half", "tls:\n  cert: a.pem\n", nil, []string{":1: tls: cert and key go together"}},
		{"environment", "", map[string]string{"SOKBO_ADDR": "localhost"}, []string{`SOKBO_ADDR (replacing config key listen): "localhost" is not a host:port`}},
		{"environment over the file", "listen: 127.0.0.1:1\n", map[string]string{"SOKBO_BASE_URL": "news.example.com"}, []string{`SOKBO_BASE_URL (replacing config key site.base_url): "news.example.com" is not an absolute http(s) URL`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, tc.body)
			_, err := loadConfig(path, func(k string) string { return tc.env[k] })
			if err == nil {
				t.Fatal("accepted")
			}
			msg := strings.TrimPrefix(err.Error(), path)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q\nwant it to contain %q", msg, w)
				}
			}
			for _, goWords := range []string{"main.", "!!", "yaml:", "unmarshal", "int64", "float64", "time.Duration", "struct", "[]"} {
				if strings.Contains(msg, goWords) {
					t.Errorf("%q speaks Go (%q)", msg, goWords)
				}
			}
		})
	}
}

// TestConfigTemplates: site.templates replaces the built-in page templates
// a folder redefines and keeps the rest; a folder that is missing, or a
// template that does not parse, is an error naming the key and the file.
func TestConfigTemplates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	custom := `{{define "list"}}<!doctype html><title>{{.Title}}</title><p id="newsroom">our own index</p>{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "list.html"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(writeConfig(t, "site:\n  templates: "+dir+"\n"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	tmpl := cfg.serverConfig().Templates
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "list", map[string]string{"Title": "t"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `id="newsroom"`) {
		t.Errorf("list renders %q, not the folder's template", b.String())
	}
	if tmpl.Lookup("article") == nil {
		t.Error("the built-in article template is gone")
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "article.html"), []byte(`{{define "article"}}{{.Title`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(dir, "missing"), "site.templates: \"" + filepath.Join(dir, "missing") + "\" is not a folder"},
		{bad, "site.templates: article.html:"},
	} {
		_, err := loadConfig(writeConfig(t, "site:\n  templates: "+tc.dir+"\n"), func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("templates %s: error %v, want it to contain %q", tc.dir, err, tc.want)
		}
	}
}
