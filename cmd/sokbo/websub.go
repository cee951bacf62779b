package main

import (
	"context"
	"log/slog"

	"sokbo/server"
	"sokbo/store"
	"sokbo/websub"
)

var (
	_ websub.Storage = (*store.DB)(nil)
	_ websub.Topics  = (*server.Server)(nil)
)

// startHub mounts the WebSub hub on srv and starts its deliveries when the
// configuration enables it, and returns what stops them: call it before
// the store closes, for it writes the last acknowledgements.
func startHub(ctx context.Context, srv *server.Server, db *store.DB, cfg *config, log *slog.Logger) (stop func(), err error) {
	if !cfg.WebSub.Enabled {
		return func() {}, nil
	}
	hub := websub.New(cfg.websubConfig(), db, srv, cfg.hubURL(), log)
	srv.Handle("POST /websub", hub)
	srv.OnChange(hub.Publish)
	if err := hub.Start(ctx); err != nil {
		return nil, err
	}
	return func() {
		if err := hub.Close(); err != nil {
			// Deliveries not acknowledged are made again after a restart.
			log.Warn("websub: stopped without saving every acknowledgement", "err", err)
		}
	}, nil
}
