package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"sokbo/server"
	"sokbo/store"
)

var _ server.Store = (*store.DB)(nil)

const serveAbout = `
Runs the service: the ingest API, the feeds and the article pages, over one
database file. Without -config every setting has its default;
config.example.yaml lists every key with its default. SIGTERM or SIGINT
stops it cleanly: requests and writes in flight finish first (up to
shutdown.grace).`

// serveEnv is the environment section of serve's usage, with the defaults.
func serveEnv() string {
	c := defaultConfig()
	about := map[string]string{
		"SOKBO_ADDR":     "the address to listen on, config key %s (default " + c.Listen + ")",
		"SOKBO_DB":       "the database file, config key %s (default " + c.Database + ")",
		"SOKBO_BASE_URL": "the public URL of the site, config key %s (default http://ADDR/)",
		"SOKBO_TOKEN":    "the write token, config key %s (default: the file " + tokenPath(c.Database) + " beside the database, generated with mode 0600)",
	}
	var b strings.Builder
	for _, e := range c.envVars() {
		fmt.Fprintf(&b, "  %-17s "+about[e.name]+"\n", e.name, e.key)
	}
	fmt.Fprintf(&b, "  %-17s replace memory.limit (default %d MiB)\n", "GOMEMLIMIT, GOGC", c.Memory.Limit>>20)
	return b.String()
}

// runServe runs the service until ctx ends or a signal stops it.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := newFlagSet("serve", "[-config FILE]", serveAbout, serveEnv())
	cfgPath := fl.String("config", "", "configuration `FILE` (YAML); none means the defaults")
	if err := parseFlags(fl, args, stdout, stderr); err != nil {
		return err
	}
	if fl.NArg() != 0 {
		return usageError(fl, stderr, fmt.Sprintf("takes no arguments, got %q", fl.Args()))
	}
	cfg, err := loadConfig(*cfgPath, getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if headroom := tuneGC(cfg.Memory.Limit, getenv); headroom > 0 {
		gcCtx, stopGC := context.WithCancel(ctx)
		defer stopGC()
		go keepGCHeadroom(gcCtx, headroom, time.Second)
	}

	// Listen first: a busy port should not leave a new database behind.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen (config key listen, or SOKBO_ADDR): %w", err)
	}
	defer ln.Close()
	db, err := store.Open(cfg.Database, cfg.storeOptions())
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w: stop it, or give this server another file (config key database, or SOKBO_DB)", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()

	scfg := cfg.serverConfig()
	tokens, tokenAt, err := savedTokens(&cfg, getenv)
	if err != nil {
		return err
	}
	scfg.Tokens = append(scfg.Tokens, tokens...)
	scfg.Logger = log
	srv := server.New(scfg, db)
	hs := newHTTPServer(srv, log)
	stopLive, err := startLive(ctx, hs, srv, db, &cfg, log)
	if err != nil {
		return err
	}
	defer stopLive() // the early returns; a second stop does nothing
	stopHub, err := startHub(ctx, srv, db, &cfg, log)
	if err != nil {
		return err
	}
	defer stopHub()
	log.Info("serving", "url", scfg.BaseURL.String(), "listen", ln.Addr().String(), "db", cfg.Database, "token", tokenAt)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = serveUntil(ctx, hs, ln, cfg, log)
	// Before the store closes: the hub writes its last acknowledgements.
	stopHub()
	stopLive()
	if err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// newHTTPServer bounds what slow or stalled clients can hold.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveUntil serves on ln until ctx ends, then shuts down within the
// configured grace.
func serveUntil(ctx context.Context, hs *http.Server, ln net.Listener, cfg config, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() {
		if cfg.TLS.Cert != "" {
			// With TLS, net/http negotiates HTTP/2 by ALPN.
			errc <- hs.ServeTLS(ln, cfg.TLS.Cert, cfg.TLS.Key)
			return
		}
		errc <- hs.Serve(server.CheckFraming(hs, ln))
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.Shutdown.Grace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.Grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		// The grace is over: cut the connections still open (slow or
		// stalled clients). Writes already submitted still finish: Close
		// of the store waits for them.
		log.Warn("grace period over: closing the remaining connections", "err", err)
		_ = hs.Close()
	}
	return nil
}

// savedTokens returns the token saved beside the database when the
// configuration has none, generating it first if needed, and says where
// the tokens are, for the log.
func savedTokens(cfg *config, getenv func(string) string) (tokens []server.Token, where string, err error) {
	switch {
	case getenv("SOKBO_TOKEN") != "":
		return nil, "SOKBO_TOKEN", nil
	case cfg.Token != "":
		return nil, "the config's token", nil
	case len(cfg.Tokens) > 0:
		return nil, "the config's tokens", nil
	}
	secret, where, err := ensureToken(tokenPath(cfg.Database))
	if err != nil {
		return nil, "", err
	}
	return []server.Token{{Name: "default", Secret: secret}}, where, nil
}

// ensureToken returns the token saved at path and the path, generating
// the file first (mode 0600, 32 random bytes in hex) when it does not
// exist; the path then says so.
func ensureToken(path string) (secret, where string, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if secret = strings.TrimSpace(string(b)); secret == "" {
			return "", "", fmt.Errorf("token file %s is empty: delete it to have a new token generated", path)
		}
		return secret, path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("token file: %w", err)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // never fails (crypto/rand)
	secret = hex.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", "", fmt.Errorf("token file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", fmt.Errorf("token file: %w", err)
	}
	_, err = fmt.Fprintln(f, secret)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", fmt.Errorf("write token: %w", err)
	}
	return secret, path + " (generated now)", nil
}
