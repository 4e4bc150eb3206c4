// Command oauth-server runs the test OAuth 2.0 authorization server and its
// protected API (package oauth/oauthtest) on 127.0.0.1 until interrupted,
// for end-to-end tests and manual trials:
//
//	go run ./e2e/oauth-server -access-ttl 2s
//
// It prints one JSON line on stdout with its URLs and client, e.g.
// {"url":"http://127.0.0.1:41234","client_id":"restmcp-test",…}. Test
// drivers in other processes use POST /admin/revoke, POST /admin/expire and
// GET /admin/stats.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/restmcp/restmcp/oauth/oauthtest"
)

func main() {
	var o oauthtest.Options
	flag.StringVar(&o.Addr, "addr", "127.0.0.1:0", "address to listen on")
	flag.StringVar(&o.ClientID, "client-id", "restmcp-test", "the registered client's ID")
	flag.StringVar(&o.ClientSecret, "client-secret", "test-secret", "the registered client's secret (client credentials need it)")
	flag.DurationVar(&o.AccessTTL, "access-ttl", 0, "access token lifetime (default 1h)")
	flag.IntVar(&o.DeviceInterval, "device-interval", 1, "device grant polling interval in seconds")
	flag.BoolVar(&o.NoRotation, "no-rotation", false, "keep refresh tokens valid after use")
	flag.Parse()

	s, err := oauthtest.Start(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oauth-server:", err)
		os.Exit(1)
	}
	defer s.Close()
	cfg := s.Config()
	json.NewEncoder(os.Stdout).Encode(map[string]string{
		"url":               s.URL,
		"client_id":         cfg.ClientID,
		"client_secret":     s.ClientSecret(),
		"authorization_url": cfg.AuthURL,
		"token_url":         cfg.TokenURL,
		"device_url":        cfg.DeviceAuthURL,
		"discovery_url":     s.DiscoveryURL(),
		"api_url":           s.APIURL(),
	})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
