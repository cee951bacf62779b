package ingest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sokbo/feed"
	"sokbo/feed/ingest"
)

// TestParseStops checks that Parse gives up on a done context with the
// context's error (not an input error: the document is not at fault), for
// documents of each kind of body.
func TestParseStops(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		doc  string
		want error
	}{
		{"canceled, markdown", canceled, "---\ntitle: T\n---\n# Hi\n\ntext\n", context.Canceled},
		{"canceled, html", canceled, "---\ntitle: T\nformat: html\n---\n<p>text</p>", context.Canceled},
		{"deadline, seed", expired, string(seed(t)), context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ingest.Parse(tt.ctx, []byte(tt.doc), options(t))
			if !errors.Is(err, tt.want) || r != nil {
				t.Fatalf("Parse = %v, %v; want nil, %v", r, err, tt.want)
			}
			var ie *feed.InputError
			if errors.As(err, &ie) {
				t.Errorf("Parse error %v is an input error; want the context's", err)
			}
		})
	}
}

// doneAfter is a context that is done after its Err has been asked n
// times: it stands for a client that goes away at each stage in turn.
type doneAfter struct {
	context.Context
	n int
}

func (c *doneAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestParseStopsAtEachStage cancels Parse at every stage in turn, on the
// seed: each must stop it, and the stages must be more than one.
func TestParseStopsAtEachStage(t *testing.T) {
	t.Parallel()
	doc := seed(t)
	stages := 0
	for ; stages < 100; stages++ {
		ctx := &doneAfter{Context: context.Background(), n: stages}
		r, err := ingest.Parse(ctx, doc, options(t))
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Fatalf("canceled after %d checks: Parse = %v, %v; want nil, context.Canceled", stages, r, err)
		}
	}
	if stages < 5 {
		t.Errorf("Parse checked the context %d times; want one per stage (front matter, parse, render, highlights, sanitize)", stages)
	}
}
