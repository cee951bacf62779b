package ingest

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"sokbo/feed"

	"github.com/PuerkitoBio/goquery"
	"github.com/microcosm-cc/bluemonday"
	"github.com/microcosm-cc/bluemonday/css"
	"golang.org/x/net/html"
)

// textElements may carry the allowed styles.
var textElements = []string{
	"p", "div", "span", "a", "b", "strong", "i", "em", "u", "s", "strike",
	"del", "ins", "mark", "small", "sub", "sup", "code", "q", "cite", "abbr",
	"h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote",
	"pre", "td", "th", "caption", "figcaption",
}

// textElement is textElements as a set.
var textElement = func() map[string]bool {
	m := make(map[string]bool, len(textElements))
	for _, e := range textElements {
		m[e] = true
	}
	return m
}()

// policy is the sanitizer: bluemonday's UGC policy (no script, no event
// handlers, no iframe/object/embed, only http, https and mailto URLs)
// plus a few text styles whose values are checked: colours (no url(), no
// expression()), font weight and style, alignment and decoration. Built
// once, read-only afterwards (bluemonday policies are safe for concurrent
// use once built).
//
// The styles are checked by stylePolicy, once per distinct value in an
// article (sanitizeStyles), and this policy keeps a style attribute only
// in the shape that one writes (styleRE): bluemonday parses every style
// attribute with a CSS parser that costs more than the rest of an
// article's attributes together, and an article repeats the same few.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("style").Matching(styleRE).OnElements(textElements...)
	return p
})

// stylePolicy checks the declarations of one inline style, on a <span>.
var stylePolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("span")
	allowStyles(p, "span")
	return p
})

// allowStyles allows the text styles on the elements.
func allowStyles(p *bluemonday.Policy, elements ...string) {
	p.AllowStyles("color", "background-color", "background").MatchingHandler(isCSSColor).OnElements(elements...)
	p.AllowStyles("font-weight").MatchingHandler(css.FontWeightHandler).OnElements(elements...)
	p.AllowStyles("font-style").MatchingHandler(css.FontStyleHandler).OnElements(elements...)
	p.AllowStyles("text-align").MatchingHandler(css.TextAlignHandler).OnElements(elements...)
	p.AllowStyles("text-decoration").MatchingHandler(css.TextDecorationHandler).OnElements(elements...)
}

// styleRE is the shape of a style attribute as stylePolicy writes it, and
// a gate of its own: declarations "property: value" joined by "; ", of
// the allowed properties (bluemonday keeps a vendor prefix), each value a
// hex colour, rgb()/hsl() of numbers, or words and numbers. No url(), no
// expression(), no quote, escape or semicolon can pass it.
var styleRE = func() *regexp.Regexp {
	decl := `(?:-webkit-|-moz-|-ms-|-o-|mso-|-xv-|-atsc-|-wap-|-khtml-|prince-|-ah-|-hp-|-ro-|-rim-|-tc-)?` +
		`(?:color|background-color|background|font-weight|font-style|text-align|text-decoration): ` +
		`(?:#[0-9a-f]{3,8}|(?:rgba?|hsla?)\([0-9.,%/ +-]*\)|[a-z0-9 .%-]+)`
	return regexp.MustCompile(`(?i)^` + decl + `(?:; ` + decl + `)*$`)
}()

// styler replaces the style attributes of text elements by what
// stylePolicy keeps of them (or removes them), checking each distinct
// value once per article, and once per process with a shared cache.
// Styles elsewhere are left to the policy, which drops them.
type styler struct {
	shared *StyleCache
	seen   map[string]string
}

func (st *styler) node(n *html.Node) {
	if !textElement[n.Data] {
		return
	}
	for i := 0; i < len(n.Attr); i++ {
		a := &n.Attr[i]
		if a.Namespace != "" || a.Key != "style" {
			continue
		}
		clean, ok := st.seen[a.Val]
		if !ok {
			if clean, ok = st.shared.get(a.Val); !ok {
				clean = sanitizeStyle(a.Val)
				st.shared.put(a.Val, clean)
			}
			if st.seen == nil {
				st.seen = make(map[string]string, 4)
			}
			st.seen[a.Val] = clean
		}
		if clean == "" {
			n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
			i--
			continue
		}
		a.Val = clean
	}
}

// StyleCache remembers, across articles, what the sanitizer keeps of
// inline styles: a newsroom's editor writes the same few over and over.
// It is safe for concurrent use and its zero value is ready to use; a nil
// *StyleCache caches nothing.
type StyleCache struct {
	mu sync.RWMutex
	m  map[string]string
}

