package main

import (
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sokbo/feed"

	"sokbo/live"
	"sokbo/server"
	"sokbo/store"
	"sokbo/websub"
)

// config is the YAML configuration file; config.example.yaml documents
// every key and its default. The yaml tags are the keys (decodeYAML).
type config struct {
	Site struct {
		Title       string `yaml:"title"`
		Description string `yaml:"description"`
		BaseURL     string `yaml:"base_url"`
		Language    string `yaml:"language"`
		Timezone    string `yaml:"timezone"`
		Icon        string `yaml:"icon"`
		Logo        string `yaml:"logo"`
		Author      string `yaml:"author"`
		Templates   string `yaml:"templates"`
	} `yaml:"site"`
	Listen string `yaml:"listen"`
	TLS    struct {
		Cert string `yaml:"cert"`
		Key  string `yaml:"key"`
	} `yaml:"tls"`
	Database string        `yaml:"database"`
	Token    string        `yaml:"token"`
	Tokens   []tokenConfig `yaml:"tokens"`
	Feeds    struct {
		Limit                int           `yaml:"limit"`
		MaxLimit             int           `yaml:"max_limit"`
		MaxAge               time.Duration `yaml:"max_age"`
		StaleWhileRevalidate time.Duration `yaml:"stale_while_revalidate"`
		ArchivePage          int           `yaml:"archive_page"`
		KeepDeleted          time.Duration `yaml:"keep_deleted"`
		MaxItemContent       int           `yaml:"max_item_content"`
		MaxFeedContent       int           `yaml:"max_feed_content"`
		ItemCache            int64         `yaml:"item_cache"`
		Content              string        `yaml:"content"`
	} `yaml:"feeds"`
	Summary struct {
		Highlights int `yaml:"highlights"`
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
	WebSub struct {
		Enabled               bool          `yaml:"enabled"`
		Content               string        `yaml:"content"`
		LeaseDefault          time.Duration `yaml:"lease_default"`
		LeaseMax              time.Duration `yaml:"lease_max"`
		RetryFor              time.Duration `yaml:"retry_for"`
		Timeout               time.Duration `yaml:"timeout"`
		Workers               int           `yaml:"workers"`
		MaxSubscriptions      int           `yaml:"max_subscriptions"`
		MaxPerHost            int           `yaml:"max_per_host"`
		AllowPrivateCallbacks bool          `yaml:"allow_private_callbacks"`
		Publish               []string      `yaml:"publish"`
	} `yaml:"websub"`
	Live struct {
		Enabled    bool          `yaml:"enabled"`
		MaxStreams int           `yaml:"max_streams"`
		Heartbeat  time.Duration `yaml:"heartbeat"`
		Buffer     int           `yaml:"buffer"`
	} `yaml:"live"`
}

// tokenConfig is one of the named tokens.
type tokenConfig struct {
	Name  string  `yaml:"name"`
	Token string  `yaml:"token"`
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

// The defaults that belong to the command; the server's and the store's
// come from their packages.
const (
	defaultListen   = "127.0.0.1:8080"
	defaultDatabase = "./data/sokbo.db"
	defaultGrace    = 10 * time.Second
	defaultMemory   = 128 << 20
)

func defaultConfig() config {
	d := server.DefaultConfig()
	var c config
	c.Site.Title, c.Site.Description, c.Site.Language = d.Title, d.Description, d.Lang
	c.Site.Timezone = d.Location.String()
	c.Feeds.Content = d.Content
	c.Listen = defaultListen
	c.Database = defaultDatabase
	c.Feeds.Limit, c.Feeds.MaxLimit = d.FeedLimit, d.MaxFeedLimit
	c.Feeds.MaxAge, c.Feeds.StaleWhileRevalidate = d.MaxAge, d.StaleWhileRevalidate
	c.Feeds.ArchivePage = d.ArchiveSize
	c.Feeds.KeepDeleted = store.DefaultKeepDeleted
	c.Feeds.MaxItemContent, c.Feeds.MaxFeedContent = d.MaxItemContent, d.MaxFeedContent
	c.Feeds.ItemCache = d.ItemCacheBytes
	c.Summary.Highlights = d.SummaryHighlights
	c.Ingest.MaxBody = d.MaxBody
	c.Shutdown.Grace = defaultGrace
	c.Memory.Limit = defaultMemory
	w := websub.DefaultConfig()
	c.WebSub.Enabled, c.WebSub.Content = true, w.Content
	c.WebSub.LeaseDefault, c.WebSub.LeaseMax, c.WebSub.RetryFor, c.WebSub.Timeout = w.LeaseDefault, w.LeaseMax, w.RetryFor, w.Timeout
	c.WebSub.Workers, c.WebSub.MaxSubscriptions, c.WebSub.MaxPerHost = w.Workers, w.MaxSubscriptions, w.MaxPerHost
	c.WebSub.Publish = []string{}
	l := live.DefaultConfig()
	c.Live.Enabled, c.Live.MaxStreams, c.Live.Heartbeat, c.Live.Buffer = true, l.MaxStreams, l.Heartbeat, l.Buffer
	return c
}

// hubURL is the URL of the built-in WebSub hub, which serves POST /websub.
func (c *config) hubURL() string {
	base, _ := c.baseURL() // checked by loadConfig
	return base.JoinPath("websub").String()
}

// websubConfig is the hub's configuration.
func (c *config) websubConfig() websub.Config {
	w := c.WebSub
	return websub.Config{Content: w.Content, LeaseDefault: w.LeaseDefault, LeaseMax: w.LeaseMax, RetryFor: w.RetryFor, Timeout: w.Timeout,
		Workers: w.Workers, MaxSubscriptions: w.MaxSubscriptions, MaxPerHost: w.MaxPerHost, AllowPrivateCallbacks: w.AllowPrivateCallbacks, Publish: w.Publish}
}

// liveConfig is the live streams' configuration.
func (c *config) liveConfig() live.Config {
	return live.Config{MaxStreams: c.Live.MaxStreams, Heartbeat: c.Live.Heartbeat, Buffer: c.Live.Buffer}
}

// envVar is an environment variable that replaces a key of the file.
type envVar struct {
	name, key string
	dst       *string
}

// envVars are the environment variables serve reads into c.
func (c *config) envVars() []envVar {
	return []envVar{
		{"SOKBO_ADDR", "listen", &c.Listen},
		{"SOKBO_DB", "database", &c.Database},
		{"SOKBO_BASE_URL", "site.base_url", &c.Site.BaseURL},
		{"SOKBO_TOKEN", "token", &c.Token},
	}
}

// tokenPath is the token file that serve writes beside its database when
// no token is configured.
func tokenPath(database string) string {
	return filepath.Join(filepath.Dir(database), "token")
}

// loadConfig reads the file at path (none when path is ""), applies the
// environment overrides and checks the result. An error names the key and
// where its value came from: the file and line, or the variable.
func loadConfig(path string, getenv func(string) string) (config, error) {
	c := defaultConfig()
	lines := map[string]int{}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("read config: %w", err)
		}
		if err := decodeYAML(b, &c, lines); err != nil {
			return c, explain(err, path, lines, nil)
		}
	}
	fromEnv := map[string]string{}
	for _, e := range c.envVars() {
		if v := getenv(e.name); v != "" {
			*e.dst = v
			fromEnv[e.key] = e.name
		}
	}
	if err := c.check(); err != nil {
		return c, explain(err, path, lines, fromEnv)
	}
	return c, nil
}

