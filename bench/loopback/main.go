// Command loopback is the other side of the load run in scripts/bench.sh:
//
//	loopback api ADDR            an API that answers every GET /notes with the
//	                             same JSON, at once
//	loopback proxy ADDR URL...   a round-robin proxy: each request goes to the
//	                             next URL in turn
//
// Each prints the address it listens on (a line "listening http://…") once
// it accepts connections.
package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync/atomic"
)

const notes = `[{"id":1,"title":"first","body":"the first note"},{"id":2,"title":"second","body":"the second note"}]`

func main() {
	if len(os.Args) < 3 || (os.Args[1] == "proxy" && len(os.Args) < 4) {
		fmt.Fprintln(os.Stderr, "usage: loopback api ADDR | loopback proxy ADDR URL...")
		os.Exit(2)
	}
	var h http.Handler
	switch os.Args[1] {
	case "api":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" {
				http.Error(w, `{"error":"no key"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, notes)
		})
	case "proxy":
		var targets []*httputil.ReverseProxy
		for _, s := range os.Args[3:] {
			u, err := url.Parse(s)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			p := httputil.NewSingleHostReverseProxy(u)
			p.FlushInterval = -1
			p.Transport = &http.Transport{MaxIdleConnsPerHost: 256}
			targets = append(targets, p)
		}
		var next atomic.Uint64
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			targets[(next.Add(1)-1)%uint64(len(targets))].ServeHTTP(w, r)
		})
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q: use api or proxy\n", os.Args[1])
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	if err := http.Serve(ln, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
