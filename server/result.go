package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/prose"
)

// errorExcerptBytes bounds the body excerpt of an HTTP error result.
const errorExcerptBytes = 1000

// requestErrorResult explains a call that got no HTTP answer: no key,
// invalid arguments the client refused, a timeout or a network failure.
func requestErrorResult(ctx context.Context, t *tool, err error) *mcp.CallToolResult {
	what := t.op.Method + " " + t.op.Path
	var ne net.Error
	var te *client.TimeoutError
	var ce *client.CredentialError
	switch {
	case errors.As(err, &ce) && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		// The time went on the credential (a token endpoint or a keyring
		// that did not answer), not on the API: nothing was sent.
		return errorResult(fmt.Sprintf("%s: nothing was sent: the %s was not ready in time (%v). Try again in a moment.", what, cmp.Or(ce.What, "API key"), ce.Err))
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return errorResult(fmt.Sprintf("%s: the call was cancelled: %v", what, cause))
		}
		return errorResult(fmt.Sprintf("%s: the call was cancelled", what))
	case errors.As(err, &te):
		return errorResult(fmt.Sprintf("%s: the API did not answer within the %s limit of one call (retries included). Try again or ask for less; the user can raise the limit with --timeout (e.g. --timeout 2m) or the profile's \"timeout\".", what, te.Limit))
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return errorResult(fmt.Sprintf("%s: the API did not answer in time (%v). Try again, or ask for less.", what, err))
	}
	// A failure on the way names the method and the URL it went to (the
	// host included): said once.
	msg := err.Error()
	if !strings.HasPrefix(msg, t.op.Method+" ") {
		msg = what + ": " + msg
	}
	// A dial that failed inside the credential (the keyring's D-Bus, a
	// token endpoint) sent nothing to the API: its own message says what
	// to do.
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" && !errors.As(err, &ce) {
		msg += ". The API could not be reached: it may be down, or the base URL wrong (the user sets it with --base-url or in the profile)."
	}
	return errorResult(msg)
}

// httpErrorResult is the tool error for an HTTP status >= 400: status,
// reason, a short excerpt of the body and a hint the model can act on.
func (s *Server) httpErrorResult(ctx context.Context, t *tool, e *client.HTTPError) *mcp.CallToolResult {
	r := e.Response
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s (%s)", r.Status, http.StatusText(r.Status), sentTo(t, e.Method, e.URL, r))
	if ex := r.Excerpt(errorExcerptBytes); ex != "" {
		b.WriteString("\n")
		b.WriteString(ex)
	}
	if w := e.WaitText(); w != "" {
		b.WriteString("\n")
		b.WriteString(strings.ToUpper(w[:1]) + w[1:] + ".")
	} else if h := s.hint(ctx, t, r); h != "" {
		b.WriteString("\n")
		b.WriteString(h)
	}
	return errorResult(clip(b.String(), s.budget()))
}

// unreadBodyResult is the tool error for a success whose body could not
// be read: its status, which says what was done, the encoding in place of
// the body, as an error status shows it, and whether calling again is
// safe.
func (s *Server) unreadBodyResult(t *tool, e *client.BodyError) *mcp.CallToolResult {
	r := e.Response
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s (%s): the API answered, but its body could not be read", r.Status, http.StatusText(r.Status), sentTo(t, e.Method, e.URL, r))
	if ex := r.Excerpt(errorExcerptBytes); ex != "" {
		b.WriteString("\n")
		b.WriteString(ex)
	}
	switch e.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		// Repeating these changes nothing more than they did.
		b.WriteString("\nThe answer may have been cut short on its way: calling again may help; if it does not, the API sends it so.")
	default:
		b.WriteString("\nThe status says the API did what was asked: calling again may do it twice.")
	}
	if loc := headerValue(r, "Location"); loc != "" {
		b.WriteString("\nLocation: " + loc)
	}
	return errorResult(clip(b.String(), s.budget()))
}

