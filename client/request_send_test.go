package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const secretKey = "sk_live_DO_NOT_LEAK_42"

// TestDoAuthOnlyToDeclaredOrigins checks that the key goes to the base
// URL's origin and to the server an operation declares for itself (the
// description chose both), for that operation's requests.
func TestDoAuthOnlyToDeclaredOrigins(t *testing.T) {
	api := newRecorder(t, nil)
	other := newRecorder(t, nil)
	var asked atomic.Int32
	key := func(context.Context) (string, error) { asked.Add(1); return secretKey, nil }
	c := New(Options{BaseURL: api.URL + "/v1", Credential: HeaderKey{Header: "X-Api-Key", Key: key}})

	tests := []struct {
		name     string
		servers  []string
		to       *recorder
		wantURI  string
		wantAuth bool
	}{
		{"base URL", nil, api, "/v1/files", true},
		{"relative operation server, same origin", []string{"/upload/v2"}, api, "/upload/v2/files", true},
		{"operation server on another port", []string{other.URL + "/v2"}, other, "/v2/files", true},
		{"operation server, other host name", []string{strings.Replace(api.URL, "127.0.0.1", "localhost", 1)}, api, "/files", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked.Store(0)
			op := &Operation{Method: "GET", Path: "/files", Servers: tt.servers, Security: true}
			if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
				t.Fatal(err)
			}
			got := tt.to.last(t)
			if got.RequestURI != tt.wantURI {
				t.Errorf("request URI = %q, want %q", got.RequestURI, tt.wantURI)
			}
			if sent := got.Header.Get("X-Api-Key") != ""; sent != tt.wantAuth {
				t.Errorf("key sent = %v, want %v", sent, tt.wantAuth)
			}
			if (asked.Load() > 0) != tt.wantAuth {
				t.Errorf("key source asked %d times", asked.Load())
			}
		})
	}
}

func TestDoRedirects(t *testing.T) {
	other := newRecorder(t, nil)
	var api *recorder
	api = newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
		case "/away-307":
			http.Redirect(w, r, other.URL+"/landing", http.StatusTemporaryRedirect)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			_, _ = io.WriteString(w, "{}")
		}
	})
	_ = api
	tests := []struct {
		name, header, scheme string
	}{
		{"custom header", "X-Api-Key", ""},
		{"Authorization", "", "Bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{BaseURL: api.URL, Credential: HeaderKey{Header: tt.header, Scheme: tt.scheme, Key: StaticKey(secretKey)}})
			hdr := tt.header
			if hdr == "" {
				hdr = "Authorization"
			}
			for _, path := range []string{"/away", "/away-307"} {
				op := &Operation{Method: "PUT", Path: path, Security: true, Body: &Body{ContentType: "application/json"}}
				if _, err := c.Do(context.Background(), Request{Op: op, Body: map[string]any{"a": 1.0}}); err != nil {
					t.Fatal(err)
				}
				got := other.last(t)
				if got.RequestURI != "/landing" {
					t.Fatalf("redirect target got %q", got.RequestURI)
				}
				if v := got.Header.Get(hdr); v != "" {
					t.Errorf("%s: key sent across origins after a redirect: %s = %q", path, hdr, v)
				}
			}
			if body := string(other.last(t).Body); body != `{"a":1}` {
				t.Errorf("307 redirect lost the body: %q", body)
			}
			op := &Operation{Method: "GET", Path: "/moved", Security: true}
			if _, err := c.Do(context.Background(), Request{Op: op}); err != nil {
				t.Fatal(err)
			}
			got := api.last(t)
			if got.RequestURI != "/here" || got.Header.Get(hdr) == "" {
				t.Errorf("same-origin redirect: URI %q, %s %q; want /here with the key", got.RequestURI, hdr, got.Header.Get(hdr))
			}
		})
	}
	t.Run("at most 10", func(t *testing.T) {
		c := New(Options{BaseURL: api.URL})
		before := len(api.all())
		_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/loop"}})
		if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
			t.Errorf("error = %v", err)
		}
		if n := len(api.all()) - before; n != 11 {
			t.Errorf("%d requests, want 11 (the first and 10 redirects)", n)
		}
	})
}

func TestDoTimeout(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := New(Options{BaseURL: srv.URL, Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "POST", Path: "/slow"}})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "100ms") {
		t.Errorf("error = %v, want a timeout naming the limit", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s with a 100ms timeout", d)
	}
}

