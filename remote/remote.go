// Package remote bridges a local MCP client to a remote MCP server: stdio
// on one side, Streamable HTTP (or the older HTTP+SSE transport) on the
// other. Messages are relayed as JSON-RPC, without the bridge knowing the
// methods, so tools, resources, prompts, completions, logging, progress,
// cancellation, notifications and the server's own requests (sampling,
// elicitation, roots) all pass. Only tools/list answers and tools/call
// requests are rewritten, and only when a Filter asks for it; and the
// client's requests go to the server under IDs of the bridge's own (their
// answers come back under the client's), so that an answer that comes
// after its call ended is never taken for a later call's. The server's
// requests likewise reach the client under IDs of the bridge's own, as a
// new session, made when the server lost one, numbers its requests from
// the start again: the client never sees two under one ID, and its answer
// goes back under the server's ID to the session that asked, or nowhere:
// when that session ends first, the client is told the request is
// cancelled.
//
// The credentials are added by the transport of Config.HTTPClient (restmcp
// gives it the one credential transport, client.Transport); they never
// pass through the messages.
package remote

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// initTimeout bounds one initialize with the remote server.
const initTimeout = 30 * time.Second

// Config says which remote server to bridge to, and how.
type Config struct {
	// URL is the server's MCP endpoint, e.g. https://mcp.example.com/mcp.
	URL string
	// HTTPClient sends every request; its transport adds the credentials
	// (default http.DefaultClient: none).
	HTTPClient *http.Client
	// Filter narrows and renames the remote tools.
	Filter Filter
	// Login is the command that stores new credentials, named when the
	// server refuses them.
	Login string
	// OAuth says that the credentials are an OAuth sign-in's token, and
	// Scopes are the scopes it was granted: a 403 asking for more
	// (insufficient_scope) is told as a new sign-in asking for these and
	// those. Otherwise the credentials are a key, which lacks the
	// permission.
	OAuth  bool
	Scopes []string
	// KeyEnv, when set, is the environment variable the credentials come
	// from, sent in place of the stored key or sign-in: a refusal names it,
	// since storing a new key or signing in again changes nothing while it
	// is set.
	KeyEnv string
	// NoneStored reports that no key or sign-in is stored to be sent once
	// KeyEnv is unset, so that a refusal does not offer unsetting it,
	// which would leave nothing to send (nil: one is).
	NoneStored func() bool
	// NoCredentials reports whether there are no credentials to send
	// (nil: there are), so that a 401 or 403 is told as the server asking
	// for credentials rather than refusing the ones sent.
	NoCredentials func(context.Context) bool
	// Logger receives the bridge's log (default: none).
	Logger *log.Logger
	// CallTimeout bounds the wait for the answer to each tools/call the
	// client sends (0: none, as a remote tool may take long). When it runs
	// out, the call is answered with an error and cancelled at the server.
	CallTimeout time.Duration

	// asideTimeout, deleteTimeout, lostTimeout and recancelTimeout replace
	// the package's asideTimeout, deleteTimeout, lostWait and
	// recancelWait (tests shorten them).
	asideTimeout, deleteTimeout, lostTimeout, recancelTimeout time.Duration
}

// bridge relays between one local connection and the remote server,
// reconnecting to the server when it loses the session.
type bridge struct {
	cfg     Config
	closing []chan struct{} // connections being closed in the background (guarded by mu)
	life    context.Context // the bridge's lifetime: reads from the server
	client  *http.Client
	filter  *toolFilter
	log     *log.Logger
	aside   time.Duration // bounds passing a notification or an answer
	refused atomic.Int32  // the last 401/403 the server answered
	// workers are the goroutines the bridge starts beside serve's own:
	// reading the server, closing connections. Serve and Probe wait for
	// them (see waitWorkers).
	workers sync.WaitGroup
	// timing are the calls being timed out (see timeOut): serve waits for
	// them before the session ends, as their cancellations, repeated
	// included, must reach the server before it is told that the session
	// ends.
	timing sync.WaitGroup
	// recancel is how long after a call's cancellation the server has to
	// answer the call before it is told again (see recancelAfter).
	recancel time.Duration

	local   mcp.Connection
	localMu sync.Mutex // serializes writes to local

	mu      sync.Mutex // guards up, sse, init, initialized; held while connecting
	up      *upConn
	sse     bool             // the server speaks only HTTP+SSE
	init    *jsonrpc.Request // the client's initialize, replayed on reconnection
	initted *jsonrpc.Request // the client's initialized notification

	// wmu guards what follows; the maps are keyed by the ID a call has on
	// the wire (see routes).
	wmu     sync.Mutex
	waiters map[jsonrpc.ID]chan *jsonrpc.Response // answers the bridge waits for
	lists   map[jsonrpc.ID]bool                   // tools/list calls in flight
	calls   map[jsonrpc.ID]*sending               // the client's calls being sent
	sent    map[jsonrpc.ID]*sentCall              // the client's calls written, not answered
	// routes are the client's calls not answered yet, by the ID each has
	// on the wire: one of the bridge's own, never given twice, so that
	// an answer that comes after its call timed out or was cancelled is
	// not taken for the answer to a later call the client gave the same
	// ID. Each is forgotten as its call ends, however it ends.
	routes map[jsonrpc.ID]*route
	wire   map[jsonrpc.ID]jsonrpc.ID // the client's ID of each of routes → its ID on the wire
	lastID int64                     // the last ID given on the wire
	over   bool                      // the session is over: a call's timer starts nothing more
	// asked holds the requests of the server the client has not answered
	// yet, by the ID the client sees: one of the bridge's own, never given
	// twice, as a new session numbers its requests from the start again.
	// The answer goes back under the server's ID on the connection that
	// asked, or nowhere. Each is forgotten once answered, cancelled by the
	// server, or when its connection ends (the client is then told that it
	// is cancelled).
	asked     map[jsonrpc.ID]*serverCall
	askedBy   map[serverKey]jsonrpc.ID // the connection and server's ID of each of asked → the ID the client sees
	lastAsked int64                    // the last ID given to a request of the server
	// cancelled holds, by ID on the wire, the calls the server was told
	// to cancel whose answer has not come: each channel is closed when it
	// comes (see recancelAfter).
	cancelled map[jsonrpc.ID]chan struct{}

	replays atomic.Int64
}

// route is a call of the client not answered yet.
type route struct {
	client jsonrpc.ID  // the ID the client gave it
	timer  *time.Timer // bounds a tools/call by Config.CallTimeout
	init   bool        // it is initialize, which is not to be cancelled
}

// serverCall is a request of the server the client has not answered yet.
type serverCall struct {
	conn *upConn
	id   jsonrpc.ID // the ID the server gave it
	// token is the progress token the server gave it (raw JSON; nil for
	// none). The client sees the request's own ID as its token, unique
	// likewise, and its progress notifications go back with this one.
	token json.RawMessage
}

// serverKey names a request of the server: the ID it gave it, on conn.
type serverKey struct {
	conn *upConn
	id   jsonrpc.ID
}

// upConn is a connection to the server. When reading it ends, the calls
// written on it will get no answer from it: the bridge gives them one.
type upConn struct {
	mcp.Connection
	ended bool  // reading it ended (guarded by bridge.wmu)
	why   error // why it ended (guarded by bridge.wmu)
}

