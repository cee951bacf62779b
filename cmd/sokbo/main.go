// Command sokbo is the sokbo breaking-news feed service.
//
//	sokbo serve [-config FILE]
//	sokbo ingest [-server URL] [-token T] FILE|DIR...
//	sokbo version
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"sokbo/server"
	"sokbo/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

var _ server.Store = (*store.DB)(nil)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "sokbo:", err)
		}
		os.Exit(1)
	}
}

// errSilent means the failure was already reported.
var errSilent = errors.New("failed")

const usage = `usage:
  sokbo serve [-config FILE]                           run the service
  sokbo ingest [-server URL] [-token T] FILE|DIR...    post articles to a running service
  sokbo check FILE                                     verify a database offline
  sokbo backup [-server URL] [-token T] FILE           save a running service's snapshot
  sokbo version                                        print the version`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errSilent
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stderr)
	case "ingest":
		return runIngest(ctx, args[1:], getenv, stdout, stderr)
	case "check":
		return runCheck(ctx, args[1:], stdout, stderr)
	case "backup":
		return runBackup(ctx, args[1:], getenv, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "sokbo", buildVersion())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s\n", args[0], usage)
	return errSilent
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	cfgPath := fl.String("config", "", "configuration file (YAML); none means the defaults")
	if err := fl.Parse(args); err != nil {
		return errSilent
	}
	cfg, err := loadConfig(*cfgPath, getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	defer tuneProcs(getenv)()
	if headroom := tuneGC(cfg.Memory.Limit, getenv); headroom > 0 {
		gcCtx, stopGC := context.WithCancel(ctx)
		defer stopGC()
		go keepGCHeadroom(gcCtx, headroom, time.Second)
	}

	// Listen first: a busy port should not leave a new database behind.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()

	db, err := store.Open(cfg.Database, store.Options{KeepDeleted: cfg.Feeds.KeepDeleted})
	if err != nil {
		return err
	}
	defer db.Close()

	var tokens []server.Token
	for _, t := range cfg.Tokens {
		tokens = append(tokens, server.Token{Name: t.Name, Secret: t.Token, Rate: t.Rate, Burst: t.Burst})
	}
	if cfg.Token != "" {
		tokens = append(tokens, server.Token{Name: "default", Secret: cfg.Token})
	}
	if len(tokens) == 0 {
		path, generated, err := ensureToken(cfg.Database)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read token: %w", err)
		}
		tokens = append(tokens, server.Token{Name: "default", Secret: strings.TrimSpace(string(b))})
		if generated {
			log.Info("no token configured: generated one", "file", path)
		} else {
			log.Info("no token configured: using the saved one", "file", path)
		}
	}

	base, _ := cfg.baseURL() // checked by loadConfig
	points := 5
	if cfg.Summary.Highlights != nil {
		points = *cfg.Summary.Highlights
	}
	srv := server.New(server.Config{
		Title:                cfg.Site.Title,
		Description:          cfg.Site.Description,
		BaseURL:              base,
		Lang:                 cfg.Site.Language,
		Tokens:               tokens,
		FeedLimit:            cfg.Feeds.Limit,
		MaxFeedLimit:         cfg.Feeds.MaxLimit,
		SummaryPoints:        points,
		MaxBody:              cfg.Ingest.MaxBody,
		MaxAge:               cfg.Feeds.MaxAge,
		StaleWhileRevalidate: cfg.Feeds.StaleWhileRevalidate,
		ArchiveSize:          cfg.Feeds.ArchivePage,
		KeepDeleted:          cfg.Feeds.KeepDeleted,
		TempDir:              filepath.Dir(cfg.Database),
		Version:              buildVersion(),
		Logger:               log,
	}, db)

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "addr", ln.Addr().String(), "base_url", base.String(), "db", cfg.Database)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if cfg.TLS.Cert != "" {
			// With TLS, net/http negotiates HTTP/2 by ALPN.
			errc <- hs.ServeTLS(ln, cfg.TLS.Cert, cfg.TLS.Key)
			return
		}
		errc <- hs.Serve(ln)
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
	if err := db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// ensureToken returns the path of the token file beside the database,
// creating it (mode 0600, 32 random bytes in hex) when it does not exist.
func ensureToken(dbPath string) (path string, generated bool, err error) {
	path = filepath.Join(filepath.Dir(dbPath), "token")
	if _, err := os.Stat(path); err == nil {
		return path, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("token file: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", false, fmt.Errorf("generate token: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", false, fmt.Errorf("token file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, fmt.Errorf("token file: %w", err)
	}
	if _, err := fmt.Fprintln(f, hex.EncodeToString(b)); err != nil {
		f.Close()
		return "", false, fmt.Errorf("write token: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("write token: %w", err)
	}
	return path, true, nil
}
