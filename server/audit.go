package server

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// auditLog writes one JSON line per tool call. It records what was called
// and how it ended, never argument values or the key.
type auditLog struct {
	mu sync.Mutex
	w  io.Writer
}

type auditEntry struct {
	Time       string `json:"time"`
	Tool       string `json:"tool"`
	Method     string `json:"method"`
	Path       string `json:"path"`
	Status     int    `json:"status,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	// Outcome is "ok", "http_error" (status >= 400), "failed" (no answer:
	// no key, timeout, network) or "invalid_arguments" (not sent).
	Outcome string `json:"outcome"`
}

// record appends e; a nil log records nothing.
func (a *auditLog) record(e auditEntry) {
	if a == nil {
		return
	}
	e.Time = time.Now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(append(b, '\n'))
}
