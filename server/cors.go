package server

// crossOriginRoutes registers the answers to cross-origin preflight
// requests for the public feeds and JSON.
func (s *Server) crossOriginRoutes() {}
