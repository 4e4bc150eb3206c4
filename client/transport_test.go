package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// seen is what one test server received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (s *seen) all() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

// twoOrigins starts the API and another origin it redirects /away to.
func twoOrigins(t *testing.T) (api, other *httptest.Server, apiSeen, otherSeen *seen) {
	apiSeen, otherSeen = &seen{}, &seen{}
	other = otherSeen.server(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{}}}}`)
	})
	api = apiSeen.server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/landed", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/spec", http.StatusFound)
		default:
			_, _ = io.WriteString(w, `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{}}}}`)
		}
	})
	return api, other, apiSeen, otherSeen
}

func TestTransportCredentialStaysOnOrigin(t *testing.T) {
	for _, tt := range []struct{ header, scheme, want string }{
		{"", "Bearer", "Bearer sk-transport-1"},
		{"X-Api-Key", "", "sk-transport-1"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			api, _, apiSeen, otherSeen := twoOrigins(t)
			cred := HeaderKey{Header: tt.header, Scheme: tt.scheme, Key: StaticKey("sk-transport-1")}
			hdr := cred.HeaderName()
			u, _ := url.Parse(api.URL)
			hc := NewHTTPClient(&Transport{Origin: u, Credential: cred, UserAgent: "restmcp/test"}, 0)
			for _, path := range []string{"/here", "/away"} {
				req, _ := http.NewRequest(http.MethodGet, api.URL+path, nil)
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			for _, r := range apiSeen.all() {
				if got := r.Header.Get(hdr); got != tt.want {
					t.Errorf("same origin %s: %s = %q, want %q", r.URL.Path, hdr, got, tt.want)
				}
				if r.Header.Get("Referer") != "" {
					t.Errorf("same origin %s: Referer %q sent", r.URL.Path, r.Header.Get("Referer"))
				}
				if r.UserAgent() != "restmcp/test" {
					t.Errorf("%s: User-Agent %q", r.URL.Path, r.UserAgent())
				}
			}
			got := otherSeen.all()
			if len(got) != 1 {
				t.Fatalf("other origin saw %d requests, want 1 (the redirect)", len(got))
			}
			if v := got[0].Header.Get(hdr); v != "" {
				t.Errorf("redirect to another origin carried %s: %q", hdr, v)
			}
			if v := got[0].Header.Get("Referer"); v != "" {
				t.Errorf("redirect to another origin carried Referer %q", v)
			}
		})
	}
}

func TestTransportStayOnOrigin(t *testing.T) {
	api, _, _, otherSeen := twoOrigins(t)
	u, _ := url.Parse(api.URL)
	hc := NewHTTPClient(&Transport{Origin: u, Credential: HeaderKey{Key: StaticKey("k")}, StayOnOrigin: true}, 0)
	_, err := hc.Get(api.URL + "/away")
	var off *OffOriginError
	if !errors.As(err, &off) || !strings.HasSuffix(off.URL, "/landed") {
		t.Fatalf("err = %v, want an *OffOriginError naming /landed", err)
	}
	if n := len(otherSeen.all()); n != 0 {
		t.Errorf("other origin saw %d requests, want none", n)
	}
}

func TestTransportWithoutCredential(t *testing.T) {
	s := &seen{}
	api := s.server(t, func(http.ResponseWriter, *http.Request) {})
	u, _ := url.Parse(api.URL)
	asked := false
	hc := NewHTTPClient(&Transport{Origin: u, Credential: HeaderKey{Key: func(context.Context) (string, error) {
		asked = true
		return "k", nil
	}}}, 0)
	req, _ := http.NewRequestWithContext(WithoutCredential(context.Background()), http.MethodGet, api.URL, nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if asked || s.all()[0].Header.Get("Authorization") != "" {
		t.Errorf("key asked for (%v) or sent for a request without credential", asked)
	}
}

func TestTransportCredentialError(t *testing.T) {
	api := (&seen{}).server(t, func(http.ResponseWriter, *http.Request) { t.Error("request sent without its key") })
	u, _ := url.Parse(api.URL)
	want := errors.New("no API key for profile \"x\": run `restmcp login --profile x`")
	hc := NewHTTPClient(&Transport{Origin: u, Credential: HeaderKey{Key: func(context.Context) (string, error) { return "", want }}}, 0)
	_, err := hc.Get(api.URL)
	var ce *CredentialError
	if !errors.As(err, &ce) || !errors.Is(err, want) {
		t.Fatalf("err = %v, want a *CredentialError wrapping the key source's", err)
	}
}

func TestTransportDescriptionFetch(t *testing.T) {
	api, _, apiSeen, otherSeen := twoOrigins(t)
	cred := HeaderKey{Header: "X-Api-Key", Key: StaticKey("sk-transport-2")}
	if _, err := Load(context.Background(), api.URL+"/here", LoadOptions{BaseURL: api.URL, Credential: cred}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), api.URL+"/away", LoadOptions{BaseURL: api.URL, Credential: cred}); err != nil {
		t.Fatal(err)
	}
	for _, r := range apiSeen.all() {
		if r.Header.Get("X-Api-Key") != "sk-transport-2" || r.Header.Get("Referer") != "" {
			t.Errorf("%s: X-Api-Key %q, Referer %q; want the key and no Referer", r.URL.Path, r.Header.Get("X-Api-Key"), r.Header.Get("Referer"))
		}
	}
	for _, r := range otherSeen.all() {
		if r.Header.Get("X-Api-Key") != "" || r.Header.Get("Referer") != "" {
			t.Errorf("other origin %s: X-Api-Key %q, Referer %q; want neither", r.URL.Path, r.Header.Get("X-Api-Key"), r.Header.Get("Referer"))
		}
	}
}

func TestRedactingBody(t *testing.T) {
	const key = "sk-live-0123456789"
	body := strings.Repeat("x", 40000) + key + "middle" + key + strings.Repeat("y", 70000) + key
	b := &redactingBody{src: io.NopCloser(iotest.OneByteReader(strings.NewReader(body))), r: newRedactor([]string{key})}
	got, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(body, key, redacted)
	if string(got) != want {
		t.Errorf("redacted body differs: %d bytes, want %d; key left: %v", len(got), len(want), strings.Contains(string(got), key))
	}
}

// A key split by HTML tags is redacted also when it is read in pieces:
// the end of a chunk that begins it with tags between its characters, or
// inside a tag, waits for the next.
func TestRedactingBodyTaggedAcrossReads(t *testing.T) {
	const key = "sk-live-0123456789"
	for _, tagged := range []string{
		"sk-live-<b>0123</b><span class=\"k\">456789</span>",
		"<i>s</i>k-live-0123456789",
		"sk-live-0123456<!-- a comment -->789",
	} {
		body := "<p>" + strings.Repeat("x", 40000) + tagged + "</p><p>" + tagged + "</p>"
		for _, src := range []io.Reader{iotest.OneByteReader(strings.NewReader(body)), iotest.HalfReader(strings.NewReader(body))} {
			b := &redactingBody{src: io.NopCloser(src), r: newRedactor([]string{key})}
			got, err := io.ReadAll(b)
			if err != nil {
				t.Fatal(err)
			}
			if plain := regexp.MustCompile(`<[^<>]*>`).ReplaceAllString(string(got), ""); strings.Contains(plain, "0123456789") || strings.Count(string(got), redacted) != 2 {
				t.Errorf("%q read in pieces: the key is left (%d redactions): …%s", tagged, strings.Count(string(got), redacted), got[len(got)-120:])
			}
		}
	}
}

// basicCred sends user:password as basic credentials, reporting the
// password as its secret.
type basicCred struct{ user, password string }

func (b basicCred) Apply(r *http.Request) (string, error) {
	r.SetBasicAuth(b.user, b.password)
	return b.password, nil
}

// An echo of the credential is redacted in every form an answer can carry
// it: raw, JSON-escaped, URL-encoded, base64 (of basic-auth pairs too),
// split by HTML tags, in the body and in headers.
func TestRedactsEveryForm(t *testing.T) {
	const key = "k3y&<with>/odd+chars=="
	jsonEsc, _ := json.Marshal(key)
	forms := map[string]string{
		"raw":        key,
		"json":       strings.Trim(string(jsonEsc), `"`),
		"json slash": strings.ReplaceAll(strings.Trim(string(jsonEsc), `"`), "/", `\/`),
		"query":      url.QueryEscape(key),
		"path":       url.PathEscape(key),
		"lower hex":  strings.ToLower(url.QueryEscape(key)),
		"base64":     base64.StdEncoding.EncodeToString([]byte(key)),
		"base64 url": base64.RawURLEncoding.EncodeToString([]byte(key)),
		"basic pair": base64.StdEncoding.EncodeToString([]byte("me:" + key)),
		"html split": "k3y&amp;&lt;with&gt;/odd+chars==", // entity-escaped is a form too
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "/x?token="+form)
				w.Header().Set("X-Echo", form)
				_, _ = io.WriteString(w, `{"echo":"`+form+`","again":"`+form+`"}`)
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			for _, cred := range []Credential{HeaderKey{Key: StaticKey(key)}, basicCred{"me", key}} {
				tr := &Transport{Origin: u, Credential: cred}
				resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(body), form) || !strings.Contains(string(body), redacted) {
					t.Errorf("%T: body %s", cred, body)
				}
				for h, vs := range resp.Header {
					for _, v := range vs {
						if strings.Contains(v, form) {
							t.Errorf("%T: header %s: %s", cred, h, v)
						}
					}
				}
			}
		})
	}
}