func TestDoTruncationAndDuration(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		time.Sleep(30 * time.Millisecond)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, strings.Repeat("x", 100))
	})
	tests := []struct {
		max       int64
		wantLen   int
		truncated bool
	}{{10, 10, true}, {100, 100, false}, {0, 100, false}}
	for _, tt := range tests {
		c := New(Options{BaseURL: srv.URL, MaxBodyBytes: tt.max})
		resp, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/big"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Body) != tt.wantLen || resp.Truncated != tt.truncated {
			t.Errorf("max %d: %d bytes, truncated %v; want %d, %v", tt.max, len(resp.Body), resp.Truncated, tt.wantLen, tt.truncated)
		}
		if resp.Duration < 30*time.Millisecond {
			t.Errorf("duration %s, want at least the server's 30ms", resp.Duration)
		}
		if resp.ContentType != "text/plain; charset=utf-8" || resp.Status != 200 {
			t.Errorf("status %d, content type %q", resp.Status, resp.ContentType)
		}
	}
}

// resetConn closes the connection without an answer.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close()
}

func TestDoRetries(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		statuses   []int // per request; 0 resets the connection; past the end: 200
		retryAfter string
		wantN      int
		wantStatus int // 0: a transport error
		minWait    time.Duration
	}{
		{"GET 503 then ok", "GET", []int{503, 503}, "", 3, 200, 0},
		{"GET gives up after two retries", "GET", []int{502, 504, 503, 503}, "", 3, 503, 0},
		{"PUT 429 with Retry-After", "PUT", []int{429}, "1", 2, 200, time.Second},
		{"DELETE Retry-After too long", "DELETE", []int{429}, "60", 1, 429, 0},
		{"HEAD connection reset", "HEAD", []int{0}, "", 2, 200, 0},
		{"OPTIONS 500 not retried", "OPTIONS", []int{500}, "", 1, 500, 0},
		{"POST 503 not retried", "POST", []int{503}, "", 1, 503, 0},
		{"PATCH 429 not retried", "PATCH", []int{429}, "", 1, 429, 0},
		{"POST connection reset not retried", "POST", []int{0}, "", 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n >= len(tt.statuses) {
					return
				}
				if tt.statuses[n] == 0 {
					resetConn(t, w)
					return
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.statuses[n])
			})
			c := New(Options{BaseURL: srv.URL})
			c.retryWait = 5 * time.Millisecond
			start := time.Now()
			resp, err := c.Do(context.Background(), Request{Op: &Operation{Method: tt.method, Path: "/r"}})
			if n := len(srv.all()); n != tt.wantN {
				t.Errorf("%d requests, want %d", n, tt.wantN)
			}
			switch {
			case tt.wantStatus == 0:
				if err == nil || resp != nil {
					t.Errorf("got %v, %v; want a transport error", resp, err)
				}
			case resp == nil || resp.Status != tt.wantStatus:
				t.Errorf("response %+v (%v), want status %d", resp, err, tt.wantStatus)
			case tt.wantStatus >= 400:
				var he *HTTPError
				if !errors.As(err, &he) {
					t.Errorf("error = %v, want *HTTPError", err)
				}
			}
			if d := time.Since(start); d < tt.minWait {
				t.Errorf("took %s, want at least %s (Retry-After)", d, tt.minWait)
			}
		})
	}
}

