package client

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// decodeTree decodes a JSON document into the values encoding/json gives
// an `any` (map[string]any, []any, string, float64, bool, nil) with far
// fewer allocations: every object key, and every short string value, is
// one string however often it appears (a large description repeats
// "type", "description", "string" and its $refs thousands of times);
// equal small objects and arrays are one value; maps and slices are made
// at their final size; small whole numbers share their boxed values. The
// result is the same as encoding/json's for every document it accepts.
// ok is false for anything it does not handle itself (invalid JSON, a
// number out of range, nesting deeper than encoding/json allows): the
// caller then decodes the document with encoding/json, whose result or
// error is the one given.
func decodeTree(data []byte) (v any, ok bool) {
	return newTreeDecoder(data, false).document()
}

// decodeDescription is decodeTree for an OpenAPI description: the members
// no tool is built from — each operation's responses and the components'
// examples, a third of some descriptions — are checked as encoding/json
// would check them but kept as their text (a *lazyJSON), decoded only if
// a $ref reaches into them (pointer).
func decodeDescription(data []byte) (v any, ok bool) {
	return newTreeDecoder(data, true).document()
}

func newTreeDecoder(data []byte, lazy bool) *treeDecoder {
	return &treeDecoder{data: data, lazy: lazy, strs: make(map[string]string, 1024),
		spans: make(map[uint64]span, 1024), seed: maphash.MakeSeed(), small: smallNumbers()}
}

func (d *treeDecoder) document() (any, bool) {
	d.space()
	if d.lazy && len(d.data) >= parallelMinBytes && runtime.GOMAXPROCS(0) > 1 && d.pos < len(d.data) && d.data[d.pos] == '{' {
		d.depth = 1
		v, ok := d.rootObject()
		d.depth = 0
		if !ok {
			return nil, false
		}
		d.space()
		return v, d.pos == len(d.data)
	}
	v, ok := d.value()
	if !ok {
		return nil, false
	}
	d.space()
	if d.pos != len(d.data) {
		return nil, false
	}
	return v, true
}

// lazyJSON is a member of a description kept as its text, checked, and
// decoded when first reached.
type lazyJSON struct {
	raw  []byte
	val  any
	done bool
}

// value is the member decoded (once).
func (l *lazyJSON) value() any {
	if !l.done {
		var ok bool
		if l.val, ok = decodeTree(l.raw); !ok { // checked when it was kept
			_ = json.Unmarshal(l.raw, &l.val)
		}
		l.raw, l.done = nil, true
	}
	return l.val
}

// unread reports whether the member key of the object reached through
// the keys trail is one decodeDescription keeps as its text.
func unread(trail []string, key string) bool {
	switch len(trail) {
	case 1:
		return key == "examples" && trail[0] == "components"
	case 3:
		return key == "responses" && trail[0] == "paths" && slices.Contains(pathMethods, trail[2])
	}
	return false
}

// trailMax is how deep decodeDescription follows the keys of objects.
const trailMax = 4

// maxTreeDepth is encoding/json's nesting limit: deeper documents are
// left to it (it reports the error).
const maxTreeDepth = 10000

// internMax is the longest string value shared between its occurrences;
// keys are always shared.
const internMax = 64

// smallNumbers are the boxed values of the whole numbers 0–255, shared
// (made on the first decode, not at every start).
var smallNumbers = sync.OnceValue(func() *[256]any {
	var n [256]any
	for i := range n {
		n[i] = float64(i)
	}
	return &n
})

type treeDecoder struct {
	data    []byte
	pos     int
	depth   int
	lazy    bool
	trail   []string // the keys (or "" for an array) down to here, trailMax at most
	strs    map[string]string
	spans   map[uint64]span // small objects and arrays decoded, by their text's hash
	seed    maphash.Seed
	small   *[256]any // smallNumbers
	members []member  // the members of the objects being decoded
	items   []any     // the items of the arrays being decoded
}

// span is a small object or array decoded: its text and its value.
type span struct {
	start, end int
	val        any
}

// shareMax is the longest text of an object or array whose value is
// shared with the other occurrences of the same text.
const shareMax = 1024

// shared decodes the object or array at d.pos with decode, or returns the
// value of an earlier occurrence of the same text. The same text decodes
// to the same value, which nothing changes once decoded: a description
// repeats many small schemas ({"type": "string", "maxLength": 5000},
// {"$ref": "…"}) word for word.
func (d *treeDecoder) shared(decode func() (any, bool)) (any, bool) {
	if d.tracking() {
		return decode() // may hold members kept as their text
	}
	start := d.pos
	end := d.skip(start, shareMax)
	if end < 0 {
		return decode()
	}
	h := maphash.Bytes(d.seed, d.data[start:end])
	if s, ok := d.spans[h]; ok && bytes.Equal(d.data[s.start:s.end], d.data[start:end]) {
		d.pos = end
		return s.val, true
	}
	v, ok := decode()
	if ok && d.pos == end {
		if _, taken := d.spans[h]; !taken {
			d.spans[h] = span{start, end, v}
		}
	}
	return v, ok
}

