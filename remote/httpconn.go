package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// errSessionLost means the server no longer knows the session (HTTP 404 on
// a request carrying its session ID): the bridge starts a new one.
var errSessionLost = errors.New("the remote server ended the session")

// StatusError is an HTTP answer other than success from the MCP server.
type StatusError struct {
	Status int
	// Body is the start of the answer's body, for the message (see
	// shownBody); bodyCut says that the body went on.
	Body    string
	bodyCut bool
	// Challenge is the WWW-Authenticate header of a 401.
	Challenge string
	// InsufficientScope says that a 403's challenge refuses the request
	// for a permission the credentials lack, not the credentials
	// (Bearer error="insufficient_scope": RFC 6750 §3.1, the MCP
	// specification's step-up authorization); Scopes are those it asks
	// for, if it names them.
	InsufficientScope bool
	Scopes            []string
	// Moved is where a redirect that is not followed leads: a 301, 302
	// or 303 to a POST, which would become a GET.
	Moved string
	// Elsewhere is the URL that answered, when a redirect led to another
	// origin, where the credentials are not sent.
	Elsewhere string
	// MessageEndpoint says the request went to the message endpoint that
	// an HTTP+SSE server named in its endpoint event, not to the URL the
	// user gave: a redirect there is not the user's to follow.
	MessageEndpoint bool
	// gone says that the answer, to a message POSTed to an HTTP+SSE
	// server's message endpoint, means that the server no longer knows the
	// session (see sessionGone).
	gone bool
	// answer is the JSON-RPC error answer the body is, when it is one
	// under an id (see answerTo).
	answer *jsonrpc.Response
}

// Error implements error.
func (e *StatusError) Error() string {
	s := fmt.Sprintf("the MCP server answered %d %s", e.Status, http.StatusText(e.Status))
	switch {
	case e.Moved != "" && e.MessageEndpoint:
		return s + " to a message: it redirected its message endpoint (named by its endpoint event, not by --mcp-url) to " + e.Moved +
			", and the bridge does not follow a redirect that would turn a POST into a GET. Report it to the server's maintainers, or give the server's Streamable HTTP endpoint as --mcp-url if it has one"
	case e.Moved != "":
		return s + ": it moved to " + e.Moved + ": use that as --mcp-url"
	case e.Elsewhere != "" && e.MessageEndpoint:
		s += " from " + e.Elsewhere + ", another origin its message endpoint redirected to, where the credentials are not sent"
	case e.Elsewhere != "":
		s += " from " + e.Elsewhere + ", another origin it redirected to, where the credentials are not sent (if that is the server, use it as --mcp-url)"
	}
	if e.Body != "" {
		s += ": " + e.shownBody()
	}
	return s
}

// shownBody is Body as a message quotes it: what looks like a credential
// hidden (hideSecrets), as a server may echo a token it was sent or give
// one of its own.
func (e *StatusError) shownBody() string { return hideSecrets(e.Body, e.bodyCut) }

// WantsOAuth reports whether the server asks for MCP authorization
// (OAuth) rather than a key.
func (e *StatusError) WantsOAuth() bool {
	return e.Status == http.StatusUnauthorized && strings.Contains(e.Challenge, "resource_metadata")
}

// Unauthorized reports whether the server refused the credentials.
func (e *StatusError) Unauthorized() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// OwnHeaders are the headers the bridge sets on its requests to the
// server, for the MCP session and its streams: no fixed header of a
// profile may replace them.
var OwnHeaders = []string{sessionHeader, versionHeader, "Last-Event-Id", "Accept", "Content-Type"}

const (
	sessionHeader  = "Mcp-Session-Id"
	versionHeader  = "Mcp-Protocol-Version"
	maxEventBytes  = 16 << 20
	maxErrorBody   = 300
	deleteTimeout  = 5 * time.Second
	streamRetries  = 5
	streamMinDelay = 500 * time.Millisecond
	streamMaxDelay = 30 * time.Second
	acceptedWait   = 30 * time.Second
	lostWait       = 30 * time.Second
)

