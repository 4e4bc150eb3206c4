package server

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
)

// auditLog writes JSON lines about tool calls: a "start" line before a
// request is sent and an "end" line when the call ends, paired by call
// number, so that a process killed mid-call still leaves a trace of a
// request that reached the API. It records what was called and how it
// ended, never argument values or the key. A write that fails is reported
// once on the log; calls go on.
type auditLog struct {
	mu     sync.Mutex
	w      io.Writer
	log    *log.Logger
	warned bool
	calls  *atomic.Int64
}

// CallNumbers is an audit log writer that numbers the calls written to it:
// servers that share it (one replacing another when the description
// changes during a session) number their calls on from each other, so
// that no number repeats in the session.
type CallNumbers interface {
	io.Writer
	AuditCalls() *atomic.Int64
}

func newAuditLog(w io.Writer, l *log.Logger) *auditLog {
	a := &auditLog{w: w, log: l}
	if n, ok := w.(CallNumbers); ok {
		a.calls = n.AuditCalls()
	} else {
		a.calls = new(atomic.Int64)
	}
	return a
}

type auditEntry struct {
	Time string `json:"time"`
	// Event is "start" (the request is about to be sent) or "end".
	Event  string `json:"event"`
	Call   int64  `json:"call"`
	Tool   string `json:"tool"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status,omitempty"`
	// DurationMS and Outcome are set on end lines.
	DurationMS int64 `json:"duration_ms,omitempty"`
	// Outcome is "ok", "http_error" (status >= 400), "failed" (no answer:
	// no key, timeout, network; or a success whose body could not be
	// read) or "invalid_arguments" (not sent).
	Outcome string `json:"outcome,omitempty"`
}

// start records that a request for e is about to be sent and returns the
// call number its end line repeats; 0 for a nil log.
func (a *auditLog) start(e auditEntry) int64 {
	if a == nil {
		return 0
	}
	e.Event, e.Call = "start", a.calls.Add(1)
	a.write(e)
	return e.Call
}

// end records how call ended (call 0: a call that sent nothing gets a
// number of its own).
func (a *auditLog) end(call int64, e auditEntry) {
	if a == nil {
		return
	}
	if call == 0 {
		call = a.calls.Add(1)
	}
	e.Event, e.Call = "end", call
	a.write(e)
}

func (a *auditLog) write(e auditEntry) {
	e.Time = time.Now().UTC().Format(time.RFC3339Nano)
	b := e.appendJSON(make([]byte, 0, 256))
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.w.Write(append(b, '\n')); err != nil && !a.warned {
		a.warned = true
		a.log.Warn("cannot write the audit log; tool calls go on without it", "err", err)
	}
}

// flush makes the lines written so far durable (a file is synced).
func (a *auditLog) flush() error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.w.(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}

// appendJSON appends e as json.Marshal encodes it, without reflection.
func (e auditEntry) appendJSON(b []byte) []byte {
	b = append(b, `{"time":`...)
	b = appendJSONString(b, e.Time)
	b = append(b, `,"event":`...)
	b = appendJSONString(b, e.Event)
	b = append(b, `,"call":`...)
	b = strconv.AppendInt(b, e.Call, 10)
	b = append(b, `,"tool":`...)
	b = appendJSONString(b, e.Tool)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, e.Method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, e.Path)
	if e.Status != 0 {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
	}
	if e.DurationMS != 0 {
		b = append(b, `,"duration_ms":`...)
		b = strconv.AppendInt(b, e.DurationMS, 10)
	}
	if e.Outcome != "" {
		b = append(b, `,"outcome":`...)
		b = appendJSONString(b, e.Outcome)
	}
	return append(b, '}')
}
