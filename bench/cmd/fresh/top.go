package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// errNoItems is a feed without items.
var errNoItems = errors.New("no items")

// topID returns the id of a feed's first item: the first <item>'s <guid>
// (RSS), the first <entry>'s <id> (Atom), items[0].id (JSON Feed). It
// reads only as far as that item, so a check of a 400 KB feed decompresses
// and parses a few KB: the client's work stays small beside the server's.
func topID(kind string, r io.Reader) (string, error) {
	switch kind {
	case "rss":
		return firstChild(r, "item", "guid")
	case "atom":
		return firstChild(r, "entry", "id")
	case "json":
		return firstJSONItemID(r)
	}
	return "", fmt.Errorf("unknown feed kind %q", kind)
}

// firstChild returns the text of the first <child> directly inside the
// first <parent> element, matched by local name at any depth (Atom's
// deleted-entry and the feed's own <id> are other elements).
func firstChild(r io.Reader, parent, child string) (string, error) {
	d := xml.NewDecoder(r)
	depth, inParent := 0, -1 // inParent: the depth of the open parent
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return "", errNoItems
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case inParent < 0 && t.Name.Local == parent:
				inParent = depth
			case inParent >= 0 && depth == inParent+1 && t.Name.Local == child:
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return "", err
				}
				return strings.TrimSpace(s), nil
			}
		case xml.EndElement:
			if depth == inParent {
				return "", fmt.Errorf("first <%s> has no <%s>", parent, child)
			}
			depth--
		}
	}
}

// firstJSONItemID streams the JSON Feed's tokens up to items[0].id,
// skipping the other values whole.
func firstJSONItemID(r io.Reader) (string, error) {
	d := json.NewDecoder(r)
	if err := expectDelim(d, '{'); err != nil {
		return "", err
	}
	if err := seekKey(d, "items"); err != nil {
		return "", err
	}
	if err := expectDelim(d, '['); err != nil {
		return "", err
	}
	if !d.More() {
		return "", errNoItems
	}
	if err := expectDelim(d, '{'); err != nil {
		return "", err
	}
	if err := seekKey(d, "id"); err != nil {
		return "", fmt.Errorf("items[0]: %w", err)
	}
	var id string
	if err := d.Decode(&id); err != nil {
		return "", fmt.Errorf("items[0].id: %w", err)
	}
	return id, nil
}

func expectDelim(d *json.Decoder, want json.Delim) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}

// seekKey reads the keys of the open object, skipping their values,
// until key; the decoder is then before key's value.
func seekKey(d *json.Decoder, key string) error {
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if tok == key {
			return nil
		}
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return err
		}
	}
	return fmt.Errorf("no %q", key)
}