// httpConn is the client side of the Streamable HTTP transport, as an
// mcp.Connection: each message is POSTed; answers come back as JSON or as
// an event stream; after initialization a GET stream carries what the
// server sends on its own (notifications, requests such as sampling).
//
// It is written here rather than taken from the SDK because a bridge needs
// what the SDK keeps to its own client: the protocol version and the
// standalone stream start when the relayed initialize completes.
type httpConn struct {
	url    string
	client *http.Client

	ctx    context.Context // the connection's life
	cancel context.CancelFunc

	incoming  chan jsonrpc.Message
	failed    chan struct{}
	failOnce  sync.Once
	closeOnce sync.Once
	failErr   error

	// minDelay and maxDelay bound the wait before the server's stream is
	// opened again.
	minDelay, maxDelay time.Duration
	// acceptedWait bounds the wait for the answer to a request the server
	// took (202) without answering it.
	acceptedWait time.Duration
	log          *log.Logger
	tooLarge     bool // the server's stream sent a message too large (read by keepStream only)
	badEvent     bool // the server's stream sent an event that is no message (read by keepStream only)
	// lostWait bounds the wait, once the server lost the session, for
	// the answers to the requests in flight (see Read and settle);
	// deleteWait the telling of the server that the session ends.
	lostWait, deleteWait time.Duration
	// emptied, when set, is called by Read once it found the queue empty
	// and the session lost, before it counts the requests in flight
	// (tests end one there).
	emptied func()

	mu        sync.Mutex
	sessionID string
	version   string
	initID    jsonrpc.ID // the initialize request in flight
	streaming bool       // the GET stream was started
	// posting counts the messages being POSTed, from before they go out
	// until Write returns; settled, when set, is closed once none is.
	posting int
	settled chan struct{}
	// streams counts the event streams answering calls being read; quiet,
	// when set, is closed once neither they nor POSTs are under way.
	streams int
	quiet   chan struct{}
	lostAt  time.Time // when the session was found lost (fail)
	waiting bool      // Read waits for the answers due on the lost session
	// readers are the goroutines that read the server's streams (its own,
	// and those answering calls): Close waits for them.
	readers sync.WaitGroup
	// accepted holds, per call the server took (202) without answering
	// it, the timer that answers it with an error after acceptedWait;
	// stopped when the answer comes, or the connection closes.
	accepted map[jsonrpc.ID]*time.Timer
}

func newHTTPConn(url string, client *http.Client) *httpConn {
	ctx, cancel := context.WithCancel(context.Background())
	return &httpConn{
		url:          url,
		client:       client,
		ctx:          ctx,
		cancel:       cancel,
		incoming:     make(chan jsonrpc.Message, 16),
		failed:       make(chan struct{}),
		minDelay:     streamMinDelay,
		maxDelay:     streamMaxDelay,
		acceptedWait: acceptedWait,
		lostWait:     lostWait,
		deleteWait:   deleteTimeout,
		log:          log.New(io.Discard),
	}
}

var _ mcp.Connection = (*httpConn)(nil)

func (c *httpConn) SessionID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// fail records that the server lost the session, the first time a
// request finds it (see Read).
func (c *httpConn) fail(err error) {
	c.failOnce.Do(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.failErr, c.lostAt = err, time.Now()
		close(c.failed)
	})
}

