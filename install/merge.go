package install

import "strings"

// The entry's command and the leading "serve --profile NAME" of its
// arguments belong to restmcp; whatever else the user added to an entry
// (other keys such as "disabled" or "env", extra arguments such as
// --read-only, Codex's startup_timeout_sec) stays when install updates it.

// mergeArgs returns the arguments to write when the entry's arguments were
// old: ours, followed by the extra arguments the user added after ours. An
// entry that does not start with our subcommand (another program's) gets
// ours alone.
func mergeArgs(old, ours []string) []string {
	if len(ours) == 0 || len(old) == 0 || old[0] != ours[0] {
		return ours
	}
	// ours is the subcommand then flag/value pairs; drop each of our
	// flags from the old arguments, in any of its spellings.
	var flags []string
	for i := 1; i+1 < len(ours); i += 2 {
		flags = append(flags, ours[i])
	}
	var extra []string
	for i := 1; i < len(old); i++ {
		a := old[i]
		if name, ok := ownedFlag(a, flags); ok {
			if !strings.Contains(a, "=") && !(len(name) == 2 && len(a) > 2) {
				i++ // the value is the next argument
			}
			continue
		}
		extra = append(extra, a)
	}
	return append(append([]string(nil), ours...), extra...)
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
