package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodeYAML sets the fields of v, a pointer to a struct whose yaml tags
// are the keys, from the YAML document src, and records the line of each
// key it sets in lines. It walks the document itself instead of letting
// yaml.v3 decode into v, so that an error is a *configError that names
// the key and line in the file's words, not in Go's (types, YAML tags).
// A key with no value keeps its default; an unknown key is an error.
func decodeYAML(src []byte, v any, lines map[string]int) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return syntaxError(err, src)
	}
	if len(doc.Content) == 0 { // empty, or comments only
		return nil
	}
	return decodeNode(doc.Content[0], reflect.ValueOf(v).Elem(), "", lines)
}

// syntaxError turns yaml.v3's "yaml: line N: …" into a configError on
// line N.
func syntaxError(err error, src []byte) error {
	e := &configError{msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	if rest, ok := strings.CutPrefix(e.msg, "line "); ok {
		if n, msg, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				e.line, e.msg = line, msg
			}
		}
	}
	if strings.ContainsRune(string(src), '\t') && strings.Contains(e.msg, "cannot start any token") {
		e.msg += " (YAML indents with spaces, not tabs)"
	}
	e.msg = "not valid YAML: " + e.msg
	return e
}

// decodeNode sets v from n; key is v's dotted key ("" for the file).
func decodeNode(n *yaml.Node, v reflect.Value, key string, lines map[string]int) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.ShortTag() == "!!null" {
		return nil
	}
	switch {
	case v.Kind() == reflect.Struct:
		return decodeMapping(n, v, key, lines)
	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &configError{key: key, line: n.Line, msg: "want a list (one item per line, starting with \"- \"), not " + describeNode(n)}
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			k := fmt.Sprintf("%s[%d]", key, i)
			lines[k] = item.Line
			if err := decodeNode(item, s.Index(i), k, lines); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return &configError{key: key, line: n.Line, msg: "want " + describeType(v.Type()) + ", not " + describeNode(n)}
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return &configError{key: key, line: n.Line, msg: fmt.Sprintf("%q is not %s", n.Value, describeType(v.Type()))}
	}
	return nil
}

// decodeMapping sets the fields of the struct v from the mapping n.
func decodeMapping(n *yaml.Node, v reflect.Value, key string, lines map[string]int) error {
	fields := map[string]int{} // key → field index
	var names []string
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		fields[name] = i
		names = append(names, name)
	}
	if n.Kind != yaml.MappingNode {
		return &configError{key: key, line: n.Line, msg: "want keys (" + strings.Join(names, ", ") + "), not " + describeNode(n)}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k := kn.Value
		if key != "" {
			k = key + "." + kn.Value
		}
		f, ok := fields[kn.Value]
		if !ok {
			return &configError{key: k, line: kn.Line, msg: "unknown key; the keys here are " + strings.Join(names, ", ")}
		}
		if first, dup := seen[kn.Value]; dup {
			return &configError{key: k, line: kn.Line, msg: fmt.Sprintf("given twice (first on line %d)", first)}
		}
		seen[kn.Value] = kn.Line
		lines[k] = kn.Line
		if err := decodeNode(vn, v.Field(f), k, lines); err != nil {
			return err
		}
	}
	return nil
}

// describeType says what a value of type t is written as.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "a duration such as 90s, 5m or 168h"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "a single value"
}

// describeNode says what n holds, in a newcomer's words.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}
