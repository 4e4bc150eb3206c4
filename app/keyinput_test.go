package app

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string, bigEndian bool) []byte {
	b := []byte{0xFF, 0xFE}
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func TestDecodeKey(t *testing.T) {
	le := utf16Bytes("sk-live-123\r\n", false)
	tests := []struct {
		name    string
		in      []byte
		want    string
		wantErr string
	}{
		{"plain line", []byte("sk-live-123\n"), "sk-live-123", ""},
		{"CRLF", []byte("sk-live-123\r\n"), "sk-live-123", ""},
		{"UTF-8 BOM", []byte("\xEF\xBB\xBFsk-live-123\r\n"), "sk-live-123", ""},
		{"UTF-16LE BOM (PowerShell 5.1 echo >)", le, "sk-live-123", ""},
		// A line read stops at the '\n' byte, before its high half.
		{"UTF-16LE cut after the newline byte", le[:len(le)-1], "sk-live-123", ""},
		{"UTF-16BE BOM", utf16Bytes("sk-live-123\n", true), "sk-live-123", ""},
		{"UTF-16 without BOM", utf16Bytes("sk-live-123", false)[2:], "", "not UTF-8 text (it has NUL bytes"},
		{"Latin-1", []byte("sk-\xE9\n"), "", "save the key file as UTF-8"},
		{"tab inside", []byte("sk-li\tve"), "", "control character at position 6"},
		{"blank", []byte(" \r\n"), "", ""},
		{"BOM only", []byte("\xEF\xBB\xBF\n"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeKey(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DecodeKey = %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sk-") {
					t.Errorf("the error shows the key: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DecodeKey = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestPipeKeyExample(t *testing.T) {
	if got := PipeKeyExample("windows", "acme-mcp login"); got != "Get-Content key.txt | acme-mcp login --with-key" {
		t.Errorf("windows: %q", got)
	}
	if got := PipeKeyExample("linux", "restmcp login --profile acme"); got != "restmcp login --profile acme --with-key < key.txt" {
		t.Errorf("linux: %q", got)
	}
}