// Read returns the next message from the server. The messages that came
// before the connection failed or closed are returned first: among them may
// be answers. Once the session is lost, the failure waits, within
// lostWait, for the POSTs in flight and the streams answering calls to
// end: the server may still answer them (in a POST's body, or on its
// stream), and those answers are passed on before the calls left
// unanswered are (see bridge.connEnded).
func (c *httpConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	for {
		m, err := next(ctx, c.incoming, c.failed, c.ctx.Done(), func() error {
			select {
			case <-c.failed:
				return c.failErr
			default:
				return io.EOF
			}
		})
		if err == nil || ctx.Err() != nil || c.ctx.Err() != nil {
			return m, err
		}
		if c.emptied != nil {
			c.emptied()
		}
		quiet, left := c.answersDue()
		if quiet == nil || left <= 0 {
			// A request counted out since the queue was found empty
			// queued its answer before: it is passed on first.
			select {
			case m := <-c.incoming:
				return m, nil
			default:
				return nil, err
			}
		}
		t := time.NewTimer(left)
		select {
		case m := <-c.incoming:
			t.Stop()
			return m, nil
		case <-quiet:
		case <-t.C:
		case <-c.ctx.Done():
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// answersDue returns, once the session is lost, a channel closed when no
// request in flight may still bring an answer, and what is left of
// lostWait; a nil channel when none is in flight.
func (c *httpConn) answersDue() (<-chan struct{}, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.posting == 0 && c.streams == 0 {
		return nil, 0
	}
	if !c.waiting {
		c.waiting = true
		c.log.Debug("the MCP server lost the session; passing on its answers to the requests in flight on it first", "posts", c.posting, "streams", c.streams)
	}
	if c.quiet == nil {
		c.quiet = make(chan struct{})
	}
	return c.quiet, time.Until(c.lostAt.Add(c.lostWait))
}

// next returns the next message of incoming. Once a or b is closed, the
// messages queued before are returned first, then why().
func next(ctx context.Context, incoming <-chan jsonrpc.Message, a, b <-chan struct{}, why func() error) (jsonrpc.Message, error) {
	select {
	case m := <-incoming:
		return m, nil
	case <-a:
	case <-b:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case m := <-incoming:
		return m, nil
	default:
		return nil, why()
	}
}

// Write POSTs msg. An error is a *StatusError, errSessionLost or a network
// error; answers arrive through Read. Once a request (the server's stream,
// a POST) found the session lost, nothing more is sent: the error is
// errSessionLost.
func (c *httpConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return err
	}
	if err := c.beginPost(); err != nil {
		return err
	}
	defer c.endPost()
	streaming := false
	req, isReq := msg.(*jsonrpc.Request)
	if isReq && req.Method == "initialize" && req.IsCall() {
		c.mu.Lock()
		c.initID = req.ID
		c.mu.Unlock()
	}
	// The caller's ctx bounds the wait for the answer's headers, and the
	// passing on of the answer in the body (see deliverFor); an event
	// stream that follows lives as long as the connection.
	reqCtx, cancel := context.WithCancel(c.ctx)
	stop := context.AfterFunc(ctx, cancel)
	var wrote atomic.Bool
	hook := wroteHook(ctx)
	traced := httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		wrote.Store(i.Err == nil)
		if hook != nil {
			hook()
		}
	}})
	hreq, err := http.NewRequestWithContext(traced, http.MethodPost, c.url, bytes.NewReader(data))
	if err != nil {
		cancel()
		return err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json, text/event-stream")
	sid := c.setHeaders(hreq)
	resp, err := c.client.Do(hreq)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// A redirect not followed (see noPostRedirect).
		cancel()
		return statusError(resp, c.url)
	}
	if err != nil {
		cancel()
		if resp != nil {
			resp.Body.Close()
		}
		// The connection failed before the request was out (another
		// request found the session gone, and it was closed): that is
		// the error, not the cancellation it caused. Once out, the
		// server may have taken it.
		select {
		case <-c.failed:
			if ctx.Err() == nil && !wrote.Load() {
				return c.failErr
			}
		default:
		}
		return err
	}
	defer func() {
		if !streaming {
			cancel()
		}
	}()
	if err := c.check(ctx, resp, sid); err != nil {
		if errors.Is(err, errSessionLost) {
			// Whichever request hears it first: nothing more goes on the
			// session, the other POSTs in flight are let end (and sent
			// again if refused), and the server, which no longer has the
			// session, is not told to end it.
			c.fail(err)
		}
		var se *StatusError
		if errors.As(err, &se) && se.answerTo(req) != nil && req.Method == "initialize" && se.mayBeOtherTransport() {
			// Perhaps a server of the HTTP+SSE transport, refusing a POST
			// to its stream's URL: the caller tries that transport first,
			// and passes this answer on when it is not (see openLocked).
			return err
		}
		if errors.As(err, &se) && se.answerTo(req) != nil {
			// The server's own answer: passed on as any other.
			c.log.Debug("the MCP server answered with a JSON-RPC error and an HTTP error status; its error is passed on", "status", se.Status, "method", req.Method)
			c.deliverFor(ctx, se.answerTo(req))
			return nil
		}
		return err
	}
	if s := resp.Header.Get(sessionHeader); s != "" {
		c.mu.Lock()
		c.sessionID = s
		c.mu.Unlock()
	}
	if isReq && req.Method == "notifications/initialized" {
		c.startStream()
	}
	if !isReq || !req.IsCall() {
		// A notification or an answer: taken, and no answer is due
		// (whatever the body; some servers send "OK").
		resp.Body.Close()
		return nil
	}
	switch ct := mediaType(resp.Header.Get("Content-Type")); {
	case resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusNoContent:
		// No answer here, where it is due: it may still come through the
		// server's stream, for a while.
		resp.Body.Close()
		c.awaitAnswer(req, resp.StatusCode)
	case ct == "application/json":
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxEventBytes+1))
		if err != nil {
			return err
		}
		if len(body) > maxEventBytes {
			return errTooLarge
		}
		if len(bytes.TrimSpace(body)) == 0 {
			c.deliverFor(ctx, errorAnswer(req, "the MCP server answered "+req.Method+" with an empty body"))
			return nil
		}
		msgs, err := decodeMessages(body)
		if err != nil {
			// Answered, with nothing the bridge can pass on: the server's
			// fault, which sending the call again would not mend.
			bad := &badMessageError{server: shownURL(c.url), sent: "its answer to " + req.Method + ", a body", what: err.Error()}
			c.deliverFor(ctx, errorAnswer(req, bad.Error()+"; "+req.Method+" may or may not have run"))
			return nil
		}
		answered := false
		for _, m := range msgs {
			if r, ok := m.(*jsonrpc.Response); ok && r.ID == req.ID {
				answered = true
			}
			if !c.deliverFor(ctx, m) {
				return nil
			}
		}
		if !answered {
			// No other answer is due: the POST's was this one.
			c.deliverFor(ctx, errorAnswer(req, "the MCP server at "+shownURL(c.url)+" answered "+req.Method+" with messages that hold no answer to it; the server does not speak MCP properly: report it to the server's maintainers ("+req.Method+" may or may not have run)"))
		}
	case ct == "text/event-stream":
		// The stream ends when the call's answer has come; it outlives the
		// request's context (the caller only waits for the POST to be taken).
		streaming = true
		c.mu.Lock()
		c.streams++ // before the POST is counted out: see Read
		c.mu.Unlock()
		c.readers.Go(func() {
			defer c.endStream()
			defer cancel()
			c.readCallStream(resp.Body, req)
		})
	default:
		resp.Body.Close()
		return fmt.Errorf("the MCP server answered with an unexpected content type %q", ct)
	}
	return nil
}

