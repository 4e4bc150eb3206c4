package oauth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode"

	"github.com/restmcp/restmcp/oauth"
)

// deviceServer is an authorization server whose device authorization
// answer is da and whose token endpoint answers the n-th poll (from 1)
// with the error poll(n) returns, or a token for "". polls reports when
// each poll came.
func deviceServer(t *testing.T, da map[string]any, poll func(n int) string) (cfg oauth.Config, polls func() []time.Time) {
	t.Helper()
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/device":
			json.NewEncoder(w).Encode(da)
		case "/token":
			mu.Lock()
			times = append(times, time.Now())
			n := len(times)
			mu.Unlock()
			if code := poll(n); code != "" {
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]string{"error": code})
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"access_token": "at-device", "token_type": "Bearer", "expires_in": 3600})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	cfg = oauth.Config{ClientID: "c", TokenURL: srv.URL + "/token", DeviceAuthURL: srv.URL + "/device"}
	return cfg, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), times...)
	}
}

func pending(int) string { return "authorization_pending" }

func deviceAnswer() map[string]any {
	return map[string]any{"device_code": "dc", "user_code": "WDJB-MJHT", "verification_uri": "https://auth.example.com/device", "expires_in": 600}
}

func TestDeviceInterval(t *testing.T) {
	for _, tt := range []struct{ in, want int64 }{
		{-1, 5}, {0, 5}, {1, 1}, {5, 5}, {60, 60}, {61, 60}, {3600, 60}, {1 << 62, 60}, {-1 << 63, 5},
	} {
		if got := oauth.DeviceInterval(tt.in); got != tt.want {
			t.Errorf("DeviceInterval(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// A missing, negative, zero or absurd interval neither stops the sign-in
// (a ticker of no duration panics) nor makes it poll without pause: the
// first poll waits the default 5 s, longer than this sign-in's time.
func TestLoginDeviceOddIntervals(t *testing.T) {
	for name, interval := range map[string]any{"missing": nil, "negative": -1, "zero": 0, "huge": int64(1) << 62, "overflowing": 1e12} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			da := deviceAnswer()
			if interval != nil {
				da["interval"] = interval
			}
			cfg, polls := deviceServer(t, da, pending)
			_, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Timeout: time.Second})
			if !errors.Is(err, oauth.ErrLoginTimeout) {
				t.Errorf("err = %v, want ErrLoginTimeout", err)
			}
			if n := len(polls()); n != 0 {
				t.Errorf("polled %d times within a second", n)
			}
		})
	}
}

// slow_down adds 5 s to the interval (RFC 8628 3.5).
func TestLoginDeviceSlowDown(t *testing.T) {
	t.Parallel()
	da := deviceAnswer()
	da["interval"] = 1
	cfg, polls := deviceServer(t, da, func(n int) string {
		if n == 1 {
			return "slow_down"
		}
		return ""
	})
	start := time.Now()
	tok, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p := polls()
	if tok.AccessToken != "at-device" || len(p) != 2 {
		t.Fatalf("token %v after %d polls", tok, len(p))
	}
	if first, second := p[0].Sub(start), p[1].Sub(p[0]); first < 900*time.Millisecond || second < 5900*time.Millisecond {
		t.Errorf("polled after %s, then %s: want 1 s, then 6 s", first, second)
	}
}

// What the server sends is printed without control characters: a broken
// or hostile server cannot send escape sequences to the terminal.
func TestLoginDevicePrintsNoControlCharacters(t *testing.T) {
	da := deviceAnswer()
	da["user_code"] = "WDJB\x1b[2J-MJHT\u009b31m\r"
	da["verification_uri"] = "https://auth.example.com/device\x1b]0;title\x07"
	da["verification_uri_complete"] = "https://auth.example.com/device?user_code=WDJB\u009b1m"
	cfg, _ := deviceServer(t, da, pending)
	var out strings.Builder
	if _, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Out: &out, Timeout: 500 * time.Millisecond}); !errors.Is(err, oauth.ErrLoginTimeout) {
		t.Errorf("err = %v, want ErrLoginTimeout", err)
	}
	if i := strings.IndexFunc(out.String(), func(r rune) bool { return unicode.IsControl(r) && r != '\n' }); i >= 0 {
		t.Errorf("printed a control character at %d: %q", i, out.String())
	}
	for _, s := range []string{"https://auth.example.com/device]0;title\n", "WDJB[2J-MJHT31m\n", "?user_code=WDJB1m\n"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("printed %q, want %q in it", out.String(), s)
		}
	}
}

