package server

// resourceTools groups the operations by resource (layout "resources").
func (s *Server) resourceTools() []*tool { return s.ops }

// searchTools is the search layout: one tool to find operations, one to call them.
func (s *Server) searchTools() []*tool { return s.ops }
