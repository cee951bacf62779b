package server_test

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sokbo/server"
)

// TestIconRoutes: /icon.png is a square PNG and /favicon.ico an ICO
// holding that PNG, both cached for long, with an ETag that answers 304;
// a configured icon elsewhere leaves both routes serving the built-in one.
func TestIconRoutes(t *testing.T) {
	e := startWith(t, func(c *server.Config) { c.Icon = "https://cdn.example/icon.svg" }, nil)
	icon := e.do("GET", "/icon.png", nil)
	if icon.Code != http.StatusOK || icon.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET /icon.png: %d %q", icon.Code, icon.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(icon.Body))
	if err != nil {
		t.Fatalf("decode /icon.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 64 || b.Dx() > 256 {
		t.Errorf("icon is %v, want a square of 64 to 256 pixels", b)
	}

	ico := e.do("GET", "/favicon.ico", nil)
	if ico.Code != http.StatusOK || ico.Header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("GET /favicon.ico: %d %q", ico.Code, ico.Header.Get("Content-Type"))
	}
	// ICONDIR (reserved, type 1 = icon, count) then one ICONDIRENTRY.
	b := ico.Body
	if len(b) < 22 {
		t.Fatalf("favicon.ico: %d bytes, shorter than its header", len(b))
	}
	le := binary.LittleEndian
	if le.Uint16(b[0:]) != 0 || le.Uint16(b[2:]) != 1 || le.Uint16(b[4:]) != 1 {
		t.Errorf("ICONDIR = % x, want 00 00 01 00 01 00", b[:6])
	}
	w, h := int(b[6]), int(b[7])
	size, offset := le.Uint32(b[14:]), le.Uint32(b[18:])
	if w != img.Bounds().Dx() || h != img.Bounds().Dy() || le.Uint16(b[10:]) != 1 || le.Uint16(b[12:]) != 32 {
		t.Errorf("ICONDIRENTRY = % x, want the icon's %v, 1 plane, 32 bits", b[6:22], img.Bounds())
	}
	if offset != 22 || int(size) != len(b)-22 || !bytes.Equal(b[offset:], icon.Body) {
		t.Errorf("favicon.ico holds %d bytes at %d, not /icon.png's %d", size, offset, len(icon.Body))
	}

	for _, path := range []string{"/icon.png", "/favicon.ico"} {
		r := e.do("GET", path, nil)
		etag, cc := r.Header.Get("ETag"), r.Header.Get("Cache-Control")
		if etag == "" || !strings.HasPrefix(etag, `"`) {
			t.Errorf("%s: ETag %q, want a strong one", path, etag)
		}
		if age := maxAge(cc); age < 86400 {
			t.Errorf("%s: Cache-Control %q, want a max-age of a day or more", path, cc)
		}
		if r.Header.Get("Content-Length") != strconv.Itoa(len(r.Body)) || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Length %q for %d bytes, nosniff %q", path, r.Header.Get("Content-Length"), len(r.Body), r.Header.Get("X-Content-Type-Options"))
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag} {
			nm := e.do("GET", path, nil, "If-None-Match", inm)
			if nm.Code != http.StatusNotModified || len(nm.Body) != 0 || nm.Header.Get("ETag") != etag || nm.Header.Get("Cache-Control") != cc {
				t.Errorf("%s If-None-Match %s: %d, %d bytes, ETag %q; want 304 with the ETag", path, inm, nm.Code, len(nm.Body), nm.Header.Get("ETag"))
			}
		}
		if r := e.do("GET", path, nil, "If-None-Match", `"other"`); r.Code != http.StatusOK {
			t.Errorf("%s with another ETag: %d, want 200", path, r.Code)
		}
		if r := e.do("HEAD", path, nil); r.Code != http.StatusOK || len(r.Body) != 0 || r.Header.Get("Content-Length") == "" {
			t.Errorf("HEAD %s: %d, %d bytes, Content-Length %q", path, r.Code, len(r.Body), r.Header.Get("Content-Length"))
		}
	}
}

