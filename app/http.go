package app

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
)

// HTTPConfig is how ServeHTTP listens.
type HTTPConfig struct {
	// Addr is the address to listen on ("127.0.0.1:8080", ":8080").
	Addr string
	// BasePath is the MCP endpoint (default "/mcp").
	BasePath string
	// CORSOrigins may call from a browser; none sends no CORS header.
	CORSOrigins []string
	// TrustedProxies are the networks (CIDR, or one address) of the
	// reverse proxies in front: the access log names the caller from the
	// X-Forwarded-For they add instead of the proxy's address.
	TrustedProxies []string
	// AllowedHosts are the host names (or addresses) a request to a
	// loopback address may give in its Host besides loopback ones: the
	// public name a reverse proxy on this machine passes on.
	AllowedHosts []string
	// TLSCert and TLSKey, both or neither, serve HTTPS.
	TLSCert, TLSKey string
	// MaxBodyBytes bounds a request's body (default server.MaxMessageBytes).
	MaxBodyBytes int64
	// MaxInflightBytes bounds the bodies of all requests being read or
	// answered at once (default DefaultInflightBytes): past it, a request
	// is refused with 503 and Retry-After, so that many large bodies at
	// once cannot run the server out of memory.
	MaxInflightBytes int64
	// Timeout bounds one request, the API's answers included (default 60 s).
	Timeout time.Duration
	// Drain is how long a shutdown waits for requests in flight (default 10 s).
	Drain time.Duration
	// ShutdownDelay is how long, once shutting down, the server keeps
	// serving while /readyz answers 503, before it stops accepting
	// requests: a load balancer that polls readiness stops routing here
	// first.
	ShutdownDelay time.Duration
	// AuthTokens, when set, is a file of SHA-256 hashes (hex, one a line)
	// of the bearer tokens callers are admitted with; the API then receives
	// the profile's own key (keyring, key file or environment), never a
	// caller's.
	AuthTokens string
	// ReloadEvery is how often the TLS certificate and key and the
	// AuthTokens file are read again to see whether they changed (default
	// DefaultReloadEvery): new ones are used from then on, without a
	// restart.
	ReloadEvery time.Duration
	// Reload, when it delivers, has them read again at once (serve
	// --http on SIGHUP).
	Reload <-chan struct{}
	// Listener, when set, is used instead of listening on Addr (tests).
	Listener net.Listener
	// Ready, when set, is called with the address once the server serves
	// the tools (it listens before, while the description is read).
	Ready func(addr net.Addr)
}

// DefaultInflightBytes is HTTPConfig.MaxInflightBytes's default: four
// bodies of the largest size at once, about 64 MiB, which parsed fit the
// 256 MiB the Kubernetes manifest gives a replica.
const DefaultInflightBytes = 4 * server.MaxMessageBytes

// inflight counts the body bytes of the requests in flight.
type inflight struct {
	used, max atomic.Int64
}

// take reserves n bytes, reporting false (and reserving nothing) when
// that would pass the limit.
func (f *inflight) take(n int64) bool {
	if f.used.Add(n) > f.max.Load() {
		f.used.Add(-n)
		return false
	}
	return true
}

func (f *inflight) give(n int64) { f.used.Add(-n) }

// errBusy is a body read past the bytes the requests in flight may hold.
var errBusy = errors.New("too many large requests in flight")

// reservingBody reads a request body into memory it reserves in bodies
// before allocating it: a small buffer at first, doubled as bytes arrive
// (up to the announced length), so that a connection that announces a
// large body and sends little holds little; release gives it back.
type reservingBody struct {
	src      io.Reader
	bodies   *inflight
	reserved int64
}

// firstBuffer is the buffer a body is read into at first.
const firstBuffer = 32 << 10

