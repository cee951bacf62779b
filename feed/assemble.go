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

// Assembled is a feed document made by Assemble, with where each item's
// fragment lies in it: Body[Starts[i]:Ends[i]] is item i's. A cache of
// compressed parts cuts the body there.
type Assembled struct {
	Body         []byte
	Starts, Ends []int
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
		return &Assembled{Body: fr.Empty}, nil
	}
	frags := make([][]byte, len(items))
	n := len(fr.Head) + len(fr.Tail) + (len(items)-1)*len(fr.Sep)
	for i, full := range c.Fulls(items) {
		if frags[i], err = item(i, full); err != nil {
			return nil, err
		}
		n += len(frags[i])
	}
	a := &Assembled{Body: make([]byte, 0, n), Starts: make([]int, len(items)), Ends: make([]int, len(items))}
	a.Body = append(a.Body, fr.Head...)
	for i, b := range frags {
		if i > 0 {
			a.Body = append(a.Body, fr.Sep...)
		}
		a.Starts[i] = len(a.Body)
		a.Body = append(a.Body, b...)
		a.Ends[i] = len(a.Body)
	}
	a.Body = append(a.Body, fr.Tail...)
	return a, nil
}
