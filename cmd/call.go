package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/server"
)

// CallOptions are the inputs of `call`.
type CallOptions struct {
	F       *Factory
	Profile *profileFlags
	NoCache bool
	Tool    string
	Args    []string // k=v
	JSON    string   // a JSON object of arguments
	Raw     bool
}

func newCallCmd(f *Factory, runF func(*CallOptions) error) *cobra.Command {
	opts := &CallOptions{F: f}
	c := &cobra.Command{
		Use:   "call TOOL [--arg name=value]... [--json '{...}']",
		Short: "Call one tool, exactly as an MCP client would, and print the result",
		Long: `Call runs the same code path as a tools/call from an editor: argument
validation, the HTTP request with the key, the result the model would see.
--arg values are converted to the type the tool's schema expects (for a
resource tool, the schema of the action chosen): numbers, booleans; JSON for
arrays and objects, or comma-separated for arrays of scalars; an array's
--arg given again adds to it (--arg tags=a --arg tags=b). TOOL may also
be an operation's own name, whatever layout lists it. It exits non-zero when the tool returns an error.`,
		Example: callExample(f.Brand),
		Args: oneArg(fmt.Sprintf("name the tool to call: `%[1]s call TOOL`; run `%[1]s tools` (with the same profile flags) to see the tool names", f.Brand.Name),
			": the tool's name; its arguments go in --arg NAME=VALUE (repeatable) or --json '{\"NAME\": VALUE}'"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Tool = args[0]
			if runF != nil {
				return runF(opts)
			}
			return callRun(c, opts)
		},
	}
	opts.Profile = addProfileFlags(c)
	c.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read and build the description now, without the compiled description cache")
	c.Flags().StringArrayVarP(&opts.Args, "arg", "a", nil, "argument as name=value (repeatable)")
	c.Flags().StringVar(&opts.JSON, "json", "", "arguments as a JSON object (--arg values are applied on top)")
	c.Flags().BoolVar(&opts.Raw, "raw", false, "print the whole MCP result as JSON")
	return c
}

func callRun(c *cobra.Command, opts *CallOptions) error {
	f := opts.F
	p, err := opts.Profile.resolveToServe(f)
	if err != nil {
		return err
	}
	srv, done, err := opts.Profile.app(f, opts.NoCache).Tools(c.Context(), p, true)
	if err != nil {
		return err
	}
	defer done()
	var tool *mcp.Tool
	for _, t := range srv.Tools() {
		if t.Name == opts.Tool {
			tool = t
			break
		}
	}
	call := srv.Call
	if ops, ok := srv.(operations); ok && tool == nil {
		// An operation's name, whatever layout lists it: one the user
		// names is the one meant.
		if t, ok := ops.Operation(opts.Tool); ok {
			tool, call = t, ops.CallOperation
		}
	}
	if tool == nil {
		if similar := server.Similar(opts.Tool, srv.Tools()); len(similar) > 0 {
			return FlagErrorf("no tool named %q; did you mean %s?", opts.Tool, strings.Join(similar, ", "))
		}
		return FlagErrorf("no tool named %q: run `%s tools` with the same profile flags to list them", opts.Tool, f.Brand.Name)
	}
	var action func(map[string]any) *mcp.Tool
	if a, ok := srv.(actions); ok {
		action = func(args map[string]any) *mcp.Tool { t, _ := a.ActionTool(tool.Name, args); return t }
	}
	args, err := callArguments(tool, action, opts.JSON, opts.Args)
	if err != nil {
		return &FlagError{Err: err}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	res, err := call(c.Context(), tool.Name, raw)
	if err != nil {
		return err
	}
	if opts.Raw {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(f.IO.Out, string(b))
	} else {
		out := f.IO.Out
		if res.IsError {
			out = f.IO.ErrOut
		}
		for _, content := range res.Content {
			if t, ok := content.(*mcp.TextContent); ok {
				fmt.Fprintln(out, t.Text)
			} else {
				b, _ := json.Marshal(content)
				fmt.Fprintln(out, string(b))
			}
		}
	}
	if res.IsError {
		return &SilentError{Code: 1}
	}
	return nil
}

// operations are the operations behind a REST API's tools, called by
// their own names whatever the layout (a *server.Server).
type operations interface {
	Operation(name string) (*mcp.Tool, bool)
	CallOperation(ctx context.Context, name string, args json.RawMessage) (*mcp.CallToolResult, error)
}

// actions are the actions of a REST API's resource tools (a
// *server.Server): the tool whose schema a call's arguments follow.
type actions interface {
	ActionTool(name string, args map[string]any) (*mcp.Tool, bool)
}

// callArguments merges a JSON object and name=value pairs into the
// arguments of tool, converting values to the types its schema declares:
// where action (when not nil) names the tool the arguments choose (a
// resource's action), by that tool's schema.
func callArguments(tool *mcp.Tool, action func(args map[string]any) *mcp.Tool, jsonArgs string, pairs []string) (map[string]any, error) {
	args := map[string]any{}
	if strings.TrimSpace(jsonArgs) != "" {
		if err := unmarshalExact(jsonArgs, &args); err != nil {
			return nil, fmt.Errorf("--json: not a JSON object: %w", err)
		}
	}
	given := maps.Clone(args)
	for _, kv := range pairs {
		name, value, ok := strings.Cut(kv, "=")
		switch {
		case !ok && !strings.ContainsAny(kv, " \t\n"):
			return nil, fmt.Errorf("--arg %q has no value: write it as name=value, e.g. --arg %s=VALUE", kv, kv)
		case !ok:
			return nil, fmt.Errorf("--arg %q has no value: write it as name=value", kv)
		case name == "":
			return nil, fmt.Errorf("--arg %q names no argument: write it as name=value", kv)
		}
		given[name] = value
	}
	props := schemaProperties(tool.InputSchema)
	if action != nil {
		if t := action(given); t != nil {
			props = schemaProperties(t.InputSchema)
			// The selector is the resource tool's own.
			for k, p := range schemaProperties(tool.InputSchema) {
				if _, ok := props[k]; !ok {
					props[k] = p
				}
			}
		}
	}
	// A name given again adds to an array (--arg tag=a --arg tag=b); any
	// other argument takes one value, and a second would silently win.
	seen := map[string]bool{}
	for _, kv := range pairs {
		name, value, _ := strings.Cut(kv, "=")
		v, err := convertArg(props[name], value)
		if err != nil {
			return nil, fmt.Errorf("--arg %s: %w", name, err)
		}
		if seen[name] {
			more, isArray := v.([]any)
			had, _ := args[name].([]any)
			if !isArray || had == nil {
				return nil, fmt.Errorf("--arg %s is given more than once, and %s takes one value: give it once", name, name)
			}
			v = append(had, more...)
		}
		seen[name] = true
		args[name] = v
	}
	return args, nil
}

// schemaProperties returns the property schemas of an input schema of any
// representation (map, *jsonschema.Schema, raw JSON).
func schemaProperties(schema any) map[string]map[string]any {
	var s struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	b, err := json.Marshal(schema)
	if err == nil {
		_ = json.Unmarshal(b, &s)
	}
	if s.Properties == nil {
		return map[string]map[string]any{}
	}
	return s.Properties
}

// schemaTypes lists the JSON types a property schema allows, those of its
// anyOf or oneOf alternatives included.
func schemaTypes(prop map[string]any) []string {
	var out []string
	add := func(s string) {
		if s != "null" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	switch t := prop["type"].(type) {
	case string:
		add(t)
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				add(s)
			}
		}
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, _ := prop[k].([]any)
		for _, a := range alts {
			if a, ok := a.(map[string]any); ok {
				for _, s := range schemaTypes(a) {
					add(s)
				}
			}
		}
	}
	return out
}

