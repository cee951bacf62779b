package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"sokbo/live"
	"sokbo/server"
	"sokbo/store"
)

var _ live.Source = (*store.DB)(nil)

// startLive mounts the live streams on srv when the configuration enables
// them, and returns what ends them.
func startLive(ctx context.Context, hs *http.Server, srv *server.Server, db *store.DB, cfg *config, log *slog.Logger) (stop func(), err error) {
	if !cfg.Live.Enabled {
		return func() {}, nil
	}
	base, _ := cfg.baseURL() // checked by loadConfig
	b, err := live.New(ctx, cfg.liveConfig(), db, base, cfg.Summary.Highlights, log)
	if err != nil {
		return nil, fmt.Errorf("live streams: %w", err)
	}
	srv.Handle("GET /events", b)
	srv.Handle("OPTIONS /events", b)
	// A category's stream, however its name is spelled in the path (one
	// escaped segment, or with its slashes as typed).
	srv.HandleCategory("events", b)
	srv.Handle("OPTIONS /category/{name}/events", b)
	srv.OnChange(b.Publish)
	// Shutdown waits for open requests, and a stream never ends by itself.
	hs.RegisterOnShutdown(b.Close)
	return b.Close, nil
}
