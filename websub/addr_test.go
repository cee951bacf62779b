package websub

import (
	"net/netip"
	"testing"
	"time"
)

// TestNonPublic: the addresses a callback may not be dialled at, and some
// that it may.
func TestNonPublic(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.0.0.1", "private"},
		{"172.16.5.4", "private"},
		{"192.168.1.1", "private"},
		{"::ffff:192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "this-network"},
		{"224.0.0.1", "link-local"},
		{"233.1.2.3", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "link-local"},
		{"ff05::2", "multicast"},
		{"100.64.0.1", "shared (carrier-grade NAT)"},
		{"192.0.0.8", "IETF protocol"},
		{"198.18.0.1", "benchmarking"},
		{"203.0.113.7", "documentation"},
		{"2001:db8::1", "documentation"},
		{"255.255.255.255", "reserved"},
		{"64:ff9b::a00:1", "NAT64"},
		{"2002:a00:1::1", "6to4"},

		{"8.8.8.8", ""},
		{"93.184.216.34", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"2606:4700:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
	}
	for _, tt := range tests {
		if got := nonPublic(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("nonPublic(%s) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestRefusePrivate: the dialer's check sees the address being connected
// to, IPv4 or IPv6.
func TestRefusePrivate(t *testing.T) {
	tests := []struct {
		address string
		refused bool
	}{
		{"127.0.0.1:8080", true},
		{"[::1]:443", true},
		{"[::ffff:10.0.0.1]:80", true},
		{"8.8.8.8:443", false},
		{"[2606:4700:4700::1111]:443", false},
		{"not an address", true},
	}
	for _, tt := range tests {
		if err := refusePrivate("tcp", tt.address, nil); (err != nil) != tt.refused {
			t.Errorf("refusePrivate(%s) = %v, want refused %v", tt.address, err, tt.refused)
		}
	}
}

// TestBackoff: about 1 s, 2 s, 4 s … within a quarter, and at most five
// minutes and a quarter.
func TestBackoff(t *testing.T) {
	for n := 1; n <= 40; n++ {
		base := backoffMax
		if n < 20 {
			base = min(backoffMin<<(n-1), backoffMax)
		}
		for range 20 {
			if d := backoff(n); d < base*3/4 || d >= base*5/4 {
				t.Fatalf("backoff(%d) = %v, want within a quarter of %v", n, d, base)
			}
		}
	}
	if d := backoff(1); d > 2*time.Second {
		t.Errorf("first backoff %v", d)
	}
}
