package server

import (
	"time"

	"sokbo/feed"
)

// channel describes the site feed (category "") or a category's feed in
// format f.
func (s *Server) channel(category string, f feed.Format) *feed.Channel {
	c := &feed.Channel{
		Title:       s.cfg.Title,
		Description: s.cfg.Description,
		BaseURL:     s.cfg.BaseURL,
		HomeURL:     s.cfg.BaseURL.String(),
		SelfURL:     s.feedURL(category, f),
		// The Atom feed id is the Atom feed's URL whatever format is
		// rendered, so it is the same id however the feed was reached.
		FeedID: s.feedURL(category, feed.Atom),
		Lang:   s.cfg.Lang,
		Author: s.cfg.Author,
		// The icon the pages link to (icon.go), so that a reader shows
		// the site as a browser does.
		Icon:        s.iconURL(),
		Logo:        s.logoURL(),
		Location:    s.cfg.Location,
		ContentMode: contentMode(s.cfg.Content),
		TTL:         int((s.cfg.MaxAge + time.Minute - 1) / time.Minute),
		Highlights:  s.cfg.SummaryHighlights,
		Generator:   "sokbo " + s.cfg.Version,
		// An item's content, and a feed's, are bounded so that any feed
		// is a bounded render and fits the cache.
		MaxItemContent: s.cfg.MaxItemContent,
		MaxFeedContent: s.cfg.MaxFeedContent,
	}
	if category != "" {
		c.Title = s.cfg.Title + " — " + category
		c.Description = category + " — " + s.cfg.Title
		c.HomeURL = s.cfg.BaseURL.String() + categoryPath(category)
	}
	if c.Description == "" {
		c.Description = c.Title
	}
	return c
}

// contentMode is the feed's mode for Config.Content; a value that is
// none of the modes (the configuration checks it) is ContentBoth, the
// default.
func contentMode(content string) feed.ContentMode {
	switch content {
	case ContentFull:
		return feed.ContentFull
	case ContentSummary:
		return feed.ContentSummary
	}
	return feed.ContentBoth
}

// logoURL is the site's logo resolved as the icon is (siteURL), or ""
// when none is configured: there is no built-in logo.
func (s *Server) logoURL() string {
	if s.cfg.Logo == "" {
		return ""
	}
	return s.siteURL(s.cfg.Logo)
}
