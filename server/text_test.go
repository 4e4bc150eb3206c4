package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestTruncateJSON(t *testing.T) {
	b := []byte(`{"count":3,"results":[{"a":"x,y"},{"a":"z","b":[1,2]},{"a":"w"}]}`)
	for max := 1; max < len(b); max++ {
		kept, cut := truncateJSON(b, max)
		if len(kept) > max {
			t.Fatalf("max %d: kept %d bytes: %s", max, len(kept), kept)
		}
		if cut > 10 && !json.Valid(kept) {
			t.Errorf("max %d: %s is not valid JSON", max, kept)
		}
		if !bytes.HasPrefix(b, kept[:cut]) {
			t.Errorf("max %d: %s is not a prefix plus closers", max, kept)
		}
	}
	// The last member that fits is kept, even inside a nested object.
	if kept, cut := truncateJSON(b, 45); string(kept) != `{"count":3,"results":[{"a":"x,y"},{"a":"z"}]}` || cut != 42 {
		t.Errorf("truncateJSON(45) = %s, %d", kept, cut)
	}
	if kept, cut := truncateJSON(b, 40); string(kept) != `{"count":3,"results":[{"a":"x,y"}]}` || cut != 33 {
		t.Errorf("truncateJSON(40) = %s, %d", kept, cut)
	}
	if kept, cut := truncateJSON(b, len(b)); cut != len(b) || string(kept) != string(b) {
		t.Errorf("no cut needed: %s %d", kept, cut)
	}
}

func TestArgName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"page", "page"},
		{"include[]", "include"},
		{"StartTime<", "StartTime_lt"},
		{"StartTime>=", "StartTime_gte"},
		{"completed_on.before", "completed_on.before"},
		{"filter[status]", "filter_status"},
		{"$top", "top"},
		{"$ref", "ref"},
		{"X-Request-Id", "X-Request-Id"},
		{"名前", "param"},
		{strings.Repeat("a", 70), strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		got := argName(tt.in)
		if got != tt.want {
			t.Errorf("argName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !validArg.MatchString(got) {
			t.Errorf("argName(%q) = %q is not a valid property name", tt.in, got)
		}
	}
}
