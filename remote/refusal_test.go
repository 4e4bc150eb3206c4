package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// countedServers serves newTestServer over Streamable HTTP and over
// HTTP+SSE, each through refuse for the requests whose body holds match,
// counting the sessions each opened (initialize POSTs without a session,
// event streams).
func countedServers(t *testing.T, match string, refuse func(w http.ResponseWriter, r *http.Request, body []byte)) map[string]struct {
	url      string
	sessions *atomic.Int32
} {
	t.Helper()
	srv := newTestServer()
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	out := map[string]struct {
		url      string
		sessions *atomic.Int32
	}{}
	for name, h := range map[string]http.Handler{"streamable": streamable, "sse": sse} {
		var sessions atomic.Int32
		ih := intercept(h, match, refuse)
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case name == "streamable" && r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "":
				sessions.Add(1)
			case name == "sse" && r.Method == http.MethodGet:
				sessions.Add(1)
			}
			ih.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		out[name] = struct {
			url      string
			sessions *atomic.Int32
		}{ts.URL, &sessions}
	}
	return out
}

// jsonError answers w with status and a JSON-RPC error answer under id.
func jsonError(w http.ResponseWriter, status int, id json.RawMessage) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":-32602,"message":"Invalid params: text must be at most 5 characters","data":{"field":"text","max":5}}}`))
}