// readAll reads the whole body (announced as length bytes, -1 when not),
// of at most limit bytes (src refuses more).
func (b *reservingBody) readAll(length, limit int64) ([]byte, error) {
	want := limit + 1 // room to see the end
	if length >= 0 {
		want = min(length+1, want)
	}
	// Nothing is reserved before the first bytes arrive: a connection
	// that announces a body and sends none holds none of the budget.
	head := make([]byte, 512)
	n, err := io.ReadAtLeast(b.src, head, 1)
	switch {
	case err == io.EOF:
		return nil, nil
	case err != nil:
		return nil, err
	}
	size := max(min(firstBuffer, want), int64(n))
	if !b.bodies.take(size) {
		return nil, errBusy
	}
	b.reserved = size
	buf := make([]byte, n, size)
	copy(buf, head)
	for {
		if len(buf) == cap(buf) {
			size := min(max(2*int64(cap(buf)), firstBuffer), want)
			if size <= int64(cap(buf)) {
				size = int64(cap(buf)) + firstBuffer // longer than announced: src stops it at limit
			}
			if !b.bodies.take(size - int64(cap(buf))) {
				return nil, errBusy
			}
			b.reserved += size - int64(cap(buf))
			grown := make([]byte, len(buf), size)
			copy(grown, buf)
			buf = grown
		}
		n, err := b.src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func (b *reservingBody) release() { b.bodies.give(b.reserved) }

// MaxCredentialBytes bounds the credential a caller sends: a key is a few
// hundred bytes, a long JWT a few KiB; past this, it is refused before
// anything is built for it (its redaction from answers above all).
const MaxCredentialBytes = 8 << 10

// MaxMessageValues bounds the JSON values one request body holds (see
// server.ValuesOver): a model's tool call holds a few thousand.
const MaxMessageValues = 250_000

// MaxBatchMessages bounds the messages of one JSON-RPC batch (protocol
// 2025-03-26 only): the calls of a batch run at once, so that one small
// request could otherwise start thousands of API calls.
const MaxBatchMessages = 32

// batchLen is the number of messages of a JSON-RPC batch, 0 for one
// message (or a body that is not JSON: it is refused later).
func batchLen(data []byte) int {
	d := json.NewDecoder(bytes.NewReader(data))
	if tok, err := d.Token(); err != nil || tok != json.Delim('[') {
		return 0
	}
	n := 0
	for d.More() {
		var m json.RawMessage
		if d.Decode(&m) != nil {
			break
		}
		n++
	}
	return n
}

// answerGrace is how long after a call's time limit its HTTP request may
// still take to send the call's error.
const answerGrace = 2 * time.Second

// callerCredential is the credential of a server shared by many callers:
// each request's own key, from the caller's HTTP request (see
// WithCallerKey), in the place p's credential puts it.
func callerCredential(p profile.Profile) client.Credential {
	return Credential(p, client.CallerKey)
}

// callerHeader is the header a caller sends its key in for p, and the
// scheme that may precede the key there, or the value format around it
// ("Token token={key}").
func callerHeader(p profile.Profile) (header, scheme, format string) {
	if h, ok := callerCredential(p).(client.HeaderKey); ok {
		return h.HeaderName(), h.Scheme, h.Format
	}
	return client.DefaultAuthHeader, "Bearer", ""
}

// ServeHTTP serves p's tools over MCP's Streamable HTTP transport on
// cfg.Addr until ctx is done, then drains the requests in flight (done
// while the description is still read, it stops at once). It is
// stateless: any replica answers any request. Each caller's key, sent in
// the profile's header, is the one the API receives for that caller's
// calls; restmcp keeps none. With cfg.AuthTokens, callers are admitted by
// listed tokens instead and the API receives p's own key. /healthz, /readyz
// and /metrics serve operators.
func (a *App) ServeHTTP(ctx context.Context, p profile.Profile, cfg HTTPConfig) error {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together: pass both, or neither to serve plain HTTP behind a TLS proxy")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if err := CheckBasePath(cfg.BasePath); err != nil {
		return err
	}
	if _, err := parseProxies(cfg.TrustedProxies); err != nil {
		return err
	}
	allowed, err := checkAllowedHosts(cfg.AllowedHosts)
	if err != nil {
		return err
	}
	cfg.AllowedHosts = allowed
	origins, err := parseOrigins(cfg.CORSOrigins)
	if err != nil {
		return err
	}
	cfg.CORSOrigins = origins
	// Without a way of sending keys from login or flags, the
	// description's declared one is used: known once it is read, and
	// then read from callers too.
	cred := a.describedOr(p, client.CallerKey)
	// A description on the API's origin that is refused without a key is
	// read with the profile's own key (stored by login, or in the
	// environment variable): callers' keys come only with calls. That key
	// reads the description and nothing else.
	var descCred client.Credential
	var hashes *reloaded[tokenHashes]
	if cfg.AuthTokens != "" {
		var err error
		if hashes, err = readTokenHashes(cfg.AuthTokens); err != nil {
			return err
		}
		cred = a.ProfileCredential(p)
	} else {
		descCred = a.ProfileCredential(p) // asked for only then
	}
	m := newMetrics()
	// It listens before the description is read: while it loads,
	// /healthz answers (the process lives, and a liveness probe does not
	// restart it for a description that is slow to come) and /readyz and
	// the MCP endpoint say it is starting; a taken address is said at once.
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("listening on %s: %w (choose another --http address)", cfg.Addr, err)
		}
	}
	every := cfg.ReloadEvery
	if every <= 0 {
		every = DefaultReloadEvery
	}
	// The certificate and the token file are read again when they
	// change, until the server stops.
	var files []poller
	if hashes != nil {
		files = append(files, hashes)
	}
	if cfg.TLSCert != "" {
		cert, err := newReloaded("--tls-cert and --tls-key", certificate, describeCert, cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			ln.Close()
			return err
		}
		files = append(files, cert)
		ln = tls.NewListener(ln, &tls.Config{
			GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return cert.load(), nil },
			MinVersion:     tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"},
		})
	}
	if files != nil {
		watching, stopWatching := context.WithCancel(context.WithoutCancel(ctx))
		defer stopWatching()
		go watchFiles(watching, every, cfg.Reload, a.Log, files...)
	}
	start := &startingHandler{path: basePath(cfg), m: m}
	hs := &http.Server{
		Handler:           start,
		ReadHeaderTimeout: 10 * time.Second,
		// A body that arrives slower than a whole request may take is cut.
		ReadTimeout: cfg.Timeout,
		IdleTimeout: 2 * time.Minute,
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	srv, err := a.buildServerWith(ctx, p, true, cred, upstreamCounter{m: m, next: client.DefaultTransport()}, descCred)
	if ctx.Err() != nil {
		// Asked to stop (SIGTERM) while the description was read: a
		// shutdown like any other, with nothing to drain. The tools, even
		// when built (from the copy saved earlier, or just before the
		// signal), are not served.
		_ = hs.Close()
		<-done
		a.Log.Info("shutting down: stopped while reading the API description")
		return nil
	}
	if err != nil {
		_ = hs.Close()
		<-done
		return err
	}
	if d, ok := cred.(*describedCredential); ok {
		p = d.profile()
	}
	admit := callerAdmit(p)
	if hashes != nil {
		admit = tokenAdmit(hashes)
	}
	// Calls still running when the drain time is up are cancelled, with
	// this cause, so that each is answered before the server closes.
	calls, stopCalls := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopCalls(nil)
	h := a.httpHandler(srv, cfg, m, admit, calls)
	start.serving.Store(h)
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	a.Log.Info("serving", "profile", p.Name, "tools", len(srv.Tools()), "url", scheme+"://"+ln.Addr().String()+basePath(cfg))
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr())
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	h.draining.Store(true)
	if cfg.ShutdownDelay > 0 {
		a.Log.Info("shutting down: not ready, still serving", "for", cfg.ShutdownDelay)
		select {
		case <-time.After(cfg.ShutdownDelay):
		case err := <-done:
			return err
		}
	}
	drain := cfg.Drain
	if drain <= 0 {
		drain = 10 * time.Second
	}
	a.Log.Info("shutting down: draining requests in flight", "for", drain)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
	defer cancel()
	if hs.Shutdown(sctx) == nil {
		return nil
	}
	// Past the drain time: the calls still running are cancelled and
	// answered with why, then the server closes.
	stopCalls(errShuttingDown)
	gctx, gcancel := context.WithTimeout(context.WithoutCancel(ctx), answerGrace)
	defer gcancel()
	if err := hs.Shutdown(gctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("requests still running after %s were cut: %w", drain+answerGrace, err)
	}
	a.Log.Warn("calls still running after the drain time were cancelled and answered", "drain", drain)
	return nil
}

