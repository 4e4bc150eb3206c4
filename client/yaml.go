package client

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// decodeDocument turns the bytes of a description into plain Go values
// (map[string]any, []any, string, float64/int, bool, nil; a JSON
// document's members no tool is built from are a *lazyJSON, which pointer
// decodes; a YAML number not written as text would write it, a
// yamlScalar), decompressed first when it is gzip and converted when
// it is UTF-16. The server's content type is never trusted: a document whose
// first non-space byte is '{' or '[' is JSON, decoded as encoding/json
// decodes it (decodeDescription, with fewer allocations; a YAML parser
// mangles JSON string escapes such as surrogate pairs); anything else is
// YAML.
func decodeDocument(data []byte) (any, error) {
	data, err := gunzip(data)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(fromUTF16(data), []byte(utf8BOM))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("the document is empty")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return decodeJSON(data)
	}
	if trimmed[0] == '<' {
		return nil, errors.New("this is HTML or XML, not a JSON or YAML OpenAPI description (a documentation page such as Swagger UI? point to the schema file it loads)")
	}
	return decodeYAML(data)
}

// utf8BOM is the UTF-8 byte order mark a document may begin with.
const utf8BOM = "\xef\xbb\xbf"

// gunzip is data decompressed when it is gzip (a .json.gz file, or one a
// server answers without saying Content-Encoding: gzip), else data; what
// it expands to is bounded as a document is.
func gunzip(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("compressed with gzip, and unreadable: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxDocumentBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("compressed with gzip, and unreadable: %w", err)
	case len(out) > maxDocumentBytes:
		return nil, fmt.Errorf("compressed with gzip, larger than %d MiB uncompressed", maxDocumentBytes>>20)
	}
	return out, nil
}

// fromUTF16 is data in UTF-8 when it is UTF-16 beginning with its byte
// order mark (what Windows PowerShell 5's > and Out-File write), else
// data: the JSON decoder reads UTF-8 only, and a YAML parser mangles
// JSON's escapes.
func fromUTF16(data []byte) []byte {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		order = binary.BigEndian
	default:
		return data
	}
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i+1 < len(data); i += 2 {
		units = append(units, order.Uint16(data[i:]))
	}
	out := make([]byte, 0, len(data))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

