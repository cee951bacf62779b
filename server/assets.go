package server

// assetRoutes registers the pages' own files (styles, scripts).
func (s *Server) assetRoutes() {}
