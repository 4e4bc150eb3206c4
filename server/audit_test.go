package server

import (
	"bytes"
	"encoding/json"
	"io"
	"sync/atomic"
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
	a := newAuditLog(io.Discard, nil)
	e := auditEntry{Tool: "list_projects", Method: "GET", Path: "/projects/{id}"}
	for b.Loop() {
		a.end(a.start(e), auditEntry{Tool: e.Tool, Method: e.Method, Path: e.Path, Status: 200, DurationMS: 12, Outcome: "ok"})
	}
}

type numberedLog struct {
	bytes.Buffer
	calls atomic.Int64
}

func (n *numberedLog) AuditCalls() *atomic.Int64 { return &n.calls }

// Two servers on one session's log (the second replacing the first when
// the description changed) number their calls on from each other; logs
// of their own start at 1.
func TestAuditCallNumbersGoOnAcrossServers(t *testing.T) {
	shared := &numberedLog{}
	first, second := newAuditLog(shared, nil), newAuditLog(shared, nil)
	e := auditEntry{Tool: "list_projects", Method: "GET", Path: "/projects"}
	if a, b := first.start(e), second.start(e); a != 1 || b != 2 {
		t.Errorf("calls numbered %d then %d on a shared log, want 1 then 2", a, b)
	}
	if n := newAuditLog(&bytes.Buffer{}, nil).start(e); n != 1 {
		t.Errorf("a log of its own starts at %d", n)
	}
}