// beginPost counts a message about to be POSTed, until endPost; it
// returns errSessionLost instead when the session is known lost, as the
// server would refuse it.
func (c *httpConn) beginPost() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.failed:
		return c.failErr
	default:
	}
	c.posting++
	return nil
}

// endPost counts a POST out: its Write returns.
func (c *httpConn) endPost() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posting--
	c.wakeLocked()
}

// endStream counts out a stream answering a call: read to its end, what
// it brought delivered.
func (c *httpConn) endStream() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streams--
	c.wakeLocked()
}

// wakeLocked closes settled and quiet once what they wait for is over.
// c.mu is held.
func (c *httpConn) wakeLocked() {
	if c.posting == 0 && c.settled != nil {
		close(c.settled)
		c.settled = nil
	}
	if c.posting == 0 && c.streams == 0 && c.quiet != nil {
		close(c.quiet)
		c.quiet = nil
	}
}

// settle waits until the POSTs in flight have been answered, or until
// c.lostWait has passed since the loss (as Read does); it is called once
// the server lost the session, before the connection closes. Cut off
// before its answer, a POST's message could have been taken or not: the
// server could have run a call, or refused it (404) and left it to be
// sent again on a new session. Let end, each says which: the refusal of a
// lost session comes at once, so a POST still unanswered once the wait is
// over is held to have been taken (it is cut off then, and a call
// answered that it may or may not have run).
func (c *httpConn) settle() {
	c.mu.Lock()
	n, left := c.posting, time.Until(c.lostAt.Add(c.lostWait))
	c.mu.Unlock()
	if n == 0 || left <= 0 {
		return
	}
	c.log.Debug("the MCP server lost the session; waiting for its answers to the requests in flight on it", "requests", n)
	c.waitPosts(left)
}

// waitPosts waits, within d, until no message is being POSTed.
func (c *httpConn) waitPosts(d time.Duration) {
	c.mu.Lock()
	if c.posting == 0 {
		c.mu.Unlock()
		return
	}
	if c.settled == nil {
		c.settled = make(chan struct{})
	}
	settled := c.settled
	c.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-settled:
	case <-t.C:
	}
}

// setHeaders adds the session and protocol version; it returns the session
// ID sent.
func (c *httpConn) setHeaders(req *http.Request) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessionID != "" {
		req.Header.Set(sessionHeader, c.sessionID)
	}
	if c.version != "" {
		req.Header.Set(versionHeader, c.version)
	}
	return c.sessionID
}

// check turns a failed answer into an error (closing its body); ctx
// bounds asking the server whether it still has the session.
func (c *httpConn) check(ctx context.Context, resp *http.Response, sessionSent string) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := statusError(resp, c.url)
	if sessionGone(resp.StatusCode, sessionSent, c.alive(ctx, sessionSent)) {
		return errSessionLost
	}
	return se
}

// statusError is the *StatusError of a failed answer to a request sent to
// sentTo (its body read, up to maxErrorBody, and closed): where a
// redirect not followed leads, or the start of the body and the
// challenge, and the other origin that answered after a redirect.
func statusError(resp *http.Response, sentTo string) *StatusError {
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, _ := resp.Location()
		return &StatusError{Status: resp.StatusCode, Moved: shownURL(fmt.Sprint(loc))}
	}
	// A JSON body may be a JSON-RPC error answer, read whole to be passed
	// on (see answerTo); another is only quoted.
	limit := int64(maxErrorBody)
	isJSON := resp.StatusCode >= 400 && resp.StatusCode < 500 && mediaType(resp.Header.Get("Content-Type")) == "application/json"
	if isJSON {
		limit = maxEventBytes
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	var answer *jsonrpc.Response
	if isJSON && int64(len(b)) <= limit {
		if msgs, err := decodeMessages(b); err == nil && len(msgs) == 1 {
			if r, ok := msgs[0].(*jsonrpc.Response); ok && r.Error != nil && r.ID.IsValid() {
				answer = r
			}
		}
	}
	cut := len(b) > maxErrorBody
	if cut {
		b = b[:maxErrorBody]
	}
	se := &StatusError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b)), bodyCut: cut, Challenge: resp.Header.Get("WWW-Authenticate"), answer: answer}
	if resp.StatusCode == http.StatusForbidden {
		se.InsufficientScope, se.Scopes = insufficientScope(resp.Header)
	}
	if u, err := url.Parse(sentTo); err == nil && resp.Request != nil && (u.Scheme != resp.Request.URL.Scheme || u.Host != resp.Request.URL.Host) {
		se.Elsewhere = shownURL(resp.Request.URL.String())
	}
	return se
}