// A 4xx whose body is the server's JSON-RPC error answer to the call (as
// the TypeScript SDK and others refuse invalid parameters or an unknown
// tool) reaches the client as that error, code, message and data, over
// either transport, the id echoed as a number or as a string of digits;
// the session goes on.
func TestServerErrorAnswerIsPassedOn(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnprocessableEntity} {
		for _, quoted := range []bool{false, true} {
			servers := countedServers(t, `"text":"too long"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				id := idOf(body)
				if quoted {
					id, _ = json.Marshal(string(id))
				}
				jsonError(w, status, id)
			})
			for name, s := range servers {
				t.Run(fmt.Sprintf("%s/%d/quoted=%v", name, status, quoted), func(t *testing.T) {
					cs := connectTest(t, Config{URL: s.url}, nil)
					_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "too long"}})
					var we *jsonrpc.Error
					if !errors.As(err, &we) || we.Code != -32602 || we.Message != "Invalid params: text must be at most 5 characters" || string(we.Data) != `{"field":"text","max":5}` {
						t.Fatalf("err = %v, want the server's JSON-RPC error", err)
					}
					echoAnswers(t, cs, "after", "echo after the refused call")
					if n := s.sessions.Load(); n != 1 {
						t.Errorf("%d sessions, want 1: the session goes on", n)
					}
				})
			}
		}
	}
}

// Other 4xx answers are told as before: a JSON-RPC error under another id
// or none, a body that is not JSON, a 401 or 403 (the credentials).
func TestOtherRefusalsAreToldAsBefore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, body []byte)
		want   string
	}{
		{"id null", func(w http.ResponseWriter, body []byte) { jsonError(w, 400, json.RawMessage("null")) },
			`the MCP server refused the tools/call message: it answered 400 Bad Request: {"jsonrpc":"2.0","id":null,"error":{"code":-32602`},
		{"another id", func(w http.ResponseWriter, body []byte) { jsonError(w, 422, json.RawMessage("987654")) },
			`the MCP server refused the tools/call message: it answered 422 Unprocessable Entity: {"jsonrpc":"2.0","id":987654`},
		{"text", func(w http.ResponseWriter, body []byte) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(422)
			w.Write([]byte(`{"jsonrpc":"2.0","id":` + string(idOf(body)) + `,"error":{"code":1,"message":"m"}}`))
		}, `the MCP server refused the tools/call message: it answered 422 Unprocessable Entity: {"jsonrpc"`},
		{"403", func(w http.ResponseWriter, body []byte) { jsonError(w, 403, idOf(body)) },
			"the server refused the credentials (run `restmcp login --profile acme`)"},
	} {
		servers := countedServers(t, `"text":"refused"`, func(w http.ResponseWriter, r *http.Request, body []byte) { tc.answer(w, body) })
		for name, s := range servers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				cs := connectTest(t, Config{URL: s.url, Login: "restmcp login --profile acme"}, nil)
				text, isErr := callText(t, cs, "echo", map[string]any{"text": "refused"})
				if !isErr || !strings.Contains(text, tc.want) {
					t.Errorf("answer = %q (error %v), want %q", text, isErr, tc.want)
				}
			})
		}
	}
}

// A lost session is found before the body is read as an answer: a 404,
// or a 400 that a ping confirms, is a lost session even when its body is a
// JSON-RPC error under the call's id; the call goes again on a new session.
func TestLostSessionWithErrorAnswerReconnects(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusBadRequest} {
		var refused, pings atomic.Int32
		srv := newTestServer()
		h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
		var inits atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.Header.Get(sessionHeader) == "" {
				inits.Add(1)
			}
			intercept(intercept(h, `"text":"once"`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				if refused.Add(1) > 1 {
					h.ServeHTTP(w, r)
					return
				}
				jsonError(w, status, idOf(body))
			}), `restmcp-session-check`, func(w http.ResponseWriter, r *http.Request, body []byte) {
				pings.Add(1)
				http.Error(w, "Bad Request: No valid session ID provided", http.StatusBadRequest)
			}).ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		cs := connectTest(t, Config{URL: ts.URL}, nil)
		echoAnswers(t, cs, "once", "the call after the session was lost")
		if n := inits.Load(); n != 2 {
			t.Errorf("%d: %d sessions, want 2: the session was lost", status, n)
		}
		if n := pings.Load(); status == http.StatusBadRequest && n == 0 {
			t.Errorf("400: no ping asked whether the session was lost")
		}
	}
}

// stepUp answers w with 403 and a challenge that asks for the scopes
// files:read and files:write, beside another scheme's, with commas and
// escaped quotes within a quoted value.
func stepUp(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Add("WWW-Authenticate", `Basic realm="files, and more"`)
	w.Header().Add("WWW-Authenticate", `Negotiate, Bearer realm="x", error="insufficient_scope", error_description="needs \"write\", sorry", scope="files:read files:write"`)
	http.Error(w, "insufficient scope", http.StatusForbidden)
}

// A 403 whose challenge says that the credentials lack a scope (step-up
// authorization) names the scopes and what gets them: after an OAuth
// sign-in, the login asking for them with those granted before; with a
// key, that it lacks the permission. It is the call's error, over either
// transport; the session goes on, and a later failure is not blamed on the
// credentials.
func TestInsufficientScopeNamesScopes(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"oauth", Config{OAuth: true, Scopes: []string{"files:read", "offline_access"}},
			"the MCP server answered 403 Forbidden: insufficient scope: the sign-in does not grant a permission this needs: the server asks for the scopes files:read files:write (insufficient_scope): sign in again asking for it: run `restmcp login --profile acme --scopes files:read,offline_access,files:write`; the server did not act on this request, and the session with it goes on"},
		{"key", Config{},
			"the MCP server answered 403 Forbidden: insufficient scope: the key lacks a permission this needs: the server asks for the scopes files:read files:write (insufficient_scope): use a key that has it, and store it with `restmcp login --profile acme`; the server did not act on this request"},
	} {
		servers := countedServers(t, `"name":"delete_all"`, stepUp)
		for name, s := range servers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				cfg := tc.cfg
				cfg.URL, cfg.Login = s.url, "restmcp login --profile acme"
				cs := connectTest(t, cfg, nil)
				text, isErr := callText(t, cs, "delete_all", map[string]any{})
				if !isErr || text != tc.want && !strings.HasPrefix(text, tc.want) {
					t.Errorf("answer = %q (error %v), want %q", text, isErr, tc.want)
				}
				echoAnswers(t, cs, "after", "echo after the refused call")
				if n := s.sessions.Load(); n != 1 {
					t.Errorf("%d sessions, want 1: the session goes on", n)
				}
			})
		}
	}
}

// After a 403 for a scope, a later refusal is told as what it is, not as
// refused credentials; and a request other than tools/call gets the scope
// message as its JSON-RPC error.
func TestInsufficientScopeIsNoRefusedKey(t *testing.T) {
	servers := countedServers(t, `"method":"tools/`, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch s := string(body); {
		case strings.Contains(s, `"tools/list"`):
			stepUp(w, r, body)
		case strings.Contains(s, `"text":"unprocessable"`):
			http.Error(w, "cannot process", http.StatusUnprocessableEntity)
		default:
			w.WriteHeader(http.StatusTeapot) // not reached
		}
	})
	for name, s := range servers {
		t.Run(name, func(t *testing.T) {
			cs := connectTest(t, Config{URL: s.url, Login: "restmcp login --profile acme", OAuth: true}, nil)
			_, err := cs.ListTools(context.Background(), nil)
			if err == nil || !strings.Contains(err.Error(), "asks for the scopes files:read files:write (insufficient_scope): sign in again asking for it: run `restmcp login --profile acme --scopes files:read,files:write`") {
				t.Errorf("tools/list: err = %v, want the scopes named", err)
			}
			text, isErr := callText(t, cs, "echo", map[string]any{"text": "unprocessable"})
			if !isErr || !strings.Contains(text, "the MCP server refused the tools/call message: it answered 422 Unprocessable Entity: cannot process") || strings.Contains(text, "credentials") {
				t.Errorf("a later refusal = %q (error %v), want it told as the refused message", text, isErr)
			}
			if n := s.sessions.Load(); n != 1 {
				t.Errorf("%d sessions, want 1: the session goes on", n)
			}
		})
	}
}

// parseChallenges reads what servers send: several challenges in one
// value or several, commas and escaped quotes within quoted values, a
// token68, spaces around "=", empty values; an odd part costs itself only.
func TestParseChallenges(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   []challenge
	}{
		{[]string{`Bearer error="insufficient_scope", scope="a b"`},
			[]challenge{{"bearer", map[string]string{"error": "insufficient_scope", "scope": "a b"}}}},
		{[]string{`Basic realm="a, b", Bearer error=insufficient_scope, scope="x:y", error_description="say \"no\", twice"`},
			[]challenge{{"basic", map[string]string{"realm": "a, b"}}, {"bearer", map[string]string{"error": "insufficient_scope", "scope": "x:y", "error_description": `say "no", twice`}}}},
		{[]string{`Negotiate abc123==, Bearer realm="", error = "insufficient_scope" , scope = "s"`},
			[]challenge{{"negotiate", map[string]string{}}, {"bearer", map[string]string{"realm": "", "error": "insufficient_scope", "scope": "s"}}}},
		{[]string{`Basic`, `BEARER Error="insufficient_scope",Scope="a",resource_metadata=https://x.example/.well-known/oauth-protected-resource`},
			[]challenge{{"basic", map[string]string{}}, {"bearer", map[string]string{"error": "insufficient_scope", "scope": "a", "resource_metadata": "https://x.example/.well-known/oauth-protected-resource"}}}},
		{[]string{`"junk", Bearer scope="unterminated`},
			[]challenge{{"bearer", map[string]string{"scope": "unterminated"}}}},
		{[]string{``, `,,`}, nil},
	} {
		if got := parseChallenges(tc.values); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %v\nwant %v", tc.values, got, tc.want)
		}
	}
	h := http.Header{}
	h.Add("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"a b a c\x01 d\\\"e\"")
	if ok, scopes := insufficientScope(h); !ok || strings.Join(scopes, ",") != "a,b" {
		t.Errorf("insufficientScope = %v %q, want a and b: each once, no word that is no scope", ok, scopes)
	}
	h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	if ok, _ := insufficientScope(h); ok {
		t.Error("invalid_token read as insufficient_scope")
	}
}
