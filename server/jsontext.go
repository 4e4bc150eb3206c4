package server

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// appendJSONString appends s as encoding/json encodes a string: quoted;
// '"', '\\' and control characters escaped (\b, \f, \n, \r, \t in short);
// '<', '>' and '&' as \u003c, \u003e and \u0026; U+2028 and U+2029 as
// \u2028 and \u2029; each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendRawJSON appends raw as encoding/json encodes a json.RawMessage:
// compacted, with '<', '>', '&', U+2028 and U+2029 escaped. It reports
// false when raw is not JSON.
func appendRawJSON(b []byte, raw []byte) ([]byte, bool) {
	n := len(b)
	buf := bytes.NewBuffer(b)
	if json.Compact(buf, raw) != nil {
		return b, false
	}
	b = buf.Bytes()
	if !needsHTMLEscape(b[n:]) {
		return b, true
	}
	tail := bytes.Clone(b[n:])
	buf = bytes.NewBuffer(b[:n])
	json.HTMLEscape(buf, tail)
	return buf.Bytes(), true
}

// needsHTMLEscape reports whether b holds '<', '>', '&', U+2028 or U+2029.
func needsHTMLEscape(b []byte) bool {
	for i, c := range b {
		switch {
		case c == '<' || c == '>' || c == '&':
			return true
		case c == 0xe2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xa8:
			return true
		}
	}
	return false
}
