package ingest

import (
	"strconv"
	"strings"

	"github.com/aymerick/douceur/css"
	"github.com/aymerick/douceur/parser"
	"golang.org/x/net/html"
)

// isHighlight reports whether the inline element n marks its text as a
// highlight: a <mark>, or an inline style (or a legacy <font color>) that
// gives the text a visible colour or background.
//
// The declarations are parsed, not substring-matched: a selector such as
// span[style*=color] would also match background-color and miss COLOR:Red.
// A colour that does not stand out is not a highlight: inherit, initial,
// transparent and the like, a fully transparent colour, grey or black text
// (editors wrap plain text in color:#000000 or #333), a white or near-white
// background.
//
// seen memoizes the answer for each style value: an article repeats a few.
func isHighlight(n *html.Node, seen map[string]bool) bool {
	if n.Data == "mark" {
		return true
	}
	for _, a := range n.Attr {
		switch {
		case a.Namespace != "":
		case a.Key == "style":
			hl, ok := seen[a.Val]
			if !ok {
				hl = styleStandsOut(a.Val)
				seen[a.Val] = hl
			}
			if hl {
				return true
			}
		case a.Key == "color" && n.Data == "font":
			if standsOut("color", a.Val) {
				return true
			}
		}
	}
	return false
}

// styleStandsOut reports whether the inline style gives text a colour or
// background that stands out.
func styleStandsOut(style string) bool {
	for _, d := range declarations(style) {
		switch prop := strings.ToLower(d.Property); prop {
		case "color", "background-color", "background":
			if standsOut(prop, d.Value) {
				return true
			}
		}
	}
	return false
}

// declarations parses an inline style with the CSS parser bluemonday
// uses, and returns nil for a style it cannot parse.
func declarations(style string) []*css.Declaration {
	// The parser drops a last declaration that no semicolon ends.
	style = strings.TrimRight(style, " \t\n")
	if !strings.HasSuffix(style, ";") {
		style += ";"
	}
	decls, err := parser.ParseDeclarations(style)
	if err != nil {
		return nil
	}
	return decls
}

// neutralColors never make a highlight.
var neutralColors = map[string]bool{
	"": true, "inherit": true, "initial": true, "unset": true, "revert": true,
	"revert-layer": true, "transparent": true, "none": true,
	"currentcolor": true, "windowtext": true, "canvastext": true,
}

// namedGreys are the CSS colour names without hue.
var namedGreys = map[string]string{
	"black": "#000", "dimgray": "#696969", "dimgrey": "#696969",
	"gray": "#808080", "grey": "#808080", "darkgray": "#a9a9a9",
	"darkgrey": "#a9a9a9", "silver": "#c0c0c0", "lightgray": "#d3d3d3",
	"lightgrey": "#d3d3d3", "gainsboro": "#dcdcdc", "whitesmoke": "#f5f5f5",
	"white": "#fff", "snow": "#fffafa", "ivory": "#fffff0",
	"floralwhite": "#fffaf0", "ghostwhite": "#f8f8ff",
}

// standsOut reports whether the colour value of the property (color,
// background-color or the background shorthand) makes text stand out.
func standsOut(prop, val string) bool {
	v := strings.ToLower(strings.TrimSpace(val))
	if prop == "background" {
		v = shorthandColor(v)
	}
	if neutralColors[v] {
		return false
	}
	if hex, ok := namedGreys[v]; ok {
		v = hex
	}
	if c, ok := parseColor(v); ok {
		switch {
		case c.a == 0:
			return false
		case prop == "color":
			return !c.grey()
		default:
			return !(c.grey() && c.r >= 0xe0)
		}
	}
	return isCSSColor(v)
}

// shorthandColor returns the colour component of a background shorthand
// ("url(x.png) no-repeat #ff0" → "#ff0"), or "" when it has none.
func shorthandColor(v string) string {
	for _, tok := range cssTokens(v) {
		if neutralColors[tok] || isCSSColor(tok) {
			return tok
		}
		if _, ok := parseColor(tok); ok {
			return tok
		}
	}
	return ""
}

// cssTokens splits a CSS value at spaces and slashes outside parentheses.
func cssTokens(v string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '/' || c == ','):
			if i > start {
				out = append(out, v[start:i])
			}
			start = i + 1
		}
	}
	if start < len(v) {
		out = append(out, v[start:])
	}
	return out
}

// rgba is a colour with 8-bit channels.
type rgba struct{ r, g, b, a int }

// grey reports whether the colour has (almost) no hue.
func (c rgba) grey() bool {
	hi, lo := max(c.r, c.g, c.b), min(c.r, c.g, c.b)
	return hi-lo <= 16
}

// parseColor reads #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() and rgba()
// (comma or space syntax, numbers or percentages). Other colours (named,
// hsl) are not read.
func parseColor(v string) (rgba, bool) {
	if strings.HasPrefix(v, "#") {
		return parseHex(v[1:])
	}
	var args string
	switch {
	case strings.HasPrefix(v, "rgb(") && strings.HasSuffix(v, ")"):
		args = v[4 : len(v)-1]
	case strings.HasPrefix(v, "rgba(") && strings.HasSuffix(v, ")"):
		args = v[5 : len(v)-1]
	default:
		return rgba{}, false
	}
	f := strings.FieldsFunc(args, func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
	if len(f) != 3 && len(f) != 4 {
		return rgba{}, false
	}
	c := rgba{a: 255}
	ch := []*int{&c.r, &c.g, &c.b, &c.a}
	for i, s := range f {
		scale := 1.0
		if i == 3 {
			scale = 255 // alpha is 0–1
		}
		if p, ok := strings.CutSuffix(s, "%"); ok {
			s, scale = p, 2.55
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return rgba{}, false
		}
		*ch[i] = int(min(max(x*scale, 0), 255) + 0.5)
	}
	return c, true
}

// parseHex reads the digits of a hex colour.
func parseHex(h string) (rgba, bool) {
	switch len(h) {
	case 3, 4:
		h2 := make([]byte, 0, 8)
		for i := 0; i < len(h); i++ {
			h2 = append(h2, h[i], h[i])
		}
		h = string(h2)
	case 6, 8:
	default:
		return rgba{}, false
	}
	if len(h) == 6 {
		h += "ff"
	}
	x, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return rgba{}, false
	}
	return rgba{r: int(x >> 24 & 0xff), g: int(x >> 16 & 0xff), b: int(x >> 8 & 0xff), a: int(x & 0xff)}, true
}
