package install

import (
	"bytes"
	"strings"
)

// The entry's command and the leading "serve --profile NAME" of its
// arguments belong to restmcp; whatever else the user added to an entry
// (other keys such as "disabled" or "env", extra arguments such as
// --read-only, Codex's startup_timeout_sec) stays when install updates it.

// mergeArgs returns the arguments to write when the entry's arguments were
// old: ours, followed by the extra arguments the user added after ours. An
// entry that does not start with our subcommand (another program's) gets
// ours alone.
func mergeArgs(old, ours []string) []string {
	_, extra := splitArgs(old, ours)
	out := append([]string(nil), ours...)
	for _, i := range extra {
		out = append(out, old[i])
	}
	return out
}

// splitArgs returns the indexes of the old arguments that are ours (the
// subcommand, our flags and their values) and of the extra ones, in order.
func splitArgs(old, ours []string) (owned, extra []int) {
	if len(ours) == 0 || len(old) == 0 || old[0] != ours[0] {
		for i := range old {
			owned = append(owned, i)
		}
		return owned, nil
	}
	// ours is the subcommand then flag/value pairs; drop each of our
	// flags from the old arguments, in any of its spellings.
	var flags []string
	for i := 1; i+1 < len(ours); i += 2 {
		flags = append(flags, ours[i])
	}
	owned = []int{0}
	for i := 1; i < len(old); i++ {
		a := old[i]
		if name, ok := ownedFlag(a, flags); ok {
			owned = append(owned, i)
			if !strings.Contains(a, "=") && !(len(name) == 2 && len(a) > 2) && i+1 < len(old) {
				i++ // the value is the next argument
				owned = append(owned, i)
			}
			continue
		}
		extra = append(extra, i)
	}
	return owned, extra
}

// argOrigins returns, for each of mergeArgs(old, ours), the index of the
// old argument whose place (its line, and the comment on it) it takes: an
// extra argument its own, ours those of the old arguments of ours, in
// order; -1 for none.
func argOrigins(old, ours []string) []int {
	owned, extra := splitArgs(old, ours)
	from := make([]int, len(ours))
	for i := range ours {
		from[i] = -1
		if i < len(owned) {
			from[i] = owned[i]
		}
	}
	return append(from, extra...)
}

