package client

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// normalize turns any Go value into the shapes encoding/json produces when
// decoding into an `any`: nil, bool, float64, json.Number, string, []any and
// map[string]any. Callers of Do usually pass those already; other values
// (ints, []string, structs) go through a JSON round trip.
func normalize(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool, float64, json.Number, string:
		return v, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("value of type %T cannot be encoded: %w", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("value of type %T cannot be encoded: %w", v, err)
	}
	return out, nil
}

// Number returns v as a float64 when it is a number of any Go type a
// decoded document or argument holds (float64, json.Number, an integer).
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// scalarString formats a scalar the way JSON writes it: integers without an
// exponent (1000000, not 1e+06), booleans as true/false. Arrays and objects
// nested where only a scalar fits are written as compact JSON.
func scalarString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return numberString(t)
	case float64:
		b, err := json.Marshal(t)
		if err != nil { // NaN or ±Inf: not JSON, but still something readable
			return strconv.FormatFloat(t, 'g', -1, 64)
		}
		return string(b)
	}
	return compactJSON(v)
}

// numberString writes a number for a path, query, header or form: a whole
// number as an integer, whatever way the client wrote it (42.0, 4.2e1: some
// clients write every number as a float, and /issues/42.0 is not issue 42);
// any other as written.
func numberString(n json.Number) string {
	s := n.String()
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return s
	}
	// Whole as written, not as a float rounds it (0.99999999999999999 is
	// not 1): the decimal text read exactly.
	if !smallExponent(s) {
		return s
	}
	if r, ok := new(big.Rat).SetString(s); ok && r.IsInt() {
		return r.Num().String()
	}
	return s
}

// smallExponent reports whether a number's exponent, if it has one, is
// small enough to write it out (1e999999 would be a million digits).
func smallExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return true
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err == nil && e >= -64 && e <= 64
}

// compactJSON writes a value sent as JSON (a body, a JSON parameter, a
// nested value): compact, HTML characters as they are, and every whole
// number as an integer (see wholeNumbers).
func compactJSON(v any) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(wholeNumbers(v)); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// wholeNumbers is v with each whole number written as an integer, as
// numberString writes one (42.0 and 4.2e1 as 42; 0.99999999999999999 and
// every other number as written): some clients write every number as a
// float, and the JSON decoders of Go and Rust refuse 42.0 for an integer
// field.
func wholeNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		return json.Number(numberString(t))
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = wholeNumbers(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = wholeNumbers(e)
		}
		return out
	}
	return v
}

func isScalar(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	return true
}

// sortedKeys returns the keys of m in order, so that encodings are stable.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Percent-encoding. RFC 3986 unreserved characters are never encoded; each
// escaper lists the extra bytes it leaves alone.
const (
	// reservedQuery are the reserved characters OpenAPI's allowReserved lets
	// through in a query value. '#', '[', ']' (not allowed in a query) and
	// '&', '+' (meaningful in form encoding) are still encoded, as OpenAPI
	// 3.1.1 asks.
	reservedQuery = ":/?@!$'()*,;="
	// nameKeep is kept in query and form names: brackets stay literal so
	// that names such as `include[]` and `filter[status]` read on the wire
	// as they do in the description (Stripe's own libraries send them so).
	nameKeep = "[]"
	// pathKeep is what may stand literally in the fixed parts of a path
	// template (RFC 3986 pchar plus '/').
	pathKeep = "/:@!$&'()*+,;="
)

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperhex = "0123456789ABCDEF"

// escape percent-encodes every byte of s except unreserved ones and those in
// keep. With keepTriples, existing %XX sequences pass unchanged.
func escape(s, keep string, keepTriples bool) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isUnreserved(c), c < 0x80 && c != '%' && strings.IndexByte(keep, c) >= 0:
			sb.WriteByte(c)
		case keepTriples && c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			sb.WriteString(s[i : i+3])
			i += 2
		default:
			sb.WriteByte('%')
			sb.WriteByte(upperhex[c>>4])
			sb.WriteByte(upperhex[c&15])
		}
	}
	return sb.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// escapeValue encodes a query or form value.
func escapeValue(s string, allowReserved bool) string {
	if allowReserved {
		return escape(s, reservedQuery, true)
	}
	return escape(s, "", false)
}