// A verification URI that is not http(s) is refused before anything is
// printed or polled.
func TestLoginDeviceRefusesOtherURIs(t *testing.T) {
	for name, set := range map[string]map[string]any{
		"javascript":       {"verification_uri": "javascript:alert(1)"},
		"file":             {"verification_uri": "file:///etc/passwd"},
		"none":             {"verification_uri": ""},
		"no host":          {"verification_uri": "https:///device"},
		"relative":         {"verification_uri": "//auth.example.com/device"},
		"complete is data": {"verification_uri_complete": "data:text/html,<script>"},
		"too long":         {"verification_uri": "https://auth.example.com/" + strings.Repeat("a", 3000)},
	} {
		t.Run(name, func(t *testing.T) {
			da := deviceAnswer()
			for k, v := range set {
				da[k] = v
			}
			cfg, polls := deviceServer(t, da, func(int) string { return "" })
			var out strings.Builder
			_, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Out: &out, Timeout: 10 * time.Second})
			if err == nil || !strings.Contains(err.Error(), "verification_uri") {
				t.Errorf("err = %v, want one naming the verification URI", err)
			}
			if out.Len() != 0 || len(polls()) != 0 {
				t.Errorf("printed %q and polled %d times", out.String(), len(polls()))
			}
		})
	}
}

// A poll that times out does not end the sign-in: the code entered on
// the other device is still good, and RFC 8628 3.5 has the client poll
// again, less often. Nor is it the sign-in's own time running out.
func TestLoginDevicePollTimeoutPollsAgain(t *testing.T) {
	t.Parallel()
	da := deviceAnswer()
	da["interval"] = 1
	var mu sync.Mutex
	var polls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/device":
			json.NewEncoder(w).Encode(da)
		case "/token":
			mu.Lock()
			polls++
			n := polls
			mu.Unlock()
			if n == 1 {
				time.Sleep(1500 * time.Millisecond) // longer than the client waits
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]string{"error": "authorization_pending"})
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"access_token": "at-device", "token_type": "Bearer", "expires_in": 3600})
		}
	}))
	t.Cleanup(srv.Close)
	cfg := oauth.Config{ClientID: "c", TokenURL: srv.URL + "/token", DeviceAuthURL: srv.URL + "/device",
		HTTPClient: &http.Client{Timeout: 500 * time.Millisecond}}
	tok, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Timeout: 20 * time.Second})
	if err != nil || tok.AccessToken != "at-device" {
		t.Fatalf("LoginDevice = %v, %v; want the token of the poll after the one that timed out", tok, err)
	}
}

// roundTripFunc is an http.RoundTripper of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// timeoutError is a request that timed out, as a transport reports one.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// After a poll that timed out, the polls go on from the interval they had
// reached: the slow_down answers before it added 5 s each for the rest
// of the flow (RFC 8628 3.5), and the interval then doubles. Polls that
// time out after a slow_down each keep it too. (On a fake clock: the
// intervals are exact.)
func TestLoginDevicePollTimeoutKeepsSlowDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		answers := []string{"slow_down", "timeout", "authorization_pending", "slow_down", "timeout", ""}
		var polls []time.Time
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			answer := func(status int, body any) (*http.Response, error) {
				b, _ := json.Marshal(body)
				return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
			}
			if r.URL.Path == "/device" {
				da := deviceAnswer()
				da["interval"] = 1
				return answer(http.StatusOK, da)
			}
			polls = append(polls, time.Now())
			switch a := answers[len(polls)-1]; a {
			case "timeout":
				return nil, timeoutError{}
			case "":
				return answer(http.StatusOK, map[string]any{"access_token": "at-device", "token_type": "Bearer", "expires_in": 3600})
			default:
				return answer(http.StatusBadRequest, map[string]string{"error": a})
			}
		})
		cfg := oauth.Config{ClientID: "c", TokenURL: "https://auth.example.com/token", DeviceAuthURL: "https://auth.example.com/device",
			HTTPClient: &http.Client{Transport: rt}}
		start := time.Now()
		tok, err := cfg.LoginDevice(t.Context(), oauth.LoginOptions{Timeout: 10 * time.Minute})
		if err != nil || tok.AccessToken != "at-device" {
			t.Fatalf("LoginDevice = %v, %v", tok, err)
		}
		var gaps []time.Duration
		last := start
		for _, p := range polls {
			gaps = append(gaps, p.Sub(last))
			last = p
		}
		// 1 s; slow_down: 1+5; timed out: 2×6; pending: 12; slow_down:
		// 12+5; timed out: 2×17.
		want := []time.Duration{1 * time.Second, 6 * time.Second, 12 * time.Second, 12 * time.Second, 17 * time.Second, 34 * time.Second}
		if !slices.Equal(gaps, want) {
			t.Errorf("polled after %v, want %v", gaps, want)
		}
	})
}