// configError is a problem with the value of one key.
type configError struct {
	key  string // dotted, as in "feeds.limit" or "tokens[1].name"; "" for the whole file
	line int    // 0 when unknown
	msg  string
}

func (e *configError) Error() string {
	if e.key == "" {
		return e.msg
	}
	return e.key + ": " + e.msg
}

// explain says where the value of a configError's key came from: the
// variable that set it, or the file and line ("c.yaml:12: feeds.limit:
// …", the form editors jump to).
func explain(err error, path string, lines map[string]int, fromEnv map[string]string) error {
	var ce *configError
	if !errors.As(err, &ce) {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if env := fromEnv[ce.key]; env != "" {
		return fmt.Errorf("%s (replacing config key %s): %s", env, ce.key, ce.msg)
	}
	line := ce.line
	if line == 0 {
		line = lines[ce.key]
	}
	switch {
	case line > 0:
		return fmt.Errorf("%s:%d: %w", path, line, ce)
	case path != "":
		return fmt.Errorf("%s: %w", path, ce)
	}
	return fmt.Errorf("config %w", ce)
}

// check returns a *configError for the first value that is out of range.
func (c *config) check() error {
	bad := func(key, format string, args ...any) error {
		return &configError{key: key, msg: fmt.Sprintf(format, args...)}
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return bad("listen", "%q is not a host:port such as %s or :8080", c.Listen, defaultListen)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return bad("tls", "cert and key go together: set both, or neither")
	}
	if c.Token != "" && len(c.Token) < 16 {
		return bad("token", "shorter than 16 characters")
	}
	if err := checkTokens(c.Tokens); err != nil {
		return err
	}
	if c.Database == "" {
		return bad("database", "empty: name the database file")
	}
	f := c.Feeds
	switch {
	case f.Limit < 1:
		return bad("feeds.limit", "%d is under 1", f.Limit)
	case f.Limit > f.MaxLimit:
		return bad("feeds.limit", "%d is over feeds.max_limit (%d)", f.Limit, f.MaxLimit)
	case f.MaxAge < time.Second:
		return bad("feeds.max_age", "%s is under 1s", f.MaxAge)
	case f.StaleWhileRevalidate < 0:
		return bad("feeds.stale_while_revalidate", "%s is negative", f.StaleWhileRevalidate)
	case f.ArchivePage < 1:
		return bad("feeds.archive_page", "%d is under 1", f.ArchivePage)
	case f.KeepDeleted < time.Minute:
		return bad("feeds.keep_deleted", "%s is under 1m", f.KeepDeleted)
	case f.MaxItemContent < 1:
		return bad("feeds.max_item_content", "%d is under 1 byte", f.MaxItemContent)
	case f.MaxFeedContent < f.MaxItemContent:
		return bad("feeds.max_feed_content", "%d is under feeds.max_item_content (%d)", f.MaxFeedContent, f.MaxItemContent)
	case f.ItemCache < 1:
		return bad("feeds.item_cache", "%d is under 1 byte", f.ItemCache)
	}
	if err := c.checkPush(); err != nil {
		return err
	}
	if _, err := time.LoadLocation(c.Site.Timezone); err != nil || c.Site.Timezone == "" || c.Site.Timezone == "Local" {
		return bad("site.timezone", "%q is not an IANA time zone name such as Asia/Seoul or UTC", c.Site.Timezone)
	}
	if _, err := c.templates(); err != nil {
		return bad("site.templates", "%v", err)
	}
	if !slices.Contains(server.ContentModes, c.Feeds.Content) {
		return bad("feeds.content", "%q is none of %q", c.Feeds.Content, server.ContentModes)
	}
	for _, k := range []struct{ key, v string }{{"site.icon", c.Site.Icon}, {"site.logo", c.Site.Logo}} {
		if k.v == "" {
			continue
		}
		if u, err := url.Parse(k.v); err != nil || u.Host == "" && !strings.HasPrefix(k.v, "/") || u.Host != "" && u.Scheme != "http" && u.Scheme != "https" {
			return bad(k.key, "%q is neither an absolute http(s) URL nor a path on this site such as /static/icon.png", k.v)
		}
	}
	switch {
	case c.Summary.Highlights < 0:
		return bad("summary.highlights", "%d is negative (0 shows none)", c.Summary.Highlights)
	case c.Ingest.MaxBody < 1:
		return bad("ingest.max_body", "%d is under 1 byte", c.Ingest.MaxBody)
	case c.Shutdown.Grace < 0:
		return bad("shutdown.grace", "%s is negative", c.Shutdown.Grace)
	case c.Memory.Limit != 0 && c.Memory.Limit < 64<<20:
		return bad("memory.limit", "%d bytes is under the 64 MiB the caches and a few posts need (0: no limit)", c.Memory.Limit)
	}
	_, err := c.baseURL()
	return err
}

// checkTokens checks the named tokens.
func checkTokens(tokens []tokenConfig) error {
	names := map[string]bool{}
	for i, t := range tokens {
		key := fmt.Sprintf("tokens[%d]", i)
		switch {
		case t.Name == "":
			return &configError{key: key, msg: "needs a name"}
		case names[t.Name]:
			return &configError{key: key + ".name", msg: fmt.Sprintf("%q is the name of an earlier token too", t.Name)}
		case len(t.Token) < 16:
			return &configError{key: key + ".token", msg: "shorter than 16 characters"}
		case t.Rate < 0:
			return &configError{key: key + ".rate", msg: "negative"}
		case t.Burst < 0:
			return &configError{key: key + ".burst", msg: "negative"}
		}
		names[t.Name] = true
	}
	return nil
}

// baseURL is the configured base URL, or http(s)://LISTEN/ when none is
// set, ending in "/".
func (c *config) baseURL() (*url.URL, error) {
	raw, key := c.Site.BaseURL, "site.base_url"
	if raw == "" {
		scheme := "http"
		if c.TLS.Cert != "" {
			scheme = "https"
		}
		raw, key = scheme+"://"+c.Listen+"/", "listen"
	}
	u, err := url.Parse(raw)
	if err == nil {
		u, err = feed.BaseURL(u)
	}
	if err != nil {
		return nil, &configError{key: key, msg: fmt.Sprintf("%q is not an absolute http(s) URL such as https://news.example.com/", raw)}
	}
	return u, nil
}

// serverConfig is the server's share of the configuration.
func (c *config) serverConfig() server.Config {
	base, _ := c.baseURL() // checked by loadConfig
	var tokens []server.Token
	for _, t := range c.Tokens {
		tokens = append(tokens, server.Token{Name: t.Name, Secret: t.Token, Rate: t.Rate, Burst: t.Burst})
	}
	if c.Token != "" {
		tokens = append(tokens, server.Token{Name: "default", Secret: c.Token})
	}
	var hub string
	if c.WebSub.Enabled {
		hub = c.hubURL()
	}
	loc, _ := time.LoadLocation(c.Site.Timezone) // checked by loadConfig
	tmpl, _ := c.templates()                     // checked by loadConfig
	return server.Config{
		Hub:                  hub,
		Location:             loc,
		Templates:            tmpl,
		Icon:                 c.Site.Icon,
		Logo:                 c.Site.Logo,
		Author:               c.Site.Author,
		Content:              c.Feeds.Content,
		Title:                c.Site.Title,
		Description:          c.Site.Description,
		BaseURL:              base,
		Lang:                 c.Site.Language,
		Tokens:               tokens,
		FeedLimit:            c.Feeds.Limit,
		MaxFeedLimit:         c.Feeds.MaxLimit,
		SummaryHighlights:    c.Summary.Highlights,
		MaxBody:              c.Ingest.MaxBody,
		MaxAge:               c.Feeds.MaxAge,
		StaleWhileRevalidate: c.Feeds.StaleWhileRevalidate,
		ArchiveSize:          c.Feeds.ArchivePage,
		MaxItemContent:       c.Feeds.MaxItemContent,
		MaxFeedContent:       c.Feeds.MaxFeedContent,
		ItemCacheBytes:       c.Feeds.ItemCache,
		// The database's directory has the room for a snapshot.
		TempDir: filepath.Dir(c.Database),
		Version: buildVersion(),
	}
}

// templates are the pages' templates: the built-in ones, with those of
// the folder site.templates names over them.
func (c *config) templates() (*template.Template, error) {
	if c.Site.Templates == "" {
		return server.LoadTemplates(nil)
	}
	if fi, err := os.Stat(c.Site.Templates); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%q is not a folder", c.Site.Templates)
	}
	return server.LoadTemplates(os.DirFS(c.Site.Templates))
}

