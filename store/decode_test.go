package store

import (
	"fmt"
	"strings"
	"testing"
)

// TestDecodeCacheBudget: the cache keeps within its entry count and its
// byte budget, skips articles too big to keep, and accounts a replaced
// entry once.
func TestDecodeCacheBudget(t *testing.T) {
	t.Parallel()
	c := newDecodeCache(100, 2000)
	raw := func(id string, n int) []byte {
		return fmt.Appendf(nil, `{"id":%q,"title":%q}`, id, strings.Repeat("가", n))
	}
	for i := range 50 {
		id := fmt.Sprintf("a%d", i)
		a, err := c.decode([]byte(id), raw(id, 60)) // ≈ 200 bytes each
		if err != nil || a.ID != id {
			t.Fatalf("decode %s: %v %v", id, a, err)
		}
		if c.bytes > c.maxBytes || len(c.m) > c.max {
			t.Fatalf("after %d: %d bytes in %d entries, budget %d bytes", i+1, c.bytes, len(c.m), c.maxBytes)
		}
	}
	var sum int64
	for _, e := range c.m {
		sum += e.size
	}
	if sum != c.bytes || len(c.m) < 5 {
		t.Errorf("%d entries of %d bytes, accounted %d", len(c.m), sum, c.bytes)
	}
	// Too big to keep: decoded, not cached.
	if a, err := c.decode([]byte("big"), raw("big", 200)); err != nil || a.ID != "big" {
		t.Fatal(a, err)
	}
	if _, ok := c.m["big"]; ok {
		t.Error("an article over an eighth of the budget was kept")
	}
	// A changed article replaces its entry.
	before := len(c.m)
	for id := range c.m {
		if _, err := c.decode([]byte(id), raw(id, 10)); err != nil {
			t.Fatal(err)
		}
		if len(c.m) != before || c.m[id].size != int64(len(raw(id, 10))) {
			t.Errorf("replacing %s: %d entries (was %d), size %d", id, len(c.m), before, c.m[id].size)
		}
		break
	}
}