// sentTo is the method and path of the request r answers, its URL
// without the query string: the path as sent (an argument in it may echo
// the key, redacted as the answer's text), else the operation's.
func sentTo(t *tool, method, rawURL string, r *client.Response) string {
	if u, err := url.Parse(rawURL); err == nil && u.Path != "" {
		return method + " " + clip(r.Redact(u.Path), 200)
	}
	return t.op.Method + " " + t.op.Path
}

// budget is the result budget in bytes.
func (s *Server) budget() int {
	if s.cfg.MaxResultBytes <= 0 {
		return DefaultMaxResultBytes
	}
	return s.cfg.MaxResultBytes
}

// unfollowed reports whether status is a redirect the client did not
// follow (no Location, or 300's choice): 304 answers a conditional request.
func unfollowed(status int) bool {
	return status >= 300 && status < 400 && status != http.StatusNotModified
}

// redirectResult is the tool error for a redirect that was not followed:
// its body is no answer to the call.
func (s *Server) redirectResult(t *tool, r *client.Response) *mcp.CallToolResult {
	text := fmt.Sprintf("HTTP %d %s (%s %s): a redirect, not followed", r.Status, http.StatusText(r.Status), t.op.Method, t.op.Path)
	if loc := headerValue(r, "Location"); loc != "" {
		text += " (Location: " + loc + ")"
	} else {
		text += " (the answer names no Location)"
	}
	if ex := r.Excerpt(errorExcerptBytes); ex != "" {
		text += "\n" + ex
	}
	return errorResult(clip(text, s.budget()))
}

// clip is text cut to at most max bytes, on a rune boundary, ending with
// "…" when cut.
func clip(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	cut := max(limit-len("…"), 0)
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}

// login is the command that stores a key, for hints.
func (s *Server) login() string {
	if s.cfg.Login != "" {
		return s.cfg.Login
	}
	return s.cfg.Name + " login"
}

// envKeyFix is what to do about a key from KeyEnv the API refused.
func (s *Server) envKeyFix() string {
	if s.cfg.KeyEnvFix == nil {
		return "correct that variable"
	}
	return s.cfg.KeyEnvFix()
}

// hint suggests the next step for an error status.
func (s *Server) hint(ctx context.Context, t *tool, r *client.Response) string {
	caller := client.HasCallerKey(ctx)
	switch st := r.Status; {
	case (st == http.StatusUnauthorized || st == http.StatusForbidden) && t.op != nil && !t.op.Security:
		decl := "security: []"
		if len(t.op.Requirements) > 0 {
			decl = "security: [{}], anonymous access only"
		}
		return fmt.Sprintf("The API asked for credentials, but the description declares this operation public (%s), so no key was sent: the description may be wrong about it.", decl)
	case st == http.StatusUnauthorized && caller:
		return "The API rejected the key this request carried: send a valid one."
	case st == http.StatusForbidden && caller:
		return "The API refused this with the key this request carried: it may lack the permission, or be wrong."
	case st == http.StatusUnauthorized && s.cfg.KeyEnv != "":
		return fmt.Sprintf("The API rejected the key from %s: %s.", s.cfg.KeyEnv, s.envKeyFix())
	case st == http.StatusUnauthorized:
		return fmt.Sprintf("The API rejected the key: run `%s` to store a valid one.", s.login())
	case st == http.StatusForbidden && s.cfg.KeyEnv != "":
		return fmt.Sprintf("The API refused this with the key from %s: it may lack the permission, or be wrong (%s).", s.cfg.KeyEnv, s.envKeyFix())
	case st == http.StatusForbidden:
		return fmt.Sprintf("The API refused this with the current key: it may lack the permission, or be wrong (run `%s` to store another).", s.login())
	case st == http.StatusNotFound:
		var ids, query []string
		for name, b := range t.in.bindings {
			switch b.In {
			case inPath:
				ids = append(ids, name)
			case inQuery:
				query = append(query, name)
			}
		}
		if len(ids) == 0 && len(query) > 0 {
			// A page past the last answers 404 in some APIs (Django REST
			// Framework's "Invalid page.").
			slices.Sort(query)
			return fmt.Sprintf("Not found: check the arguments given (this operation takes %s); a page past the last may answer this. Else the operation may not exist on this server (check the base URL).", strings.Join(query[:min(8, len(query))], ", "))
		}
		if len(ids) == 0 {
			return "Not found: the operation may not exist on this server (check the base URL)."
		}
		return fmt.Sprintf("Not found: check %s; a list tool shows the valid values.", quoteList(slices.Sorted(slices.Values(ids))))
	case st == http.StatusTooManyRequests:
		wait := "a while"
		if ra := r.Header.Get("Retry-After"); ra != "" {
			if n, err := strconv.Atoi(ra); err == nil {
				wait = fmt.Sprintf("%d s", n)
			} else {
				wait = "until " + clip(r.Redact(ra), 64)
			}
		}
		return fmt.Sprintf("Rate limited: wait %s before calling again.", wait)
	case st == http.StatusBadRequest || st == http.StatusUnprocessableEntity || st == http.StatusConflict:
		return "The API refused the arguments: fix what the message names and call again."
	case st >= 500:
		return "The API failed on its side: try again later."
	}
	return ""
}

