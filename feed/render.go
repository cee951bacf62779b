package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path"
	"strings"
)

// Content types of the three formats, with charset.
const (
	RSSType  = "application/rss+xml; charset=utf-8"
	AtomType = "application/atom+xml; charset=utf-8"
	JSONType = "application/feed+json; charset=utf-8"
)

// Format is one of the three feed formats.
type Format int

// The feed formats sokbo serves.
const (
	RSS Format = iota
	Atom
	JSON
)

// Ext is the format's file extension as used in feed URLs ("rss", "atom",
// "json").
func (f Format) Ext() string {
	return [...]string{"rss", "atom", "json"}[f]
}

// ContentType is the format's media type with charset.
func (f Format) ContentType() string {
	return [...]string{RSSType, AtomType, JSONType}[f]
}

// FormatByExt returns the format for a feed file extension.
func FormatByExt(ext string) (Format, bool) {
	switch ext {
	case "rss":
		return RSS, true
	case "atom":
		return Atom, true
	case "json":
		return JSON, true
	}
	return 0, false
}

// Write renders items as a feed in format f.
func Write(w io.Writer, f Format, c *Channel, items []*Article) error {
	switch f {
	case RSS:
		return WriteRSS(w, c, items)
	case Atom:
		return WriteAtom(w, c, items)
	case JSON:
		return WriteJSON(w, c, items)
	}
	return fmt.Errorf("unknown feed format %d", f)
}

// writeXML writes v as an XML document: the declaration, the element and
// a final newline. It encodes into a buffer first so that an encoding
// error leaves w untouched.
func writeXML(w io.Writer, v any) error {
	b, err := encodeXML(v, true)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// encodeXML encodes v, as a document (the declaration before it and a
// newline after) or as an element alone.
func encodeXML(v any, document bool) ([]byte, error) {
	var buf bytes.Buffer
	if document {
		buf.WriteString(xml.Header)
	}
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("encode xml feed: %w", err)
	}
	if document {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// terms is what every format lists as an article's categories: its
// categories followed by its tags, cleaned, the same category (by
// CategoryKey) once.
func terms(a *Article) []string {
	return UniqueCategories(cleanAll(a.Categories, a.Tags))
}

// authors is what every format names as an article's authors: its own,
// cleaned, or when it names none the channel's Author, so that the three
// formats agree (none when the channel has no Author either).
func authors(c *Channel, a *Article) []string {
	if names := cleanAll(a.Authors); len(names) > 0 {
		return names
	}
	return cleanAll([]string{c.Author})
}

// imageType guesses an image's media type from its URL's extension; RSS's
// media:content and Atom's enclosure link carry it. An unknown extension
// counts as JPEG, the commonest news photo.
func imageType(u string) string {
	if p, err := url.Parse(u); err == nil {
		u = p.Path
	}
	switch ext := strings.ToLower(path.Ext(u)); ext {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png", ".gif", ".webp", ".avif", ".bmp":
		return "image/" + ext[1:]
	case ".svg":
		return "image/svg+xml"
	case "":
		return "image/jpeg"
	default:
		if t := mime.TypeByExtension(ext); strings.HasPrefix(t, "image/") {
			return t
		}
		return "image/jpeg"
	}
}
