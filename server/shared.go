package server

import (
	"fmt"
	"sort"
	"strings"
)

// An API's conventions — Stripe's expand, metadata, limit and pagination
// cursors, GitHub's page and per_page — are arguments that a large share
// of its tools take under the same name with the same description. Their
// description is said once, in the instructions, and the tools list them
// by name and type only.
const (
	// sharedMinTools is the fewest tools an argument is shared by.
	sharedMinTools = 10
	// sharedShare is the share of the API's tools, in per cent, an
	// argument is shared by.
	sharedShare = 20
)

// sharedArg is an argument described once for the whole API.
type sharedArg struct {
	name, description string
}

// shareArgs finds the shared arguments of tools (the whole API, before
// any filter, so that a filter changes no listing) and takes their
// description out of each tool's listed schema. The field selection
// argument is one of them on any API where enough tools read: its sentence
// is the same in every GET tool.
func shareArgs(tools []*tool) {
	count := map[sharedArg]int{}
	for _, t := range tools {
		for name, p := range listedProps(t) {
			if d, _ := p["description"].(string); d != "" {
				count[sharedArg{name, d}]++
			}
		}
	}
	least := max(sharedMinTools, (len(tools)*sharedShare+99)/100)
	for _, t := range tools {
		for name, p := range listedProps(t) {
			d, _ := p["description"].(string)
			if a := (sharedArg{name, d}); d != "" && count[a] >= least {
				delete(p, "description")
				t.in.shared = append(t.in.shared, a)
			}
		}
	}
}

// listedProps returns the listed argument schemas of an operation tool.
func listedProps(t *tool) map[string]map[string]any {
	out := map[string]map[string]any{}
	if t.in == nil {
		return out
	}
	props, _ := t.in.listed["properties"].(map[string]any)
	for name, p := range props {
		if m, ok := p.(map[string]any); ok {
			out[name] = m
		}
	}
	return out
}

// sharedNote describes the shared arguments of tools for the instructions
// ("" when there are none).
func sharedNote(tools []*tool) string {
	seen := map[sharedArg]bool{}
	var args []sharedArg
	for _, t := range tools {
		if t.in == nil {
			continue
		}
		for _, a := range t.in.shared {
			if !seen[a] {
				seen[a] = true
				args = append(args, a)
			}
		}
	}
	if len(args) == 0 {
		return ""
	}
	sort.Slice(args, func(i, j int) bool {
		if args[i].name != args[j].name {
			return args[i].name < args[j].name
		}
		return args[i].description < args[j].description
	})
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprintf("%s: %s", a.name, strings.TrimSuffix(a.description, "."))
	}
	return "Arguments many tools take, described here once: " + strings.Join(parts, "; ") + "."
}