// maxAge is the max-age directive of a Cache-Control value, -1 if none.
func maxAge(cc string) int {
	for d := range strings.SplitSeq(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return -1
}

// TestIconLinks: the index, a category page and an article page link the
// site's icon: the built-in one by default, a configured one resolved
// against the base URL, and the touch icon only when it is a PNG. An icon
// on another site is allowed by the pages' Content-Security-Policy.
func TestIconLinks(t *testing.T) {
	for _, tc := range []struct {
		name, icon string
		// want and touch are relative to the test server's URL unless
		// absolute.
		want, touch string
		cspSource   string
	}{
		{"built-in", "", "/icon.png", "/icon.png", ""},
		{"a path", "/static/brand.svg", "/static/brand.svg", "", ""},
		{"a path to a PNG", "/static/brand.png", "/static/brand.png", "/static/brand.png", ""},
		{"the favicon route", "/favicon.ico", "/favicon.ico", "", ""},
		// Every https host is an image source already.
		{"another site", "https://cdn.example/i/icon.png", "https://cdn.example/i/icon.png", "https://cdn.example/i/icon.png", ""},
		{"another site over http", "http://cdn.example/i/icon.png", "http://cdn.example/i/icon.png", "http://cdn.example/i/icon.png", "http://cdn.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startWith(t, func(c *server.Config) { c.Icon = tc.icon }, nil)
			abs := func(ref string) string {
				if ref == "" || strings.Contains(ref, "://") {
					return ref
				}
				return e.URL + ref
			}
			if r := e.post(doc("아이콘", "2026-11-24", "속보")); r.Code != http.StatusCreated {
				t.Fatalf("post: %d %s", r.Code, r.Body)
			}
			for _, path := range []string{"/", "/category/" + url.PathEscape("속보") + "/", "/articles/" + articleIDOf(t, e)} {
				r := e.do("GET", path, nil)
				if r.Code != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, r.Code, r.Body)
				}
				rels := map[string][]string{}
				for _, el := range elements(parsePage(t, r.Body), "link") {
					rel, _ := attr(el, "rel")
					href, _ := attr(el, "href")
					rels[rel] = append(rels[rel], href)
				}
				if got := rels["icon"]; len(got) != 1 || got[0] != abs(tc.want) {
					t.Errorf("%s: rel=icon %q, want %q", path, got, abs(tc.want))
				}
				var touch string
				if got := rels["apple-touch-icon"]; len(got) > 0 {
					touch = got[0]
				}
				if touch != abs(tc.touch) {
					t.Errorf("%s: rel=apple-touch-icon %q, want %q", path, touch, abs(tc.touch))
				}
				csp := r.Header.Get("Content-Security-Policy")
				if want := "img-src 'self' data: https:" + strings.TrimRight(" "+tc.cspSource, " ") + ";"; !strings.Contains(csp, want) {
					t.Errorf("%s: CSP %q, want %q", path, csp, want)
				}
			}
		})
	}
}

// TestIconLinkUnderPath: for a site under a path, the built-in icon's
// route is under that path too, whether site.icon is empty or names the
// route; any other path is resolved as a browser resolves a link, from
// the host's root.
func TestIconLinkUnderPath(t *testing.T) {
	for _, tc := range []struct{ icon, want string }{
		{"", "/news/icon.png"},
		{"/icon.png", "/news/icon.png"},
		{"/favicon.ico", "/news/favicon.ico"},
		{"/static/brand.png", "/static/brand.png"},
		{"brand.png", "/news/brand.png"},
	} {
		e := startWith(t, func(c *server.Config) {
			c.BaseURL = c.BaseURL.ResolveReference(&url.URL{Path: "/news/"})
			c.Icon = tc.icon
		}, nil)
		var got []string
		for _, el := range elements(e.page("/"), "link") {
			if rel, _ := attr(el, "rel"); rel == "icon" {
				href, _ := attr(el, "href")
				got = append(got, href)
			}
		}
		if len(got) != 1 || got[0] != e.URL+tc.want {
			t.Errorf("icon %q: rel=icon %q, want %q", tc.icon, got, e.URL+tc.want)
		}
	}
}