// sending is a call of the client being sent to the server.
type sending struct {
	cancel context.CancelFunc // stops the sending
	// posted, while a write of the request is under way, closes once the
	// request is on the wire or the write ended: a cancellation of the
	// call waits for that, so that the server never hears of it before
	// the call (guarded by bridge.wmu, as is out).
	posted chan struct{}
	// out says that the request went out and was not refused: the server
	// may have the call, and is told when it is cancelled. A call that
	// ends before (cancelled while a new session is being made, say) is
	// not cancelled at the server, which never had it.
	out bool
}

// sentCall is a call of the client being written, or written, to conn.
type sentCall struct {
	conn    *upConn
	req     *jsonrpc.Request
	written bool // the write succeeded: the answer is awaited from conn
}

func newBridge(life context.Context, cfg Config) *bridge {
	base := http.DefaultTransport
	timeout := time.Duration(0)
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			base = cfg.HTTPClient.Transport
		}
		timeout = cfg.HTTPClient.Timeout
	}
	b := &bridge{
		cfg:       cfg,
		life:      life,
		filter:    newToolFilter(cfg.Filter),
		log:       cfg.Logger,
		aside:     cmp.Or(cfg.asideTimeout, asideTimeout),
		recancel:  cmp.Or(cfg.recancelTimeout, recancelWait),
		cancelled: map[jsonrpc.ID]chan struct{}{},
		waiters:   map[jsonrpc.ID]chan *jsonrpc.Response{},
		lists:     map[jsonrpc.ID]bool{},
		calls:     map[jsonrpc.ID]*sending{},
		sent:      map[jsonrpc.ID]*sentCall{},
		routes:    map[jsonrpc.ID]*route{},
		wire:      map[jsonrpc.ID]jsonrpc.ID{},
		asked:     map[jsonrpc.ID]*serverCall{},
		askedBy:   map[serverKey]jsonrpc.ID{},
	}
	if b.log == nil {
		b.log = log.New(io.Discard)
	}
	b.client = &http.Client{Timeout: timeout, Transport: refusalWatch{base, &b.refused}, CheckRedirect: noPostRedirect}
	return b
}

