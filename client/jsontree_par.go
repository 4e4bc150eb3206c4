package client

import (
	"cmp"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
)

// parallelMinBytes is the size from which decodeDescription decodes a
// description on every core.
const parallelMinBytes = 1 << 20

// splitMinBytes is the size from which a member of the description's root
// object (its paths, its components) is decoded in parts: its own members.
const splitMinBytes = 128 << 10

// beforePieces, in tests, runs once the pieces are found, before they are
// decoded.
var beforePieces func()

// piece is one value of a description decoded on its own: a member of the
// root object, or a member of one of its large members.
type piece struct {
	trail      []string // the keys of the objects holding it
	key        string
	start, end int
	val        any
	ok         bool
}

// rootObject decodes the description's root object (at d.pos) on every
// core: its members, and the members of its large members, are pieces
// that goroutines decode, each with its own decoder, largest first; the
// objects are then put together in the document's order (a repeated key
// keeps its last value, as encoding/json's). Anything amiss is refused as
// object would refuse it: decoding the pieces checks what they hold, and
// the text between them is checked here.
func (d *treeDecoder) rootObject() (any, bool) {
	type entry struct {
		key    string
		pieces []int // the member's own value (one piece), or its members'
		split  bool
	}
	var entries []entry
	var pieces []*piece
	ok := d.members0(func(key string, start, end int) bool {
		e := entry{key: key}
		if end-start >= splitMinBytes && d.data[start] == '{' {
			e.split = true
			save := d.pos
			d.pos = start
			d.depth++
			ok := d.members0(func(k string, s, e2 int) bool {
				e.pieces = append(e.pieces, len(pieces))
				pieces = append(pieces, &piece{trail: []string{key}, key: k, start: s, end: e2})
				return true
			})
			d.depth--
			if !ok || d.pos != end {
				return false
			}
			d.pos = save
		} else {
			e.pieces = []int{len(pieces)}
			pieces = append(pieces, &piece{key: key, start: start, end: end})
		}
		entries = append(entries, e)
		return true
	})
	if !ok {
		return nil, false
	}
	order := make([]*piece, len(pieces))
	copy(order, pieces)
	slices.SortStableFunc(order, func(a, b *piece) int { return cmp.Compare(b.end-b.start, a.end-a.start) })
	if beforePieces != nil {
		beforePieces()
	}
	var next atomic.Int64
	var faulted atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Go(func() {
			// The text may be a file's mapped pages: a file cut short
			// under it faults here as in the caller (mappedJSON), which
			// then reads the file instead.
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					if _, fault := r.(interface{ Addr() uintptr }); !fault {
						panic(r)
					}
					faulted.Store(true)
				}
			}()
			w := newTreeDecoder(d.data, d.lazy)
			for i := next.Add(1) - 1; i < int64(len(order)); i = next.Add(1) - 1 {
				p := order[i]
				w.pos, w.trail, w.depth = p.start, append(w.trail[:0], p.trail...), len(p.trail)+1
				p.val, p.ok = w.member(p.key)
				p.ok = p.ok && w.pos == p.end
			}
		})
	}
	wg.Wait()
	if faulted.Load() {
		return nil, false
	}
	root := make(map[string]any, len(entries))
	for _, e := range entries {
		if !e.split {
			p := pieces[e.pieces[0]]
			if !p.ok {
				return nil, false
			}
			root[e.key] = p.val
			continue
		}
		m := make(map[string]any, len(e.pieces))
		for _, i := range e.pieces {
			p := pieces[i]
			if !p.ok {
				return nil, false
			}
			m[p.key] = p.val
		}
		root[e.key] = m
	}
	return root, true
}

// members0 walks the members of the object at d.pos without decoding
// their values: f receives each key and where its value starts and ends.
// The object's brackets, keys, colons and commas are checked; the values
// only as far as finding their end needs.
func (d *treeDecoder) members0(f func(key string, start, end int) bool) bool {
	if d.depth > maxTreeDepth {
		return false
	}
	d.pos++ // {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return true
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return false
		}
		k, ok := d.str(-1)
		if !ok {
			return false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return false
		}
		d.pos++
		d.space()
		start := d.pos
		if d.pos >= len(d.data) {
			return false
		}
		if c := d.data[d.pos]; c == '{' || c == '[' {
			if d.pos = d.skip(d.pos, len(d.data)); d.pos < 0 {
				return false
			}
		} else if !d.check() {
			return false
		}
		if !f(k, start, d.pos) {
			return false
		}
		if end, ok := d.after('}'); !ok || end {
			return ok
		}
	}
}
