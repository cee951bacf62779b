package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// config is the YAML configuration file; config.example.yaml documents
// every key and its default.
type config struct {
	Site struct {
		Title       string `yaml:"title"`
		Description string `yaml:"description"`
		BaseURL     string `yaml:"base_url"`
		Language    string `yaml:"language"`
	} `yaml:"site"`
	Listen string `yaml:"listen"`
	TLS    struct {
		Cert string `yaml:"cert"`
		Key  string `yaml:"key"`
	} `yaml:"tls"`
	Database string `yaml:"database"`
	Token    string `yaml:"token"`
	Tokens   []struct {
		Name  string  `yaml:"name"`
		Token string  `yaml:"token"`
		Rate  float64 `yaml:"rate"`
		Burst int     `yaml:"burst"`
	} `yaml:"tokens"`
	Feeds struct {
		Limit                int           `yaml:"limit"`
		MaxLimit             int           `yaml:"max_limit"`
		MaxAge               time.Duration `yaml:"max_age"`
		StaleWhileRevalidate time.Duration `yaml:"stale_while_revalidate"`
		ArchivePage          int           `yaml:"archive_page"`
		KeepDeleted          time.Duration `yaml:"keep_deleted"`
	} `yaml:"feeds"`
	Summary struct {
		Highlights *int `yaml:"highlights"`
	} `yaml:"summary"`
	Ingest struct {
		MaxBody int64 `yaml:"max_body"`
	} `yaml:"ingest"`
	Shutdown struct {
		Grace time.Duration `yaml:"grace"`
	} `yaml:"shutdown"`
	Memory struct {
		Limit int64 `yaml:"limit"`
	} `yaml:"memory"`
}

func defaultConfig() config {
	var c config
	c.Site.Title = "sokbo"
	c.Site.Description = "속보 — breaking news"
	c.Site.Language = "ko"
	c.Listen = "127.0.0.1:8080"
	c.Database = "./data/sokbo.db"
	c.Feeds.Limit = 50
	c.Feeds.MaxLimit = 500
	c.Feeds.MaxAge = time.Minute
	c.Feeds.StaleWhileRevalidate = 5 * time.Minute
	c.Feeds.ArchivePage = 100
	c.Feeds.KeepDeleted = 7 * 24 * time.Hour
	n := 5
	c.Summary.Highlights = &n
	c.Ingest.MaxBody = 1 << 20
	c.Shutdown.Grace = 10 * time.Second
	c.Memory.Limit = 128 << 20
	return c
}

// loadConfig reads the file at path (none when path is ""), then applies
// the environment overrides SOKBO_ADDR, SOKBO_DB, SOKBO_BASE_URL and
// SOKBO_TOKEN, and checks the result.
func loadConfig(path string, getenv func(string) string) (config, error) {
	c := defaultConfig()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	for env, dst := range map[string]*string{
		"SOKBO_ADDR":     &c.Listen,
		"SOKBO_DB":       &c.Database,
		"SOKBO_BASE_URL": &c.Site.BaseURL,
		"SOKBO_TOKEN":    &c.Token,
	} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	return c, c.check()
}

func (c *config) check() error {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("config listen: %q: %w", c.Listen, err)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return fmt.Errorf("config tls: cert and key go together")
	}
	if c.Token != "" && len(c.Token) < 16 {
		return fmt.Errorf("config token: shorter than 16 characters")
	}
	names := map[string]bool{}
	for i, t := range c.Tokens {
		if t.Name == "" || t.Token == "" || names[t.Name] {
			return fmt.Errorf("config tokens[%d]: needs a unique name and a token", i)
		}
		if len(t.Token) < 16 {
			return fmt.Errorf("config tokens[%d] (%s): token shorter than 16 characters", i, t.Name)
		}
		if t.Rate < 0 || t.Burst < 0 {
			return fmt.Errorf("config tokens[%d] (%s): negative rate or burst", i, t.Name)
		}
		names[t.Name] = true
	}
	if c.Database == "" {
		return fmt.Errorf("config database: empty")
	}
	if c.Feeds.Limit < 1 || c.Feeds.MaxLimit < c.Feeds.Limit {
		return fmt.Errorf("config feeds: need 1 <= limit (%d) <= max_limit (%d)", c.Feeds.Limit, c.Feeds.MaxLimit)
	}
	if c.Feeds.MaxAge < time.Second || c.Feeds.StaleWhileRevalidate < 0 || c.Feeds.ArchivePage < 1 || c.Feeds.KeepDeleted < time.Minute {
		return fmt.Errorf("config feeds: need max_age >= 1s, stale_while_revalidate >= 0, archive_page >= 1, keep_deleted >= 1m")
	}
	if c.Summary.Highlights != nil && *c.Summary.Highlights < 0 {
		return fmt.Errorf("config summary.highlights: must not be negative")
	}
	if c.Memory.Limit != 0 && c.Memory.Limit < 64<<20 {
		return fmt.Errorf("config memory.limit: %d bytes is under the 64 MiB the caches and a few posts need (0: no limit)", c.Memory.Limit)
	}
	if c.Ingest.MaxBody < 1 {
		return fmt.Errorf("config ingest.max_body: must be positive")
	}
	if _, err := c.baseURL(); err != nil {
		return err
	}
	return nil
}

// baseURL is the configured base URL, or http://LISTEN/ when none is set.
func (c *config) baseURL() (*url.URL, error) {
	raw := c.Site.BaseURL
	if raw == "" {
		scheme := "http"
		if c.TLS.Cert != "" {
			scheme = "https"
		}
		raw = scheme + "://" + c.Listen + "/"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("config site.base_url: %q is not an absolute http(s) URL", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