type kind int

const (
	kindBinary kind = iota
	kindJSON
	kindText
)

// jsonType reports whether contentType names JSON.
func jsonType(contentType string) bool { return jsonMedia(mediaType(contentType)) }

// jsonMedia reports whether the media type mt (lower case) is JSON.
func jsonMedia(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "/json") ||
		mt == "application/x-ndjson" || mt == "text/json"
}

// mediaType is the media type of contentType in lower case, without
// parameters; when it cannot be parsed, the whole value in lower case. The
// usual values ("application/json", the same with "; charset=utf-8") are
// read without mime.ParseMediaType, which builds a map of the parameters.
func mediaType(contentType string) string {
	base, params, hasParams := strings.Cut(contentType, ";")
	if !hasParams || (strings.EqualFold(strings.TrimSpace(params), "charset=utf-8") && plainMediaType(strings.TrimSpace(base))) {
		return strings.ToLower(strings.TrimSpace(base))
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	return mt
}

// plainMediaType reports whether s is type/subtype made of letters,
// digits and the marks media types use, which mime.ParseMediaType accepts
// as it is.
func plainMediaType(s string) bool {
	slash := strings.IndexByte(s, '/')
	if slash <= 0 || slash == len(s)-1 || strings.Count(s, "/") != 1 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/+.-_!#$&^", c) >= 0) {
			return false
		}
	}
	return true
}

