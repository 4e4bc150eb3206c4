package app

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeKey turns what was typed or piped in as a key into the key: a
// UTF-8 byte-order mark is dropped, UTF-16 with a byte-order mark (what
// Windows PowerShell 5.1's `echo KEY > key.txt` writes) is decoded, and
// surrounding white space is trimmed. A key that cannot be sent in an HTTP
// header is refused, saying what is wrong without showing it. An empty
// result is returned as "" with no error: the caller says where it looked.
func DecodeKey(raw []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		s = string(raw[3:])
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		s = decodeUTF16(raw[2:], false)
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		s = decodeUTF16(raw[2:], true)
	default:
		s = string(raw)
	}
	key := strings.TrimSpace(s)
	if key == "" {
		return "", nil
	}
	if strings.IndexByte(key, 0) >= 0 {
		return "", errors.New("the key is not UTF-8 text (it has NUL bytes, as UTF-16 without a byte-order mark has): save the key file as UTF-8, or pipe the key in with Get-Content in PowerShell")
	}
	if !utf8.ValidString(key) {
		return "", errors.New("the key is not UTF-8 text: save the key file as UTF-8 (or ASCII)")
	}
	if i := strings.IndexFunc(key, unicode.IsControl); i >= 0 {
		// It could not be sent in an HTTP header. Say where, not what.
		return "", fmt.Errorf("the key has a control character at position %d (a pasted escape sequence or tab?): paste the key alone", utf8.RuneCountInString(key[:i])+1)
	}
	return key, nil
}

// decodeUTF16 decodes UTF-16 text; a last odd byte (half of a line end cut
// off by a line read) is dropped.
func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

// PipeKeyExample is how to pipe a key file into login on goos: `login
// --with-key < key.txt` in a Unix shell; PowerShell, where `<` is reserved,
// takes `Get-Content key.txt | login --with-key`.
func PipeKeyExample(goos, loginCommand string) string {
	if goos == "windows" {
		return "Get-Content key.txt | " + loginCommand + " --with-key"
	}
	return loginCommand + " --with-key < key.txt"
}