// noPostRedirect follows redirects, but for a 301, 302 or 303 to a POST:
// it would become a GET, which the MCP endpoint does not take as the
// message. The redirect is then the answer (307 and 308 keep the POST).
func noPostRedirect(req *http.Request, via []*http.Request) error {
	if via[len(via)-1].Method == http.MethodPost && req.Method != http.MethodPost {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// refusalWatch notes the statuses that mean the credentials were refused
// (the SSE transport's errors do not carry them).
type refusalWatch struct {
	base    http.RoundTripper
	refused *atomic.Int32
}

func (w refusalWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	switch {
	case err != nil:
	case resp.StatusCode == http.StatusForbidden && insufficient(resp.Header):
		// The credentials were taken, and lack a permission: a later
		// failure is not blamed on them.
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		w.refused.Store(int32(resp.StatusCode))
	case resp.StatusCode < 300:
		// Accepted since: a later failure is not the credentials'.
		w.refused.Store(0)
	}
	return resp, err
}

// Serve relays the MCP session of the client on local to the remote
// server until the client goes away (or ctx ends).
func Serve(ctx context.Context, local mcp.Transport, cfg Config) error {
	// Once the client is gone, what is under way for it stops first: a
	// reconnection stuck on a server must not keep closeUp waiting.
	ctx, stop := context.WithCancel(ctx)
	return newBridge(ctx, cfg).serve(ctx, stop, local)
}

// serve is Serve with the bridge made; stop ends ctx, its lifetime.
func (b *bridge) serve(ctx context.Context, stop context.CancelFunc, local mcp.Transport) error {
	conn, err := local.Connect(ctx)
	if err != nil {
		stop()
		return err
	}
	b.local = conn
	// initialize runs beside the loop, so that a client that goes while
	// the server is slow to answer it is seen gone at once; it ends (with
	// ctx) before the session is closed, and what the client sends next
	// waits for it, in order.
	var initializing sync.WaitGroup
	var initialized chan struct{}
	var left []*sentCall // the calls under way when the client went
	defer conn.Close()
	defer b.waitWorkers()
	defer b.closeUp()
	defer b.timing.Wait()
	defer func() { b.cancelLeft(left) }()
	defer initializing.Wait()
	// The calls and notifications under way end with ctx, before the
	// session is closed: nothing of this session runs on after Serve.
	var forwarding sync.WaitGroup
	defer forwarding.Wait()
	defer func() { left = b.endRoutes() }()
	defer stop()
	for {
		msg, err := conn.Read(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return nil
			}
			return err
		}
		if initialized != nil {
			<-initialized
			initialized = nil
		}
		switch m := msg.(type) {
		case *jsonrpc.Request:
			switch {
			case m.Method == "initialize" && m.IsCall():
				done := make(chan struct{})
				initialized = done
				b.wmu.Lock()
				req := b.routeLocked(m)
				b.wmu.Unlock()
				initializing.Go(func() {
					defer close(done)
					b.initialize(ctx, req)
				})
			case m.IsCall():
				callCtx, cancel := context.WithCancel(ctx)
				b.wmu.Lock()
				req := b.routeLocked(m)
				b.calls[req.ID] = &sending{cancel: cancel}
				b.wmu.Unlock()
				forwarding.Go(func() {
					defer b.endCall(req.ID)
					b.forwardCall(callCtx, req)
				})
			default:
				if m.Method == "notifications/initialized" {
					// Sent before anything else the client sends, yet
					// within b.aside, for a server that stalls on it must
					// not stop the reading of the client.
					b.mu.Lock()
					b.initted = m
					b.mu.Unlock()
					b.sendAside(ctx, m, "the initialized notification")
					continue
				}
				if m.Method == "notifications/progress" {
					// The progress of a request of the server: looked up
					// now, before the client's answer to it can end it.
					note, conn, ok := b.askedProgress(m)
					if ok {
						forwarding.Go(func() { b.progress(ctx, note, conn) })
					}
					continue
				}
				// Not on the loop that reads the client: a server slow to
				// take a notification (a cancellation, progress) must not
				// hold up the client's next requests.
				if m.Method != "notifications/cancelled" {
					forwarding.Go(func() { b.sendAside(ctx, m, "a notification") })
					continue
				}
				// The call ends now, before the client's next message: an
				// answer to it that comes later is dropped, even when the
				// client gives its ID to a new call at once.
				note, id, call, answered, ok := b.cancelRoute(m)
				if !ok {
					continue
				}
				forwarding.Go(func() {
					// A cancellation the client sent just before it went
					// still goes out, lest the server run the call on for
					// no one, and hold the end of the session up for it.
					nctx, cancel := outliving(ctx, cmp.Or(b.cfg.deleteTimeout, deleteTimeout))
					defer cancel()
					if b.wentOut(call) {
						b.sendAside(nctx, note, "a notification")
						// The call's own request stays open meanwhile:
						// its answer is the server's word that it has
						// the call.
						b.recancelAfter(nctx, id, note, answered)
					} else {
						b.forgetCancelled(id)
						b.log.Debug("the client cancelled a call whose request did not go out: the server is not told", "id", id.Raw())
					}
					// Told: the call's own request, if the server has not
					// answered it, need not wait any longer.
					b.endCall(id)
				})
			}
		case *jsonrpc.Response:
			forwarding.Go(func() { b.answer(ctx, m) })
		}
	}
}

// Probed is what Probe learnt of the server.
type Probed struct {
	*mcp.InitializeResult
	// Listed reports that the server also answered tools/list.
	Listed bool
}

// Probe connects to the server and initializes a session as a client
// named impl would; when the server offers tools, it lists them too, since
// a server may answer initialize to anyone and look at the credentials
// only on later requests. Then it ends the session. A refused key is a
// *StatusError with Unauthorized true.
func Probe(ctx context.Context, cfg Config, impl *mcp.Implementation) (*Probed, error) {
	b := newBridge(ctx, cfg)
	params, _ := json.Marshal(&mcp.InitializeParams{
		ProtocolVersion: "2025-06-18",
		ClientInfo:      impl,
		Capabilities:    &mcp.ClientCapabilities{},
	})
	id, _ := jsonrpc.MakeID("probe")
	resp, err := b.open(ctx, &jsonrpc.Request{ID: id, Method: "initialize", Params: params})
	defer b.waitWorkers()
	defer b.closeUp()
	if err != nil {
		return nil, err
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	var res mcp.InitializeResult
	if err := json.Unmarshal(resp.Result, &res); err != nil {
		return nil, fmt.Errorf("reading the initialize answer: %w", err)
	}
	p := &Probed{InitializeResult: &res}
	if res.Capabilities == nil || res.Capabilities.Tools == nil {
		return p, nil
	}
	err = b.listTools(ctx)
	var se *StatusError
	if errors.As(err, &se) && se.Unauthorized() {
		return nil, err
	}
	// Any other failure says nothing of the credentials.
	p.Listed = err == nil
	return p, nil
}

// listTools sends the initialized notification and tools/list on the
// session Probe opened, and waits for the answer.
func (b *bridge) listTools(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, initTimeout)
	defer cancel()
	if err := b.up.Write(ctx, &jsonrpc.Request{Method: "notifications/initialized"}); err != nil {
		return b.explain(err)
	}
	id, _ := jsonrpc.MakeID("probe-tools")
	ch := b.wait(id)
	defer b.unwait(id)
	if err := b.up.Write(ctx, &jsonrpc.Request{ID: id, Method: "tools/list", Params: json.RawMessage("{}")}); err != nil {
		return b.explain(err)
	}
	select {
	case resp := <-ch:
		if resp.Error != nil {
			return resp.Error
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Session is a client's session with the remote server through a bridge
// that runs in this process (see Connect).
type Session struct {
	*mcp.ClientSession
	stop   context.CancelFunc // ends the bridge
	served chan struct{}      // closed once the bridge stopped
}

// closeWait bounds the wait for a bridge of Connect to stop: cancelling
// the calls left under way and telling the server that the session ends
// take deleteTimeout each at most, and the rest ends at once.
const closeWait = 2 * deleteTimeout

// Close ends the session, and waits (closeWait at most) until the bridge
// has stopped, the server told: nothing of it runs on in the process.
func (s *Session) Close() error {
	err := s.ClientSession.Close()
	s.stop()
	waitServed(s.served)
	return err
}

// waitServed waits, closeWait at most, until served is closed.
func waitServed(served <-chan struct{}) {
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-served:
	case <-t.C:
	}
}

// Connect starts a bridge in this process and connects client to it: the
// remote server as serve shows it, for commands that list or call its
// tools. The session ends with ctx or when it is closed.
func Connect(ctx context.Context, cfg Config, client *mcp.Client) (*Session, error) {
	ctx, stop := context.WithCancel(ctx)
	ct, st := mcp.NewInMemoryTransports()
	served := make(chan struct{})
	go func() {
		defer close(served)
		Serve(ctx, st, cfg)
	}()
	cs, err := client.Connect(ctx, ct, nil)
	if err != nil {
		stop()
		waitServed(served)
		return nil, err
	}
	return &Session{ClientSession: cs, stop: stop, served: served}, nil
}

// initialize opens the remote session with the client's initialize and
// passes the answer back.
func (b *bridge) initialize(ctx context.Context, req *jsonrpc.Request) {
	b.closeUp()
	resp, err := b.open(ctx, req)
	if err != nil {
		b.replyError(req, err)
		return
	}
	b.mu.Lock()
	b.init = req
	b.mu.Unlock()
	b.writeLocal(ctx, resp)
}

// open connects to the server (Streamable HTTP, else HTTP+SSE), sends init
// and waits for its answer. The connection becomes b.up.
func (b *bridge) open(ctx context.Context, init *jsonrpc.Request) (*jsonrpc.Response, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.openLocked(ctx, init)
}

func (b *bridge) openLocked(ctx context.Context, init *jsonrpc.Request) (*jsonrpc.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, initTimeout)
	defer cancel()
	if !b.sse {
		conn := newHTTPConn(b.cfg.URL, b.client)
		conn.log = b.log
		conn.deleteWait = cmp.Or(b.cfg.deleteTimeout, deleteTimeout)
		conn.lostWait = cmp.Or(b.cfg.lostTimeout, lostWait)
		resp, err := b.handshake(ctx, conn, init)
		if err == nil {
			return resp, nil
		}
		var se *StatusError
		if !errors.As(err, &se) || se.Unauthorized() || se.Status >= 500 || se.Moved != "" {
			return nil, b.explain(err)
		}
		// 400, 404, 405…: perhaps a server of the older HTTP+SSE
		// transport, refusing a POST to its stream's URL.
		sc, serr := b.connectSSE(ctx)
		if serr != nil {
			b.log.Debug("no HTTP+SSE transport either", "err", withoutURL(serr))
			if answer := se.answerTo(init); answer != nil {
				// The server's own JSON-RPC error answer to initialize:
				// passed on, the real reason.
				return answer, nil
			}
			return nil, b.explain(err)
		}
		b.log.Info("the MCP server speaks the HTTP+SSE transport")
		b.sse = true
		return b.handshakeConn(ctx, sc, init)
	}
	sc, err := b.connectSSE(ctx)
	if err != nil {
		return nil, b.explain(err)
	}
	return b.handshakeConn(ctx, sc, init)
}

// connectSSE opens the HTTP+SSE transport's stream. ctx bounds the wait
// for it; the stream itself, the session, lives until the connection is
// closed (dropped, or by closeUp), not merely as long as the client: the
// calls a client leaves under way are cancelled on it once it went (see
// cancelLeft).
func (b *bridge) connectSSE(ctx context.Context) (mcp.Connection, error) {
	return dialSSE(ctx, context.WithoutCancel(b.life), b.cfg.URL, b.client)
}

func (b *bridge) handshakeConn(ctx context.Context, conn mcp.Connection, init *jsonrpc.Request) (*jsonrpc.Response, error) {
	resp, err := b.handshake(ctx, conn, init)
	if err != nil {
		return nil, b.explain(err)
	}
	return resp, nil
}

// handshake sends init on conn, reading conn from now on; on success conn
// is b.up.
func (b *bridge) handshake(ctx context.Context, c mcp.Connection, init *jsonrpc.Request) (*jsonrpc.Response, error) {
	conn := &upConn{Connection: c}
	ch := b.wait(init.ID)
	defer b.unwait(init.ID)
	b.workers.Go(func() { b.readUp(b.life, conn) })
	if err := conn.Write(ctx, init); err != nil {
		conn.Close()
		return nil, err
	}
	select {
	case resp := <-ch:
		if b.up != nil && b.up != conn {
			// Replaced (the client initialized again): closed, as
			// nothing else would close it.
			b.dropLocked(b.up)
		}
		b.up = conn
		return resp, nil
	case <-ctx.Done():
		conn.Close()
		return nil, fmt.Errorf("the MCP server did not answer initialize: %w", ctx.Err())
	}
}

// insufficient reports whether the challenges of h, a 403's, say that
// the credentials lack a permission (see StatusError.InsufficientScope).
func insufficient(h http.Header) bool {
	ok, _ := insufficientScope(h)
	return ok
}

// explain names the fix of a connection error.
func (b *bridge) explain(err error) error {
	var se *StatusError
	if errors.As(err, &se) && se.InsufficientScope {
		return fmt.Errorf("%w: %s; the server did not act on this request, and the session with it goes on", se, LacksScope(se, b.cfg))
	}
	refused := errors.As(err, &se) && se.Unauthorized()
	if !refused && b.refused.Load() != 0 {
		refused, se = true, &StatusError{Status: int(b.refused.Load())}
	}
	if refused && b.cfg.KeyEnv != "" {
		return fmt.Errorf("%w: the server refused the key from %s: correct that variable%s", se, b.cfg.KeyEnv, unsetKeyEnv(b.cfg))
	}
	if refused && se.WantsOAuth() {
		return fmt.Errorf("%w: the server asks for OAuth sign-in: run `%s` (without --with-key)", se, b.cfg.Login)
	}
	if refused {
		hint := "check the key"
		if b.cfg.Login != "" {
			hint = "run `" + b.cfg.Login + "`"
		}
		if b.cfg.NoCredentials != nil && b.cfg.NoCredentials(context.WithoutCancel(b.life)) {
			if b.cfg.Login == "" {
				hint = "give a key"
			}
			return fmt.Errorf("%w: the server asks for credentials and none were given (%s)", se, hint)
		}
		return fmt.Errorf("%w: the server refused the credentials (%s)", se, hint)
	}
	return fmt.Errorf("connecting to %s: %w", shownURL(b.cfg.URL), withoutURL(err))
}

// unsetKeyEnv is ", or unset it to use …" when a stored key or sign-in
// is sent once cfg.KeyEnv is unset, "" when none is.
func unsetKeyEnv(cfg Config) string {
	if cfg.NoneStored != nil && cfg.NoneStored() {
		return ""
	}
	return ", or unset it to use " + storedCredential(cfg)
}

// storedCredential names what cfg sends when KeyEnv is unset.
func storedCredential(cfg Config) string {
	if cfg.OAuth {
		return "the stored sign-in"
	}
	return "the key `" + cmp.Or(cfg.Login, "login") + "` stores"
}

// withoutURL is err without the *url.Error that would repeat the whole
// URL, query string and all, which may hold a key.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// shownURL is raw as a message may show it: without user info, query
// string or fragment, which may hold credentials.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the server's URL"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// conn returns the live connection to the server, reconnecting (and
// replaying the client's initialize) when the last one was lost.
func (b *bridge) conn(ctx context.Context) (*upConn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.up != nil {
		return b.up, nil
	}
	if b.init == nil {
		return nil, errors.New("the session is not initialized")
	}
	if b.life.Err() != nil {
		// What the client sent just before it went is not worth a new
		// session.
		return nil, errors.New("the session is over")
	}
	id, _ := jsonrpc.MakeID(fmt.Sprintf("restmcp-reconnect-%d", b.replays.Add(1)))
	replay := &jsonrpc.Request{ID: id, Method: b.init.Method, Params: b.init.Params}
	resp, err := b.openLocked(ctx, replay)
	if err != nil {
		return nil, err
	}
	if resp.Error != nil {
		b.dropLocked(b.up)
		return nil, fmt.Errorf("the MCP server refused the new session: %w", resp.Error)
	}
	if b.initted != nil {
		// Within b.aside: b.mu is held, and a server that stalls on it
		// would hold every sender (and closeUp) with it.
		wctx, cancel := context.WithTimeout(ctx, b.aside)
		err := b.up.Write(wctx, b.initted)
		cancel()
		if err != nil {
			b.dropLocked(b.up)
			return nil, fmt.Errorf("the MCP server did not take the initialized notification of the new session: %w", withoutURL(err))
		}
	}
	b.log.Info("started a new session with the MCP server")
	return b.up, nil
}

// send writes msg to the server; a lost session is replaced once and the
// message sent again.
func (b *bridge) send(ctx context.Context, msg jsonrpc.Message) error {
	for attempt := 0; ; attempt++ {
		conn, err := b.conn(ctx)
		if err != nil {
			return err
		}
		err = b.write(ctx, conn, msg)
		if err == nil {
			return nil
		}
		if attempt == 0 && ctx.Err() == nil && b.lostUnsent(err) {
			b.log.Info("the MCP server lost the session; reconnecting", "err", withoutURL(err))
			b.drop(conn)
			continue
		}
		return b.sendError(err, msg)
	}
}

// sendError explains err, the failure to send msg on a session that is
// open: the message is what failed, not the connection.
func (b *bridge) sendError(err error, msg jsonrpc.Message) error {
	if b.refused.Load() != 0 {
		return b.explain(err)
	}
	req, isReq := msg.(*jsonrpc.Request)
	if errors.Is(err, errTooLarge) && isReq {
		// Answered, too large to relay: not a failure to connect.
		return fmt.Errorf("%w (the answer to %s)", err, req.Method)
	}
	var se *StatusError
	errors.As(err, &se)
	if isReq && req.IsCall() {
		// Out, and cut off before an answer: the server may have run
		// it, and it is not sent again.
		var ue *url.Error
		if se != nil && se.Status >= 500 {
			return fmt.Errorf("the MCP server answered %d %s to %s; it may or may not have run", se.Status, http.StatusText(se.Status), req.Method)
		} else if errors.As(err, &ue) && !unsent(err) {
			return errConnEnded(req, nil)
		}
	}
	if se != nil && se.Status >= 400 && se.Status < 500 && !se.Unauthorized() {
		what := "an answer to one of its requests"
		if isReq {
			what = "the " + req.Method + " message"
		}
		return &messageRefused{se: se, what: what}
	}
	return b.explain(err)
}

// messageRefused is a message the server refused (4xx) on a session that
// is open: the server did not take it.
type messageRefused struct {
	se   *StatusError
	what string // "the tools/call message"
}

func (e *messageRefused) Error() string {
	s := fmt.Sprintf("the MCP server refused %s: it answered %d %s", e.what, e.se.Status, http.StatusText(e.se.Status))
	if e.se.Body != "" {
		s += ": " + e.se.shownBody()
	}
	s += ". The session with the server is open, and the server did not take this message, so it did not act on it: "
	switch e.se.Status {
	case http.StatusRequestEntityTooLarge:
		return s + "the message is larger than the server takes; send less"
	case http.StatusTooManyRequests:
		return s + "the server limits how often it is asked; wait a while before asking again"
	default:
		return s + "its answer may say why (check the arguments); if not, report it to the server's maintainers"
	}
}

func (e *messageRefused) Unwrap() error { return e.se }

// lostUnsent reports whether err, the failure to send a message, means
// that the session is gone and the server did not take the message, which
// can then be sent again on a new session.
func (b *bridge) lostUnsent(err error) bool {
	if errors.Is(err, errSessionLost) || errors.Is(err, mcp.ErrSessionMissing) {
		return true // answered 404: not taken
	}
	// The HTTP+SSE transport's session is its stream: closed already, or
	// unknown to the server (404, or a 400 that a ping confirmed: the
	// session is in the endpoint's URL), or the server unreachable. A reconnection may
	// be learning the transport (b.mu is held meanwhile): this waits for it.
	b.mu.Lock()
	sse := b.sse
	b.mu.Unlock()
	var se *StatusError
	return sse && (unsent(err) || errors.As(err, &se) && se.gone)
}

// unsent reports whether err, the failure to send a message, certainly
// came before any of it was sent: the connection had ended, or no
// connection could be made.
func unsent(err error) bool {
	var oe *net.OpError
	return err == io.EOF || (errors.As(err, &oe) && oe.Op == "dial")
}

// write writes msg on conn. A call is recorded until its answer comes, so
// that it is answered even if conn ends first.
func (b *bridge) write(ctx context.Context, conn *upConn, msg jsonrpc.Message) error {
	req, ok := msg.(*jsonrpc.Request)
	if !ok || !req.IsCall() {
		return conn.Write(ctx, msg)
	}
	sc := &sentCall{conn: conn, req: req}
	b.wmu.Lock()
	if b.routes[req.ID] == nil {
		// Ended (timed out, cancelled) before it went out: the client
		// expects nothing more.
		b.wmu.Unlock()
		return nil
	}
	b.sent[req.ID] = sc
	call := b.calls[req.ID]
	var posted chan struct{}
	if call != nil {
		posted = make(chan struct{})
		call.posted = posted
		// Said by the transport as soon as the request is on the wire
		// (the answer may take long to follow).
		ctx = withWrote(ctx, func() { b.markPosted(call, posted, true, false) })
	}
	b.wmu.Unlock()
	// Recorded before the write: the answer may be read before it returns.
	err := conn.Write(ctx, msg)
	if call != nil {
		b.markPosted(call, posted, mayBeTaken(err), true)
	}
	b.wmu.Lock()
	mine, lost := b.sent[req.ID] == sc, false
	switch {
	case !mine:
		// Answered (or cancelled) already: the client needs nothing more.
		err = nil
	case err != nil:
		delete(b.sent, req.ID)
	case conn.ended:
		// Written after the reading ended: no answer can come from conn.
		delete(b.sent, req.ID)
		delete(b.lists, req.ID)
		lost = true
	default:
		sc.written = true
	}
	b.wmu.Unlock()
	if lost {
		b.replyError(req, errConnEnded(req, conn.why))
	}
	return err
}

// errConnEnded is the answer to req when the connection it was written on
// ended first (because of why). The server may have run it: it is not
// sent again.
func errConnEnded(req *jsonrpc.Request, why error) error {
	var bad *badMessageError
	if errors.As(why, &bad) {
		// The server broke the stream, not the network: say what it sent.
		return fmt.Errorf("%w; %s may or may not have run", bad, req.Method)
	}
	if errors.Is(why, errTooLarge) {
		// An HTTP+SSE stream ends at a message over the limit: say so,
		// as the same call would meet it again.
		return fmt.Errorf("%w; the server's stream ended there, before the answer to %s came, which may or may not have run", errTooLarge, req.Method)
	}
	return fmt.Errorf("the connection to the MCP server ended before the answer to %s came; it may or may not have run", req.Method)
}

// connEnded answers every call written on conn and not answered, as no
// answer will come from it now that its reading ended (with err), and
// tells the client that the requests conn asked and the client has not
// answered are cancelled, as their answers can go nowhere now.
func (b *bridge) connEnded(conn *upConn, err error) {
	b.wmu.Lock()
	conn.ended, conn.why = true, err
	var unasked []jsonrpc.ID // the IDs the client sees of conn's requests
	for id, call := range b.asked {
		if call.conn == conn {
			b.forgetAskedLocked(id, call) // it will take no answer now
			unasked = append(unasked, id)
		}
	}
	var lost []*jsonrpc.Request
	for id, sc := range b.sent {
		if sc.conn == conn && sc.written {
			lost = append(lost, sc.req)
			delete(b.sent, id)
			delete(b.lists, id)
		}
	}
	b.wmu.Unlock()
	if b.life.Err() != nil {
		return // the client is gone too
	}
	for _, req := range lost {
		b.replyError(req, errConnEnded(req, err))
	}
	b.cancelUnasked(unasked)
}

// cancelUnasked tells the client that the requests of the server it sees
// as ids, forgotten as the connection that asked them ended, are
// cancelled: an elicitation is not left open for the user, nor a
// sampling run, for an answer that would be dropped (see answer). They
// go in the order the server asked them, on the path of every message to
// the client, b.wmu not held.
func (b *bridge) cancelUnasked(ids []jsonrpc.ID) {
	slices.SortFunc(ids, func(x, y jsonrpc.ID) int {
		i, _ := x.Raw().(int64)
		j, _ := y.Raw().(int64)
		return cmp.Compare(i, j)
	})
	for _, id := range ids {
		params, _ := json.Marshal(map[string]any{
			"requestId": id.Raw(),
			"reason":    "the remote server's session that sent this request ended",
		})
		b.log.Debug("the connection that asked a request of the MCP server ended: the client is told it is cancelled", "id", id.Raw())
		b.writeLocalAnswer(b.life, &jsonrpc.Request{Method: "notifications/cancelled", Params: params})
	}
}

// mayBeTaken reports whether the server may have taken a message whose
// write returned err: not when it certainly did not go out, nor when the
// server refused it (a lost session's 404, another 4xx, a redirect).
func mayBeTaken(err error) bool {
	var se *StatusError
	switch {
	case err == nil:
		return true
	case errors.Is(err, errSessionLost) || errors.Is(err, mcp.ErrSessionMissing) || unsent(err):
		return false
	case errors.As(err, &se):
		return se.Status >= 500
	}
	return true
}

// endCall forgets a call of the client once it has been sent.
func (b *bridge) endCall(id jsonrpc.ID) {
	b.wmu.Lock()
	call := b.calls[id]
	delete(b.calls, id)
	var posted chan struct{}
	if call != nil {
		posted, call.posted = call.posted, nil
	}
	b.wmu.Unlock()
	if posted != nil {
		close(posted)
	}
	if call != nil {
		call.cancel()
	}
}

// markPosted records that the write of call's request whose posted it
// is put the request on the wire, or ended (done), and whether the server
// may have the call (out). The transport's word that the request is on
// the wire may come late, after the write ended: it then changes nothing.
func (b *bridge) markPosted(call *sending, posted chan struct{}, out, done bool) {
	b.wmu.Lock()
	open := call.posted == posted
	if open {
		call.posted = nil
	}
	if open || done {
		call.out = out
	}
	b.wmu.Unlock()
	if open {
		close(posted)
	}
}

// endedCall is a call of the client as it was when it ended (cancelled
// or timed out): what wentOut needs to know whether to tell the server.
type endedCall struct {
	call   *sending      // nil when its sending was over
	posted chan struct{} // its write under way, if any
}

// endedLocked is call id (on the wire) as it is now, which has just
// ended. b.wmu is held.
func (b *bridge) endedLocked(id jsonrpc.ID) endedCall {
	call := b.calls[id]
	if call == nil {
		return endedCall{}
	}
	return endedCall{call: call, posted: call.posted}
}

// wentOut reports whether the request of a call that ended went out, so
// that the server may have it and is to be told that it is cancelled.
// A write under way then is waited for, within b.aside, until the
// request is on the wire or the write ended: sent on their own, a
// cancellation could reach the server first, which would ignore it and
// run the call to its end. A call whose sending was over, and which was
// not answered, went out; a call whose request never went out, or was
// refused, needs no cancellation (and its sending does not write it
// again, as it has ended). That the client went does not end the wait:
// the write ends with the client too, at once, and only then is it known
// whether the request went out (as it may have just then).
func (b *bridge) wentOut(e endedCall) bool {
	if e.call == nil {
		return true
	}
	if e.posted != nil {
		t := time.NewTimer(b.aside)
		defer t.Stop()
		select {
		case <-e.posted:
		case <-t.C:
			return true // still being written: it may go out yet
		}
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	return e.call.out
}

// cancelRoute ends the call that note, the client's
// notifications/cancelled, names, as the client expects no answer to it
// any more. It returns note as the server gets it, naming the call by its
// ID on the wire, that ID and the call as it was when it ended; false
// when note is dropped: it names no call under way, or initialize.
func (b *bridge) cancelRoute(note *jsonrpc.Request) (*jsonrpc.Request, jsonrpc.ID, endedCall, <-chan struct{}, bool) {
	params, cid, err := paramID(note.Params, "requestId")
	b.wmu.Lock()
	id, ok := b.wire[cid]
	init := ok && b.routes[id].init
	var call endedCall
	var answered <-chan struct{}
	if ok && !init {
		b.endRouteLocked(id)
		call = b.endedLocked(id)
		answered = b.awaitCancelledLocked(id)
	}
	b.wmu.Unlock()
	switch {
	case init:
		// The client must not cancel initialize (the MCP specification
		// says so): a session half made would be left to the server.
		// initialize goes on, and its answer is passed on.
		b.log.Debug("the client cancelled initialize, which is not to be cancelled: the cancellation is dropped")
		return nil, jsonrpc.ID{}, endedCall{}, nil, false
	case err != nil || !ok:
		b.log.Debug("a cancellation of no call under way (answered already, or timed out)", "params", string(note.Params))
		return nil, jsonrpc.ID{}, endedCall{}, nil, false
	}
	params["requestId"], _ = json.Marshal(id.Raw())
	raw, _ := json.Marshal(params)
	return &jsonrpc.Request{Method: note.Method, Params: raw}, id, call, answered, true
}

// recancelWait is how long the server has to answer a call it was told
// to cancel before it is told again (see recancelAfter).
const recancelWait = 500 * time.Millisecond

// awaitCancelledLocked records that the server is being told to cancel
// call id (on the wire); the channel it returns is closed when the
// call's answer comes (see cancelledAnswered). b.wmu is held.
func (b *bridge) awaitCancelledLocked(id jsonrpc.ID) <-chan struct{} {
	ch := make(chan struct{})
	b.cancelled[id] = ch
	return ch
}

// cancelledAnswered notes that the server answered call id (on the
// wire), which it may have been told to cancel: it has the call, and
// needs no more telling.
func (b *bridge) cancelledAnswered(id jsonrpc.ID) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if ch := b.cancelled[id]; ch != nil {
		close(ch)
		delete(b.cancelled, id)
	}
}

// forgetCancelled forgets call id (on the wire) once its cancellation
// needs no more telling.
func (b *bridge) forgetCancelled(id jsonrpc.ID) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	delete(b.cancelled, id)
}

// recancelAfter tells the server once more to cancel call id (on the
// wire), note its cancellation, when the server has not answered the call
// within b.recancel of the first telling. The cancellation goes out only
// once the call's request is on the wire, yet on a connection of its own:
// a server may still read it first (two requests, read by two of its
// goroutines), find no such call, ignore it (as the MCP specification
// has it do with a cancellation of a request it does not know), and run
// the call to its end for no one, holding the end of the session up
// meanwhile. A server that had the call stops it and answers it (the
// answer is dropped), or ignores the second telling as it would any
// cancellation of a request that ended. The session is not ended before
// this is over (serve waits for it), as the server would refuse the
// cancellation of a session it is ending.
func (b *bridge) recancelAfter(ctx context.Context, id jsonrpc.ID, note *jsonrpc.Request, answered <-chan struct{}) {
	defer b.forgetCancelled(id)
	t := time.NewTimer(b.recancel)
	defer t.Stop()
	select {
	case <-answered:
		return
	case <-t.C:
	}
	b.log.Debug("the MCP server has not answered a call it was told to cancel: telling it again, in case the cancellation reached it before the call", "id", id.Raw())
	b.sendAside(ctx, note, "the repeated cancellation of a call")
}

// routeLocked is req, a call of the client, as the server gets it: under
// an ID of the bridge's own, recorded in b.routes until the call ends. A
// tools/call is bounded by cfg.CallTimeout. b.wmu is held.
func (b *bridge) routeLocked(req *jsonrpc.Request) *jsonrpc.Request {
	b.lastID++
	id, _ := jsonrpc.MakeID(float64(b.lastID))
	out := &jsonrpc.Request{ID: id, Method: req.Method, Params: req.Params}
	rt := &route{client: req.ID, init: req.Method == "initialize"}
	if req.Method == "tools/call" && b.cfg.CallTimeout > 0 {
		rt.timer = time.AfterFunc(b.cfg.CallTimeout, func() {
			b.wmu.Lock()
			defer b.wmu.Unlock()
			if !b.over {
				b.timing.Go(func() { b.timeOut(out) })
			}
		})
	}
	b.routes[id] = rt
	b.wire[req.ID] = id
	if req.Method == "tools/list" && b.cfg.Filter.active() {
		// Its answer is filtered; recorded with the route, so that it
		// goes when the call ends, however early.
		b.lists[id] = true
	}
	return out
}

// endRouteLocked forgets call id (on the wire), which has ended: being
// answered, timed out or cancelled. It returns the ID the client gave
// it, and false when the call had ended already. b.wmu is held.
func (b *bridge) endRouteLocked(id jsonrpc.ID) (jsonrpc.ID, bool) {
	delete(b.sent, id)
	delete(b.lists, id)
	rt := b.routes[id]
	if rt == nil {
		return jsonrpc.ID{}, false
	}
	delete(b.routes, id)
	if b.wire[rt.client] == id {
		delete(b.wire, rt.client)
	}
	if rt.timer != nil {
		rt.timer.Stop()
	}
	return rt.client, true
}

// timeOut answers req, a tools/call (as the server gets it) whose
// cfg.CallTimeout ran out before its answer came, with an error, stops
// sending it and tells the server to cancel it. An answer that comes
// later is dropped: the call has ended.
func (b *bridge) timeOut(req *jsonrpc.Request) {
	b.wmu.Lock()
	client, ok := b.endRouteLocked(req.ID)
	call := b.endedLocked(req.ID)
	var answered <-chan struct{}
	if ok {
		answered = b.awaitCancelledLocked(req.ID)
	}
	b.wmu.Unlock()
	if !ok {
		return // answered, or cancelled by the client
	}
	if call.call != nil {
		call.call.cancel() // the sending stops, answering nothing
	}
	var p struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(req.Params, &p)
	answer := errorAnswer(req, fmt.Sprintf(
		"the MCP server did not answer the call of %s within %s (--timeout): the bridge stopped waiting and asked the server to cancel it, but it may have run; see whether it did before calling it again (a longer --timeout gives a slow tool more time)",
		p.Name, b.cfg.CallTimeout))
	answer.ID = client
	b.writeLocalAnswer(context.Background(), answer)
	params, _ := json.Marshal(map[string]any{
		"requestId": req.ID.Raw(),
		"reason":    fmt.Sprintf("the client's --timeout (%s) ran out", b.cfg.CallTimeout),
	})
	note := &jsonrpc.Request{Method: "notifications/cancelled", Params: params}
	if !b.wentOut(call) { // at once: the sending stopped
		b.forgetCancelled(req.ID)
		b.log.Debug("a call timed out whose request did not go out: the server is not told", "id", req.ID.Raw())
		return
	}
	// The client may go at once, having its answer (`call --timeout`):
	// the server is told all the same, before the session ends.
	ctx, cancel := outliving(b.life, cmp.Or(b.cfg.deleteTimeout, deleteTimeout))
	defer cancel()
	b.sendAside(ctx, note, "the cancellation of a call that timed out")
	b.recancelAfter(ctx, req.ID, note, answered)
}

// endRoutes forgets the calls in flight, stopping their timers: the
// session is over. It returns those whose request was out, or being
// written, on a connection whose reading had not ended: the server may
// be running them.
func (b *bridge) endRoutes() []*sentCall {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.over = true
	var left []*sentCall
	for id := range b.routes {
		if sc := b.sent[id]; sc != nil && !sc.conn.ended {
			left = append(left, sc)
		}
		b.endRouteLocked(id)
	}
	return left
}

// cancelLeft tells the server to cancel left, the calls under way when
// the client went, before the session ends: the client expects their
// answers no more, and a server may otherwise run them to their end, as
// some do before they end a session (which would hold the DELETE up).
// Each goes on the connection its call went on, within deleteTimeout,
// and again b.recancel later (see recancelAfter).
func (b *bridge) cancelLeft(left []*sentCall) {
	if len(left) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(b.cfg.deleteTimeout, deleteTimeout))
	defer cancel()
	tell := func(again bool) {
		var told sync.WaitGroup
		for _, sc := range left {
			params, _ := json.Marshal(map[string]any{"requestId": sc.req.ID.Raw(), "reason": "the client went away"})
			note := &jsonrpc.Request{Method: "notifications/cancelled", Params: params}
			told.Go(func() {
				if err := sc.conn.Write(ctx, note); err != nil && !again {
					b.log.Debug("could not cancel a call the client left under way", "err", withoutURL(err))
				}
			})
		}
		told.Wait()
	}
	tell(false)
	// Told once more a moment later, as in recancelAfter: the server may
	// have read a cancellation before the call it names. The answers are
	// no longer read, so each is told again.
	t := time.NewTimer(b.recancel)
	defer t.Stop()
	select {
	case <-t.C:
		tell(true)
	case <-ctx.Done():
	}
}