// compactJSON is body compacted when bodyKind reads it as JSON (checked
// and compacted in one pass), else false.
func compactJSON(contentType string, body []byte) ([]byte, bool) {
	if mt := mediaType(contentType); !jsonMedia(mt) && mt != "" && mt != "application/octet-stream" {
		return nil, false
	}
	var buf bytes.Buffer
	buf.Grow(len(body))
	if json.Compact(&buf, body) != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// bodyKind classifies a response body by its content type, and by its
// bytes when the type is missing.
func bodyKind(contentType string, body []byte) kind {
	mt := mediaType(contentType)
	switch {
	case jsonMedia(mt):
		if json.Valid(body) {
			return kindJSON
		}
		return kindText
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+xml"), mt == "application/xml",
		mt == "application/yaml", mt == "application/x-yaml", strings.HasSuffix(mt, "+yaml"),
		mt == "application/javascript", mt == "application/x-www-form-urlencoded",
		mt == "application/graphql", mt == "application/csv", mt == "application/problem+xml":
		return kindText
	case mt == "" || mt == "application/octet-stream":
		if json.Valid(body) {
			return kindJSON
		}
		if utf8.Valid(body) && !bytes.ContainsRune(body, 0) && mt == "" {
			return kindText
		}
	}
	return kindBinary
}

// result turns a successful answer into a tool result within the budget.
func (s *Server) result(t *tool, r *client.Response) *mcp.CallToolResult {
	return s.withNotes(t, r, s.bodyResult(t, r))
}

// withNotes is res, a result made of the answer r, with the notes r adds:
// that the time limit cut it, where its next page is.
func (s *Server) withNotes(t *tool, r *client.Response, res *mcp.CallToolResult) *mcp.CallToolResult {
	if r.Unfinished > 0 {
		res.Content = append(res.Content, &mcp.TextContent{Text: fmt.Sprintf("HTTP %d: the answer was still arriving when the %s limit of the call ended; this is what arrived.", r.Status, r.Unfinished)})
	}
	if next := nextPage(t, r); next != "" {
		res.Content = append(res.Content, &mcp.TextContent{Text: next})
	}
	return res
}

// emptyBodyHeaders are the response headers worth showing when there is no
// body: where a created resource is, and what a HEAD request learnt.
var emptyBodyHeaders = []string{"Location", "Content-Type", "Content-Length", "Last-Modified", "ETag"}

func (s *Server) bodyResult(t *tool, r *client.Response) *mcp.CallToolResult {
	budget := s.budget()
	if len(r.Body) == 0 {
		text := fmt.Sprintf("%d %s (empty body)", r.Status, http.StatusText(r.Status))
		var hs []string
		for _, h := range emptyBodyHeaders {
			if v := headerValue(r, h); v != "" && (h == "Location" || t.op.Method == "HEAD") {
				hs = append(hs, h+": "+v)
			}
		}
		if len(hs) > 0 {
			text += "\n" + strings.Join(hs, "\n")
		}
		return textResult(clip(text, budget))
	}
	if (r.Truncated || r.Unfinished > 0) && jsonType(r.ContentType) && !json.Valid(r.Body) {
		// Cut by the read cap or the time limit, maybe mid-string: keep
		// whole values only, compacted, so the budget is not spent on
		// indentation.
		body, _, readSC := cutJSON(r.Body, len(r.Body)-1)
		limit := len(body) - 1
		if text, ok := compactJSON(r.ContentType, body); ok {
			body, limit = text, len(text)
		}
		kept, cut, sc := cutJSON(body, min(budget, limit))
		if sc == nil && cut == len(body) && r.Truncated {
			// Kept whole: the string the read cap cut, if any, ends it.
			sc = readSC
		}
		res := textResult(r.Redact(string(kept)))
		if r.Truncated || cut < len(body) {
			res.Content = append(res.Content, &mcp.TextContent{Text: s.truncationNote(t, cut, len(r.Body), true, true, sc.redact(r))})
		}
		return res
	}
	if text, ok := compactJSON(r.ContentType, r.Body); ok {
		if len(text) > budget || r.Truncated {
			kept, cut, sc := cutJSON(text, budget)
			// The note is a content item of its own, so the first stays JSON.
			res := textResult(r.Redact(string(kept)))
			res.Content = append(res.Content, &mcp.TextContent{Text: s.truncationNote(t, cut, len(text), r.Truncated, true, sc.redact(r))})
			return res
		}
		// As text only: structuredContent would be a second copy of the
		// same JSON, and clients that pass both to the model (GitHub
		// Copilot's, ChatGPT's) would pay for it twice; those that take
		// structuredContent when present (Claude Code's) read the text.
		return textResult(r.Redact(string(text)))
	}
	switch bodyKind(r.ContentType, r.Body) {
	case kindText:
		text := strings.ToValidUTF8(string(r.Body), "�")
		if mt := mediaType(r.ContentType); mt == "text/html" || mt == "application/xhtml+xml" {
			// A page's text, not its markup; its references read may
			// spell the key.
			text = r.Redact(prose.Plain(text))
		}
		return s.textWithin(t, text, r)
	default:
		ct := orUnknown(fromAPI(r, r.ContentType))
		desc := fmt.Sprintf("Binary response: %s, %s (not shown).", ct, sizeString(len(r.Body)))
		if cd := r.Header.Get("Content-Disposition"); cd != "" {
			if _, params, err := mime.ParseMediaType(cd); err == nil && params["filename"] != "" {
				desc = fmt.Sprintf("Binary response: %s, %s, file %q (not shown).", ct, sizeString(len(r.Body)), fromAPI(r, params["filename"]))
			}
		}
		return textResult(clip(desc, budget))
	}
}

// maxHeaderBytes bounds a header value a result shows (a Location, a file
// name, a page token): the API sets its length, not the result budget.
const maxHeaderBytes = 300

// The credential is replaced (see client.Response.Redact) in what a result
// takes from the answer, its body, its headers and the URL it echoes, and
// only there: restmcp's own words around them stay whole, even where a
// short key is one of them.

// fromAPI is text the answer holds (a header value, a file name, a key of
// its JSON) as a result shows it: redacted, clipped to maxHeaderBytes.
func fromAPI(r *client.Response, text string) string {
	return clip(r.Redact(text), maxHeaderBytes)
}

// headerValue is r's header name as a result shows it (see fromAPI).
func headerValue(r *client.Response, name string) string {
	return fromAPI(r, r.Header.Get(name))
}

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}

