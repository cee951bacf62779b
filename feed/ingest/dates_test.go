package ingest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"sokbo/feed/ingest"
)

// TestParseDateEdges checks that dates at the edges of the years 0000 to
// 9999 (in UTC, where the store and the feeds write them) are accepted
// and survive being written as JSON; those past the edges are rejected by
// TestParseBad.
func TestParseDateEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date string
		want time.Time
	}{
		{"9999-12-31T23:00:00+01:00", time.Date(9999, 12, 31, 22, 0, 0, 0, time.UTC)},
		{"9999-12-31 23:59:59 +0000", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"0000-01-01T00:30:00-01:00", time.Date(0, 1, 1, 1, 30, 0, 0, time.UTC)},
		{"0000-01-01", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			t.Parallel()
			r, err := ingest.Parse(context.Background(), []byte("---\ntitle: T\ndate: "+tt.date+"\nupdated: "+tt.date+"\n---\n"), options(t))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			a := r.Article
			if !a.Published.Equal(tt.want) || !a.Updated.Equal(tt.want) {
				t.Errorf("Published, Updated = %v, %v; want %v", a.Published, a.Updated, tt.want)
			}
			if _, err := json.Marshal(a); err != nil {
				t.Errorf("the article cannot be written as JSON: %v", err)
			}
		})
	}
}