func decodeJSON(data []byte) (any, error) {
	if v, ok := decodeDescription(data); ok {
		return v, nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := lineCol(data, syn.Offset)
			return nil, fmt.Errorf("invalid JSON at line %d, column %d: %w", line, col, err)
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return v, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func decodeYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if doc.Kind == 0 {
		return nil, errors.New("the document is empty")
	}
	// Without aliases a document cannot hold more values than bytes.
	budget := len(data) + maxAliasValues
	return yamlValue(&doc, 0, &budget, false)
}

// maxYAMLDepth bounds nesting (and alias expansion) while converting.
const maxYAMLDepth = 400

// maxAliasValues bounds the values aliases may add, so that aliases
// expanding into aliases ("billion laughs") fail instead of exhausting
// memory.
const maxAliasValues = 1_000_000

// yamlValue converts a YAML node to plain Go values. Mapping keys become
// strings as written (Asana's unquoted response codes, 200:, become "200").
// A plain scalar read as a number that text would not give back as
// written is a yamlScalar; so is one read as a boolean (True, FALSE) when
// literal: the value of an enum, const or default, which stands for its
// text in a string schema.
func yamlValue(n *yaml.Node, depth int, budget *int, literal bool) (any, error) {
	if *budget--; *budget < 0 {
		return nil, fmt.Errorf("line %d: the document expands to too many values (aliases)", n.Line)
	}
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("line %d: YAML nested too deeply (or a recursive alias)", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], depth+1, budget, false)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias", n.Line)
		}
		return yamlValue(n.Alias, depth+1, budget, literal)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1, budget, literal)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		if err := yamlMapping(n, out, depth, budget); err != nil {
			return nil, err
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str", "!!timestamp", "!!binary":
			return n.Value, nil
		case "!!null":
			return nil, nil
		default:
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, err)
			}
			if _, isBool := v.(bool); isBool && !literal {
				return v, nil // required: True is true
			}
			if !writtenAs(v, n.Value) {
				return yamlScalar{value: v, text: n.Value}, nil
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// yamlScalar is a plain YAML scalar read as a number that text would not
// give back as written (1.0, 2023.10, 010, 1e3), or as a boolean not
// written true or false (True, FALSE) in an enum, const or default: value
// is the number or boolean, text the scalar as written, for where a string
// is wanted (a server variable, the enum of a string schema). The schema
// converter hands out the one or the other (schemaValue), never a
// yamlScalar. (yes, no, on and off are strings to this YAML 1.2 parser.)
type yamlScalar struct {
	value any
	text  string
}

// writtenAs reports whether text gives back s for v, the value of a
// scalar written s: always for a value other than a number or a boolean.
func writtenAs(v any, s string) bool {
	var buf [32]byte
	var b []byte
	switch x := v.(type) {
	case int:
		b = strconv.AppendInt(buf[:0], int64(x), 10)
	case int64:
		b = strconv.AppendInt(buf[:0], x, 10)
	case uint64:
		b = strconv.AppendUint(buf[:0], x, 10)
	case float64:
		b = strconv.AppendFloat(buf[:0], x, 'f', -1, 64)
	case bool:
		b = strconv.AppendBool(buf[:0], x)
	default:
		return true
	}
	return string(b) == s
}

func yamlMapping(n *yaml.Node, out map[string]any, depth int, budget *int) error {
	// lines holds the line of each key written in this mapping: one
	// written twice would silently replace the first (a second "/pets:"
	// would take the first one's operations away), which YAML forbids.
	var lines map[string]int
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if err := yamlMerge(v, out, depth+1, budget); err != nil {
				return err
			}
			continue
		}
		key, err := yamlKey(k)
		if err != nil {
			return err
		}
		if first, dup := lines[key]; dup {
			return fmt.Errorf("line %d: the key %q is written twice in one mapping (first at line %d), and YAML forbids that: merge the two into one", k.Line, key, first)
		}
		if lines == nil {
			lines = make(map[string]int, len(n.Content)/2)
		}
		lines[key] = k.Line
		val, err := yamlValue(v, depth+1, budget, key == "enum" || key == "const" || key == "default")
		if err != nil {
			return err
		}
		out[key] = val
	}
	return nil
}

// yamlMerge applies a merge key (<<: *base or <<: [*a, *b]); keys already
// present win.
func yamlMerge(v *yaml.Node, out map[string]any, depth int, budget *int) error {
	if depth > maxYAMLDepth {
		return fmt.Errorf("line %d: YAML nested too deeply", v.Line)
	}
	switch {
	case v.Kind == yaml.AliasNode && v.Alias != nil:
		return yamlMerge(v.Alias, out, depth+1, budget)
	case v.Kind == yaml.SequenceNode:
		for _, c := range v.Content {
			if err := yamlMerge(c, out, depth+1, budget); err != nil {
				return err
			}
		}
		return nil
	case v.Kind == yaml.MappingNode:
		tmp := make(map[string]any, len(v.Content)/2)
		if err := yamlMapping(v, tmp, depth, budget); err != nil {
			return err
		}
		for k, x := range tmp {
			if _, ok := out[k]; !ok {
				out[k] = x
			}
		}
		return nil
	}
	return fmt.Errorf("line %d: a merge key (<<) needs a mapping", v.Line)
}

func yamlKey(k *yaml.Node) (string, error) {
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
	}
	if k.ShortTag() == "!!null" && strings.TrimSpace(k.Value) == "" {
		return "", nil
	}
	return k.Value, nil
}
