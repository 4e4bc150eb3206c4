package remote

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Filter narrows and renames the remote server's tools. Only tools/list
// answers and tools/call requests are touched; everything else passes
// unchanged.
type Filter struct {
	// Tools keeps only these tools (names as the remote server gives them,
	// or with the prefix).
	Tools []string
	// ReadOnly keeps only tools annotated readOnlyHint.
	ReadOnly bool
	// Prefix is prepended to every tool name.
	Prefix string
}

func (f Filter) active() bool { return len(f.Tools) > 0 || f.ReadOnly || f.Prefix != "" }

// toolFilter applies a Filter and remembers which remote tools it let
// through, so that a call of any other tool is refused.
type toolFilter struct {
	Filter
	mu   sync.Mutex
	seen map[string]bool // remote name → allowed, from tools/list answers
}

func newToolFilter(f Filter) *toolFilter { return &toolFilter{Filter: f, seen: map[string]bool{}} }

// named reports whether the remote tool is in the Tools list (or there is
// no list).
func (f *toolFilter) named(remote string) bool {
	return len(f.Tools) == 0 || slices.Contains(f.Tools, remote) || slices.Contains(f.Tools, f.Prefix+remote)
}

// rewriteList filters and renames the tools of a tools/list result.
func (f *toolFilter) rewriteList(result json.RawMessage) (json.RawMessage, error) {
	var res map[string]json.RawMessage
	if err := json.Unmarshal(result, &res); err != nil {
		return nil, fmt.Errorf("reading the tools/list answer: %w", err)
	}
	var tools []map[string]json.RawMessage
	if raw, ok := res["tools"]; ok {
		if err := json.Unmarshal(raw, &tools); err != nil {
			return nil, fmt.Errorf("reading the tools/list answer: %w", err)
		}
	}
	kept := make([]map[string]json.RawMessage, 0, len(tools))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range tools {
		var name string
		_ = json.Unmarshal(t["name"], &name)
		var ann struct {
			ReadOnlyHint bool `json:"readOnlyHint"`
		}
		if a, ok := t["annotations"]; ok {
			_ = json.Unmarshal(a, &ann)
		}
		ok := f.named(name) && (!f.ReadOnly || ann.ReadOnlyHint)
		f.seen[name] = ok
		if !ok {
			continue
		}
		if f.Prefix != "" {
			t["name"], _ = json.Marshal(f.Prefix + name)
		}
		kept = append(kept, t)
	}
	res["tools"], _ = json.Marshal(kept)
	return json.Marshal(res)
}

// rewriteCall maps a tools/call request's tool name back to the remote
// one; an error (for the caller) means the tool is not offered.
func (f *toolFilter) rewriteCall(params json.RawMessage) (json.RawMessage, error) {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, fmt.Errorf("invalid tools/call parameters: %w", err)
	}
	var name string
	_ = json.Unmarshal(p["name"], &name)
	remote, ok := strings.CutPrefix(name, f.Prefix)
	if !ok {
		return nil, fmt.Errorf("unknown tool %q", name)
	}
	f.mu.Lock()
	allowed, listed := f.seen[remote]
	f.mu.Unlock()
	switch {
	case !f.named(remote):
		return nil, fmt.Errorf("unknown tool %q", name)
	case f.ReadOnly && !listed:
		return nil, fmt.Errorf("unknown tool %q (list the tools first)", name)
	case listed && !allowed:
		return nil, fmt.Errorf("unknown tool %q", name)
	}
	if f.Prefix == "" {
		return params, nil
	}
	p["name"], _ = json.Marshal(remote)
	return json.Marshal(p)
}