// startingHandler answers while the description is read, then hands
// every request to the server's handler: /healthz answers "ok", /readyz
// and the MCP endpoint 503 (with Retry-After), /metrics what it counted.
type startingHandler struct {
	path    string
	m       *metrics
	serving atomic.Pointer[httpHandler]
}

func (s *startingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.serving.Load(); h != nil {
		h.ServeHTTP(w, r)
		return
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch p := r.URL.Path; {
	case get && p == "/healthz":
		fmt.Fprintln(w, "ok")
	case get && p == "/metrics":
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.m.write(w, "restmcp")
	case get && p == "/readyz", p == s.path, p == strings.TrimSuffix(s.path, "/")+"/":
		w.Header().Set("Retry-After", "1")
		http.Error(w, "starting: reading the API description", http.StatusServiceUnavailable)
	default:
		http.NotFound(w, r)
	}
}

// errShuttingDown is why a call still running when the drain time is up
// was cancelled.
var errShuttingDown = errors.New("the server is shutting down; call again (another replica answers)")

func basePath(cfg HTTPConfig) string {
	if cfg.BasePath == "" {
		return "/mcp"
	}
	return "/" + strings.Trim(cfg.BasePath, "/")
}

// CheckBasePath refuses a --base-path the router would not take as
// written: one with characters a URL path escapes, or the router's
// wildcards ({name}), or empty, "." or ".." segments (the router
// redirects those elsewhere).
func CheckBasePath(given string) error {
	path := strings.Trim(given, "/")
	if path == "" {
		return nil
	}
	switch "/" + path {
	case "/healthz", "/readyz", "/metrics":
		// Served with the operators' endpoint of that path, the MCP
		// endpoint would answer some methods and the probe others.
		return fmt.Errorf("--base-path %q is the path of an operators' endpoint (/healthz, /readyz, /metrics): write another, such as /mcp", given)
	}
	for _, seg := range strings.Split(path, "/") {
		ok := seg != "" && seg != "." && seg != ".."
		for _, c := range seg {
			ok = ok && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("-._~!$&'()*+,;=:@", c))
		}
		if !ok {
			return fmt.Errorf("--base-path %q is not a plain URL path: write one such as /mcp or /acme/mcp (letters, digits and - . _ ~ between single slashes)", given)
		}
	}
	return nil
}