// HTML tags between the key's characters do not hide it.
func TestRedactsKeySplitByHTMLTags(t *testing.T) {
	const key = "sk-live-0123456789"
	body := echoThroughTransport(t, key, "<p>Your key: sk-live-<b>0123</b><span>456789</span></p>")
	if !strings.Contains(string(body), redacted) || strings.Contains(string(body), "0123") {
		t.Errorf("body %s", body)
	}
}

// TestRedactsLongKeyAsItIs checks that a long credential (a JWT of KiBs)
// in an HTML answer is redacted as it is, by a plain match: a tag skipper
// between each of its characters would take seconds and hundreds of MB to
// compile for every caller's key.
func TestRedactsLongKeyAsItIs(t *testing.T) {
	key := "eyJ" + strings.Repeat("abcdefghij", 800)
	body := echoThroughTransport(t, key, "<html><p>Bad token: "+key+"</p></html>")
	if string(body) != "<html><p>Bad token: "+redacted+"</p></html>" {
		t.Errorf("body %.200s", body)
	}
	for _, alt := range buildRedactor([]string{key}).alts {
		if len(alt) > 2*maxTaggedLen && strings.Contains(alt, "(?:<") {
			t.Fatalf("a form of %d bytes is matched with tags between its characters", len(alt))
		}
	}
}