const (
	// styleCacheMax bounds the entries; a full cache starts over.
	styleCacheMax = 1024
	// styleCacheKey is the longest style value cached.
	styleCacheKey = 256
)

func (c *StyleCache) get(v string) (string, bool) {
	if c == nil {
		return "", false
	}
	c.mu.RLock()
	clean, ok := c.m[v]
	c.mu.RUnlock()
	return clean, ok
}

func (c *StyleCache) put(v, clean string) {
	if c == nil || len(v) > styleCacheKey {
		return
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= styleCacheMax {
		c.m = make(map[string]string)
	}
	c.m[v] = clean
	c.mu.Unlock()
}

// sanitizeStyle returns what stylePolicy keeps of an inline style, "" for
// nothing.
func sanitizeStyle(v string) string {
	out := stylePolicy().Sanitize(`<span style="` + html.EscapeString(v) + `"></span>`)
	z := html.NewTokenizer(strings.NewReader(out))
	if z.Next() != html.StartTagToken {
		return ""
	}
	for _, a := range z.Token().Attr {
		if a.Key == "style" {
			return a.Val
		}
	}
	return ""
}

// cssColorRE is the shape of a colour value: hex, a colour function of
// numbers, or a keyword (checked against the CSS colour names).
var cssColorRE = regexp.MustCompile(`^(#[0-9a-f]{3,8}|(rgba?|hsla?)\([0-9.,%/ +-]*\)|[a-z]+)$`)

// isCSSColor reports whether the (lower-cased) value is one colour.
func isCSSColor(v string) bool {
	v = strings.TrimSpace(v)
	if !cssColorRE.MatchString(v) {
		return false
	}
	return v[0] == '#' || strings.Contains(v, "(") || css.ColorHandler(v)
}

// sanitize makes the links of the parsed body absolute, checks its
// styles (remembered in styles, if not nil), renders it and sanitizes the
// result; size is the expected length of the rendering. Links are
// resolved on the tree the highlights were read from, so the body is
// parsed once; the sanitizer then drops whatever scheme it does not allow
// (javascript:, data:) and the attributes it does not allow (srcset, so
// its URLs are not resolved).
func sanitize(root *html.Node, links linkBase, size int, styles *StyleCache) (string, error) {
	st := styler{shared: styles}
	goquery.NewDocumentFromNode(root).Find("[style], [href], [src], [cite], [poster]").Each(func(_ int, s *goquery.Selection) {
		st.node(s.Get(0))
		for _, attr := range []string{"href", "src", "cite", "poster"} {
			if v, ok := s.Attr(attr); ok {
				if abs, keep := links.absolute(v); keep {
					s.SetAttr(attr, abs)
				} else {
					s.RemoveAttr(attr)
				}
			}
		}
	})
	rendered, err := renderChildren(root, size)
	if err != nil {
		return "", err
	}
	return clean(policy(), rendered), nil
}

// renderChildren renders the children of root.
func renderChildren(root *html.Node, size int) (string, error) {
	var b strings.Builder
	b.Grow(size)
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return "", fmt.Errorf("render body: %w", err)
		}
	}
	return b.String(), nil
}

// clean sanitizes rendered HTML with p.
func clean(p *bluemonday.Policy, rendered string) string {
	out := p.Sanitize(rendered)
	// Character references can produce characters XML forbids (&#1;).
	return feed.Clean(strings.TrimSpace(out))
}

// linkBase is what the links of an article's body are relative to: the
// site, and the article's own page when it has a url.
type linkBase struct {
	site *url.URL
	page *url.URL // nil: the article has no url of its own
}

// absolute resolves a link or source; keep is false for a value that
// cannot be used. A site path (/assets/x.jpg) is under the site's base
// path, as Jekyll writes them; a document-relative one (photo.jpg, ../x)
// is relative to the article's page when it has a url, as a browser
// showing that page reads it, else to the site. An article whose url is
// on another host has all its relative links resolved against that page. Fragment-only links
// (#notes) stay as they are: they point into the article wherever it is
// shown.
func (lb linkBase) absolute(v string) (abs string, keep bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, "#") {
		return v, true
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", false
	}
	if u.Scheme != "" {
		return v, true // the sanitizer keeps only http, https and mailto
	}
	if lb.page != nil && (!strings.HasPrefix(v, "/") || lb.page.Host != lb.site.Host) {
		return lb.page.ResolveReference(u).String(), true
	}
	abs, err = siteURL(lb.site, v)
	return abs, err == nil
}
