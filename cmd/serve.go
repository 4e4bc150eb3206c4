package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"

	"github.com/restmcp/restmcp/app"
	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/server"
)

// ServeOptions are the inputs of `serve`.
type ServeOptions struct {
	F       *Factory
	Profile *profileFlags
	Verbose bool
	NoCache bool
	// HTTP serves Streamable HTTP on an address instead of stdio.
	HTTP app.HTTPConfig
}

func newServeCmd(f *Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{F: f}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API's operations as MCP tools over stdio or HTTP",
		Long: `Serve speaks MCP over standard input and output: it is what an editor launches.
Logs go to standard error. It starts even without a key; each tool call then
says how to log in.

With --http ADDR it serves MCP's Streamable HTTP transport at --base-path
(/mcp) for many callers, statelessly, so replicas can sit behind a load
balancer. Each caller sends its own API key in the profile's header
(Authorization: Bearer <key> by default) and the API receives that key; no
stored key is used. With --auth-tokens FILE callers are admitted by tokens
the operator lists and the API receives the profile's own key. /healthz,
/readyz and /metrics (Prometheus) serve operators; logs are JSON lines on
standard error. The flags marked "with --http" are refused without it.
See docs/http.md.`,
		Example: serveExample(f.Brand),
		Args:    noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			if err := httpOnlyFlags(c, opts.HTTP.Addr); err != nil {
				return err
			}
			if opts.HTTP.Addr != "" {
				if err := app.CheckBasePath(opts.HTTP.BasePath); err != nil {
					return &FlagError{Err: err}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(c, opts)
		},
	}
	opts.Profile = addProfileFlags(c)
	c.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every call (to stderr)")
	c.Flags().BoolVar(&opts.NoCache, "no-cache", false, "read and build the description now, without the compiled description cache")
	fl := c.Flags()
	fl.StringVar(&opts.HTTP.Addr, "http", "", "serve MCP over Streamable HTTP on ADDR (\"127.0.0.1:8080\", \":8080\") instead of stdio; each caller sends its own API key")
	fl.StringVar(&opts.HTTP.BasePath, "base-path", "/mcp", "with --http: the MCP endpoint's path")
	fl.StringSliceVar(&opts.HTTP.CORSOrigins, "cors-origin", nil, "with --http: a browser origin allowed to call (repeatable; none by default)")
	fl.StringVar(&opts.HTTP.TLSCert, "tls-cert", "", "with --http: serve HTTPS with this certificate (PEM), with --tls-key; both are read again when they change")
	fl.StringVar(&opts.HTTP.TLSKey, "tls-key", "", "with --http: the private key (PEM) of --tls-cert")
	fl.StringSliceVar(&opts.HTTP.TrustedProxies, "trusted-proxy", nil, "with --http: a reverse proxy's network (CIDR) or address whose X-Forwarded-For names the caller in the access log (repeatable)")
	fl.StringSliceVar(&opts.HTTP.AllowedHosts, "allowed-host", nil, "with --http on a loopback address: a Host besides localhost that requests may name, the public name a reverse proxy on this machine passes on (repeatable)")
	fl.Int64Var(&opts.HTTP.MaxBodyBytes, "max-body", server.MaxMessageBytes, "with --http: the largest request body, in bytes")
	fl.Int64Var(&opts.HTTP.MaxInflightBytes, "max-inflight-bytes", app.DefaultInflightBytes, "with --http: the request bodies of all requests in flight together, in bytes; past it requests get 503 and Retry-After")
	fl.DurationVar(&opts.HTTP.Timeout, "request-timeout", time.Minute, "with --http: how long one request may take, the API's answers included")
	fl.StringVar(&opts.HTTP.AuthTokens, "auth-tokens", "", "with --http: admit callers by bearer tokens whose SHA-256 hashes this file lists (read again when it changes), and send the API the profile's own key instead of theirs")
	fl.DurationVar(&opts.HTTP.Drain, "drain", 10*time.Second, "with --http: how long a shutdown waits for calls in flight")
	fl.DurationVar(&opts.HTTP.ShutdownDelay, "shutdown-delay", 0, "with --http: on SIGTERM, keep serving this long while /readyz answers 503, so a load balancer stops routing here first (e.g. 5s on Kubernetes)")
	return c
}