// answerTo is the server's own JSON-RPC error answer to req, which it
// gave with a 4xx status, as many servers refuse invalid parameters or an
// unknown tool (the TypeScript SDK's among them): the client gets the
// server's code, message and data, the real reason, rather than the
// bridge's word that the message was refused. Nil for any other answer:
// to a notification, under another id, a body that is no such answer, a
// 401 or 403 (the credentials), a lost session (the caller asks first).
func (e *StatusError) answerTo(req *jsonrpc.Request) *jsonrpc.Response {
	if e.answer == nil || req == nil || !req.IsCall() || e.Unauthorized() || e.answer.ID != req.ID {
		return nil
	}
	return e.answer
}

// mayBeOtherTransport reports whether the answer, to the initialize POST
// that opens a session, may come from a server of the older HTTP+SSE
// transport, which takes no POST at its stream's URL: 400, 404 or 405,
// whatever the body (some answer with a JSON-RPC error, as do proxies
// and servers that serve both transports), as the MCP specification's
// backwards compatibility and the TypeScript SDK's client fall back on.
// Not a refused credential (401, 403), nor a server failing (5xx).
func (e *StatusError) mayBeOtherTransport() bool {
	switch e.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed:
		return true
	}
	return false
}

// sessionGone reports whether an answer of status to a request that
// carried the session ID sid says that the server no longer knows the
// session. The MCP specification has a server answer 404 to a session ID
// it does not know, and the client start a new session. Some servers
// answer 400 instead ("Bad Request: No valid session ID provided", as
// older TypeScript and Python SDK examples do; "Server not initialized"),
// but 400 is also how a server refuses one message (its arguments, say),
// whose reason may well name a session: a 400 is a lost session only when
// alive, asked with a ping on the same session, is refused as well.
// Either way the server did not take the request.
func sessionGone(status int, sid string, alive func() bool) bool {
	return sid != "" && (status == http.StatusNotFound ||
		status == http.StatusBadRequest && !alive())
}

// pingWait bounds the ping that asks a server whether it still has a
// session (see sessionGone).
const pingWait = 10 * time.Second

// pings numbers the pings of pingSession: their answers, if any come on a
// stream, are answers to no call, and dropped.
var pings atomic.Int64

// pingSession POSTs a ping to url through client, with the session's
// headers (set by setHeaders), and reports whether the server did not
// refuse it as of a session it no longer knows: false only for a 404 or a
// 400. A ping the server takes (any 2xx; its answer, in the body or on a
// stream, is not read), or one that meets another failure (the network,
// a 5xx, ctx ended: nothing is learnt), says that the 400 before it
// refused that request only.
func pingSession(ctx context.Context, client *http.Client, url string, setHeaders func(*http.Request)) bool {
	ctx, cancel := context.WithTimeout(ctx, pingWait)
	defer cancel()
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":"restmcp-session-check-%d","method":"ping"}`, pings.Add(1))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return true
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	setHeaders(req)
	resp, err := client.Do(req)
	if err != nil {
		return true
	}
	resp.Body.Close()
	return resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest
}

// alive asks the server whether it still has the session sid, which a
// request found refused with 400 (see sessionGone), within ctx: a ping
// on it. A session known lost already is not asked about.
func (c *httpConn) alive(ctx context.Context, sid string) func() bool {
	return func() bool {
		select {
		case <-c.failed:
			return false
		default:
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(c.ctx, cancel)()
		return pingSession(ctx, c.client, c.url, func(r *http.Request) {
			r.Header.Set(sessionHeader, sid)
			c.mu.Lock()
			if c.version != "" {
				r.Header.Set(versionHeader, c.version)
			}
			c.mu.Unlock()
		})
	}
}

// errorAnswer is an error answer to req that the bridge makes: a tool
// error for tools/call (the model sees it), a JSON-RPC error otherwise.
func errorAnswer(req *jsonrpc.Request, msg string) *jsonrpc.Response {
	if req.Method == "tools/call" {
		res, _ := json.Marshal(&mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}})
		return &jsonrpc.Response{ID: req.ID, Result: res}
	}
	return &jsonrpc.Response{ID: req.ID, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: msg}}
}

// awaitAnswer waits acceptedWait for the answer to req, which the server
// took (status 202 or 204) without answering it, to come through the
// server's stream; then it answers req with an error. The wait ends
// early when the answer comes or the connection closes.
func (c *httpConn) awaitAnswer(req *jsonrpc.Request, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx.Err() != nil {
		return // closed: no answer is read any more
	}
	var t *time.Timer
	t = time.AfterFunc(c.acceptedWait, func() {
		c.mu.Lock()
		mine := c.accepted[req.ID] == t
		if mine {
			delete(c.accepted, req.ID)
		}
		c.mu.Unlock()
		if mine {
			c.deliver(errorAnswer(req, fmt.Sprintf("the MCP server took %s (%d) without answering it", req.Method, status)))
		}
	})
	if c.accepted == nil {
		c.accepted = map[jsonrpc.ID]*time.Timer{}
	}
	if old := c.accepted[req.ID]; old != nil {
		old.Stop()
	}
	c.accepted[req.ID] = t
}