// outliving returns a context that ends d after ctx ends, or when it is
// cancelled.
func outliving(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(d, cancel) })
	return out, func() {
		stop()
		cancel()
	}
}

// asideTimeout bounds how long passing a notification or an answer of the
// client to the server may take.
const asideTimeout = 30 * time.Second

// sendAside passes msg, what (a notification, an answer) the client sent,
// to the server within b.aside, logging a failure.
func (b *bridge) sendAside(ctx context.Context, msg jsonrpc.Message, what string) {
	ctx, cancel := context.WithTimeout(ctx, b.aside)
	defer cancel()
	if err := b.send(ctx, msg); err != nil && b.life.Err() == nil {
		b.log.Warn("could not pass "+what+" to the MCP server", "err", err)
	}
}

// answer passes the client's answer to a request of the server, under
// the server's ID, on the connection that asked it, within b.aside. It is
// never sent on another: once the server lost the session that asked, the
// answer is dropped, as a new session never asked it and could take it
// for the answer to a request of its own under the same ID.
func (b *bridge) answer(ctx context.Context, m *jsonrpc.Response) {
	b.wmu.Lock()
	call := b.asked[m.ID]
	if call != nil {
		b.forgetAskedLocked(m.ID, call)
	}
	b.wmu.Unlock()
	if call == nil {
		b.log.Debug("an answer of the client to no request of the MCP server's session (it ended, cancelled it, or asked no such thing): dropped", "id", m.ID.Raw())
		return
	}
	out := &jsonrpc.Response{ID: call.id, Result: m.Result, Error: m.Error}
	b.writeAsked(ctx, call.conn, out, "an answer", "id", call.id.Raw())
}

