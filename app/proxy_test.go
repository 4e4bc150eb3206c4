package app

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/profile"
)

// Behind trusted proxies the access log names the caller: the last
// address of X-Forwarded-For that no trusted proxy has, never one the
// caller wrote before it; an untrusted peer is named itself.
func TestRemoteAddrBehindTrustedProxies(t *testing.T) {
	proxies, err := parseProxies([]string{"10.0.0.0/8", "192.168.1.7", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		peer    string
		xff     []string
		proxies bool
		want    string
	}{
		{"10.1.2.3:4000", []string{"203.0.113.9"}, false, "10.1.2.3:4000"},
		{"10.1.2.3:4000", []string{"203.0.113.9"}, true, "203.0.113.9"},
		{"10.1.2.3:4000", []string{"198.51.100.1, 203.0.113.9, 10.9.9.9"}, true, "203.0.113.9"},
		{"10.1.2.3:4000", []string{"198.51.100.1", "203.0.113.9"}, true, "203.0.113.9"},
		{"192.168.1.7:80", []string{"203.0.113.9, 192.168.1.7"}, true, "203.0.113.9"},
		{"192.168.1.8:80", []string{"203.0.113.9"}, true, "192.168.1.8:80"},
		{"[fd00::1]:443", []string{"2001:db8::5"}, true, "2001:db8::5"},
		{"[::ffff:10.0.0.1]:443", []string{"203.0.113.9"}, true, "203.0.113.9"},
		{"10.1.2.3:4000", []string{"10.0.0.2, 10.0.0.3"}, true, "10.0.0.2"},
		{"10.1.2.3:4000", []string{"unknown"}, true, "10.1.2.3:4000"},
		{"10.1.2.3:4000", []string{"203.0.113.9, unknown"}, true, "10.1.2.3:4000"},
		{"10.1.2.3:4000", []string{"unknown, 10.0.0.2"}, true, "10.0.0.2"},
		{"10.1.2.3:4000", nil, true, "10.1.2.3:4000"},
		{"10.1.2.3:4000", []string{"203.0.113.9:5678, 10.0.0.2:80"}, true, "203.0.113.9"},
		{"10.1.2.3:4000", []string{"[2001:db8::5]:443"}, true, "2001:db8::5"},
	} {
		r, _ := http.NewRequest("POST", "/mcp", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		var ps = proxies
		if !c.proxies {
			ps = nil
		}
		if got := remoteAddr(r, ps); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %q, want %q", c.peer, c.xff, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.internal", ""} {
		if _, err := parseProxies([]string{bad}); err == nil || !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("--trusted-proxy %q: %v", bad, err)
		}
	}
}

// serve --http logs the caller behind a trusted proxy, and does not
// start with a --trusted-proxy it cannot read.
func TestHTTPAccessLogNamesTheCallerBehindAProxy(t *testing.T) {
	a, logs := testApp(t, nil), &logBuffer{}
	a.Log = log.New(logs)
	a.Log.SetFormatter(log.JSONFormatter)
	endpoint, _ := serveHTTPWith(t, a, HTTPConfig{TrustedProxies: []string{"127.0.0.1"}}, 0)
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("X-Api-Key", "sk-caller-1-0123456789")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	eventually(t, "the access log line", func() bool { return strings.Contains(logs.logged(), `"remote":"203.0.113.9"`) })

	err = testApp(t, nil).ServeHTTP(context.Background(), profile.Profile{Name: "acme", Spec: "../cmd/testdata/notes.yaml"},
		HTTPConfig{Addr: "127.0.0.1:0", TrustedProxies: []string{"the-proxy"}})
	if err == nil || !strings.Contains(err.Error(), "--trusted-proxy") {
		t.Errorf("a --trusted-proxy that is no address: %v", err)
	}
}