// serveHTTPOnly are serve's flags that mean something only with --http.
// None of them is stored in a profile: they come from the command line
// alone.
var serveHTTPOnly = []string{
	"base-path", "cors-origin", "tls-cert", "tls-key", "trusted-proxy", "allowed-host", "max-body",
	"max-inflight-bytes", "request-timeout", "auth-tokens", "drain", "shutdown-delay",
}

// httpOnlyFlags refuses serve's HTTP flags given without --http ADDR:
// over stdio they would be ignored, and a user who gave --auth-tokens
// or --tls-cert would believe the server protected.
func httpOnlyFlags(c *cobra.Command, addr string) error {
	if addr != "" {
		return nil
	}
	var given []string
	for _, name := range serveHTTPOnly {
		if c.Flags().Changed(name) {
			given = append(given, "--"+name)
		}
	}
	if len(given) == 0 {
		return nil
	}
	verb, them := "needs", "it"
	if len(given) > 1 {
		verb, them = "need", "them"
	}
	return FlagErrorf("%s %s --http ADDR: without --http, serve speaks MCP over standard input and output and would not use %s\nSee '%s --help'.",
		joinAnd(given), verb, them, c.CommandPath())
}

// joinAnd joins words as prose: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func serveRun(c *cobra.Command, opts *ServeOptions) error {
	f := opts.F
	if opts.Verbose {
		f.Log.SetLevel(log.DebugLevel)
	}
	p, err := opts.Profile.resolveToServe(f)
	if err != nil {
		return err
	}
	if opts.HTTP.Addr == "" && f.IO.InTTY {
		// Started by hand: it would wait in silence for JSON-RPC.
		fmt.Fprintf(f.IO.ErrOut, "serve speaks MCP on standard input, for an editor to start; it now waits for JSON-RPC messages (Ctrl-D ends it). To add it to an editor: `%[1]s install cursor%[2]s` (or claude-desktop, vscode, claude-code, windsurf, codex, gemini, zed). To try a tool here: `%[1]s tools%[2]s`, then `%[1]s call TOOL%[2]s`.\n",
			f.Brand.Name, " --profile "+app.QuoteProfileName(p.Name))
	}
	if p.MCPURL != "" && opts.HTTP.Addr != "" {
		return FlagErrorf("--http serves an OpenAPI description's tools; profile %q relays a remote MCP server, which clients can reach directly at %s", p.Name, client.ShowURL(p.MCPURL))
	}
	if p.MCPURL != "" {
		if err := checkMCPURL(p.MCPURL); err != nil {
			return err
		}
		return f.App().ServeRemote(c.Context(), p, f.IO.In, f.IO.Out)
	}
	if opts.HTTP.Addr != "" {
		// Logs and access logs as JSON lines, for a log collector.
		f.Log.SetFormatter(log.JSONFormatter)
		if opts.HTTP.TLSCert != "" || opts.HTTP.AuthTokens != "" {
			// Only then: without files to read again, SIGHUP keeps its
			// usual meaning (the terminal or session is gone: stop).
			opts.HTTP.Reload = onHangup(c.Context())
		}
		return f.AppNoCache(opts.NoCache).ServeHTTP(c.Context(), p, opts.HTTP)
	}
	if path := os.Getenv(cpuProfileEnv); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	return opts.Profile.app(f, opts.NoCache).Serve(c.Context(), p, f.IO.In, f.IO.Out)
}

// cpuProfileEnv names a file that serve writes a CPU profile of the session
// to (pprof's format), for docs/performance.md.
const cpuProfileEnv = "RESTMCP_CPUPROFILE"

func startCPUProfile(path string) (stop func(), err error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		_ = out.Close()
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = out.Close()
	}, nil
}

// onHangup delivers on SIGHUP (`systemctl reload`, `kill -HUP`) until ctx
// ends: serve --http then reads its TLS certificate and token file again
// at once. (Windows has no SIGHUP: it never delivers there.)
func onHangup(ctx context.Context) <-chan struct{} {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	now := make(chan struct{}, 1)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				select {
				case now <- struct{}{}:
				default: // one is already waiting
				}
			}
		}
	}()
	return now
}
