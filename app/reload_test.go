package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
)

// writeFile replaces a file's contents at once, as an editor or a
// Kubernetes Secret update does.
func writeFile(t *testing.T, path, contents string) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func tokenLine(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:]) + "\n"
}

// eventually waits up to 10 s for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A token added to the --auth-tokens file admits its caller, and one
// taken out no longer does, without a restart: once asked to (SIGHUP).
func TestHTTPAuthTokensReadAgain(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	writeFile(t, file, tokenLine("token-a"))
	a := testApp(t, map[string]string{"RESTMCP_API_KEY": "sk-caller-server-0123456789"})
	// Read again on demand (SIGHUP): the period alone would take an hour.
	now := make(chan struct{})
	endpoint, _ := serveHTTPWith(t, a, HTTPConfig{AuthTokens: file, ReloadEvery: time.Hour, Reload: now}, 0)
	status := func(tok string) int {
		req, _ := http.NewRequest("POST", endpoint, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if a, b := status("token-a"), status("token-b"); a != http.StatusOK || b != http.StatusUnauthorized {
		t.Fatalf("before: token-a %d, token-b %d", a, b)
	}
	writeFile(t, file, "# the team\n"+tokenLine("token-b"))
	now <- struct{}{}
	eventually(t, "token-b admitted", func() bool { return status("token-b") == http.StatusOK })
	if s := status("token-a"); s != http.StatusUnauthorized {
		t.Errorf("token-a, taken out of the file: %d", s)
	}
}

// A file that cannot be read, or whose new contents do not parse, leaves
// the value read before in use, and says so once per change.
func TestReloadedKeepsWhatItHadUntilTheNewOneReads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	writeFile(t, file, tokenLine("a"))
	r, err := readTokenHashes(file)
	if err != nil {
		t.Fatal(err)
	}
	first := r.load()
	if changed, err := r.check(); changed || err != nil {
		t.Errorf("unchanged file: changed %v, %v", changed, err)
	}
	writeFile(t, file, "token-in-plain-text\n")
	if changed, err := r.check(); changed || err == nil || !strings.Contains(err.Error(), "sha256sum") {
		t.Errorf("a file that does not parse: changed %v, %v", changed, err)
	}
	if changed, err := r.check(); changed || err != nil {
		t.Errorf("the same bad file again is said once: changed %v, %v", changed, err)
	}
	if r.load() != first {
		t.Error("a file that does not parse replaced the hashes")
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if changed, err := r.check(); changed || err == nil || !strings.Contains(err.Error(), "--auth-tokens") {
		t.Errorf("a missing file: changed %v, %v", changed, err)
	}
	writeFile(t, file, tokenLine("a")+tokenLine("b"))
	if changed, err := r.check(); !changed || err != nil || len(*r.load()) != 2 {
		t.Errorf("a new file: changed %v, %v, %d hashes", changed, err, len(*r.load()))
	}
}

// writeCert writes a self-signed certificate with serial and its key
// (or the key given) as PEM files.
func writeCert(t *testing.T, certFile, keyFile string, serial int64, key *ecdsa.PrivateKey) {
	t.Helper()
	if key == nil {
		var err error
		if key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "restmcp-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})))
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
}

// logged is what was logged so far.
func (l *logBuffer) logged() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A renewed certificate is served to new connections without a restart;
// a certificate that does not match its key (written before the key) is
// not taken, and the one before goes on.
func TestHTTPCertificateReadAgain(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writeCert(t, certFile, keyFile, 1, nil)
	a, logs := testApp(t, nil), &logBuffer{}
	a.Log = log.New(logs)
	endpoint, _ := serveHTTPWith(t, a, HTTPConfig{TLSCert: certFile, TLSKey: keyFile, ReloadEvery: 10 * time.Millisecond}, 0)
	addr := strings.TrimPrefix(strings.TrimSuffix(endpoint, "/mcp"), "http://")
	served := func() int64 {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if s := served(); s != 1 {
		t.Fatalf("serial %d served, want 1", s)
	}
	writeCert(t, certFile, keyFile, 2, nil)
	eventually(t, "the renewed certificate served", func() bool { return served() == 2 })
	eventually(t, "the renewal logged", func() bool { return strings.Contains(logs.logged(), "read again") })

	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	writeCert(t, certFile, filepath.Join(dir, "other.key"), 3, other)
	eventually(t, "the mismatch logged", func() bool {
		return strings.Contains(logs.logged(), "cannot be used") && strings.Contains(logs.logged(), "private key does not match")
	})
	if s := served(); s != 2 {
		t.Errorf("serial %d served after a certificate without its key, want 2", s)
	}
}