// progress passes note, the client's progress notification on a request
// of the server, to conn, the connection that asked, within b.aside.
func (b *bridge) progress(ctx context.Context, note *jsonrpc.Request, conn *upConn) {
	var p struct {
		Token any `json:"progressToken"`
	}
	_ = json.Unmarshal(note.Params, &p)
	b.writeAsked(ctx, conn, note, "a progress notification", "progressToken", p.Token)
}

// writeAsked writes msg, what (an answer, a progress notification) the
// client sent on a request of the server (named by the log's keyvals), on
// conn, the connection that asked, within b.aside; on no other (see
// answer).
func (b *bridge) writeAsked(ctx context.Context, conn *upConn, msg jsonrpc.Message, what string, keyvals ...any) {
	ctx, cancel := context.WithTimeout(ctx, b.aside)
	defer cancel()
	err := conn.Write(ctx, msg)
	switch {
	case err == nil || b.life.Err() != nil:
	case b.lostUnsent(err):
		b.log.Info("the MCP server lost the session that asked what the client answers: "+what+" is dropped, not sent on a new session", append(keyvals, "err", withoutURL(err))...)
		b.drop(conn)
	default:
		b.log.Warn("could not pass "+what+" to the MCP server", "err", b.sendError(err, msg))
	}
}