// answered ends the wait for the answer of the call id, if it was taken
// without one: the answer came.
func (c *httpConn) answered(id jsonrpc.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.accepted[id]; t != nil {
		t.Stop()
		delete(c.accepted, id)
	}
}

// deliver passes m to Read, noting the protocol version the initialize
// answer chose, and ending the wait for the answer it is. It waits for
// room in the queue as long as the connection lives.
func (c *httpConn) deliver(m jsonrpc.Message) {
	c.deliverFor(context.Background(), m)
}

// deliverFor is deliver, whose wait for room in the queue ends with ctx
// too; it reports whether m was queued. Write passes the answer in a
// POST's body so, with its caller's ctx: once that ended, the call ended
// (the client went, cancelled it, or it timed out) and the answer is due
// to no one. Nor may it wait: once the client went, the queue is no
// longer read, and the connection is closed only after the caller
// returns.
func (c *httpConn) deliverFor(ctx context.Context, m jsonrpc.Message) bool {
	if r, ok := m.(*jsonrpc.Response); ok {
		c.answered(r.ID)
	}
	if r, ok := m.(*jsonrpc.Response); ok && r.Error == nil {
		c.mu.Lock()
		if c.initID.IsValid() && r.ID == c.initID {
			var res struct {
				ProtocolVersion string `json:"protocolVersion"`
			}
			if json.Unmarshal(r.Result, &res) == nil {
				c.version = res.ProtocolVersion
			}
			c.initID = jsonrpc.ID{}
		}
		c.mu.Unlock()
	}
	select {
	case c.incoming <- m:
		return true
	case <-c.ctx.Done():
	case <-ctx.Done():
	}
	return false
}

// streamPos is how far an event stream was read: the ID of the last
// event dispatched and the reconnection delay the server asked for.
type streamPos struct {
	lastID string
	retry  time.Duration
	// after is how long the server's last refusal (429, 503) asked to
	// wait before the next try (Retry-After), 0 when it did not.
	after time.Duration
}

// readCallStream reads the event stream that answers req. When it ends
// without the answer (the server or the network dropped it) and the server
// numbered its events, the stream is resumed by a GET carrying
// Last-Event-ID; when it cannot be, the caller gets an error answer rather
// than waiting for ever.
func (c *httpConn) readCallStream(body io.ReadCloser, req *jsonrpc.Request) {
	var want jsonrpc.ID
	if req != nil && req.IsCall() {
		want = req.ID
	}
	answered := false
	seen := func(m jsonrpc.Message) bool {
		if r, ok := m.(*jsonrpc.Response); ok && want.IsValid() && r.ID == want {
			answered = true
		}
		return answered
	}
	var pos streamPos
	err := c.readEvents(body, seen, &pos)
	var bad *badMessageError
	switch {
	case !want.IsValid() || answered:
	case errors.Is(err, errTooLarge):
		// Resuming would send the same again.
		c.deliver(errorAnswer(req, err.Error()+" (the answer to "+req.Method+")"))
		return
	case errors.As(err, &bad):
		// So would asking again: the server's fault, not the network's.
		c.deliver(errorAnswer(req, bad.Error()+"; "+req.Method+" may or may not have run"))
		return
	}
	if !want.IsValid() {
		return
	}
	delay := streamMinDelay
	for failures := 0; !answered && pos.lastID != "" && failures < streamRetries && c.ctx.Err() == nil; {
		if pos.retry > 0 {
			delay = pos.retry
		}
		select {
		case <-time.After(max(delay, pos.after)):
		case <-c.ctx.Done():
		}
		resp, err := c.resume(&pos)
		if err != nil {
			if !errors.Is(err, errRetry) {
				break
			}
			failures++
			delay = min(delay*2, streamMaxDelay)
			continue
		}
		last := pos.lastID
		if err := c.readEvents(resp.Body, seen, &pos); errors.As(err, &bad) && !answered {
			c.deliver(errorAnswer(req, bad.Error()+"; "+req.Method+" may or may not have run"))
			return
		}
		if pos.lastID != last {
			failures, delay = 0, streamMinDelay
		} else {
			failures++
		}
	}
	if !answered && c.ctx.Err() == nil {
		// The server had the call: it may have run, and sending it again
		// could run it twice.
		c.deliver(errorAnswer(req, "the MCP server's stream ended before the answer to "+req.Method+" came; it may or may not have run: see whether it did before sending it again"))
	}
}

// maxRetryAfter bounds the wait a server's Retry-After asks for: a
// longer one (or a date far ahead) is read as this.
const maxRetryAfter = 5 * time.Minute

// retryAfter reads a Retry-After header, seconds or an HTTP date, as the
// wait it asks for from now (0 when there is none or it cannot be read).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// errTooLarge is the error of a message over maxEventBytes, which the
// bridge does not relay (as serve's stdio input takes no longer line).
var errTooLarge = errors.New("the MCP server's answer is over 16 MiB, more than the bridge relays: ask for less (a smaller page, fewer fields)")

