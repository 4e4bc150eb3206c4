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

// The token file is a list of who is admitted: read again, the lines that
// are hashes are taken and the others admit no one (said once per change);
// an empty or deleted file admits no one. At start, every line must read.
func TestTokenFileReadAgainFailsClosed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	writeFile(t, file, tokenLine("a")+"token-in-plain-text\n")
	if _, err := readTokenHashes(file); err == nil || !strings.Contains(err.Error(), ":2: not a SHA-256 hash") {
		t.Fatalf("a bad line at start: %v", err)
	}
	writeFile(t, file, tokenLine("a"))
	r, err := readTokenHashes(file)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := r.check(); changed || err != nil {
		t.Errorf("unchanged file: changed %v, %v", changed, err)
	}
	step := func(what string, hashes int, says string) {
		t.Helper()
		changed, err := r.check()
		if !changed || len(*r.load()) != hashes || (says == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), says) {
			t.Errorf("%s: changed %v, %d hashes, %v; want %d hashes and an error saying %q", what, changed, len(*r.load()), err, hashes, says)
		}
		if changed, err := r.check(); changed || err != nil {
			t.Errorf("%s, checked again: changed %v, %v (said once)", what, changed, err)
		}
	}
	writeFile(t, file, tokenLine("b")+"token-in-plain-text\n")
	step("a hash and a plain token", 1, "sha256sum")
	writeFile(t, file, "")
	step("an emptied file", 0, "no one is admitted")
	writeFile(t, file, tokenLine("a")+tokenLine("b"))
	step("two hashes", 2, "")
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	step("a deleted file", 0, "--auth-tokens")
	writeFile(t, file, tokenLine("a"))
	step("written again", 1, "")
}

// A certificate that cannot be read, or whose new files do not parse,
// leaves the one read before in use, and says so once per change.
func TestReloadedKeepsWhatItHadUntilTheNewOneReads(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeCert(t, certFile, keyFile, 1, nil)
	r, err := newReloaded("--tls-cert and --tls-key", certificate, describeCert, certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	first := r.load()
	writeFile(t, certFile, "half written")
	if changed, err := r.check(); changed || err == nil {
		t.Errorf("a certificate that does not parse: changed %v, %v", changed, err)
	}
	if changed, err := r.check(); changed || err != nil {
		t.Errorf("the same bad file again is said once: changed %v, %v", changed, err)
	}
	if err := os.Remove(certFile); err != nil {
		t.Fatal(err)
	}
	if changed, err := r.check(); changed || err == nil {
		t.Errorf("a missing certificate: changed %v, %v", changed, err)
	}
	if r.load() != first {
		t.Error("a certificate that does not read replaced the one in use")
	}
	writeCert(t, certFile, keyFile, 2, nil)
	if changed, err := r.check(); !changed || err != nil || r.load() == first {
		t.Errorf("a new certificate: changed %v, %v", changed, err)
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
