package app

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the tool call
// latency histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// metrics counts what /metrics reports in the Prometheus text format:
// HTTP requests, tool calls by tool and outcome, the API's status codes and
// tool call latencies. Labels never hold argument values or credentials.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]uint64 // {path, code}
	calls    map[[2]string]uint64 // {tool, outcome}
	upstream map[string]uint64    // code
	buckets  []uint64             // cumulative counts per latencyBuckets, then +Inf
	sum      float64
	count    uint64
}

func newMetrics() *metrics {
	return &metrics{
		requests: map[[2]string]uint64{},
		calls:    map[[2]string]uint64{},
		upstream: map[string]uint64{},
		buckets:  make([]uint64, len(latencyBuckets)+1),
	}
}

func (m *metrics) request(path string, code int) {
	m.mu.Lock()
	m.requests[[2]string{path, strconv.Itoa(code)}]++
	m.mu.Unlock()
}

func (m *metrics) call(tool, outcome string, d time.Duration) {
	s := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[[2]string{tool, outcome}]++
	for i, b := range latencyBuckets {
		if s <= b {
			m.buckets[i]++
		}
	}
	m.buckets[len(latencyBuckets)]++
	m.sum += s
	m.count++
}

func (m *metrics) upstreamStatus(code string) {
	m.mu.Lock()
	m.upstream[code]++
	m.mu.Unlock()
}

// write writes the metrics in the Prometheus text exposition format.
func (m *metrics) write(w io.Writer, prefix string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s_http_requests_total HTTP requests served, by path and status code.\n# TYPE %[1]s_http_requests_total counter\n", prefix)
	for _, k := range sortedKeys(m.requests) {
		fmt.Fprintf(w, "%s_http_requests_total{path=%q,code=%q} %d\n", prefix, k[0], k[1], m.requests[k])
	}
	fmt.Fprintf(w, "# HELP %s_tool_calls_total Tool calls, by tool and outcome (ok or error).\n# TYPE %[1]s_tool_calls_total counter\n", prefix)
	for _, k := range sortedKeys(m.calls) {
		fmt.Fprintf(w, "%s_tool_calls_total{tool=%q,outcome=%q} %d\n", prefix, k[0], k[1], m.calls[k])
	}
	fmt.Fprintf(w, "# HELP %s_upstream_responses_total Answers of the API, by status code (\"error\" when none came).\n# TYPE %[1]s_upstream_responses_total counter\n", prefix)
	codes := make([]string, 0, len(m.upstream))
	for c := range m.upstream {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "%s_upstream_responses_total{code=%q} %d\n", prefix, c, m.upstream[c])
	}
	name := prefix + "_tool_call_duration_seconds"
	fmt.Fprintf(w, "# HELP %s Tool call latency.\n# TYPE %[1]s histogram\n", name)
	for i, b := range latencyBuckets {
		fmt.Fprintf(w, "%s_bucket{le=\"%s\"} %d\n", name, strconv.FormatFloat(b, 'g', -1, 64), m.buckets[i])
	}
	fmt.Fprintf(w, "%[1]s_bucket{le=\"+Inf\"} %[2]d\n%[1]s_sum %[3]g\n%[1]s_count %[4]d\n", name, m.buckets[len(latencyBuckets)], m.sum, m.count)
}

func sortedKeys(m map[[2]string]uint64) [][2]string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	return keys
}

// upstreamCounter counts the API's status codes of requests sent through
// it.
type upstreamCounter struct {
	m    *metrics
	next http.RoundTripper
}

func (u upstreamCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := u.next.RoundTrip(r)
	if err != nil {
		u.m.upstreamStatus("error")
		return nil, err
	}
	u.m.upstreamStatus(strconv.Itoa(resp.StatusCode))
	return resp, nil
}