// errRetry marks a failed resumption worth trying again (network error,
// server busy or failing).
var errRetry = errors.New("the MCP server could not resume the stream yet")

// resume asks the server to replay a stream after the event pos.lastID.
func (c *httpConn) resume(pos *streamPos) (*http.Response, error) {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Last-Event-ID", pos.lastID)
	sid := c.setHeaders(req)
	pos.after = 0
	resp, err := c.client.Do(req)
	switch {
	case err != nil:
		return nil, errors.Join(errRetry, err)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		resp.Body.Close()
		pos.after = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		return nil, errRetry
	case resp.StatusCode < 200 || resp.StatusCode >= 300 || mediaType(resp.Header.Get("Content-Type")) != "text/event-stream":
		// 405, 404, 400: this stream cannot be resumed; a 404 may say
		// why: the session is gone.
		resp.Body.Close()
		if sessionGone(resp.StatusCode, sid, c.alive(c.ctx, sid)) {
			c.fail(errSessionLost)
		}
		return nil, fmt.Errorf("the MCP server answered %d to the stream's resumption", resp.StatusCode)
	}
	return resp, nil
}

// readEvents delivers every message of an event stream, keeping pos up to
// date; it returns why the stream ended. seen is told of each message
// first; when it answers true, that message is the stream's last: the
// stream is closed after it, as a server may leave it open (and with it a
// connection and the goroutines reading it). An event that holds no
// JSON-RPC message ends it with a *badMessageError.
func (c *httpConn) readEvents(body io.ReadCloser, seen func(jsonrpc.Message) (last bool), pos *streamPos) error {
	return scanEvents(c.ctx, body, pos, func(event string, data []byte) (bool, error) {
		if event != "" && event != "message" {
			return false, nil
		}
		msgs, err := decodeMessages(data)
		if err != nil {
			return false, &badMessageError{server: shownURL(c.url), sent: "an event", what: err.Error()}
		}
		last := false
		for _, m := range msgs {
			if seen != nil && seen(m) {
				last = true
			}
			c.deliver(m)
		}
		return last, nil
	})
}

