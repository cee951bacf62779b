package server

import (
	"net/http"

	"sokbo/feed"
)

// Handle mounts h at pattern (http.ServeMux syntax) among the server's
// routes: the command mounts the WebSub hub and the live streams with it,
// which live in packages of their own. Call it before serving.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}

// HandleCategory mounts h at /category/{name}/{file}, for every way the
// path may spell name: one percent-encoded segment ("%2F" for a slash in
// it) or with its slashes as typed. h reads the unescaped name with
// r.PathValue("name"). Call it before serving.
func (s *Server) HandleCategory(file string, h http.Handler) {
	if s.categoryFiles == nil {
		s.categoryFiles = map[string]http.Handler{}
	}
	s.categoryFiles[file] = h
}

// OnChange adds f to what each committed write's feed.Change is given to:
// the live streams and the hub. f runs on the poster's goroutine once the
// write's response is sent (the caches were invalidated before it), so it
// must hand the change off without blocking. Call it before serving.
func (s *Server) OnChange(f func(feed.Change)) {
	s.onChange = append(s.onChange, f)
}