// echoThroughTransport fetches answer from an API through a Transport that
// sends key, and returns the body as a tool result would see it.
func echoThroughTransport(t *testing.T, key, answer string) []byte {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	tr := &Transport{Origin: u, Credential: HeaderKey{Key: StaticKey(key)}}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return body
}

// A short key is redacted where it stands alone, not inside other words
// (so that a 3-byte key does not destroy every answer).
func TestRedactsShortKeyAsWholeToken(t *testing.T) {
	const key = "ab1"
	body := echoThroughTransport(t, key, `{"key":"ab1","word":"tab1e","id":"ab1x"} ab1`)
	want := `{"key":"[REDACTED]","word":"tab1e","id":"ab1x"} [REDACTED]`
	if string(body) != want {
		t.Errorf("body %s, want %s", body, want)
	}
}

// An event that does not end with the start of the secret is passed on
// before the stream sends more.
func TestRedactingBodyPassesEventsAtOnce(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	b := &redactingBody{src: pr, r: newRedactor([]string{"sk-live-0123456789"})}
	go pw.Write([]byte("data: {\"ok\":true}\n\n"))
	got := make(chan string, 1)
	go func() {
		p := make([]byte, 100)
		n, _ := b.Read(p)
		got <- string(p[:n])
	}()
	select {
	case s := <-got:
		if s != "data: {\"ok\":true}\n\n" {
			t.Errorf("read %q, want the whole event", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event was held back")
	}
}

// renewingKey is a credential whose first key is refused and renewed once.
type renewingKey struct {
	keys    []string
	renewed int
}

func (c *renewingKey) Apply(r *http.Request) (string, error) {
	k := c.keys[min(c.renewed, len(c.keys)-1)]
	r.Header.Set("Authorization", "Bearer "+k)
	return k, nil
}

func (c *renewingKey) Renew(context.Context, string) bool {
	c.renewed++
	return c.renewed < len(c.keys)
}

func TestTransportRenewsARefusedCredentialOnce(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.Header.Get("Authorization")+" "+string(b))
		if r.Header.Get("Authorization") != "Bearer fresh-token-2" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	for _, tc := range []struct {
		keys []string
		want int
		sent int
	}{
		{[]string{"stale-token-1", "fresh-token-2"}, http.StatusOK, 2},
		{[]string{"stale-token-1"}, http.StatusUnauthorized, 1}, // nothing to renew
		{[]string{"stale-token-1", "stale-token-3", "fresh-token-2"}, http.StatusUnauthorized, 2},
	} {
		bodies = nil
		c := &http.Client{Transport: &Transport{Origin: u, Credential: &renewingKey{keys: tc.keys}}}
		resp, err := c.Post(srv.URL, "text/plain", strings.NewReader("call"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want || len(bodies) != tc.sent {
			t.Errorf("keys %v: status %d after %d requests (%q), want %d after %d", tc.keys, resp.StatusCode, len(bodies), bodies, tc.want, tc.sent)
		}
		for _, b := range bodies {
			if !strings.HasSuffix(b, " call") {
				t.Errorf("request sent without its body: %q", b)
			}
		}
	}
}

// Closing an answer while a read waits on it (a stream being stopped) ends
// the read with the source's error.
func TestRedactingBodyClosedDuringRead(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	b := &redactingBody{src: pr, r: newRedactor([]string{"sk-close-0123456789"})}
	done := make(chan error, 1)
	go func() {
		_, err := b.Read(make([]byte, 64))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // the read waits on the pipe
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("read after close: %v, want io.ErrClosedPipe", err)
	}
}

type refusingTokens struct{ err error }

func (r refusingTokens) AccessToken(context.Context) (string, error) { return "", r.err }
func (refusingTokens) Invalidate(string) bool                        { return true }

// A token that cannot be had is named as what it is, not as an API key.
func TestTransportCredentialErrorNamesTheCredential(t *testing.T) {
	api := (&seen{}).server(t, func(http.ResponseWriter, *http.Request) { t.Error("request sent without its token") })
	u, _ := url.Parse(api.URL)
	want := errors.New("the authorization server refused the refresh token: run `restmcp login --profile x`")
	hc := NewHTTPClient(&Transport{Origin: u, Credential: BearerToken{Tokens: refusingTokens{want}}}, 0)
	_, err := hc.Get(api.URL)
	var ce *CredentialError
	if !errors.As(err, &ce) || !errors.Is(err, want) || !strings.HasPrefix(ce.Error(), "OAuth access token: ") {
		t.Fatalf("err = %v, want a *CredentialError naming the OAuth access token", err)
	}
	key := HeaderKey{Key: func(context.Context) (string, error) { return "", want }}
	if msg := (&CredentialError{Err: want, What: credentialName(key)}).Error(); !strings.HasPrefix(msg, "API key: ") {
		t.Errorf("a key's error = %q", msg)
	}
	// A message that names the credential already is not prefixed again.
	missing := errors.New(`no API key for profile "x": run ` + "`restmcp login --profile x`")
	if msg := (&CredentialError{Err: missing}).Error(); msg != missing.Error() {
		t.Errorf("a missing key's error = %q, want %q", msg, missing)
	}
}

// pieceReader returns its text in pieces of 1 to 40 bytes.
type pieceReader struct {
	s string
	r *rand.Rand
}

func (p *pieceReader) Read(b []byte) (int, error) {
	if p.s == "" {
		return 0, io.EOF
	}
	n := min(len(b), len(p.s), 1+p.r.Intn(40))
	copy(b, p.s[:n])
	p.s = p.s[n:]
	return n, nil
}

// Redacting an answer read in pieces gives what redacting it whole gives:
// every form of the key, with tags, entities, '<' and '>' around and
// between its characters, in pieces of every size. Keys may hold '<' and
// '>' themselves (a basic-auth password).
func TestRedactingBodyInPiecesIsRedactingItWhole(t *testing.T) {
	frags := []string{"<b>", "</b>", "<", ">", "<<", "<i", "&amp;", "&lt;", "x", " ", "\n", `<span class="k">`, "<!-- c -->", "s", "sk", "sk-", `<a href="`, `">`, "ms<5"}
	for _, key := range []string{"sk-live-0123456789", "ab/c&d+e=fgh<12345", "pass<wo>rd12345", "Zm9vYmFyYmF6cXV4"} {
		red := newRedactor([]string{key})
		rng := rand.New(rand.NewSource(7))
		fails := 0
		for it := 0; it < 4000 && fails < 5; it++ {
			var b strings.Builder
			junk := func(n int) {
				for range n {
					b.WriteString(frags[rng.Intn(len(frags))])
				}
			}
			junk(rng.Intn(6))
			form := red.forms[rng.Intn(len(red.forms))]
			for i, c := range string(form) {
				if i > 0 && rng.Intn(4) == 0 {
					junk(1)
				}
				b.WriteRune(c)
			}
			junk(rng.Intn(6))
			body := b.String()
			want := string(red.replace([]byte(body)))
			got, err := io.ReadAll(&redactingBody{src: io.NopCloser(&pieceReader{body, rand.New(rand.NewSource(int64(it)))}), r: red})
			if err != nil || string(got) != want {
				fails++
				t.Errorf("key %q, answer %q:\n whole:     %q\n in pieces: %q", key, body, want, got)
			}
		}
	}
}

// An event that holds a '<' which opens no tag (ms<5) right after a key's
// first character is passed on at once, not held for the next piece.
func TestRedactingBodyPassesALessThanAtOnce(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	b := &redactingBody{src: pr, r: newRedactor([]string{"sk-live-0123456789"})}
	ev := "data: {\"latency\":\"ms<5\"}\n\n"
	go pw.Write([]byte(ev))
	got := make(chan string, 1)
	go func() {
		var out []byte
		buf := make([]byte, 100)
		for len(out) < len(ev) {
			n, err := b.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
		}
		got <- string(out)
	}()
	select {
	case s := <-got:
		if s != ev {
			t.Errorf("passed %q, want %q", s, ev)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("the event was held back waiting for more of the answer")
	}
}

// A key echoed with its characters escaped, every one or some, as JSON
// escapes or HTML numeric references, is redacted too, also when the
// answer arrives in pieces that cut an escape.
func TestRedactsEscapedKey(t *testing.T) {
	const key = "sk-test-SECRETKEY123"
	esc := func(format string, every int) string {
		var b strings.Builder
		for i, c := range key {
			if i%every == 0 {
				fmt.Fprintf(&b, format, c)
			} else {
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	red := newRedactor([]string{key})
	for _, form := range []string{esc(`\u%04x`, 1), esc(`\u%04X`, 2), esc("&#%d;", 1), esc("&#x%x;", 3), esc("&#X%02X;", 1)} {
		body := `{"token":"` + form + `"} ` + strings.Repeat("x", 100) + form
		if got := echoThroughTransport(t, key, body); strings.Count(string(got), redacted) != 2 {
			t.Errorf("%s: %s", form, got)
		}
		for _, src := range []io.Reader{iotest.OneByteReader(strings.NewReader(body)), iotest.HalfReader(strings.NewReader(body))} {
			got, err := io.ReadAll(&redactingBody{src: io.NopCloser(src), r: red})
			if err != nil || strings.Count(string(got), redacted) != 2 {
				t.Errorf("%s in pieces: %s", form, got)
			}
		}
	}
	// What only resembles an escape is left alone.
	if got := string(red.replace([]byte(`\u0073k-&#x74;est and sk-test`))); got != `\u0073k-&#x74;est and sk-test` {
		t.Errorf("text without the key changed: %s", got)
	}
}

// Response.Redact finds the key in text decoded from the answer, which the
// transport could not see as the key.
func TestResponseRedactsDecodedText(t *testing.T) {
	const key = "sk-test-SECRETKEY123"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		// A reference with many leading zeros is no form the transport
		// knows; the excerpt decodes it.
		_, _ = io.WriteString(w, "<html><body><p>Token sk&#0000045;test&#0000045;SECRETKEY123 lacks scope</p></body></html>")
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL, Credential: HeaderKey{Key: StaticKey(key)}})
	resp, err := c.Do(context.Background(), Request{Op: &Operation{Method: "GET", Path: "/", Security: true}})
	if err == nil {
		t.Fatal("no HTTP error")
	}
	if ex := resp.Excerpt(200); ex != "Token [REDACTED] lacks scope" {
		t.Errorf("excerpt %q", ex)
	}
	if got := resp.Redact("key: " + key); got != "key: [REDACTED]" {
		t.Errorf("Redact = %q", got)
	}
}

// holdsEscaped reads escapes once to tell whether the expression for
// escaped forms must run: not for text whose escapes say something else.
func TestHoldsEscaped(t *testing.T) {
	r := buildRedactor([]string{"sk_live_0123456789"})
	for _, tc := range []struct {
		text string
		want bool
	}{
		{`{"t":"Tasks \u0026 notes"}`, false},
		{`{"t":"\u0073k_live_0123456789"}`, true},
		{`<p>&#115;k_live_0123456789</p>`, true},
		{`<p>&#x73;k_live_01234567&#56;9</p>`, true},
		{`{"t":"sk_live_012345678\u0026"}`, false},
		{"&#" + strings.Repeat("1", 1000), false},
	} {
		if got := r.holdsEscaped([]byte(tc.text)); got != tc.want {
			t.Errorf("%.60q: %v, want %v", tc.text, got, tc.want)
		}
	}
}
