package ingest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"sokbo/feed"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the front matter as posted: one field per key that Parse
// reads, holding the key's YAML value as written (a yaml.Node keeps its
// line and the scalar's text, which YAML would otherwise turn into a
// number or a time in its own way). yaml.v3 fills the fields by their
// tags; keys without a field land in Unknown and become warnings.
// readFields (fields.go) validates the values and sets the article's
// fields from them.
type frontMatter struct {
	Title       yaml.Node `yaml:"title"`
	ID          yaml.Node `yaml:"id"`
	Slug        yaml.Node `yaml:"slug"` // Jekyll's name for id
	Date        yaml.Node `yaml:"date"`
	Updated     yaml.Node `yaml:"updated"`
	Author      yaml.Node `yaml:"author"`
	Authors     yaml.Node `yaml:"authors"`
	Categories  yaml.Node `yaml:"categories"`
	Category    yaml.Node `yaml:"category"`
	Tags        yaml.Node `yaml:"tags"`
	Tag         yaml.Node `yaml:"tag"`
	Excerpt     yaml.Node `yaml:"excerpt"`
	Description yaml.Node `yaml:"description"` // jekyll-seo-tag's excerpt
	Summary     yaml.Node `yaml:"summary"`
	FeatureText yaml.Node `yaml:"feature_text"`
	Image       yaml.Node `yaml:"image"`
	Lang        yaml.Node `yaml:"lang"`
	URL         yaml.Node `yaml:"url"`
	Permalink   yaml.Node `yaml:"permalink"`
	Format      yaml.Node `yaml:"format"`

	Unknown map[string]yaml.Node `yaml:",inline"`
}

// fmLine converts a line of the front matter's YAML to a document line:
// the YAML starts after the opening --- line.
const fmLine = 1

// keyLines maps each key of the front matter to its document line.
type keyLines map[string]int

// decodeFrontMatter decodes the YAML between the fences. Keys are matched
// exactly, as Jekyll matches them; a key given twice is an error, an
// unknown one a warning.
func decodeFrontMatter(src string) (*frontMatter, keyLines, []string, error) {
	if err := scanFrontMatter(src); err != nil {
		return nil, nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, nil, nil, yamlError(err, src)
	}
	fm := &frontMatter{}
	if len(doc.Content) == 0 || doc.Content[0].ShortTag() == "!!null" {
		return fm, keyLines{}, nil, nil // empty front matter
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, nil, &feed.InputError{Field: "front matter", Line: root.Line + fmLine,
			Msg: "must be lines of the form key: value"}
	}
	lines, err := checkKeys(root)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := root.Decode(fm); err != nil {
		// checkKeys leaves yaml.v3 only a merge key (<<) of a value that
		// is not a mapping to refuse.
		return nil, nil, nil, &feed.InputError{Field: "front matter", Line: lines["<<"],
			Msg: "<< (a YAML merge key) must be followed by a mapping of keys to values"}
	}
	return fm, lines, unknownKeys(fm.Unknown, lines), nil
}

// checkKeys returns the line of every key of the mapping, and an error for
// a key given twice or one that is not a single word. yaml.v3 reports
// neither when it decodes into a yaml.Node (and only as text, without the
// key, when it decodes into a struct).
func checkKeys(root *yaml.Node) (keyLines, error) {
	lines := make(keyLines, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		line := root.Content[i].Line + fmLine
		k := deref(root.Content[i])
		if k.Kind != yaml.ScalarNode {
			return nil, &feed.InputError{Field: "front matter", Line: line,
				Msg: "a key must be a single word, not a list or mapping"}
		}
		if first, ok := lines[k.Value]; ok {
			return nil, &feed.InputError{Field: k.Value, Line: line,
				Msg: "given twice (first at line " + strconv.Itoa(first) + ")"}
		}
		lines[k.Value] = line
	}
	return lines, nil
}

// unknownKeys returns a warning for each unknown key, in document order.
func unknownKeys(unknown map[string]yaml.Node, lines keyLines) []string {
	type key struct {
		name string
		line int
	}
	var keys []key
	for name, v := range unknown {
		line, ok := lines[name]
		if !ok { // brought in by a merge key (<<)
			line = v.Line + fmLine
		}
		keys = append(keys, key{name, line})
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.line, b.line), strings.Compare(a.name, b.name))
	})
	var out []string
	for _, k := range keys {
		w := &feed.InputError{Field: "front matter", Line: k.line,
			Msg: "unknown key " + strconv.Quote(k.name) + " ignored"}
		out = append(out, w.Error())
	}
	return out
}

// deref follows YAML aliases (*name) to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}
