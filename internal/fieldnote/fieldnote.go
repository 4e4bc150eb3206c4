// Package fieldnote reads the note by which a tool listing names the
// fields of an object it lists without them, "{city, country}", or those
// of an array's items, "[{required price; optional quantity; 2 more}]":
// the fields in braces, as a JSON value holds them. The listing writes
// it (server) and compares listings by it (tooldiff); earlier listings
// said the same in words, "(fields: city, country)" and "(items' fields:
// …)", which Words gives back.
package fieldnote

import "strings"

// At returns the note that ends d (a schema's description, or the part of
// it before the notes that follow this one) and where it starts, or ""
// and -1. It is one only on the shape of a schema listed without its
// fields, s: an object without properties for "{…}", an array whose
// items say nothing for "[{…}]"; only the names, in the words List reads;
// and only at the start of d or after a space. A description that merely
// ends in braces is no note.
func At(s map[string]any, d string) (string, int) {
	open, body := "{", ""
	switch {
	case strings.HasSuffix(d, "}]"):
		open, body = "[{", strings.TrimSuffix(d, "}]")
	case strings.HasSuffix(d, "}"):
		body = strings.TrimSuffix(d, "}")
	default:
		return "", -1
	}
	if _, has := s["properties"]; has {
		return "", -1
	}
	i := strings.LastIndex(body, open)
	if i < 0 || i > 0 && body[i-1] != ' ' || !List(body[i+len(open):]) {
		return "", -1
	}
	switch items, isMap := s["items"].(map[string]any); {
	case open == "{" && s["type"] == "object":
	case open == "[{" && s["type"] == "array" && (s["items"] == nil || isMap && len(items) == 0):
	default:
		return "", -1
	}
	return d[i:], i
}

// List reports whether l is a list of field names as a note writes it:
// "a, b", "required a; optional b; 2 more", "required a; 3 more". A name
// holds no space and none of ,;{}()[]".
func List(l string) bool {
	parts := strings.Split(l, "; ")
	if n, ok := strings.CutSuffix(parts[len(parts)-1], " more"); ok && len(parts) > 1 {
		if n == "" || strings.Trim(n, "0123456789") != "" {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	required := false
	for i, p := range parts {
		switch {
		case i == 0 && strings.HasPrefix(p, "required "):
			p, required = strings.TrimPrefix(p, "required "), true
		case i == 1 && required && strings.HasPrefix(p, "optional "):
			p = strings.TrimPrefix(p, "optional ")
		case i > 0:
			return false
		}
		for _, name := range strings.Split(p, ", ") {
			if name == "" || strings.ContainsAny(name, " \t\n,;{}()[]\"") {
				return false
			}
		}
	}
	return true
}

// Words is a note in braces (At) in the words earlier listings said it
// with: "{a, b}" is "(fields: a, b)", "[{a}]" is "(items' fields: a)";
// any other text is itself.
func Words(note string) string {
	if l, ok := strings.CutPrefix(note, "[{"); ok && strings.HasSuffix(l, "}]") {
		return "(items' fields: " + strings.TrimSuffix(l, "}]") + ")"
	}
	if l, ok := strings.CutPrefix(note, "{"); ok && strings.HasSuffix(l, "}") {
		return "(fields: " + strings.TrimSuffix(l, "}") + ")"
	}
	return note
}
