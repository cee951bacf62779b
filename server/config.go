package server

import (
	"html/template"
	"log/slog"
	"net/url"
	"sokbo/feed"
	"time"
	_ "time/tzdata" // the time zones, whatever the machine has (Config.Location)
)

// Config is the server's configuration; see config.example.yaml for the
// meaning of each setting. DefaultConfig holds the defaults.
type Config struct {
	Title       string
	Description string
	// BaseURL is the public URL of the site, ending in "/".
	BaseURL *url.URL
	Lang    string
	// Tokens are the bearer tokens allowed to post and delete articles.
	Tokens []Token
	// FeedLimit is how many items a feed has by default; MaxFeedLimit the
	// most that ?limit= may ask for.
	FeedLimit    int
	MaxFeedLimit int
	// MaxItemContent is the largest article body, in bytes, an item
	// carries in full; a longer one carries its summary and a link.
	// MaxFeedContent bounds the full bodies of one feed together. Both
	// keep a feed's render and size bounded whatever was posted.
	MaxItemContent int
	MaxFeedContent int
	// SummaryHighlights is how many highlighted sentences a summary
	// shows; zero shows none.
	SummaryHighlights int
	// MaxBody is the largest document accepted, in bytes.
	MaxBody int64
	// MaxAge and StaleWhileRevalidate go into the Cache-Control of feeds
	// and pages, so a CDN or shared cache can sit in front; the RSS <ttl>
	// is MaxAge in minutes, rounded up. A zero StaleWhileRevalidate leaves
	// the directive out.
	MaxAge               time.Duration
	StaleWhileRevalidate time.Duration
	// ArchiveSize is how many articles an RFC 5005 archive page holds.
	ArchiveSize int
	// TempDir holds backup snapshots while they are served ("" means the
	// system's; the database's directory has the room).
	TempDir string
	// CacheEntries and CacheBytes bound how many rendered feeds and pages
	// are kept, and how many bytes they may hold.
	CacheEntries int
	CacheBytes   int64
	// ItemCacheBytes bounds the rendered items kept to assemble feeds
	// from, so that a write re-renders only the items it changed.
	ItemCacheBytes int64
	// Location is the site's time zone: RSS dates carry its offset, and
	// pages show local times in it.
	Location *time.Location
	// Icon and Logo are the site's square icon and wide logo (absolute
	// URLs, or paths on the site); an empty Icon is the built-in one,
	// served at /icon.png and /favicon.ico; an empty Logo is none.
	Icon, Logo string
	// Author is the author of the articles that name none; empty: such
	// articles carry no author in any format.
	Author string
	// Content is what an item's content holds: ContentBoth, ContentFull or
	// ContentSummary.
	Content string
	// Templates render the pages: LoadTemplates' result (nil: the
	// built-in ones).
	Templates *template.Template
	// Hub is the URL of the WebSub hub every feed names (as rel="hub",
	// with itself as rel="self") in its body and Link headers; empty: none.
	Hub string
	// Version names the build in <generator>.
	Version string
	Logger  *slog.Logger
	Now     func() time.Time
}

// DefaultConfig returns the defaults: New gives them to the zero fields
// of its Config, and the command's configuration file starts from them.
// SummaryHighlights and StaleWhileRevalidate are the exceptions in New,
// where zero is a setting of its own (none).
func DefaultConfig() Config {
	return Config{
		Title:                "sokbo",
		Description:          "속보 — breaking news",
		BaseURL:              &url.URL{Scheme: "http", Host: "127.0.0.1:8080", Path: "/"},
		Lang:                 "ko",
		FeedLimit:            50,
		MaxFeedLimit:         500,
		MaxItemContent:       64 << 10,
		MaxFeedContent:       2 << 20,
		SummaryHighlights:    5,
		MaxBody:              1 << 20,
		MaxAge:               time.Minute,
		StaleWhileRevalidate: 5 * time.Minute,
		ArchiveSize:          100,
		CacheEntries:         4096,
		CacheBytes:           32 << 20,
		ItemCacheBytes:       16 << 20,
		Location:             mustLoadLocation("Asia/Seoul"),
		Content:              ContentBoth,
		Logger:               slog.New(slog.DiscardHandler),
		Now:                  time.Now,
	}
}

// withDefaults returns cfg with DefaultConfig's value in each zero (or
// negative) field, a FeedLimit no larger than MaxFeedLimit, and a BaseURL
// ending in "/".
func (cfg Config) withDefaults() Config {
	d := DefaultConfig()
	orDefault(&cfg.Title, d.Title)
	orDefault(&cfg.Description, d.Description)
	orDefault(&cfg.Lang, d.Lang)
	orDefault(&cfg.FeedLimit, d.FeedLimit)
	orDefault(&cfg.MaxFeedLimit, d.MaxFeedLimit)
	orDefault(&cfg.MaxItemContent, d.MaxItemContent)
	orDefault(&cfg.MaxFeedContent, d.MaxFeedContent)
	orDefault(&cfg.MaxBody, d.MaxBody)
	orDefault(&cfg.MaxAge, d.MaxAge)
	orDefault(&cfg.ArchiveSize, d.ArchiveSize)
	orDefault(&cfg.CacheEntries, d.CacheEntries)
	orDefault(&cfg.CacheBytes, d.CacheBytes)
	orDefault(&cfg.ItemCacheBytes, d.ItemCacheBytes)
	cfg.FeedLimit = min(cfg.FeedLimit, cfg.MaxFeedLimit)
	cfg.SummaryHighlights = max(cfg.SummaryHighlights, 0)
	cfg.StaleWhileRevalidate = max(cfg.StaleWhileRevalidate, 0)
	if cfg.Logger == nil {
		cfg.Logger = d.Logger
	}
	if cfg.Templates == nil {
		cfg.Templates = mustBuiltinTemplates()
	}
	if cfg.Location == nil {
		cfg.Location = d.Location
	}
	orDefault(&cfg.Content, d.Content)
	if cfg.Now == nil {
		cfg.Now = d.Now
	}
	if cfg.BaseURL == nil {
		cfg.BaseURL = d.BaseURL
	}
	// One that is not absolute http(s) is kept as given: every post then
	// fails on it, loudly, rather than the site moving to the default.
	if base, err := feed.BaseURL(cfg.BaseURL); err == nil {
		cfg.BaseURL = base
	}
	return cfg
}

// orDefault sets *v to def when it is zero or negative.
func orDefault[T int | int64 | time.Duration | string](v *T, def T) {
	var zero T
	if *v <= zero {
		*v = def
	}
}

// What an item's content holds (Config.Content, feeds.content).
const (
	// ContentBoth: the key points (the excerpt and the highlights), then
	// the article.
	ContentBoth = "both"
	// ContentFull: the article only.
	ContentFull = "full"
	// ContentSummary: the key points and a link to the article (a teaser
	// feed).
	ContentSummary = "summary"
)

// ContentModes are the values of Config.Content.
var ContentModes = []string{ContentBoth, ContentFull, ContentSummary}

// mustLoadLocation loads a time zone of the database the binary embeds
// (time/tzdata), which a machine without zoneinfo files has too.
func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // only names known to the embedded database are given
	}
	return loc
}