// httpHandler routes the MCP endpoint and the operators' endpoints.
type httpHandler struct {
	mux     *http.ServeMux
	a       *App
	m       *metrics
	proxies []netip.Prefix // trusted reverse proxies (for the access log)
	// allowedHosts may be the Host of a request on a loopback address.
	allowedHosts []string
	draining     atomic.Bool
}

func (h *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

func (a *App) httpHandler(srv *server.Server, cfg HTTPConfig, m *metrics, admit admitter, calls context.Context) *httpHandler {
	h := &httpHandler{mux: http.NewServeMux(), a: a, m: m}
	// ServeHTTP has checked them.
	h.proxies, _ = parseProxies(cfg.TrustedProxies)
	h.allowedHosts = cfg.AllowedHosts
	// Stateless: initialize says the tools do not change while it serves
	// (they change with a restart, which a client's next list sees).
	front := srv.StatelessFront()
	ms := front.MCPServer()
	// observe counts a call in the metrics, answered by the front or by
	// the MCP server.
	observe := func(name string, res *mcp.CallToolResult, err error, took time.Duration) {
		tool, outcome := "unknown", "ok"
		if _, known := srv.Tool(name); known {
			tool = name
		}
		if err != nil || res == nil || res.IsError {
			outcome = "error"
		}
		m.call(tool, outcome, took)
	}
	ms.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			call, ok := req.(*mcp.CallToolRequest)
			if !ok {
				return next(ctx, method, req)
			}
			start := time.Now()
			res, err := next(ctx, method, req)
			r, _ := res.(*mcp.CallToolResult)
			observe(call.Params.Name, r, err, time.Since(start))
			return res, err
		}
	})
	maxBody := cfg.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = server.MaxMessageBytes
	}
	bodies := &inflight{}
	// One body of the largest size always fits (with the byte read past
	// it to see its end).
	bodies.max.Store(max(cmp.Or(cfg.MaxInflightBytes, DefaultInflightBytes), maxBody+1))
	// The same limit for the front and the MCP server (whose own default
	// is 4 MiB).
	// The Host of a request on a loopback address is checked here
	// (rebinding), against the names --allowed-host adds.
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return ms },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, MaxRequestBodyBytes: maxBody, DisableLocalhostProtection: true})
	endpoint := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusal := rebinding(r, h.allowedHosts); refusal != "" {
			http.Error(w, refusal, http.StatusForbidden)
			return
		}
		r = r.WithContext(server.WithHostChecked(r.Context()))
		ctx, refusal := admit.admit(r)
		if len(r.Header.Get(admit.header)) > MaxCredentialBytes {
			refusal = fmt.Sprintf("the credential in %s is longer than %d bytes", admit.header, MaxCredentialBytes)
		}
		if refusal != "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			if strings.EqualFold(admit.header, client.DefaultAuthHeader) {
				challenge := cmp.Or(admit.challenge, "Bearer")
				w.Header().Set("WWW-Authenticate", challenge+` realm="`+a.Name+`"`)
			}
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintln(w, refusal)
			return
		}
		if r.ContentLength > maxBody {
			http.Error(w, fmt.Sprintf("request body larger than %d bytes (--max-body)", maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		// The body is read whole before the call, its bytes reserved as
		// they arrive: a connection that sends nothing holds nothing.
		body := &reservingBody{src: http.MaxBytesReader(w, r.Body, maxBody), bodies: bodies}
		defer body.release()
		data, err := body.readAll(r.ContentLength, maxBody)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.Is(err, errBusy):
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy: too many large requests in flight; try again", http.StatusServiceUnavailable)
			return
		case errors.As(err, &tooLarge):
			http.Error(w, fmt.Sprintf("request body larger than %d bytes (--max-body)", maxBody), http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
			return
		case server.ValuesOver(data, MaxMessageValues):
			http.Error(w, fmt.Sprintf("request body holds more than %d JSON values", MaxMessageValues), http.StatusRequestEntityTooLarge)
			return
		}
		if n := batchLen(data); n > MaxBatchMessages {
			http.Error(w, fmt.Sprintf("a batch of %d messages: at most %d go in one request; send the others in more requests", n, MaxBatchMessages), http.StatusRequestEntityTooLarge)
			return
		}
		if !knownVersion(w, r, data) {
			return
		}
		r.Body = server.NewRequestBody(data)
		// The call ends at the time limit and its error is answered; the
		// request is given a moment more to send that answer, and no more:
		// a client that stops reading its answer does not hold the
		// request (and its body's bytes) past it.
		deadline := time.Now().Add(cfg.Timeout)
		ctx, cancel := context.WithDeadline(ctx, deadline.Add(answerGrace))
		defer cancel()
		_ = http.NewResponseController(w).SetWriteDeadline(deadline.Add(answerGrace))
		r = r.WithContext(server.WithCallStop(server.WithCallDeadline(ctx, deadline), calls))
		// A plain tools/call is answered by the front; anything else by
		// the MCP server.
		if !front.HTTPCall(w, r, observe) {
			mcpHandler.ServeHTTP(w, r)
		}
	})
	path := basePath(cfg)
	mcpEndpoint := a.accessLog(m, path, h.proxies, cors(cfg.CORSOrigins, admit.header, endpoint))
	h.mux.Handle(path, mcpEndpoint)
	if path != "/" {
		// The URL written with a trailing slash ("https://host/mcp/",
		// as --base-path may be given, and as some MCP servers' own
		// endpoints are) reaches the endpoint too, rather than a 404.
		h.mux.Handle(path+"/{$}", mcpEndpoint)
	}
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	h.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if h.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if n := len(srv.Tools()); n == 1 {
			fmt.Fprintln(w, "ready: 1 tool")
		} else {
			fmt.Fprintf(w, "ready: %d tools\n", n)
		}
	})
	h.mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w, "restmcp")
	})
	return h
}

