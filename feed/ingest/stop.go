package ingest

import (
	"context"
	"fmt"
)

// stop returns ctx's error, naming the stage Parse had reached, once ctx
// is done: a client that went away should not keep a core busy with a
// document nobody will see answered.
func stop(ctx context.Context, stage string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ingest: stopped before %s: %w", stage, err)
	}
	return nil
}
