package websub

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// A callback is a URL anyone may give, so the hub would otherwise make
// requests into the network it runs in (server-side request forgery). The
// check is made on the address being connected to, in the dialer, so that
// a name resolving to a private address (or re-resolving to one after the
// subscription, DNS rebinding) is refused too; a redirect is never
// followed, since its target was not checked and WebSub 7 treats it as a
// failure anyway.

// userAgent names the hub in its requests.
const userAgent = "sokbo-websub"

// reserved are ranges that are not public without being loopback,
// private, link-local, multicast or unspecified (which netip tells).
var reserved = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// nonPublic says what kind of address ip is when it is not a public one
// (loopback, private, …), and "" when it is public.
func nonPublic(ip netip.Addr) string {
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range reserved {
		if r.prefix.Contains(ip) {
			return r.kind
		}
	}
	return ""
}

// refusePrivate is a net.Dialer's Control: it refuses a connection to an
// address that is not public.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("websub: callback address %q: %w", address, err)
	}
	if kind := nonPublic(ap.Addr()); kind != "" {
		return fmt.Errorf("websub: callback address %s is %s: refused (websub.allow_private_callbacks)", ap.Addr(), kind)
	}
	return nil
}

// newClient returns the client of the hub's requests: each bounded by
// timeout, redirects not followed, no proxy (the check must see the
// subscriber's address), idle connections kept for conns at once, a
// request written through a buffer that holds most feeds whole;
// addresses that are not public refused when refuse is true.
func newClient(timeout time.Duration, conns int, refuse bool) *http.Client {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if refuse {
		d.Control = refusePrivate
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConns:          conns,
			MaxIdleConnsPerHost:   conns,
			IdleConnTimeout:       90 * time.Second,
			// A delivery's headers and a feed of up to 64 KiB leave in one
			// write, not one per 4 KiB: a third less of the hub's CPU per
			// delivery (bench/README.md, "Push").
			WriteBufferSize: 64 << 10,
		},
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