// skip returns the end of the object or array at i when its text is at
// most max bytes long, else -1. It only matches brackets outside strings:
// decoding checks the rest.
func (d *treeDecoder) skip(i, max int) int {
	depth := 0
	limit := min(len(d.data), i+max)
	for ; i < limit; i++ {
		switch d.data[i] {
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < limit && d.data[i] != '"'; i++ {
				if d.data[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

// after moves past what follows a member or an item: a comma (end is
// false), or the closing bracket (end is true); anything else is not ok.
func (d *treeDecoder) after(closing byte) (end, ok bool) {
	d.space()
	if d.pos >= len(d.data) {
		return false, false
	}
	c := d.data[d.pos]
	d.pos++
	return c == closing, c == closing || c == ','
}

// tracking reports whether the keys down to here are followed.
func (d *treeDecoder) tracking() bool { return d.lazy && len(d.trail) < trailMax }

// member decodes the value of key (of an array item: ""), kept as its
// text when no tool is built from it.
func (d *treeDecoder) member(key string) (any, bool) {
	if !d.tracking() {
		return d.value()
	}
	if unread(d.trail, key) {
		d.space()
		start := d.pos
		if !d.check() {
			return nil, false
		}
		return &lazyJSON{raw: bytes.Clone(d.data[start:d.pos])}, true
	}
	d.trail = append(d.trail, key)
	v, ok := d.value()
	d.trail = d.trail[:len(d.trail)-1]
	return v, ok
}

type member struct {
	key string
	val any
}

func (d *treeDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *treeDecoder) value() (any, bool) {
	d.space()
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.shared(d.object)
	case c == '[':
		return d.shared(d.array)
	case c == '"':
		s, ok := d.str(internMax)
		return s, ok
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *treeDecoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

func (d *treeDecoder) object() (any, bool) {
	if d.depth++; d.depth > maxTreeDepth {
		return nil, false
	}
	d.pos++ // {
	base := len(d.members)
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return map[string]any{}, true
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		k, ok := d.str(-1)
		if !ok {
			return nil, false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		v, ok := d.member(k)
		if !ok {
			return nil, false
		}
		d.members = append(d.members, member{k, v})
		if end, ok := d.after('}'); !ok {
			return nil, false
		} else if end {
			break
		}
	}
	ms := d.members[base:]
	m := make(map[string]any, len(ms))
	for _, kv := range ms { // in order: a repeated key keeps its last value
		m[kv.key] = kv.val
	}
	clear(ms)
	d.members = d.members[:base]
	d.depth--
	return m, true
}

func (d *treeDecoder) array() (any, bool) {
	if d.depth++; d.depth > maxTreeDepth {
		return nil, false
	}
	d.pos++ // [
	base := len(d.items)
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []any{}, true
	}
	for {
		v, ok := d.member("")
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		if end, ok := d.after(']'); !ok {
			return nil, false
		} else if end {
			break
		}
	}
	items := d.items[base:]
	a := make([]any, len(items))
	copy(a, items)
	clear(items)
	d.items = d.items[:base]
	d.depth--
	return a, true
}

// str decodes the string at d.pos; one of at most share bytes (any, when
// share is negative) is shared with its other occurrences. A string with
// escapes or bytes outside ASCII goes through encoding/json, which
// decodes escapes and replaces invalid UTF-8 as it always does.
func (d *treeDecoder) str(share int) (string, bool) {
	start := d.pos + 1
	i := start
	plain := true
	for ; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return "", false
		}
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			if c == '\\' {
				i++ // the escaped byte cannot end the string
			}
		}
	}
	if i >= len(d.data) {
		return "", false
	}
	d.pos = i + 1
	raw := d.data[start:i]
	if !plain {
		if utf8.Valid(raw) && !hasByte(raw, '\\') {
			plain = true
		} else {
			var s string
			if json.Unmarshal(d.data[start-1:i+1], &s) != nil {
				return "", false
			}
			return d.share(s, share), true
		}
	}
	if share >= 0 && len(raw) > share {
		return string(raw), true
	}
	if s, ok := d.strs[string(raw)]; ok {
		return s, true
	}
	s := string(raw)
	d.strs[s] = s
	return s, true
}

func (d *treeDecoder) share(s string, share int) string {
	if share >= 0 && len(s) > share {
		return s
	}
	if t, ok := d.strs[s]; ok {
		return t
	}
	d.strs[s] = s
	return s
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// number decodes a JSON number as encoding/json does into an `any`: a
// float64, from strconv.ParseFloat of its text — except a whole number a
// float64 cannot hold exactly (past 2^53: 9007199254740993, an int64's
// 9223372036854775807) and a number out of a float64's range (1e400),
// which stay their text, a json.Number, so that an enum or a bound is
// listed and checked as written, and a description holding one loads.
func (d *treeDecoder) number() (any, bool) {
	start := d.pos
	f, ok := d.scanNumber()
	if !ok {
		if d.pos > start { // valid, out of range
			return json.Number(d.data[start:d.pos]), true
		}
		return nil, false
	}
	if text := d.data[start:d.pos]; len(text) > 15 && !floatHolds(text, f) {
		return json.Number(text), true
	}
	if f >= 0 && !math.Signbit(f) && f < float64(len(d.small)) && f == math.Trunc(f) {
		return d.small[int(f)], true
	}
	return f, true
}

// floatHolds reports whether f, the float64 of text (a JSON number), may
// stand for it: text is not a whole number, or one f holds exactly.
func floatHolds(text []byte, f float64) bool {
	if bytes.ContainsAny(text, ".eE") {
		return true
	}
	return strconv.FormatFloat(f, 'f', -1, 64) == string(text)
}

// scanNumber moves past the number at d.pos and returns its value. A
// number out of a float64's range is not ok, with d.pos past it.
func (d *treeDecoder) scanNumber() (float64, bool) {
	start := d.pos
	i := start
	if d.data[i] == '-' {
		i++
	}
	digits := i
	for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
		i++
	}
	if i == digits || d.data[digits] == '0' && i-digits > 1 {
		return 0, false
	}
	whole := true
	if i < len(d.data) && d.data[i] == '.' {
		whole = false
		i++
		frac := i
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
		}
		if i == frac {
			return 0, false
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		whole = false
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		exp := i
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
		}
		if i == exp {
			return 0, false
		}
	}
	d.pos = i
	text := d.data[start:i]
	if whole && start == digits && len(text) <= 15 {
		// Exact in a float64: no parsing needed.
		var n int64
		for _, c := range text {
			n = n*10 + int64(c-'0')
		}
		return float64(n), true
	}
	f, err := strconv.ParseFloat(string(text), 64)
	return f, err == nil
}

// check moves past the value at d.pos, checking it as encoding/json
// would decode it, without keeping anything.
func (d *treeDecoder) check() bool {
	d.space()
	if d.pos >= len(d.data) {
		return false
	}
	switch c := d.data[d.pos]; {
	case c == '{', c == '[':
		return d.checkList(c)
	case c == '"':
		return d.checkString()
	case c == '-' || '0' <= c && c <= '9':
		start := d.pos
		_, ok := d.scanNumber()
		return ok || d.pos > start
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	return false
}

// checkList checks an object (open '{') or an array.
func (d *treeDecoder) checkList(open byte) bool {
	if d.depth++; d.depth > maxTreeDepth {
		return false
	}
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	d.pos++
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == closing {
		d.pos++
		d.depth--
		return true
	}
	for {
		if open == '{' {
			d.space()
			if d.pos >= len(d.data) || d.data[d.pos] != '"' || !d.checkString() {
				return false
			}
			d.space()
			if d.pos >= len(d.data) || d.data[d.pos] != ':' {
				return false
			}
			d.pos++
		}
		if !d.check() {
			return false
		}
		if end, ok := d.after(closing); !ok || end {
			d.depth--
			return ok
		}
	}
}

// checkString checks a string: no control character, valid escapes
// (encoding/json replaces invalid UTF-8 and lone surrogates).
func (d *treeDecoder) checkString() bool {
	for i := d.pos + 1; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(d.data) {
				return false
			}
			switch d.data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(d.data) {
					return false
				}
				for _, h := range d.data[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

// SettleNumbers gives the API, decoded from JSON with json.Decoder's
// UseNumber (the compiled description cache), the numbers Load gives:
// float64 where a float64 holds the number exactly, json.Number where it
// does not (see treeDecoder.number). Decoded into float64, an enum value
// or a bound past 2^53 would be rounded.
func (a *API) SettleNumbers() {
	for _, op := range a.Operations {
		for _, p := range op.Params {
			settle(p.Schema)
		}
		if op.Body != nil {
			settle(op.Body.Schema)
		}
	}
}

func settle(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil && floatHolds([]byte(x), f) {
			return f
		}
	case map[string]any:
		for k, e := range x {
			x[k] = settle(e)
		}
	case []any:
		for i, e := range x {
			x[i] = settle(e)
		}
	}
	return v
}
