package server

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
)

// builtinTemplates are the pages' templates, one file per page and
// layout.html for the parts they share.
//
//go:embed templates/*.html
var builtinTemplates embed.FS

// LoadTemplates parses the built-in page templates, then the *.html files
// of dir over them (nil: none), so that a newsroom restyles its pages by
// copying a file of server/templates into its own folder (site.templates)
// and changing it: a template it defines replaces the built-in one of the
// same name, and the rest stay. Its error names the file that failed.
func LoadTemplates(dir fs.FS) (*template.Template, error) {
	t, err := template.New("pages").ParseFS(builtinTemplates, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("built-in templates: %w", err)
	}
	if dir == nil {
		return t, nil
	}
	names, err := fs.Glob(dir, "*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(dir, name)
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return t, nil
}

// mustBuiltinTemplates is the built-in templates, which the tests parse.
func mustBuiltinTemplates() *template.Template {
	t, err := LoadTemplates(nil)
	if err != nil {
		panic(err)
	}
	return t
}
