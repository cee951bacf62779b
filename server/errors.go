package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"sokbo/feed"
)

// statusError is an error the HTTP layer itself detects (authentication,
// media type, query parameters), with the status it maps to.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// errorStatus maps an error to an HTTP status and the message the client
// sees. It is the only place where errors become statuses; a 500 never
// tells the client more than "internal error".
func errorStatus(err error) (int, string) {
	var se *statusError
	var ie *feed.InputError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &se):
		return se.code, se.msg
	case errors.As(err, &ie):
		return http.StatusBadRequest, ie.Error()
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "document: larger than the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.Is(err, feed.ErrNotFound):
		return http.StatusNotFound, "not found"
	}
	return http.StatusInternalServerError, "internal error"
}

// fail writes err as a JSON error response and logs server-side failures.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := errorStatus(err)
	if code >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sokbo"`)
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error": "internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}
