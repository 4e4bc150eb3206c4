package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
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
--arg values are converted to the type the tool's schema expects (numbers,
booleans; JSON for arrays and objects, or comma-separated for arrays of
scalars). It exits non-zero when the tool returns an error.`,
		Example: callExample(f.Brand),
		Args:    oneArg(fmt.Sprintf("name the tool to call: `%[1]s call TOOL`; run `%[1]s tools` (with the same profile flags) to see the tool names", f.Brand.Name)),
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
	p, _, err := opts.Profile.resolve(f)
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
	args, err := callArguments(tool, opts.JSON, opts.Args)
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

// callArguments merges a JSON object and name=value pairs into the
// arguments of tool, converting values to the types its schema declares.
func callArguments(tool *mcp.Tool, jsonArgs string, pairs []string) (map[string]any, error) {
	args := map[string]any{}
	if strings.TrimSpace(jsonArgs) != "" {
		if err := unmarshalExact(jsonArgs, &args); err != nil {
			return nil, fmt.Errorf("--json: not a JSON object: %w", err)
		}
	}
	props := schemaProperties(tool.InputSchema)
	for _, kv := range pairs {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--arg %q: want name=value", kv)
		}
		v, err := convertArg(props[name], value)
		if err != nil {
			return nil, fmt.Errorf("--arg %s: %w", name, err)
		}
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
	return s.Properties
}

// schemaTypes lists the JSON types a property schema allows.
func schemaTypes(prop map[string]any) []string {
	switch t := prop["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if s, ok := v.(string); ok && s != "null" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func convertArg(prop map[string]any, value string) (any, error) {
	types := schemaTypes(prop)
	if len(types) != 1 {
		// Unknown or mixed: JSON when it parses as a structure, else a string.
		var v any
		if t := strings.TrimSpace(value); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && unmarshalExact(t, &v) == nil {
			return v, nil
		}
		return value, nil
	}
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