// protocolVersions are the MCP protocol versions served, newest first:
// the go-sdk's.
var protocolVersions = mcp.SupportedProtocolVersions()

// knownVersion answers a request whose MCP-Protocol-Version header names
// a version this server does not speak with 400 and an error that lists
// the ones it does (code -32022, with the versions in its data, which a
// client of protocol 2026-07-28 retries with), and reports whether the
// request may go on. The go-sdk's handler lets a version it does not
// know through when it sorts after 2026-07-28, and then asks for a
// "_meta" field of that protocol, which misleads. An initialize goes on: it is what agrees on a version
// (from the one in its body: the server answers with one it speaks), so
// the header it came with, of no version yet agreed, is dropped; so does
// a batch that holds one (protocol 2025-03-26 allows batches), answered
// as a batch without the header is.
func knownVersion(w http.ResponseWriter, r *http.Request, body []byte) bool {
	v := r.Header.Get("Mcp-Protocol-Version")
	if v == "" || slices.Contains(protocolVersions, v) {
		return true
	}
	if batchInitializes(body) {
		r.Header.Del("Mcp-Protocol-Version")
		return true
	}
	var id jsonrpc.ID
	if msg, err := jsonrpc.DecodeMessage(body); err == nil {
		if req, ok := msg.(*jsonrpc.Request); ok {
			if req.Method == "initialize" {
				r.Header.Del("Mcp-Protocol-Version")
				return true
			}
			id = req.ID
		}
	}
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	data, _ := json.Marshal(mcp.UnsupportedProtocolVersionData{Supported: protocolVersions, Requested: v})
	answer, err := jsonrpc.EncodeMessage(&jsonrpc.Response{ID: id, Error: &jsonrpc.Error{
		Code: mcp.CodeUnsupportedProtocolVersion,
		Message: fmt.Sprintf("unsupported MCP protocol version %q (MCP-Protocol-Version header): this server speaks %s; send one of them, or initialize to agree on one",
			v, strings.Join(protocolVersions, ", ")),
		Data: data,
	}})
	if err != nil {
		http.Error(w, "unsupported MCP protocol version", http.StatusBadRequest)
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(answer)
	return false
}

// batchInitializes reports whether body is a JSON-RPC batch that holds
// an initialize request.
func batchInitializes(body []byte) bool {
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) == 0 || b[0] != '[' {
		return false
	}
	var msgs []json.RawMessage
	if json.Unmarshal(body, &msgs) != nil {
		return false
	}
	for _, raw := range msgs {
		if msg, err := jsonrpc.DecodeMessage(raw); err == nil {
			if req, ok := msg.(*jsonrpc.Request); ok && req.Method == "initialize" {
				return true
			}
		}
	}
	return false
}

// admitter decides whether a request may call tools: it returns the
// request's context (carrying what its calls need) or why it is refused.
type admitter struct {
	header string // the header it reads
	// challenge is the scheme a refusal asks for in Authorization
	// (WWW-Authenticate; "" for Bearer).
	challenge string
	admit     func(r *http.Request) (context.Context, string)
}

