package feed

import (
	"errors"
	"net/url"
	"strings"
)

// BaseURL checks that u is an absolute http or https URL and returns the
// site base it names: a copy without user, query or fragment, whose path
// ends in "/" (so https://example.com/news is the directory /news/). It is
// the one rule for a base URL; ingest, the server and the configuration
// all apply it.
func BaseURL(u *url.URL) (*url.URL, error) {
	if u == nil {
		return nil, errors.New("no base URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
		return nil, errors.New("not an absolute http(s) URL such as https://news.example.com/")
	}
	base := *u
	base.User, base.RawQuery, base.Fragment, base.RawFragment = nil, "", "", ""
	base.ForceQuery = false
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
		if base.RawPath != "" {
			base.RawPath += "/"
		}
	}
	return &base, nil
}
