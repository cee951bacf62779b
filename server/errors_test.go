package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"sokbo/feed"
)

func TestErrorStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"status error", &statusError{http.StatusUnsupportedMediaType, "Content-Type: not markdown"}, 415, "Content-Type: not markdown"},
		{"wrapped status error", fmt.Errorf("post: %w", &statusError{http.StatusTooManyRequests, "slow down"}), 429, "slow down"},
		{"input error", fmt.Errorf("parse: %w", &feed.InputError{Field: "title", Msg: "missing"}), 400, (&feed.InputError{Field: "title", Msg: "missing"}).Error()},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1024}), 413, "document: larger than the limit of 1024 bytes"},
		{"not found", fmt.Errorf("get x: %w", feed.ErrNotFound), 404, "not found"},
		{"derived id taken", fmt.Errorf("put: %w", &feed.ConflictError{ID: "weather-update", Existing: &feed.Article{Title: "Weather update!"}}), 409,
			`id: "weather-update", made from the title, is already the id of another article, titled "Weather update!"; to post this one beside it, give it an id of its own with an id: line in its front matter (to update that article, post it with its title)`},
		// A body the client did not send in full is its fault.
		{"body cut short", &bodyError{io.ErrUnexpectedEOF}, 400, "body: not received in full (the upload was cut short, or its chunked encoding is malformed)"},
		{"body malformed", fmt.Errorf("post: %w", &bodyError{errors.New("invalid byte in chunk length")}), 400, "body: not received in full (the upload was cut short, or its chunked encoding is malformed)"},
		{"body too large while read", &bodyError{&http.MaxBytesError{Limit: 1024}}, 413, "document: larger than the limit of 1024 bytes"},
		{"client gone", fmt.Errorf("parse: %w", context.Canceled), 400, "request: canceled by the client"},
		// Anything else is the server's fault, and its detail stays in the log.
		{"other", errors.New("write items: disk full"), 500, "internal error"},
	} {
		code, msg := errorStatus(tc.err)
		if code != tc.code || msg != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, code, msg, tc.code, tc.msg)
		}
	}
}