// callerAdmit admits a request that carries a key in p's header, and
// carries that key to the API.
func callerAdmit(p profile.Profile) admitter {
	if _, basic := callerCredential(p).(client.BasicAuth); basic {
		return basicAdmit(p)
	}
	header, scheme, format := callerHeader(p)
	example := header + ": " + client.AuthValue(scheme, "<your API key>")
	if format != "" {
		example = header + ": " + strings.ReplaceAll(format, "{key}", "<your API key>")
	}
	challenge := ""
	if format == "" {
		challenge = scheme
	}
	return admitter{header: header, challenge: challenge, admit: func(r *http.Request) (context.Context, string) {
		key := callerKey(r.Header.Get(header), scheme)
		if format != "" {
			key = keyInFormat(r.Header.Get(header), format)
		}
		if key == "" {
			return nil, fmt.Sprintf("no credential: send your own API key for the API with each request, in the header %q (%s)", header, example)
		}
		if other := otherScheme(key, scheme); format == "" && other != "" {
			// The API would refuse the key in a scheme it does not take.
			return nil, fmt.Sprintf("the credential in %q is in the scheme %q, and the API takes %q: send %q (or the key alone)",
				header, other, scheme, header+": "+client.AuthValue(scheme, "<key>"))
		}
		return client.WithCallerKey(r.Context(), key), ""
	}}
}

// otherScheme is the scheme word a caller's value (v, without the
// profile's scheme) begins with, "Bearer" in "Bearer <key>", when the
// profile has a scheme and v is such a word and a key; else "".
func otherScheme(v, scheme string) string {
	word, rest, spaced := strings.Cut(v, " ")
	rest = strings.TrimSpace(rest)
	if scheme == "" || !spaced || rest == "" || strings.ContainsAny(rest, " \t") || strings.EqualFold(word, scheme) || !isToken(word) {
		return ""
	}
	return word
}

// isToken reports whether s is an HTTP token (RFC 9110), as a scheme
// name is.
func isToken(s string) bool {
	for _, c := range s {
		if c > '~' || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return s != ""
}

// basicAdmit admits a request for an API with HTTP basic authentication:
// the caller sends its own user name and password ("Authorization: Basic
// <base64 of user:password>"), both forwarded; or its password alone
// (Bearer, or the bare value), sent with the profile's user name.
func basicAdmit(p profile.Profile) admitter {
	const how = `"Authorization: Basic <base64 of user:password>"`
	return admitter{header: client.DefaultAuthHeader, challenge: "Basic", admit: func(r *http.Request) (context.Context, string) {
		v := strings.TrimSpace(r.Header.Get(client.DefaultAuthHeader))
		scheme, rest, spaced := strings.Cut(v, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case v == "":
			return nil, "no credential: send your own user name and password for the API with each request, as " + how
		case strings.EqualFold(scheme, "Basic"):
			b, err := base64.StdEncoding.DecodeString(rest)
			user, pass, ok := strings.Cut(string(b), ":")
			if err != nil || !ok || pass == "" || rest == "" {
				return nil, "the Basic credential is not the base64 of user:password: send " + how
			}
			if user == "" && p.Auth.Username == "" {
				return nil, "no user name: this server has none to send with a password alone; send " + how
			}
			ctx := client.WithCallerKey(r.Context(), pass)
			if user != "" {
				ctx = client.WithCallerUser(ctx, user)
			}
			return ctx, ""
		case spaced && !strings.EqualFold(scheme, "Bearer"), spaced && rest == "", strings.EqualFold(v, "Bearer"):
			// Another scheme (Digest …), or a bare scheme name.
			return nil, "this server takes HTTP basic credentials: send " + how
		case p.Auth.Username == "":
			return nil, "this server has no user name to send with a password alone: send " + how
		}
		pass := v
		if spaced {
			pass = rest
		}
		return client.WithCallerKey(r.Context(), pass), ""
	}}
}

// tokenAdmit admits a request whose bearer token hashes to one of the
// hashes listed now; the API then receives the server's own key.
func tokenAdmit(list *reloaded[tokenHashes]) admitter {
	return admitter{header: client.DefaultAuthHeader, admit: func(r *http.Request) (context.Context, string) {
		tok := callerKey(r.Header.Get(client.DefaultAuthHeader), "Bearer")
		if tok == "" {
			return nil, "no credential: send the token the server's operator gave you, as \"Authorization: Bearer <token>\""
		}
		sum := sha256.Sum256([]byte(tok))
		ok := 0
		for _, h := range *list.load() {
			ok |= subtle.ConstantTimeCompare(sum[:], h)
		}
		if ok == 0 {
			return nil, "this token is not admitted: ask the server's operator for one"
		}
		return r.Context(), ""
	}}
}

// readTokenHashes reads a file of SHA-256 hashes, hex, one a line ("#"
// starts a comment; a "sha256:" prefix is allowed, and so is the "  -"
// that sha256sum writes after the hash of its standard input), and reads
// it again when it changes.
func readTokenHashes(path string) (*reloaded[tokenHashes], error) {
	r, err := newReloaded("--auth-tokens", func(contents [][]byte) (*tokenHashes, error) {
		return parseTokenHashes(path, contents[0])
	}, describeTokens, path)
	if r != nil {
		r.gone = &tokenHashes{} // deleted: no one is admitted
	}
	return r, err
}

// parseTokenHashes returns the hashes of the lines that read, and an
// error naming the first line that does not (or saying there is none).
func parseTokenHashes(path string, b []byte) (*tokenHashes, error) {
	hashes := tokenHashes{}
	var bad []int
	for i, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimPrefix(strings.TrimSpace(line), "sha256:")
		// `printf %s "$TOKEN" | sha256sum` writes "HASH  -" (" *-" in
		// binary mode), as the errors below suggest.
		if h, rest, ok := strings.Cut(line, " "); ok {
			if rest = strings.TrimSpace(rest); rest == "-" || rest == "*-" {
				line = h
			}
		}
		if line == "" {
			continue
		}
		h, err := hex.DecodeString(line)
		if err != nil || len(h) != sha256.Size {
			bad = append(bad, i+1)
			continue
		}
		hashes = append(hashes, h)
	}
	switch {
	case len(bad) == 1:
		return &hashes, fmt.Errorf("%s:%d: not a SHA-256 hash in hex (the only such line; it admits no one): write each token's hash, e.g. `printf %%s \"$TOKEN\" | sha256sum`", path, bad[0])
	case len(bad) > 1:
		return &hashes, fmt.Errorf("%s:%d: not a SHA-256 hash in hex (%d such lines; they admit no one): write each token's hash, e.g. `printf %%s \"$TOKEN\" | sha256sum`", path, bad[0], len(bad))
	case len(hashes) == 0:
		return &hashes, fmt.Errorf("%s lists no token hashes, so no one is admitted: add one a line (`printf %%s \"$TOKEN\" | sha256sum`)", path)
	}
	return &hashes, nil
}

