package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/internal/prose"
)

// buildInstructions summarises the API for the model, in a few lines.
func (s *Server) buildInstructions() string {
	api := s.cfg.API
	var b strings.Builder
	title := api.Title
	if title == "" {
		title = "This API"
	}
	b.WriteString(title)
	if api.Version != "" {
		b.WriteString(" (version " + api.Version + ")")
	}
	if d := prose.Sentence(api.Description, 40, 200); d != "" {
		b.WriteString(": " + d)
	}
	b.WriteString("\n")
	prefix := sanitizePrefix(s.cfg.Prefix)
	switch s.cfg.Layout {
	case LayoutResources:
		cover := "cover"
		if len(s.list)-1 == 1 {
			cover = "covers"
		}
		per := "one per resource"
		if s.cfg.SeparateWrites {
			per = "one per resource for the actions that read and one, named with _write, for those that change data"
		}
		fmt.Fprintf(&b, "%d %s, %s, %s %d %s: pass `action` to choose what to do",
			len(s.list)-1, plural(len(s.list)-1, "tool"), per, cover, len(s.ops), plural(len(s.ops), "operation"))
		if slices.ContainsFunc(s.list, func(t *mcp.Tool) bool {
			return strings.Contains(t.Description, selectorNote("resource_action")) || strings.Contains(t.Description, selectorNote("tool_action"))
		}) {
			b.WriteString(" (the argument a tool's description names, where an operation has its own `action`)")
		}
		fmt.Fprintf(&b, "; the other arguments are those of that action. %s shows an action's arguments in full.", s.describe)
		if s.namesFieldsListed() {
			b.WriteString(" " + namesFieldsNote + ".")
		}
	case LayoutSearch:
		if _, split := s.byName[prefix+"call_write_operation"]; split {
			fmt.Fprintf(&b, "%d %s behind three tools: find one with %ssearch_operations, then run it with %scall_operation, or with %scall_write_operation if it changes data.", len(s.ops), plural(len(s.ops), "operation"), prefix, prefix, prefix)
		} else {
			fmt.Fprintf(&b, "%d %s behind two tools: find one with %ssearch_operations, then run it with %scall_operation.", len(s.ops), plural(len(s.ops), "operation"), prefix, prefix)
		}
	default:
		n := len(s.list)
		_, describes := s.byName[s.describe]
		if describes {
			n--
		}
		fmt.Fprintf(&b, "%d %s, one per API operation, named after the operation", n, plural(n, "tool"))
		if prefix != "" {
			fmt.Fprintf(&b, " with the prefix %q", prefix)
		}
		b.WriteString("; a description ends with the HTTP method and path unless the name and arguments say them. Tools with readOnlyHint change nothing.")
		if describes {
			fmt.Fprintf(&b, " %s: %s shows their fields in full.", namesFieldsNote, s.describe)
		}
	}
	if note := sharedNote(s.ops); note != "" {
		b.WriteString("\n" + note)
	}
	if slices.ContainsFunc(s.ops, func(t *tool) bool { return t.in != nil && t.in.clears }) {
		b.WriteString("\n" + clearsNote)
	}
	if tags := mainTags(s.ops, 8); len(tags) > 0 {
		b.WriteString("\nMain areas: " + strings.Join(tags, ", ") + ".")
	}
	fmt.Fprintf(&b, "\nResults over %d bytes are cut with a note; use the paging or filter arguments it names.", s.cfg.MaxResultBytes)
	return b.String()
}

// namesFieldsNote says how a listing names the fields of an argument it
// lists without them (fieldsNote).
const namesFieldsNote = "Arguments listed as {a, b} (or [{a, b}] for a list) are named by their fields alone"

// namesFieldsListed reports whether the resources layout lists an argument
// by its field names alone: one its actions list so (a body over the
// budget), or, in a compact listing, which keeps only the note of each
// description, one whose description opens with the note.
func (s *Server) namesFieldsListed() bool {
	if slices.ContainsFunc(s.ops, func(t *tool) bool { return t.in != nil && namesFields(t.in.listed) }) {
		return true
	}
	return slices.ContainsFunc(s.list, func(t *mcp.Tool) bool {
		raw, _ := t.InputSchema.(json.RawMessage)
		return bytes.Contains(raw, []byte(`"description":"{`)) || bytes.Contains(raw, []byte(`"description":"[{`))
	})
}

// namesFields reports whether a listed schema, or one under it, names
// its fields alone (bracedNote).
func namesFields(s any) bool {
	m, ok := s.(map[string]any)
	if !ok {
		return false
	}
	if bracedNote(m) != "" {
		return true
	}
	for k, v := range m {
		switch k {
		case "properties":
			for _, p := range v.(map[string]any) {
				if namesFields(p) {
					return true
				}
			}
		case "items":
			if namesFields(v) {
				return true
			}
		case "anyOf", "oneOf", "allOf":
			if slices.ContainsFunc(v.([]any), namesFields) {
				return true
			}
		}
	}
	return false
}

// mainTags returns up to n tags, the most used first.
func mainTags(ops []*tool, n int) []string {
	count := map[string]int{}
	for _, t := range ops {
		for _, tag := range t.op.Tags {
			count[tag]++
		}
	}
	tags := make([]string, 0, len(count))
	for t := range count {
		tags = append(tags, t)
	}
	sort.Slice(tags, func(i, j int) bool {
		if count[tags[i]] != count[tags[j]] {
			return count[tags[i]] > count[tags[j]]
		}
		return tags[i] < tags[j]
	})
	if len(tags) > n {
		tags = tags[:n]
	}
	return tags
}

// clearsNote says once what the listings leave out of the arguments that
// may be cleared (see unclear).
const clearsNote = `Optional arguments the API lets you unset also take "" (an empty string) to clear them.`
