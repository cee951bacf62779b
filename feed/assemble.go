package feed

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// A feed is assembled from rendered parts rather than rendered whole, so
// that a change re-renders only the items it changed: an item's bytes are
// the same in every feed whose channel has the same ItemContext, and can
// be kept (issue 13). Write stays the reference; Assemble's output is the
// same bytes, which the tests check for every fixture and fuzz case.

// Frame is a feed document without its items: Head comes before the first
// item, Sep between two, Tail after the last. A feed without items is the
// document Empty.
type Frame struct {
	Head, Sep, Tail, Empty []byte
}

// Closing tags of the XML documents, which follow the last item: every
// other element of the channel or feed (links, tombstones) comes before
// the items.
var (
	rssTail  = []byte("</channel></rss>\n")
	atomTail = []byte("</feed>\n")
)

// JSON items sit at the second level of the indented document.
const (
	jsonItemPrefix = "    "
	jsonEmpty      = "[]\n}\n"
	jsonTail       = "\n  ]\n}\n"
)

// NewFrame renders the frame of a feed of items in format f; of the items
// it reads only their update times (the feed's date).
func NewFrame(f Format, c *Channel, items []*Article) (*Frame, error) {
	var doc, tail []byte
	var err error
	switch f {
	case RSS:
		doc, err = encodeXML(rssRootOf(rssChannelOf(c, items)), true)
		tail = rssTail
	case Atom:
		doc, err = encodeXML(atomFeedOf(c, items), true)
		tail = atomTail
	case JSON:
		doc, err = encodeJSON(jsonFeedOf(c, 0), "")
		if err != nil {
			return nil, fmt.Errorf("encode json feed: %w", err)
		}
		head, ok := bytes.CutSuffix(doc, []byte(jsonEmpty))
		if !ok {
			return nil, fmt.Errorf("json feed frame: no items array at its end")
		}
		head = append(head[:len(head):len(head)], "[\n"+jsonItemPrefix...)
		return &Frame{Head: head, Sep: []byte(",\n" + jsonItemPrefix), Tail: []byte(jsonTail), Empty: doc}, nil
	default:
		return nil, fmt.Errorf("unknown feed format %d", f)
	}
	if err != nil {
		return nil, err
	}
	head, ok := bytes.CutSuffix(doc, tail)
	if !ok {
		return nil, fmt.Errorf("%s feed frame: does not end in %q", f.Ext(), tail)
	}
	return &Frame{Head: head, Tail: tail, Empty: doc}, nil
}

// Item renders a's item in format f as the bytes it takes in a feed of c:
// with its whole body when full, else with its summary and link (see
// Fulls). The bytes depend on c only through c.ItemContext().
func Item(f Format, c *Channel, a *Article, full bool) ([]byte, error) {
	content := c.itemContent(a, full)
	switch f {
	case RSS:
		return encodeXML(rssItemOf(c, a, content), false)
	case Atom:
		return encodeXML(atomEntryOf(c, a, content), false)
	case JSON:
		b, err := encodeJSON(jsonItemOf(c, a, content), jsonItemPrefix)
		if err != nil {
			return nil, fmt.Errorf("encode json item: %w", err)
		}
		return bytes.TrimSuffix(b, []byte("\n")), nil
	}
	return nil, fmt.Errorf("unknown feed format %d", f)
}

// ItemContext names everything an item's bytes read from its channel
// besides the full-or-summary choice: the base URL (links), the
// highlights a summary shows, the feed's language (Atom omits an entry's
// when it is the same; a teaser's link is worded in it), the author of
// articles that name none, the content mode and the time zone of RSS
// dates (by name: zones of one name are the same zone). Items of channels
// with equal contexts are the same bytes.
func (c *Channel) ItemContext() string {
	base := ""
	if c.BaseURL != nil {
		base = c.BaseURL.String()
	}
	return strings.Join([]string{
		base, strconv.Itoa(c.Highlights), c.Lang, c.Author,
		strconv.Itoa(int(c.ContentMode)), c.Location.String(),
	}, "\x00")
}

// Assembled is a feed document made by Assemble, kept as its pieces (the
// frame's and the items' fragments) rather than copied into one: a feed
// is mostly served compressed from kept parts (server/gzipparts.go), and
// copying and zeroing half a megabyte for every render was a third of a
// feed's assembly (bench/README.md, "Freshness"). Bytes makes the document.
type Assembled struct {
	// Head comes before the first item (the whole document when there
	// are none), Sep between two items, Tail after the last.
	Head, Sep, Tail []byte
	Items           [][]byte
	// Item i lies at Starts[i]:Ends[i] of the document; Len is its size.
	Starts, Ends []int
	Len          int
}

// Pieces yields the document's pieces in order; joined, they are the
// document.
func (a *Assembled) Pieces(yield func([]byte) bool) {
	if !yield(a.Head) {
		return
	}
	for i, b := range a.Items {
		if i > 0 && !yield(a.Sep) {
			return
		}
		if !yield(b) {
			return
		}
	}
	yield(a.Tail)
}

// Bytes returns the document, a new copy.
func (a *Assembled) Bytes() []byte {
	return a.AppendRange(make([]byte, 0, a.Len), 0, a.Len)
}

// AppendRange appends the document's bytes from..to to dst.
func (a *Assembled) AppendRange(dst []byte, from, to int) []byte {
	at := 0 // where the piece starts in the document
	for p := range a.Pieces {
		end := at + len(p)
		if end > from && at < to {
			dst = append(dst, p[max(from-at, 0):min(to-at, len(p))]...)
		}
		if end >= to {
			break
		}
		at = end
	}
	return dst
}

// Assemble returns the feed of items in format f, the same bytes as
// Write, made of its frame and the items' fragments: item returns the
// fragment of items[i] (Item's bytes, kept from an earlier render or made
// now) with its body or not, as full says.
func Assemble(f Format, c *Channel, items []*Article, item func(i int, full bool) ([]byte, error)) (*Assembled, error) {
	fr, err := NewFrame(f, c, items)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return &Assembled{Head: fr.Empty, Len: len(fr.Empty)}, nil
	}
	a := &Assembled{Head: fr.Head, Sep: fr.Sep, Tail: fr.Tail, Items: make([][]byte, len(items)),
		Starts: make([]int, len(items)), Ends: make([]int, len(items))}
	n := len(fr.Head)
	for i, full := range c.Fulls(items) {
		if a.Items[i], err = item(i, full); err != nil {
			return nil, err
		}
		if i > 0 {
			n += len(fr.Sep)
		}
		a.Starts[i] = n
		n += len(a.Items[i])
		a.Ends[i] = n
	}
	a.Len = n + len(fr.Tail)
	return a, nil
}