func TestDoRetryWaitRespectsContext(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "4")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := New(Options{BaseURL: srv.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, Request{Op: &Operation{Method: "GET", Path: "/r"}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waited %s after the context ended", d)
	}
}

func TestDoErrorsNeverHoldTheKey(t *testing.T) {
	reset := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { resetConn(t, w) })
	fail := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "<html><body><h1>Forbidden</h1><p>key "+secretKey+" rejected</p></body></html>")
	})
	closed := newRecorder(t, nil)
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name, base, key string
	}{
		{"connection reset", reset.URL, secretKey},
		{"connection refused", closedURL, secretKey},
		{"HTTP 403 echoing the key", fail.URL, secretKey},
		{"key with a line break", fail.URL, secretKey + "\nX: y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{BaseURL: tt.base, Credential: HeaderKey{Scheme: "Bearer", Key: StaticKey(tt.key)}})
			c.retryWait = time.Millisecond
			resp, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/x", Security: true}})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "DO_NOT_LEAK") {
				t.Errorf("error holds the key: %q", err)
			}
			var he *HTTPError
			if errors.As(err, &he) {
				if ex := he.Excerpt(); strings.Contains(ex, "DO_NOT_LEAK") || ex != "Forbidden key [REDACTED] rejected" {
					t.Errorf("excerpt = %q", ex)
				}
				if strings.Contains(string(resp.Body), "DO_NOT_LEAK") {
					t.Errorf("body holds the key")
				}
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes
	tests := []struct {
		name, ct, body, want string
	}{
		{"json compacted", "application/json", "{\n \"error\" : { \"code\": 7 }\n}", `{"error":{"code":7}}`},
		{"json without content type", "", `[ 1, 2 ]`, `[1,2]`},
		{"problem+json", "application/problem+json; charset=utf-8", `{ "title": "Bad" }`, `{"title":"Bad"}`},
		{"html to text", "text/html", "<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body><h1>Bad &amp; Gateway</h1>\n<script>x()</script><p>nginx</p></body></html>", "Bad & Gateway nginx"},
		{"html sniffed", "", "<html><body>Oops</body></html>", "Oops"},
		{"text collapsed", "text/plain", "  line one\n\n line\ttwo ", "line one line two"},
		{"binary", "image/png", "\x89PNG\r\n\x1a\n\x00", "(9 bytes of image/png)"},
		// Text in a charset it does not name: the message, a byte that is
		// not UTF-8 read as U+FFFD, not its size.
		{"text not UTF-8", "text/plain", "Ung\xfcltige Eingabe: name", "Ung\uFFFDltige Eingabe: name"},
		{"xml not UTF-8", "application/xml", "<error>Ung\xfcltig</error>", "<error>Ung\uFFFDltig</error>"},
		{"no type, not UTF-8", "", "\xff\xfe\x00\x01", "(4 bytes of unknown type)"},
		{"cut on a rune", "text/plain", long, strings.Repeat("é", 250) + "…"},
		{"empty", "text/plain", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Response{ContentType: tt.ct, Body: []byte(tt.body)}
			if got := r.Excerpt(DefaultExcerptBytes); got != tt.want {
				t.Errorf("Excerpt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDoTransportErrorMessage(t *testing.T) {
	closed := newRecorder(t, nil)
	base := closed.URL
	closed.Close()
	c := New(Options{BaseURL: base})
	op := &Operation{Method: "GET", Path: "/items", Params: []*Param{{Name: "q", In: "query"}}}
	_, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{"q": "private-search"}})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "GET "+base+"/items: ") || strings.Contains(msg, "private-search") || !strings.Contains(msg, "refused") {
		t.Errorf("error = %q, want the method, the URL without its query and the cause", msg)
	}
}

// The timeout bounds the whole call, retries included, and its error names
// the limit.
func TestDoTimeoutCoversRetries(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		time.Sleep(150 * time.Millisecond)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := New(Options{BaseURL: srv.URL, Timeout: 250 * time.Millisecond})
	c.retryWait = 5 * time.Millisecond
	_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/slow"}})
	// Each answer takes 150ms: within 250ms for the whole call no third
	// attempt can start, however slow the machine.
	if n := len(srv.all()); n > 2 {
		t.Errorf("%d attempts with a 250ms limit for the whole call, want at most 2", n)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.Limit != 250*time.Millisecond || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want a *TimeoutError of 250ms", err)
	}
}

// A Retry-After beyond the cap, or a number too large to read, ends the
// call at once, saying how long the API asks to wait.
func TestDoRetryAfterTooLong(t *testing.T) {
	for _, ra := range []string{"60", "99999999999999999999999"} {
		srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", ra)
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		c := New(Options{BaseURL: srv.URL})
		c.retryWait = time.Millisecond
		_, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/r"}})
		if n := len(srv.all()); n != 1 {
			t.Errorf("Retry-After %s: %d requests, want 1", ra, n)
		}
		if err == nil || !strings.Contains(err.Error(), "the API asks to wait") {
			t.Errorf("Retry-After %s: error = %v, want one saying how long the API asks to wait", ra, err)
		}
	}
}

// A redirect to another origin never tells it the API's URL: no Referer,
// so the query string (which may hold a token) stays with the API.
func TestNoRefererAfterRedirectToOtherOrigin(t *testing.T) {
	other := newRecorder(t, nil)
	api := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	})
	c := New(Options{BaseURL: api.URL})
	op := &Operation{Method: "GET", Path: "/search", Params: []*Param{{Name: "token", In: "query", Style: "form", Explode: true}}}
	if _, err := c.Do(context.Background(), Request{Op: op, Query: map[string]any{"token": "q-secret-123"}}); err != nil {
		t.Fatal(err)
	}
	got := other.last(t)
	if ref := got.Header.Get("Referer"); ref != "" {
		t.Errorf("the other origin received Referer %q", ref)
	}
	if !strings.Contains(api.last(t).RequestURI, "q-secret-123") {
		t.Errorf("the API did not receive the query (test is wrong): %q", api.last(t).RequestURI)
	}
}
