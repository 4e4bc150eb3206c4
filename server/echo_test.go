package server

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/restmcp/restmcp/client"
)

// echoKey is lower case, so that an answer may also spell it in upper
// case.
const echoKey = "sk-test-secretkey123"

// escapedKey is echoKey with some characters JSON-escaped and others not:
// no form the transport replaces, only the text read from it spells the
// key.
func escapedKey() string {
	return `\u0073k-test-s\u0065cretkey12\u0033`
}

// The key, in every form and place an answer may echo it (body, header
// values, a Link's page token, a Location, JSON keys, escapes read by the
// result), reaches no text of any result: success or error, cut or
// selected.
func TestEchoedKeyReachesNoResult(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("user:" + echoKey))
	jsonEcho := fmt.Sprintf(`{"raw":%q,"escaped":"%s","query":%q,"base64":%q,"%s":{"in":"%s"}}`,
		echoKey, escapedKey(), url.QueryEscape(echoKey), b64, escapedKey(), escapedKey())
	longUnderKey := fmt.Sprintf(`{"%s":"%s"}`, escapedKey(), strings.Repeat("word ", 3000))
	html := "<html><body><p>Your token: s&#00000107;-test-secretkey123 and <b>sk-test-</b>secretkey123</p></body></html>"
	partial := "%73k-test-secretkey123" // one character encoded
	for _, tt := range []struct {
		name, args string
		opts       client.Options
		cfg        Config
		h          http.HandlerFunc
	}{
		{"json", `{}`, client.Options{}, Config{}, answerWith(200, "application/json", jsonEcho)},
		{"json cut", `{}`, client.Options{}, Config{MaxResultBytes: 1000}, answerWith(200, "application/json", longUnderKey)},
		{"json cut at the read cap", `{}`, client.Options{MaxBodyBytes: 4000}, Config{}, answerWith(200, "application/json", longUnderKey)},
		{"fields", `{"fields":["escaped","` + echoKey + `"]}`, client.Options{}, Config{}, answerWith(200, "application/json", jsonEcho)},
		{"no field matched", `{"fields":["nope"]}`, client.Options{}, Config{}, answerWith(200, "application/json", jsonEcho)},
		{"fields cut", `{"fields":["` + echoKey + `"]}`, client.Options{}, Config{MaxResultBytes: 1000}, answerWith(200, "application/json", longUnderKey)},
		{"html", `{}`, client.Options{}, Config{}, answerWith(200, "text/html", html)},
		{"html cut", `{}`, client.Options{}, Config{MaxResultBytes: 600}, answerWith(200, "text/html", strings.Repeat(html, 20))},
		{"text", `{}`, client.Options{}, Config{}, answerWith(200, "text/plain", "token "+echoKey+" "+b64)},
		{"created", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/x/"+echoKey+"?t="+url.QueryEscape(b64))
			w.WriteHeader(http.StatusCreated)
		}},
		{"next page", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `</x?page=`+partial+`>; rel="next"`)
			answerWith(200, "application/json", "[1]")(w, r)
		}},
		{"binary", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Disposition", `attachment; filename*=UTF-8''`+partial+`.zip`)
			answerWith(200, "application/x-"+echoKey, "\x00\x01")(w, r)
		}},
		{"fields on binary", `{"fields":["a"]}`, client.Options{}, Config{}, answerWith(200, "application/x-"+echoKey, "\x00\x01")},
		{"error", `{}`, client.Options{}, Config{}, answerWith(403, "application/json", jsonEcho)},
		{"html error", `{}`, client.Options{}, Config{}, answerWith(404, "text/html", html)},
		{"rate limited", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", echoKey)
			answerWith(429, "text/plain", echoKey)(w, r)
		}},
		{"redirect", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/x?t="+echoKey)
			answerWith(300, "application/json", jsonEcho)(w, r)
		}},
		{"error in an unknown encoding", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", strings.ToUpper(echoKey))
			answerWith(500, "application/json", "\x00\x01")(w, r)
		}},
		{"success in an unknown encoding", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", echoKey)
			answerWith(200, "application/json", "\x00\x01")(w, r)
		}},
		{"corrupt gzip error", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			answerWith(500, "application/json", echoKey)(w, r)
		}},
		{"corrupt gzip success", `{}`, client.Options{}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Location", "/x/"+echoKey+"?t="+url.QueryEscape(b64))
			answerWith(200, "application/json", echoKey)(w, r)
		}},
		{"cut by the time limit", `{}`, client.Options{Timeout: 300 * time.Millisecond}, Config{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"a":[1],"`+escapedKey()+`":"`+escapedKey()+` and more`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Credential = client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey(echoKey)}
			text := resultText(t, callAnswer(t, tt.h, opts, tt.cfg, tt.args))
			for _, form := range []string{"secretkey", `s\u0065cret`, "c3VjcmV0a2V5", "ZWNyZXRrZX"} {
				if i := strings.Index(strings.ToLower(text), strings.ToLower(form)); i >= 0 {
					t.Errorf("%q in …%s…", form, text[max(0, i-120):min(len(text), i+80)])
				}
			}
		})
	}
}

// The fields selected from an answer, decoded, are JSON in the result:
// the key they spell is replaced, and the result stays valid JSON.
func TestSelectedEchoIsValidJSON(t *testing.T) {
	body := fmt.Sprintf(`{"token":"%s"}`, escapedKey())
	opts := client.Options{Credential: client.HeaderKey{Scheme: "Bearer", Key: client.StaticKey(echoKey)}}
	text := resultText(t, callAnswer(t, answerWith(200, "application/json", body), opts, Config{}, `{"fields":["token"]}`))
	if !json.Valid([]byte(text)) || !strings.Contains(text, "[REDACTED]") {
		t.Errorf("%s", text)
	}
}