// askLocal is req, a request of the server on conn, as the client gets
// it: under an ID of the bridge's own, recorded in b.asked until it is
// answered, and with that ID as its progress token if it has one.
func (b *bridge) askLocal(conn *upConn, req *jsonrpc.Request) *jsonrpc.Request {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.lastAsked++
	id, _ := jsonrpc.MakeID(float64(b.lastAsked))
	params, token := swapToken(req.Params, id.Raw())
	b.asked[id] = &serverCall{conn: conn, id: req.ID, token: token}
	b.askedBy[serverKey{conn, req.ID}] = id
	return &jsonrpc.Request{ID: id, Method: req.Method, Params: params}
}

// forgetAskedLocked forgets call, the request of the server the client
// sees as id. b.wmu is held.
func (b *bridge) forgetAskedLocked(id jsonrpc.ID, call *serverCall) {
	delete(b.asked, id)
	key := serverKey{call.conn, call.id}
	if b.askedBy[key] == id {
		delete(b.askedBy, key)
	}
}

// cancelAsked is note, the server's notifications/cancelled of one of its
// requests, sent on conn, as the client gets it: naming the request by
// the ID the client sees, which is then forgotten, as the client is not
// to answer it. False when note names no request of conn's not answered
// yet: the client has nothing to cancel.
func (b *bridge) cancelAsked(conn *upConn, note *jsonrpc.Request) (*jsonrpc.Request, bool) {
	params, sid, err := paramID(note.Params, "requestId")
	b.wmu.Lock()
	id, ok := b.askedBy[serverKey{conn, sid}]
	if ok && err == nil {
		b.forgetAskedLocked(id, b.asked[id])
	}
	b.wmu.Unlock()
	if err != nil || !ok {
		b.log.Debug("the MCP server cancelled no request of its own the client has (answered already)", "params", string(note.Params))
		return nil, false
	}
	params["requestId"], _ = json.Marshal(id.Raw())
	raw, _ := json.Marshal(params)
	return &jsonrpc.Request{Method: note.Method, Params: raw}, true
}

