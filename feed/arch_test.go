package feed_test

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestDependencies keeps the package arrows of the design true:
// cmd → server → feed/ingest → feed, cmd → store → feed; feed imports
// nothing of ours; server does not import store; only store imports bbolt;
// only feed/ingest imports goquery and the YAML library (cmd reads its
// configuration file with it too).
func TestDependencies(t *testing.T) {
	rules := map[string]struct{ allowed, forbidden []string }{
		"feed":        {forbidden: []string{"sokbo/", "go.etcd.io/bbolt", "github.com/PuerkitoBio/goquery", "net/http"}},
		"feed/ingest": {allowed: []string{"sokbo/feed"}, forbidden: []string{"go.etcd.io/bbolt", "net/http"}},
		"store":       {allowed: []string{"sokbo/feed"}, forbidden: []string{"github.com/PuerkitoBio/goquery", "go.yaml.in/yaml/v3", "net/http"}},
		"server":      {allowed: []string{"sokbo/feed", "sokbo/feed/ingest"}, forbidden: []string{"go.etcd.io/bbolt", "github.com/PuerkitoBio/goquery", "go.yaml.in/yaml/v3"}},
	}
	for dir, r := range rules {
		pkg, err := build.ImportDir(filepath.Join("..", dir), 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, imp := range pkg.Imports {
			for _, f := range r.forbidden {
				if !strings.HasPrefix(imp, f) {
					continue
				}
				ok := false
				for _, a := range r.allowed {
					ok = ok || imp == a
				}
				if !ok {
					t.Errorf("%s imports %s", dir, imp)
				}
			}
			if strings.HasPrefix(imp, "sokbo/") {
				ok := false
				for _, a := range r.allowed {
					ok = ok || imp == a
				}
				if !ok {
					t.Errorf("%s imports %s, against the design's arrows", dir, imp)
				}
			}
		}
	}
}