// scanEvents reads an event stream, keeping pos up to date, and passes
// each whole event that has data to dispatch: its type and its data. When
// dispatch answers true, that event is the stream's last; when it returns
// an error, the reading stops with it. It returns why the stream ended.
// The body is closed when ctx ends.
func scanEvents(ctx context.Context, body io.ReadCloser, pos *streamPos, dispatch func(event string, data []byte) (last bool, err error)) error {
	defer body.Close()
	stop := context.AfterFunc(ctx, func() { body.Close() })
	defer stop()
	r := bufio.NewReaderSize(body, 64<<10)
	var data bytes.Buffer
	event, id := "", pos.lastID
	for {
		line, err := readLine(r)
		if errors.Is(err, errTooLarge) {
			return err
		}
		if len(line) == 0 && err != nil {
			return err
		}
		s := strings.TrimRight(string(line), "\r\n")
		switch {
		case s == "":
			// An event is dispatched, and its ID counts, only once whole.
			last := false
			if data.Len() > 0 {
				var derr error
				if last, derr = dispatch(event, data.Bytes()); derr != nil {
					return derr
				}
			}
			pos.lastID = id
			data.Reset()
			event = ""
			if last {
				return nil
			}
		case strings.HasPrefix(s, ":"):
		default:
			field, value, _ := strings.Cut(s, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "data":
				if data.Len()+len(value) > maxEventBytes {
					return errTooLarge
				}
				if data.Len() > 0 {
					data.WriteByte('\n')
				}
				data.WriteString(value)
			case "event":
				event = value
			case "id":
				if !strings.ContainsRune(value, 0) {
					id = value
				}
			case "retry":
				if ms, perr := strconv.Atoi(value); perr == nil && ms >= 0 {
					pos.retry = time.Duration(ms) * time.Millisecond
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// maxLineBytes is the longest line of an event stream read: a data field
// of maxEventBytes.
const maxLineBytes = maxEventBytes + len("data: \r\n")

// readLine reads a line of an event stream. A line longer than
// maxLineBytes is errTooLarge as soon as it is, not once whole: the
// server may never end it.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	// What ReadSlice returns is the reader's buffer, which the next read
	// overwrites: copied first.
	long := append([]byte(nil), line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		if len(long) > maxLineBytes {
			return nil, errTooLarge
		}
		line, err = r.ReadSlice('\n')
		long = append(long, line...)
	}
	return long, err
}

// startStream opens the GET stream for what the server sends on its own,
// once per connection, and keeps it open for as long as the connection
// lives (see keepStream).
func (c *httpConn) startStream() {
	c.mu.Lock()
	if c.streaming {
		c.mu.Unlock()
		return
	}
	c.streaming = true
	c.mu.Unlock()
	c.readers.Go(c.keepStream)
}

// keepStream reads the server's GET stream, opening it again after a drop
// (resuming after the last event seen) and after a failure: a network
// error, 429 or 5xx (a proxy restarting, a server busy) is passing, and
// the server's notifications and requests come only this way. The wait
// doubles from c.minDelay to c.maxDelay. It ends with the connection, or
// when the server offers no stream (or no longer knows the session).
func (c *httpConn) keepStream() {
	var pos streamPos
	opened := false
	delay := c.minDelay
	for {
		switch c.getStream(&pos, opened) {
		case streamNone:
			return
		case streamRead:
			opened, delay = true, max(pos.retry, c.minDelay)
		case streamEmpty:
			opened = true
		}
		select {
		case <-time.After(max(delay, pos.after)):
		case <-c.ctx.Done():
			return
		}
		delay = min(delay*2, c.maxDelay)
	}
}

// streamOutcome is how one GET of the server's stream went.
type streamOutcome int

const (
	streamRead   streamOutcome = iota // a stream was read until it ended
	streamEmpty                       // a stream ended without a message (or with one too large)
	streamFailed                      // worth trying again
	streamNone                        // no stream offered, or the session or connection is gone
)

// getStream GETs the server's stream and reads it until it ends. opened
// says whether a stream was read before: until then, a refusal other than
// 429 or 5xx means the server offers none; after, it is a passing
// failure, or a 404 (or a 400 a ping confirms) that the session is lost.
func (c *httpConn) getStream(pos *streamPos, opened bool) streamOutcome {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return streamNone
	}
	req.Header.Set("Accept", "text/event-stream")
	if pos.lastID != "" {
		req.Header.Set("Last-Event-ID", pos.lastID)
	}
	sid := c.setHeaders(req)
	pos.after = 0
	resp, err := c.client.Do(req)
	switch {
	case c.ctx.Err() != nil:
		if err == nil {
			resp.Body.Close()
		}
		return streamNone
	case err != nil:
		return streamFailed
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && mediaType(resp.Header.Get("Content-Type")) == "text/event-stream":
		read := false
		err := c.readEvents(resp.Body, func(jsonrpc.Message) bool { read = true; return false }, pos)
		if errors.Is(err, errTooLarge) && !c.tooLarge {
			c.tooLarge = true // the same one comes again each time
			c.log.Warn("the MCP server's stream sent a message over 16 MiB, which the bridge does not relay")
		}
		if bad := (*badMessageError)(nil); errors.As(err, &bad) && !c.badEvent {
			c.badEvent = true
			c.log.Warn("the MCP server's stream broke off at a message the bridge cannot relay", "err", bad.Error())
		}
		if !read {
			return streamEmpty
		}
		return streamRead
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusMethodNotAllowed:
		// What the MCP specification has a server that offers no stream
		// answer.
		return streamNone
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		pos.after = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		return streamFailed
	case !opened:
		// 400, 404, a page that is no event stream… before any stream:
		// none is offered. A server with no route for GET answers 404
		// ("Cannot GET /mcp") even to a session it knows, so this says
		// nothing of the session: were it lost, the next POST says so.
		c.log.Debug("the MCP server offers no stream of its own", "status", resp.StatusCode)
		return streamNone
	case sessionGone(resp.StatusCode, sid, c.alive(c.ctx, sid)):
		c.fail(errSessionLost)
		return streamNone
	default:
		return streamFailed
	}
}

// Close ends the session on the server (best effort) and stops the streams.
// A session the server lost is not ended there: the POSTs in flight on it
// are let end first (see settle).
func (c *httpConn) Close() error {
	// Once: the bridge closes a connection when its reading ends and
	// again when the session ends, and the server is told once.
	c.closeOnce.Do(c.close)
	return nil
}

func (c *httpConn) close() {
	lost := false
	select {
	case <-c.failed:
		// The server no longer knows the session: there is nothing to
		// end there, and what was POSTed on it is let end first.
		lost = true
		c.settle()
	default:
	}
	sid := c.SessionID()
	if sid != "" && !lost && c.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), c.deleteWait)
		defer cancel()
		if req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.url, nil); err == nil {
			c.setHeaders(req)
			if resp, err := c.client.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}
	c.cancel()
	// No answer is read any more: the calls taken without one wait no
	// longer.
	c.mu.Lock()
	for id, t := range c.accepted {
		t.Stop()
		delete(c.accepted, id)
	}
	c.mu.Unlock()
	// The POSTs under way and the streams end with c.ctx, at once: they
	// are waited for, so that nothing of the connection runs on after it.
	// Only a POST under way may start a stream: none is once they ended.
	c.waitPosts(c.deleteWait)
	c.readers.Wait()
}

// wroteKey is the context key of what to call once a request written
// with the context is on the wire.
type wroteKey struct{}

// withWrote returns ctx whose requests call f once written (a request
// whose writing fails may not).
func withWrote(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, wroteKey{}, f)
}

func wroteHook(ctx context.Context) func() {
	f, _ := ctx.Value(wroteKey{}).(func())
	return f
}

func mediaType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(ct))
}
