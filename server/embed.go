package server

// embedRoutes registers the embeddable headlines: the widget's script and
// its iframe page.
func (s *Server) embedRoutes() {}