func sizeString(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// textWithin returns text, cut at a line or word so that it and the note
// after it stay within the budget.
func (s *Server) textWithin(t *tool, text string, r *client.Response) *mcp.CallToolResult {
	budget := s.budget()
	if len(text) <= budget && !r.Truncated {
		return textResult(r.Redact(text))
	}
	// The note with the largest cut it may name is at least as long.
	room := budget - len(s.truncationNote(t, budget, len(text), r.Truncated, false, nil)) - 1
	cut := max(0, min(room, len(text)))
	for cut > 0 && cut < len(text) && !utf8.RuneStart(text[cut]) {
		cut--
	}
	if i := strings.LastIndexAny(text[:cut], "\n"); i > cut*3/4 {
		cut = i
	} else if i := strings.LastIndexAny(text[:cut], " \t"); i > cut*3/4 {
		cut = i
	}
	return textResult(r.Redact(text[:cut]) + "\n" + s.truncationNote(t, cut, len(text), r.Truncated, false, nil))
}

// truncationNote says how much was cut and which arguments ask for less:
// the field selection only for JSON, the one answer it applies to, and
// not when a string cut in the middle (sc) is too long for it to help.
func (s *Server) truncationNote(t *tool, cut, total int, clientCut, isJSON bool, sc *stringCut) string {
	of := fmt.Sprintf("of %d bytes", total)
	if clientCut {
		of = fmt.Sprintf("of more than %d bytes", total)
	}
	note := fmt.Sprintf("… truncated at %d %s", cut, of)
	fieldsHelp := isJSON && t.in != nil && t.in.fields != ""
	if sc != nil {
		what := "the answer, one string,"
		if sc.path != "" {
			what = "the string at " + clip(sc.path, maxHeaderBytes) // redacted (stringCut.redact)
		}
		if sc.total >= 0 && !clientCut {
			note += fmt.Sprintf(": %s was cut after %d of its %d bytes", what, sc.kept, sc.total)
		} else {
			note += fmt.Sprintf(": %s was cut after %d bytes", what, sc.kept)
		}
		fieldsHelp = fieldsHelp && sc.path != "" && sc.total >= 0 && sc.total < s.budget()
	}
	if fieldsHelp {
		note += " — keep only the fields you need (" + t.in.fields + ": dotted paths)"
	}
	switch {
	case len(t.paging) > 0 && sc != nil:
		return note + " — ask for less, or for the rest, with the arguments this operation takes: " + strings.Join(t.paging, ", ")
	case len(t.paging) > 0:
		return note + " — ask for a smaller page (this operation takes: " + strings.Join(t.paging, ", ") + ")"
	}
	return note + " — ask for less (narrower arguments), if the operation allows"
}

// truncateJSON is cutJSON without where it cut inside a string.
func truncateJSON(b []byte, max int) ([]byte, int) {
	kept, cut, _ := cutJSON(b, max)
	return kept, cut
}

// stringCut says where cutJSON cut inside a string value: the value's
// dotted path (arrays traversed, as fields names it; "" for an answer
// that is one string) and the bytes of its JSON text kept and in all
// (total is -1 when the string does not end in the input).
type stringCut struct {
	path        string
	kept, total int
}

// redact is sc with its path, keys of the answer, redacted as r's.
func (sc *stringCut) redact(r *client.Response) *stringCut {
	if sc != nil {
		sc.path = r.Redact(sc.path)
	}
	return sc
}

// wordSearch is how far back from where a string is cut a word boundary
// is looked for.
const wordSearch = 64

// cutJSON shortens compact JSON to at most max bytes that are still valid
// JSON: it cuts just before the last comma outside a string where the
// text, with the brackets then open closed again, fits (so it ends with
// whole elements or members), and closes those brackets. When that would
// keep less than half of max and max ends inside a string value (an
// answer whose bulk is one long string), the string is cut instead, at a
// word boundary when one is near, else between characters (never inside
// a UTF-8 sequence, an escape or a surrogate pair), and closed with its
// brackets; sc then says where. It returns the text and how many bytes of
// b it kept. JSON with neither is cut at max, on a rune boundary, and is
// not valid.
func cutJSON(b []byte, max int) (out []byte, cut int, sc *stringCut) {
	if len(b) <= max {
		return b, len(b), nil
	}
	var stack []byte  // the closers of the containers open at i
	var keys [][2]int // per container, the span of an object's current key
	// lastStack is stack at the last comma that fits, str.stack and
	// str.keys stack and keys at the string that may be cut. Each is
	// updated from the lowest container changed since (lastLow, strLow),
	// not copied whole, so that deep nesting costs no copy per element.
	last, lastStack, lastLow, strLow := -1, []byte(nil), 0, 0
	inString, escaped, hexLeft := false, false, 0
	strStart, isKey, expectKey := -1, false, false
	safe, word := -1, -1 // in the current string: the last cut that fits, and one at a word boundary
	var str stringCand   // the last string value that may be cut
	for i := 0; i < len(b) && i+len(stack) <= max; i++ {
		c := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
				if c == 'u' {
					hexLeft = 4
				}
				continue
			case hexLeft > 0:
				hexLeft--
				continue
			case c == '"':
				inString = false
				if isKey && len(keys) > 0 {
					keys[len(keys)-1] = [2]int{strStart, i + 1}
					strLow = min(strLow, len(keys)-1)
				} else if safe > 0 {
					str.set(strStart, safe, word, stack, keys, strLow)
					strLow = len(stack)
				}
				continue
			}
			if !isKey && i > strStart+1 && i+1+len(stack) <= max && utf8.RuneStart(c) && !lowSurrogate(b[i:]) {
				safe = i
				if c == ' ' || c == '\\' && i+1 < len(b) && (b[i+1] == 'n' || b[i+1] == 't' || b[i+1] == 'r') {
					word = i
				}
			}
			if c == '\\' {
				escaped = true
			}
			continue
		}
		switch c {
		case '"':
			inString, strStart, isKey = true, i, expectKey
			safe, word = -1, -1
		case '{':
			stack = append(stack, '}')
			keys = append(keys, [2]int{-1, -1})
			expectKey = true
		case '[':
			stack = append(stack, ']')
			keys = append(keys, [2]int{-1, -1})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
				keys = keys[:len(keys)-1]
				lastLow, strLow = min(lastLow, len(stack)), min(strLow, len(stack))
			}
		case ':':
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1] == '}'
			if i+len(stack) <= max {
				last = i
				lastStack = append(lastStack[:lastLow], stack[lastLow:]...)
				lastLow = len(stack)
			}
		}
	}
	if inString && !isKey && safe > 0 {
		str.set(strStart, safe, word, stack, keys, strLow)
	}
	if str.safe > 0 && str.safe > last && last < max/2 {
		cut = str.safe
		if str.word > str.start+1 && str.word >= str.safe-wordSearch {
			cut = str.word
		}
		out = make([]byte, 0, cut+1+len(str.stack))
		out = append(out, b[:cut]...)
		out = append(out, '"')
		for k := len(str.stack) - 1; k >= 0; k-- {
			out = append(out, str.stack[k])
		}
		sc = &stringCut{path: jsonPath(b, str.keys), kept: cut - str.start - 1, total: -1}
		if end := stringEnd(b, str.start); b[end-1] == '"' && end-1 > cut {
			sc.total = end - str.start - 2
		}
		return out, cut, sc
	}
	if last > 0 {
		out = make([]byte, 0, last+len(lastStack))
		out = append(out, b[:last]...)
		for k := len(lastStack) - 1; k >= 0; k-- {
			out = append(out, lastStack[k])
		}
		return out, last, nil
	}
	cut = max
	if cut < 0 {
		cut = 0 // nothing fits (an answer cut before its first value ended)
	}
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return b[:cut], cut, nil
}

