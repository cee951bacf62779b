package sokbo_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The design's package arrows: cmd → server → feed/ingest → feed,
// cmd → store → feed, and cmd → live, websub → feed (the push packages
// consume feed.Change and small interfaces the command satisfies with the
// store and the server). Each outside dependency belongs to one package:
// bbolt to store, goquery and the HTML sanitizer to feed/ingest, gorilla/feeds
// to feed, net/http to server and cmd; YAML to feed/ingest (front matter)
// and cmd (the configuration file).
var arrows = map[string][]string{ // package → the module's packages it may import
	"feed":        nil,
	"feed/ingest": {"sokbo/feed"},
	"store":       {"sokbo/feed"},
	"server":      {"sokbo/feed", "sokbo/feed/ingest"},
	"live":        {"sokbo/feed"},
	"websub":      {"sokbo/feed"},
	"cmd/sokbo":   {"sokbo/feed", "sokbo/feed/ingest", "sokbo/server", "sokbo/store", "sokbo/live", "sokbo/websub"},
}

var owners = map[string][]string{ // import path prefix → the packages that may import it
	"go.etcd.io/bbolt":                   {"store"},
	"github.com/PuerkitoBio/goquery":     {"feed/ingest"},
	"github.com/microcosm-cc/bluemonday": {"feed/ingest"},
	"github.com/yuin/goldmark":           {"feed/ingest"},
	"github.com/gorilla/feeds":           {"feed"},
	"net/http":                           {"server", "cmd/sokbo", "live", "websub"},
	"go.yaml.in/yaml/v3":                 {"feed/ingest", "cmd/sokbo"},
	"github.com/klauspost/compress/s2":   {"store"},
	"github.com/andybalholm/brotli":      {"server"},
	"golang.org/x/time/rate":             {"server"},
	"github.com/mmcdole/gofeed":          {}, // tests only
	"github.com/google/go-cmp/cmp":       {}, // tests only
}

// TestArchitecture keeps those arrows true for the non-test code of every
// package of the module (the benchmark tools under bench/ aside), and
// makes a new package take its place in the table.
func TestArchitecture(t *testing.T) {
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "bench" || path == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dir := filepath.ToSlash(filepath.Dir(path))
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		allowed, ok := arrows[dir]
		if !ok {
			t.Errorf("package %s is not in the design's table (arch_test.go): say what it may import", dir)
			continue
		}
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, "sokbo/") && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, against the design's arrows", dir, imp)
			}
			for prefix, users := range owners {
				if (imp == prefix || strings.HasPrefix(imp, prefix+"/")) && !slices.Contains(users, dir) {
					t.Errorf("%s imports %s, which belongs to %v", dir, imp, users)
				}
			}
		}
	}
}
