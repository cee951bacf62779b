package main

import (
	"context"
	"log/slog"
	"net/http"

	"sokbo/live"
	"sokbo/server"
	"sokbo/store"
)

var _ live.Source = (*store.DB)(nil)

// startLive mounts the live streams on srv when the configuration enables
// them, and returns what ends them.
func startLive(hs *http.Server, srv *server.Server, db *store.DB, cfg *config, log *slog.Logger) (stop func()) {
	if !cfg.Live.Enabled {
		return func() {}
	}
	base, _ := cfg.baseURL() // checked by loadConfig
	b, err := live.New(context.Background(), cfg.liveConfig(), db, base, cfg.Summary.Highlights, log)
	if err != nil {
		// The database answers nothing else either; the failures of the
		// other routes will say so.
		log.Error("live streams not served", "err", err)
		return func() {}
	}
	for _, route := range []string{"/events", "/category/{name}/events"} {
		srv.Handle("GET "+route, b)
		srv.Handle("OPTIONS "+route, b)
	}
	srv.OnChange(b.Publish)
	// Shutdown waits for open requests, and a stream never ends by itself.
	hs.RegisterOnShutdown(b.Close)
	return b.Close
}