// storeOptions is the store's share of the configuration.
func (c *config) storeOptions() store.Options {
	return store.Options{KeepDeleted: c.Feeds.KeepDeleted}
}

// checkPush checks the websub and live sections.
func (c *config) checkPush() error {
	bad := func(key, format string, args ...any) error {
		return &configError{key: key, msg: fmt.Sprintf(format, args...)}
	}
	w, l := c.WebSub, c.Live
	switch {
	case w.Content != websub.ContentFull && w.Content != websub.ContentChanges:
		return bad("websub.content", "%q is neither %q nor %q", w.Content, websub.ContentFull, websub.ContentChanges)
	case w.LeaseDefault < time.Minute:
		return bad("websub.lease_default", "%s is under 1m", w.LeaseDefault)
	case w.LeaseMax < w.LeaseDefault:
		return bad("websub.lease_max", "%s is under websub.lease_default (%s)", w.LeaseMax, w.LeaseDefault)
	case w.RetryFor < 0:
		return bad("websub.retry_for", "%s is negative", w.RetryFor)
	case w.Timeout < 100*time.Millisecond:
		return bad("websub.timeout", "%s is under 100ms", w.Timeout)
	case w.Workers < 1:
		return bad("websub.workers", "%d is under 1", w.Workers)
	case w.MaxSubscriptions < 1:
		return bad("websub.max_subscriptions", "%d is under 1", w.MaxSubscriptions)
	case w.MaxPerHost < 1:
		return bad("websub.max_per_host", "%d is under 1", w.MaxPerHost)
	case l.MaxStreams < 1:
		return bad("live.max_streams", "%d is under 1", l.MaxStreams)
	case l.Heartbeat < time.Second:
		return bad("live.heartbeat", "%s is under 1s", l.Heartbeat)
	case l.Buffer < 1:
		return bad("live.buffer", "%d is under 1", l.Buffer)
	}
	for i, hub := range w.Publish {
		if u, err := url.Parse(hub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad(fmt.Sprintf("websub.publish[%d]", i), "%q is not an absolute http(s) URL", hub)
		}
	}
	return nil
}