// relayoutArray rewrites the array src[open:close+1] (src[close] is its
// ']'), whose elements are at spans and hold old, to hold
// mergeArgs(old, ours), when it is written on several lines with its '['
// and ']' on lines of their own: each argument gets a line of its own,
// the one of the old element whose place it takes (see argOrigins), with
// its indentation, the comment after it and the comment lines above it,
// or a new one indented like the first. The comment after elements that
// shared a line goes with the last of them that stays as it was (else the
// last); the comment lines above an element that goes stay; so do the
// array's first and last lines, and a trailing comma after the last
// element. ok is false when the array is written another way.
func relayoutArray(src []byte, open, close int, spans [][2]int, old, ours []string, quote func(string) string, comment func([]byte) bool) (string, bool) {
	args, from := mergeArgs(old, ours), argOrigins(old, ours)
	if len(spans) != len(old) || len(spans) == 0 || len(args) == 0 || !bytes.Contains(src[open:close], []byte("\n")) {
		return "", false
	}
	type line struct {
		prefix, indent, rest, nl string
		comma                    bool
	}
	// restOf splits what follows an element (or the '[') on its line.
	restOf := func(from, to int) (rest, nl string, comma, ok bool) {
		r := bytes.TrimRight(src[from:to], "\r\n")
		nl = string(src[from+len(r) : to])
		if t := bytes.TrimLeft(r, " \t"); len(t) > 0 && t[0] == ',' {
			r, comma = t[1:], true
		}
		if t := bytes.TrimLeft(r, " \t"); len(t) > 0 && !comment(t) {
			return "", "", false, false
		}
		if len(bytes.TrimSpace(r)) > 0 {
			rest = string(r)
		}
		return rest, nl, comma, nl != ""
	}
	head := lineEnd(src, open)
	if _, _, comma, ok := restOf(open+1, head); !ok || comma {
		return "", false
	}
	lines := make([]line, len(spans))
	// unchanged[k]: the old element k stays, as it was.
	unchanged := make([]bool, len(old))
	for j, k := range from {
		if k >= 0 && args[j] == old[k] {
			unchanged[k] = true
		}
	}
	nl := ""
	pos, first := head, 0
	for i, sp := range spans {
		ls := lineStart(src, sp[0])
		switch {
		case ls >= pos && isBlank(src[ls:sp[0]]):
			lines[i].prefix, lines[i].indent = string(src[pos:ls]), string(src[ls:sp[0]])
			first = i
		case ls < pos && i > 0:
			// After another element on its line.
			lines[i].indent = lines[i-1].indent
		default:
			return "", false
		}
		next := close
		if i+1 < len(spans) {
			next = spans[i+1][0]
		}
		end := lineEnd(src, sp[1])
		if next < end {
			// The next element is on this line.
			if i+1 == len(spans) || string(bytes.TrimSpace(src[sp[1]:next])) != "," {
				return "", false
			}
			lines[i].comma, pos = true, next
			continue
		}
		rest, lnl, comma, ok := restOf(sp[1], end)
		if !ok || (!comma && i < len(spans)-1) {
			return "", false
		}
		lines[i].nl, lines[i].comma = lnl, comma
		// The comment goes with the last element of the line that
		// stays as it was, else with the last.
		carrier := i
		for k := i; k >= first; k-- {
			if unchanged[k] {
				carrier = k
				break
			}
		}
		lines[carrier].rest = rest
		if nl == "" {
			nl = lnl
		}
		pos = end
	}
	if lineStart(src, close) < pos || !isBlank(src[lineStart(src, close):close]) {
		return "", false
	}
	for i := range lines {
		if lines[i].nl == "" {
			lines[i].nl = nl
		}
	}
	var b strings.Builder
	b.Write(src[open:head])
	used := make([]bool, len(lines))
	for j, a := range args {
		l := line{indent: lines[0].indent, nl: nl}
		if k := from[j]; k >= 0 && k < len(lines) && !used[k] {
			l, used[k] = lines[k], true
		}
		b.WriteString(l.prefix + l.indent + quote(a))
		if j < len(args)-1 || lines[len(lines)-1].comma {
			b.WriteByte(',')
		}
		b.WriteString(l.rest + l.nl)
	}
	// The comment lines above an element that goes stay.
	for k, l := range lines {
		if !used[k] {
			b.WriteString(l.prefix)
		}
	}
	b.Write(src[pos : close+1])
	return b.String(), true
}

// ownedFlag reports whether the argument a sets one of flags, spelled
// --profile VALUE, --profile=VALUE, or as its one-letter form (-p VALUE,
// -p=VALUE, -pVALUE).
func ownedFlag(a string, flags []string) (string, bool) {
	for _, f := range flags {
		for _, name := range append([]string{f}, shorthands[f]...) {
			if a == name || strings.HasPrefix(a, name+"=") || (len(name) == 2 && strings.HasPrefix(a, name) && len(a) > 2 && !strings.HasPrefix(a, "--")) {
				return name, true
			}
		}
	}
	return "", false
}

// shorthands are the one-letter forms of serve's flags.
var shorthands = map[string][]string{"--profile": {"-p"}}

// flagValue returns the value the arguments give flag (the last one, as
// the command line reads them), in any spelling ownedFlag accepts; ok is
// false when they do not set it.
func flagValue(args []string, flag string) (value string, ok bool) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		name, owned := ownedFlag(a, []string{flag})
		switch {
		case !owned:
		case strings.Contains(a, "="):
			value, ok = a[strings.Index(a, "=")+1:], true
		case len(name) == 2 && len(a) > 2:
			value, ok = a[2:], true
		case i+1 < len(args):
			i++
			value, ok = args[i], true
		}
	}
	return value, ok
}