// askedProgress is note, the client's notifications/progress, as the
// server gets it: with the progress token the server gave the request it
// is about, and the connection that asked. False when the token is of no
// request of the server not answered yet: then the request ended, its
// progress is over, and a session that did not ask must not take note for
// the progress of a request of its own under the same token.
func (b *bridge) askedProgress(note *jsonrpc.Request) (*jsonrpc.Request, *upConn, bool) {
	params, id, err := paramID(note.Params, "progressToken")
	b.wmu.Lock()
	call := b.asked[id]
	b.wmu.Unlock()
	if err != nil || call == nil || call.token == nil {
		b.log.Debug("progress of the client on no request of the MCP server under way: dropped", "params", string(note.Params))
		return nil, nil, false
	}
	params["progressToken"] = call.token
	raw, _ := json.Marshal(params)
	return &jsonrpc.Request{Method: note.Method, Params: raw}, call.conn, true
}

// paramID reads params, a notification's, and the ID (a request's, or a
// progress token) they hold under key.
func paramID(params json.RawMessage, key string) (map[string]json.RawMessage, jsonrpc.ID, error) {
	var p map[string]json.RawMessage
	var v any
	err := json.Unmarshal(params, &p)
	if err == nil {
		err = json.Unmarshal(p[key], &v)
	}
	if err != nil {
		return nil, jsonrpc.ID{}, err
	}
	id, err := jsonrpc.MakeID(v)
	return p, id, err
}