// escapeName encodes a query or form name, keeping brackets.
func escapeName(s string) string { return escape(s, nameKeep, false) }

// pair is one name=value of a query string or form body, not yet escaped.
type pair struct{ name, value string }

// bracketPairs flattens v under name with Stripe's bracket convention, the
// one its API reference documents for form bodies and deepObject query
// parameters:
//
//	metadata[order_id]=6735      objects: one bracket per key
//	items[0][price]=price_123    arrays of objects: indexed, so that the
//	                             fields of one element stay together
//	expand[]=customer            arrays of scalars: empty brackets, as
//	                             Stripe writes `expand[]=discounts` in its
//	                             own descriptions and examples
//
// Keys are sorted; nulls, empty arrays and empty objects are left out.
func bracketPairs(name string, v any, out []pair) []pair {
	switch t := v.(type) {
	case nil:
		return out
	case map[string]any:
		for _, k := range sortedKeys(t) {
			out = bracketPairs(name+"["+k+"]", t[k], out)
		}
		return out
	case []any:
		allScalars := true
		for _, e := range t {
			if !isScalar(e) {
				allScalars = false
				break
			}
		}
		for i, e := range t {
			if allScalars {
				if e != nil {
					out = append(out, pair{name + "[]", scalarString(e)})
				}
				continue
			}
			out = bracketPairs(name+"["+strconv.Itoa(i)+"]", e, out)
		}
		return out
	}
	return append(out, pair{name, scalarString(v)})
}

// delimiters join the items of an array in the styles that name one,
// as text: OpenAPI's spaceDelimited and pipeDelimited, and tabDelimited
// for Swagger 2.0's collectionFormat tsv (OpenAPI 3 has no style for it).
var delimiters = map[string]string{"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}

// styledPair is one name=value of a query string or form body: the parts
// are escaped one by one and joined with sep, which is already escaped (so
// that a ',' inside a value is encoded but the delimiter is not).
type styledPair struct {
	name  string
	parts []string
	sep   string
}

// styled serialises one query parameter (or form property) per the OpenAPI
// style (form, spaceDelimited, pipeDelimited, deepObject; tabDelimited for
// Swagger 2.0's tsv) and explode rules.
func styled(name, style string, explode bool, v any) []styledPair {
	if v == nil {
		return nil
	}
	if style == "deepObject" {
		var out []styledPair
		for _, p := range bracketPairs(name, v, nil) {
			out = append(out, styledPair{name: p.name, parts: []string{p.value}})
		}
		return out
	}
	// The delimiter is escaped: '|' is not allowed unencoded in a URI
	// (RFC 3986), so it is sent as %7C; servers decode it back to the
	// pipe OpenAPI shows.
	sep := ","
	if d, ok := delimiters[style]; ok {
		sep = escape(d, "", false)
	}
	switch t := v.(type) {
	case []any:
		if len(t) == 0 {
			return nil
		}
		if explode {
			out := make([]styledPair, 0, len(t))
			for _, e := range t {
				out = append(out, styledPair{name: name, parts: []string{scalarString(e)}})
			}
			return out
		}
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = scalarString(e)
		}
		return []styledPair{{name: name, parts: parts, sep: sep}}
	case map[string]any:
		if len(t) == 0 {
			return nil
		}
		keys := sortedKeys(t)
		if explode {
			out := make([]styledPair, 0, len(t))
			for _, k := range keys {
				if t[k] == nil {
					continue
				}
				out = append(out, styledPair{name: k, parts: []string{scalarString(t[k])}})
			}
			return out
		}
		parts := make([]string, 0, 2*len(t))
		for _, k := range keys {
			parts = append(parts, k, scalarString(t[k]))
		}
		return []styledPair{{name: name, parts: parts, sep: sep}}
	}
	return []styledPair{{name: name, parts: []string{scalarString(v)}}}
}

// encodePairs writes pairs as a query string or form body.
func encodePairs(sb *strings.Builder, pairs []styledPair, allowReserved bool) {
	for _, p := range pairs {
		if sb.Len() > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(escapeName(p.name))
		sb.WriteByte('=')
		for i, part := range p.parts {
			if i > 0 {
				sb.WriteString(p.sep)
			}
			sb.WriteString(escapeValue(part, allowReserved))
		}
	}
}
