package server

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // the built-in icon
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// iconPNG is the built-in icon: a white 속 on a red rounded square,
// 180×180 (the size iOS asks of a touch icon; browsers scale it down for
// tabs). It was drawn once by a throwaway program (square-ended strokes,
// 8×8 supersampled) and is kept as the PNG.
//
//go:embed static/icon.png
var iconPNG []byte

// The built-in icon's routes, relative to the base URL.
const (
	iconPath    = "icon.png"
	faviconPath = "favicon.ico"
)

// iconCacheControl lets browsers and caches keep the icon for a week: it
// changes only with a release, and its URL carries no version, so a new
// icon shows within days while the ETag makes each check cheap.
const iconCacheControl = "public, max-age=604800"

// The two answers are made once, at startup, from the embedded PNG, and
// never change after.
var (
	builtinIcon    = newAsset(iconPNG, "image/png")
	builtinFavicon = newAsset(icoOf(iconPNG), "image/x-icon")
)

// handleIcon serves GET /icon.png: the built-in icon. A configured
// site.icon changes what the pages link to, not this route.
func (s *Server) handleIcon(w http.ResponseWriter, r *http.Request) {
	builtinIcon.serve(w, r)
}

// handleFavicon serves GET /favicon.ico, which browsers ask for whatever
// the page links to: the built-in icon in an ICO container.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	builtinFavicon.serve(w, r)
}

// icoOf wraps a PNG in an ICO container of one image. An ICO entry may
// hold a PNG as is (since Windows Vista, and in every browser), so the
// container is only a 6-byte ICONDIR and a 16-byte ICONDIRENTRY, little
// endian, before the PNG.
func icoOf(p []byte) []byte {
	cfg, err := png.DecodeConfig(bytes.NewReader(p))
	if err != nil {
		panic(fmt.Sprintf("built-in icon: %v", err)) // embedded at build time; a test decodes it
	}
	// A dimension byte of 0 means 256; larger ones cannot be said.
	dim := func(n int) byte {
		if n >= 256 {
			return 0
		}
		return byte(n)
	}
	const header = 6 + 16
	le := binary.LittleEndian
	ico := make([]byte, 0, header+len(p))
	ico = le.AppendUint16(ico, 0) // reserved
	ico = le.AppendUint16(ico, 1) // type: icon (2 would be a cursor)
	ico = le.AppendUint16(ico, 1) // one image
	ico = append(ico, dim(cfg.Width), dim(cfg.Height), 0, 0)
	ico = le.AppendUint16(ico, 1)  // colour planes
	ico = le.AppendUint16(ico, 32) // bits per pixel (RGBA)
	ico = le.AppendUint32(ico, uint32(len(p)))
	ico = le.AppendUint32(ico, header) // where the image starts
	return append(ico, p...)
}

// asset is a file built into the binary, served as it is: not compressed
// (a PNG is already), and with no Last-Modified (it has no date of its
// own; the ETag validates it).
type asset struct {
	body        []byte
	ctype, etag string
}

func newAsset(body []byte, ctype string) *asset {
	sum := sha256.Sum256(body)
	return &asset{body: body, ctype: ctype, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`}
}

// serve writes a, or 304 Not Modified when the client's copy is current.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", iconCacheControl)
	h.Set("ETag", a.etag)
	if notModified(r, a.etag, time.Time{}) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}

// pageIcons are the icon links of a page's head.
type pageIcons struct {
	// Icon is the site's icon (rel="icon").
	Icon string
	// TouchIcon is the same icon as rel="apple-touch-icon" when it is a
	// PNG, the only kind iOS takes; empty otherwise.
	TouchIcon string
}

// pageIcons are the links to the site's icon: the configured one, else
// the built-in one.
func (s *Server) pageIcons() pageIcons {
	icon := s.iconURL()
	p := pageIcons{Icon: icon}
	if u, err := url.Parse(icon); err == nil && strings.HasSuffix(strings.ToLower(u.Path), ".png") {
		p.TouchIcon = icon
	}
	return p
}

// iconURL is the URL of the site's icon: the configured one resolved
// against the base URL, as a browser resolves a link, or the built-in one.
// An icon configured as /icon.png or /favicon.ico names the built-in
// one's route, which lives under the base URL like every route, so it is
// taken relative to the base URL even when the site lives under a path.
func (s *Server) iconURL() string {
	switch s.cfg.Icon {
	case "":
		return s.cfg.BaseURL.String() + iconPath
	case "/" + iconPath, "/" + faviconPath:
		return s.cfg.BaseURL.String() + s.cfg.Icon[1:]
	}
	return s.siteURL(s.cfg.Icon)
}

// siteURL resolves ref, an absolute URL or a path on the site (site.icon,
// site.logo), against the base URL.
func (s *Server) siteURL(ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ref // the configuration was checked when it was read
	}
	return s.cfg.BaseURL.ResolveReference(u).String()
}

// foreignOrigin is the origin of ref, an absolute URL, as a CSP source
// ("https://cdn.example"), when it is not base's; "" when it is, or when
// its host holds a character no CSP host may (the URL parser lets ";" and
// "'" through, which would end or break the directive).
func foreignOrigin(ref string, base *url.URL) string {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" || u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host) {
		return ""
	}
	for _, c := range u.Host {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)
		if !ok {
			return ""
		}
	}
	return u.Scheme + "://" + u.Host
}
