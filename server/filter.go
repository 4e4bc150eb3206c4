package server

import (
	"slices"
	"strings"
)

// filter keeps the tools that cfg.Filter selects.
func (s *Server) filter(all []*tool) []*tool {
	f := s.cfg.Filter
	if len(f.Tags) == 0 && len(f.Operations) == 0 && len(f.Methods) == 0 && !f.ReadOnly {
		return all
	}
	matched := map[string]bool{}
	var out []*tool
	for _, t := range all {
		if f.ReadOnly && !isReadOnly(t.op.Method) {
			continue
		}
		if len(f.Methods) > 0 && !slices.ContainsFunc(f.Methods, func(m string) bool { return strings.EqualFold(m, t.op.Method) }) {
			continue
		}
		if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, func(tag string) bool {
			return slices.ContainsFunc(t.op.Tags, func(ot string) bool { return strings.EqualFold(ot, tag) })
		}) {
			continue
		}
		if len(f.Operations) > 0 {
			hit := false
			for _, o := range f.Operations {
				if o == t.op.ID || o == t.def.Name || sanitizePrefix(s.cfg.Prefix)+o == t.def.Name {
					matched[o] = true
					hit = true
				}
			}
			if !hit {
				continue
			}
		}
		out = append(out, t)
	}
	for _, o := range f.Operations {
		if !matched[o] {
			s.log.Warn("no operation matches the --operation filter", "operation", o)
		}
	}
	return out
}
