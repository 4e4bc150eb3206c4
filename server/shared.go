package server

import (
	"encoding/json"
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

// sharedArg is an argument described once for the whole API. def is its
// default as JSON text when every tool that shares it has that default
// (GitHub's per_page 30): it is said once too.
type sharedArg struct {
	name, description, def string
}

// shareArgs finds the shared arguments of tools (the whole API, before
// any filter, so that a filter changes no listing) and takes their
// description out of each tool's listed schema, and their default when it
// is the same in all of them. The field selection argument is one of them
// on any API where enough tools read: its sentence is the same in every
// GET tool.
func shareArgs(tools []*tool) {
	type key struct{ name, description string }
	count := map[key]int{}
	// defaults holds each shared argument's default as JSON text, "" once
	// two tools differ (or one has none).
	defaults := map[key]string{}
	for _, t := range tools {
		for name, p := range listedProps(t) {
			d, _ := p["description"].(string)
			if d == "" {
				continue
			}
			k := key{name, d}
			def := ""
			if v, ok := p["default"]; ok {
				b, _ := json.Marshal(v)
				def = string(b)
			}
			if count[k] == 0 {
				defaults[k] = def
			} else if defaults[k] != def {
				defaults[k] = ""
			}
			count[k]++
		}
	}
	least := max(sharedMinTools, (len(tools)*sharedShare+99)/100)
	for _, t := range tools {
		for name, p := range listedProps(t) {
			d, _ := p["description"].(string)
			k := key{name, d}
			if d == "" || count[k] < least {
				continue
			}
			delete(p, "description")
			a := sharedArg{name: name, description: d, def: defaults[k]}
			if a.def != "" {
				delete(p, "default")
			}
			t.in.shared = append(t.in.shared, a)
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
		d := strings.TrimSuffix(a.description, ".")
		switch {
		case a.def == "":
		case strings.HasSuffix(d, ")"): // "(max 100)" → "(max 100; default 30)"
			d = d[:len(d)-1] + "; default " + a.def + ")"
		default:
			d += " (default " + a.def + ")"
		}
		parts[i] = fmt.Sprintf("%s: %s", a.name, d)
	}
	return "Arguments many tools take, described here once: " + strings.Join(parts, "; ") + "."
}