// alternative is the anyOf or oneOf alternative of prop of type typ, or
// prop itself.
func alternative(prop map[string]any, typ string) map[string]any {
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, _ := prop[k].([]any)
		for _, a := range alts {
			if a, ok := a.(map[string]any); ok && slices.Contains(schemaTypes(a), typ) {
				return a
			}
		}
	}
	return prop
}

func convertArg(prop map[string]any, value string) (any, error) {
	types := schemaTypes(prop)
	if len(types) != 1 {
		// Unknown or mixed: JSON when it parses as a structure, else a
		// number or a boolean the schema takes, written as one (007 stays
		// a string), else a string.
		var v any
		if t := strings.TrimSpace(value); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && unmarshalExact(t, &v) == nil {
			return v, nil
		}
		for _, typ := range []string{"integer", "number", "boolean"} {
			if !slices.Contains(types, typ) {
				continue
			}
			if v, err := convertArg(map[string]any{"type": typ}, value); err == nil && fmt.Sprint(v) == value {
				return v, nil
			}
		}
		return value, nil
	}
	prop = alternative(prop, types[0])
	switch types[0] {
	case "string":
		return value, nil
	case "integer":
		// As written, whatever its size: a 20-digit ID stays itself.
		n, ok := new(big.Int).SetString(strings.TrimSpace(value), 10)
		if !ok {
			return nil, fmt.Errorf("%q is not an integer", value)
		}
		return json.Number(n.String()), nil
	case "number":
		var v any
		if err := unmarshalExact(value, &v); err != nil {
			return nil, fmt.Errorf("%q is not a number", value)
		}
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%q is not a number", value)
		}
		return n, nil
	case "boolean":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", value)
		}
		return b, nil
	case "array":
		if strings.HasPrefix(strings.TrimSpace(value), "[") {
			var v []any
			if err := unmarshalExact(value, &v); err != nil {
				return nil, fmt.Errorf("not a JSON array: %w", err)
			}
			return v, nil
		}
		items, _ := prop["items"].(map[string]any)
		var out []any
		for _, part := range strings.Split(value, ",") {
			v, err := convertArg(items, strings.TrimSpace(part))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	default: // object
		var v any
		if err := unmarshalExact(value, &v); err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		return v, nil
	}
}

// unmarshalExact decodes one JSON value with its numbers as written
// (json.Number), as a tool call over MCP keeps them: 9007199254740993 is
// not rounded, and 1e400 is passed on for the API to judge.
func unmarshalExact(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}