// callerKey is the key in a caller's header value: what follows scheme,
// or the whole value.
func callerKey(v, scheme string) string {
	v = strings.TrimSpace(v)
	if scheme != "" && len(v) > len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) && v[len(scheme)] == ' ' {
		v = strings.TrimSpace(v[len(scheme):])
	}
	return v
}

// keyInFormat is the key in a header value written as format ("Token
// token={key}"), or the whole value when it does not follow the format.
func keyInFormat(v, format string) string {
	v = strings.TrimSpace(v)
	pre, post, _ := strings.Cut(format, "{key}")
	if len(v) >= len(pre)+len(post) && strings.HasPrefix(v, pre) && strings.HasSuffix(v, post) {
		return strings.TrimSpace(v[len(pre) : len(v)-len(post)])
	}
	return v
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog logs each request (method, path, status, duration, remote
// address — the caller's, behind trusted proxies; never a header or a
// body) and counts it.
func (a *App) accessLog(m *metrics, path string, proxies []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		m.request(path, sw.code)
		a.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.code,
			"duration_ms", time.Since(start).Milliseconds(), "remote", remoteAddr(r, proxies))
	})
}

// hopAddr reads an address of X-Forwarded-For, which some proxies write
// with a port ("203.0.113.9:5678", "[2001:db8::5]:443").
func hopAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// parseProxies reads --trusted-proxy values: networks in CIDR notation or
// single addresses.
func parseProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		v = strings.TrimSpace(v)
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxy %q: not an address or a network in CIDR notation (10.0.0.0/8, 192.168.1.7, fd00::/8)", v)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// remoteAddr is the address of a request's caller: the peer's, or, when
// the peer is a trusted proxy, the last address in X-Forwarded-For that
// is not one (each proxy appends the address it received from; what the
// caller itself wrote comes first and is not believed), or the first when
// all are.
func remoteAddr(r *http.Request, proxies []netip.Prefix) string {
	trusted := func(s string) bool {
		a, ok := hopAddr(s)
		if !ok {
			return false
		}
		for _, p := range proxies {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if len(proxies) == 0 {
		return r.RemoteAddr
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || !trusted(host) {
		return r.RemoteAddr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	caller := r.RemoteAddr
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		a, ok := hopAddr(hop)
		if !ok {
			break // not an address: what comes before it is not known
		}
		caller = a.String()
		if !trusted(hop) {
			break
		}
	}
	return caller
}

// rebinding is why a request is refused as a DNS rebinding attack ("" when
// it is not): one that reached a loopback address with a Host that is
// neither a loopback one nor allowed, as a page whose name was made to
// resolve to 127.0.0.1 sends. A reverse proxy on this machine that passes
// the Host on (Caddy and Traefik do, nginx with "proxy_set_header Host
// $host") sends its public name, which --allowed-host allows. Where a
// request comes from tells nothing here: on a loopback address, the proxy
// and a browser of this machine both connect from it.
func rebinding(r *http.Request, allowed []string) string {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || local == nil || !loopbackHost(local.String()) || loopbackHost(r.Host) {
		return ""
	}
	name, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		name = r.Host
	}
	name = strings.TrimSuffix(strings.Trim(name, "[]"), ".")
	for _, a := range allowed {
		if strings.EqualFold(name, a) {
			return ""
		}
	}
	host := r.Host
	if len(host) > 100 {
		host = host[:100] + "…"
	}
	return fmt.Sprintf("forbidden: Host %q on a loopback address (DNS rebinding protection); behind a reverse proxy on this machine that passes the Host on, allow its public name with --allowed-host NAME, or have it send Host: %s", host, local.String())
}

// checkAllowedHosts refuses an --allowed-host that is not a host name or
// address (a URL, a port, a wildcard), and returns the names as compared.
func checkAllowedHosts(given []string) ([]string, error) {
	out := make([]string, 0, len(given))
	for _, g := range given {
		name := strings.TrimSuffix(strings.Trim(g, "[]"), ".")
		ok := name != ""
		for _, c := range name {
			ok = ok && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == ':' || c == '_')
		}
		if _, err := netip.ParseAddr(name); !ok || strings.Contains(name, ":") && err != nil {
			return nil, fmt.Errorf("--allowed-host %q is not a host name: write the name alone, as the Host header gives it without its port, e.g. --allowed-host mcp.example.com", g)
		}
		out = append(out, name)
	}
	return out, nil
}

// loopbackHost reports whether a host, with or without a port, is a
// loopback name or address.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// cors lets browsers on origins call next; with no origins it adds
// nothing, and browsers refuse cross-origin calls. A request from a page
// of another origin (its Origin header neither listed nor this server's)
// is refused with 403, as MCP's Streamable HTTP asks: a page must not
// drive the tools with what its browser sends.
func cors(origins []string, keyHeader string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		allowed := o != "" && (slices.Contains(origins, o) || slices.Contains(origins, "*"))
		if o != "" && !allowed && !sameHost(o, r.Host) && !sameHost(o, forwardedHost(r)) {
			http.Error(w, "forbidden: requests from "+clipOrigin(o)+" are not allowed (--cors-origin lists the origins that are)", http.StatusForbidden)
			return
		}
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Add("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Methods", "POST, GET, DELETE, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID, "+keyHeader)
			w.Header().Set("Access-Control-Expose-Headers", "Mcp-Session-Id")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseOrigins reads --cors-origin values as a browser writes its Origin
// header: the scheme and host in lower case, no default port, no
// trailing slash ("https://App.example:443/" is "https://app.example"),
// so that an origin given in the form of a URL still matches; "*" and
// "null" stay. A value with a path, a query or no host is refused: no
// browser sends it, and no request would ever be let through by it.
func parseOrigins(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "*" || v == "null" {
			out = append(out, v)
			continue
		}
		u, err := url.Parse(v)
		ok := err == nil && u.Scheme != "" && u.Host != "" && u.User == nil &&
			(u.Path == "" || u.Path == "/") && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
		if !ok {
			return nil, fmt.Errorf("--cors-origin %q is not an origin: write the scheme and host a browser's page is served from, such as https://app.example.com or http://localhost:6274 (no path), or *", clipOrigin(v))
		}
		host := strings.ToLower(u.Host)
		scheme := strings.ToLower(u.Scheme)
		if port := u.Port(); (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			host = strings.TrimSuffix(host, ":"+port)
		}
		out = append(out, scheme+"://"+host)
	}
	return out, nil
}

// sameHost reports whether origin names the host (and port) a request was
// sent to: a page of this server's own, which no browser blocks either.
func sameHost(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && host != "" && strings.EqualFold(u.Host, host)
}

// forwardedHost is the host a reverse proxy says the request was sent to
// (X-Forwarded-Host, its first value), "" when none: a proxy that rewrites
// Host (nginx's proxy_pass) keeps the page's own origin recognisable. A
// browser cannot set it on a cross-origin call without a preflight, which
// this server does not grant.
func forwardedHost(r *http.Request) string {
	h, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ",")
	return strings.TrimSpace(h)
}

// clipOrigin is an Origin header short enough to repeat in an answer.
func clipOrigin(o string) string {
	if len(o) > 100 {
		return o[:100] + "…"
	}
	return o
}