// stringCand is a string value cutJSON may cut: where it starts, its last
// cut that fits and one at a word boundary, and the containers open
// around it.
type stringCand struct {
	start, safe, word int
	stack             []byte
	keys              [][2]int
}

// set makes c the string at start; c's containers below low are those
// open now.
func (c *stringCand) set(start, safe, word int, stack []byte, keys [][2]int, low int) {
	c.start, c.safe, c.word = start, safe, word
	c.stack = append(c.stack[:low], stack[low:]...)
	c.keys = append(c.keys[:low], keys[low:]...)
}

// lowSurrogate reports whether b begins with the escape of a UTF-16 low
// surrogate (\uDC00 to \uDFFF), the second half of a pair.
func lowSurrogate(b []byte) bool {
	return len(b) >= 4 && b[0] == '\\' && b[1] == 'u' && b[2]|0x20 == 'd' && strings.IndexByte("cdef", b[3]|0x20) >= 0
}

// jsonPath is the dotted path of the open objects' current keys (spans
// of quoted keys in b; arrays have none).
func jsonPath(b []byte, keys [][2]int) string {
	var parts []string
	for _, k := range keys {
		if k[0] < 0 {
			continue
		}
		var key string
		if json.Unmarshal(b[k[0]:k[1]], &key) != nil {
			key = string(b[k[0]+1 : k[1]-1])
		}
		parts = append(parts, key)
	}
	return strings.Join(parts, ".")
}