// swapToken returns params, a request's, with the progress token in its
// _meta replaced by token, and the token replaced (raw JSON); as they are,
// and nil, when they hold none.
func swapToken(params json.RawMessage, token any) (json.RawMessage, json.RawMessage) {
	var p, meta map[string]json.RawMessage
	if json.Unmarshal(params, &p) != nil || json.Unmarshal(p["_meta"], &meta) != nil || meta["progressToken"] == nil {
		return params, nil
	}
	old := meta["progressToken"]
	meta["progressToken"], _ = json.Marshal(token)
	p["_meta"], _ = json.Marshal(meta)
	out, err := json.Marshal(p)
	if err != nil {
		return params, nil
	}
	return out, old
}

// forwardCall passes a request of the client to the server; when it cannot
// be sent, the client gets the error as the answer.
func (b *bridge) forwardCall(ctx context.Context, req *jsonrpc.Request) {
	if req.Method == "tools/call" && b.cfg.Filter.active() {
		params, err := b.filter.rewriteCall(req.Params)
		if err != nil {
			b.replyError(req, err)
			return
		}
		r := *req
		r.Params = params
		req = &r
	}
	if err := b.send(ctx, req); err != nil {
		b.wmu.Lock()
		delete(b.lists, req.ID)
		b.wmu.Unlock()
		if ctx.Err() != nil {
			return // cancelled by the client, who expects no answer
		}
		b.replyError(req, err)
	}
}

// readUp passes what the server sends to the client until conn fails,
// then answers the calls that were waiting for it.
func (b *bridge) readUp(ctx context.Context, conn *upConn) {
	for {
		msg, err := conn.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				// The session is over: serve closes the connection in
				// its turn, once the server was told what it is to be
				// told on it (see cancelLeft).
				return
			}
			b.log.Debug("the connection to the MCP server ended", "err", withoutURL(err))
			b.drop(conn)
			b.connEnded(conn, err)
			return
		}
		switch m := msg.(type) {
		case *jsonrpc.Request:
			if m.IsCall() {
				m = b.askLocal(conn, m)
			} else if m.Method == "notifications/cancelled" {
				// The server's requests are the only ones it cancels.
				var ok bool
				if m, ok = b.cancelAsked(conn, m); !ok {
					continue
				}
			}
			b.writeLocal(ctx, m)
		case *jsonrpc.Response:
			b.wmu.Lock()
			ch, waited := b.waiters[m.ID]
			_, awaited := b.sent[m.ID]
			list := b.lists[m.ID]
			delete(b.lists, m.ID)
			delete(b.sent, m.ID)
			b.wmu.Unlock()
			if waited {
				ch <- m
				continue
			}
			if !awaited {
				// Answered already (an error when sending it failed, or
				// the connection ended), or cancelled: once is enough.
				b.log.Debug("an answer from the MCP server that no call awaits", "id", m.ID.Raw())
				b.cancelledAnswered(m.ID)
				continue
			}
			if list && m.Error == nil {
				res, err := b.filter.rewriteList(m.Result)
				if err != nil {
					m = &jsonrpc.Response{ID: m.ID, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()}}
				} else {
					m = &jsonrpc.Response{ID: m.ID, Result: res}
				}
			}
			b.writeLocal(ctx, m)
		}
	}
}

func (b *bridge) wait(id jsonrpc.ID) chan *jsonrpc.Response {
	ch := make(chan *jsonrpc.Response, 1)
	b.wmu.Lock()
	b.waiters[id] = ch
	b.wmu.Unlock()
	return ch
}

func (b *bridge) unwait(id jsonrpc.ID) {
	b.wmu.Lock()
	delete(b.waiters, id)
	b.wmu.Unlock()
}

// drop forgets conn when it is the live connection, and closes it.
func (b *bridge) drop(conn *upConn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dropLocked(conn)
}

func (b *bridge) dropLocked(conn *upConn) {
	if b.up == conn {
		b.up = nil
	}
	done := make(chan struct{})
	b.closing = append(b.closing, done)
	b.workers.Go(func() {
		defer close(done)
		conn.Close()
	})
}

// waitWorkers waits for the goroutines the bridge started, once the
// session is over and its connections closed: nothing of the bridge runs
// on after Serve or Probe. Each ends soon: they read connections now
// closed, close them, or send with a context that ended. A call's timer
// that fires now starts nothing, so that none is added as they are
// waited for.
func (b *bridge) waitWorkers() {
	b.wmu.Lock()
	b.over = true
	b.wmu.Unlock()
	b.workers.Wait()
}

// closeUp ends the session with the server.
func (b *bridge) closeUp() {
	b.mu.Lock()
	up := b.up
	b.up = nil
	closing := b.closing
	b.closing = nil
	b.mu.Unlock()
	if up != nil {
		up.Close()
	}
	// A connection dropped just before (its reading ended with the
	// session) is told goodbye before the process goes.
	for _, done := range closing {
		<-done
	}
}

// writeLocal writes msg to the client; an answer to one of its calls
// ends the call, and goes under the ID the client gave it. An answer to a
// call that ended (answered, timed out or cancelled) is dropped.
func (b *bridge) writeLocal(ctx context.Context, msg jsonrpc.Message) {
	if r, ok := msg.(*jsonrpc.Response); ok {
		b.wmu.Lock()
		id, ok := b.endRouteLocked(r.ID)
		b.wmu.Unlock()
		if !ok {
			b.log.Debug("an answer to a call that ended already (answered, timed out or cancelled)", "id", r.ID.Raw())
			return
		}
		msg = &jsonrpc.Response{ID: id, Result: r.Result, Error: r.Error}
	}
	b.writeLocalAnswer(ctx, msg)
}

// writeLocalAnswer writes msg to the client, as it is.
func (b *bridge) writeLocalAnswer(ctx context.Context, msg jsonrpc.Message) {
	if b.local == nil {
		return
	}
	b.localMu.Lock()
	defer b.localMu.Unlock()
	if err := b.local.Write(ctx, msg); err != nil && ctx.Err() == nil {
		b.log.Debug("could not write to the client", "err", err)
	}
}

// replyError answers the client's request with err (see errorAnswer).
func (b *bridge) replyError(req *jsonrpc.Request, err error) {
	b.writeLocal(context.Background(), errorAnswer(req, err.Error()))
}
