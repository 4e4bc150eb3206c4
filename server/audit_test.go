package server

import (
	"encoding/json"
	"io"
	"testing"
)

// An audit line is what json.Marshal makes of the entry, whatever its text.
func FuzzAuditLine(f *testing.F) {
	f.Add("2026-01-02T03:04:05.123456789Z", "list_projects", "GET", "/projects/{id}", "ok", int64(7), 200, int64(12))
	f.Add("t", "a<b>&c", "POST", "/caf\u00e9/\"x\"\\y\n", "", int64(0), 0, int64(0))
	f.Add("", "", "", "\x7f\xff", "failed", int64(-1), -3, int64(-5))
	f.Fuzz(func(t *testing.T, tm, tool, method, path, outcome string, call int64, status int, ms int64) {
		e := auditEntry{Time: tm, Event: "end", Call: call, Tool: tool, Method: method, Path: path, Status: status, DurationMS: ms, Outcome: outcome}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Errorf("appendJSON = %s\njson.Marshal = %s", got, want)
		}
	})
}

func BenchmarkAuditLine(b *testing.B) {
	a := &auditLog{w: io.Discard}
	e := auditEntry{Tool: "list_projects", Method: "GET", Path: "/projects/{id}"}
	for b.Loop() {
		a.end(a.start(e), auditEntry{Tool: e.Tool, Method: e.Method, Path: e.Path, Status: 200, DurationMS: 12, Outcome: "ok"})
	}
}