// nextPage turns a Link header's rel="next" URL (GitHub's paging) into the
// arguments of the next call, e.g. `More results: call again with page=2`.
func nextPage(t *tool, r *client.Response) string {
	target, ok := nextLink(r.Header.Values("Link"))
	if !ok {
		return ""
	}
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	q := u.Query()
	var args []string
	for name, b := range t.in.bindings {
		if b.In == inQuery && q.Has(b.Name) && slices.Contains(t.paging, name) {
			args = append(args, name+"="+fromAPI(r, q.Get(b.Name)))
		}
	}
	if len(args) == 0 {
		return ""
	}
	slices.Sort(args)
	return "More results: call again with " + strings.Join(args, ", ")
}

// nextLink is the target of the first link of Link header values whose
// relation types include "next", as RFC 8288 writes them: `rel="next"`,
// `rel=next`, `rel="next last"`, in any case; a comma inside a link's URL
// or a quoted parameter separates no links.
func nextLink(values []string) (string, bool) {
	for _, v := range values {
		for {
			open := strings.IndexByte(v, '<')
			if open < 0 {
				break
			}
			end := strings.IndexByte(v[open:], '>')
			if end < 0 {
				break
			}
			target := strings.TrimSpace(v[open+1 : open+end])
			v = v[open+end+1:]
			// The link's parameters run to the next comma outside quotes.
			n, quoted := len(v), false
		scan:
			for i := 0; i < len(v); i++ {
				switch c := v[i]; {
				case c == '\\' && quoted:
					i++
				case c == '"':
					quoted = !quoted
				case c == ',' && !quoted:
					n = i
					break scan
				}
			}
			params := v[:n]
			v = v[n:]
			if relNext(params) {
				return target, true
			}
		}
	}
	return "", false
}

// relNext reports whether a link's parameters (`; rel="next"; title=…`)
// give "next" among its relation types; only the first rel counts.
func relNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
			if strings.EqualFold(rel, "next") {
				return true
			}
		}
		return false
	}
	return false
}
