package cmd

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildStamp is what a release build stamps with -ldflags -X.
type buildStamp struct {
	Version, Commit, Date string
}

// versionInfo is what `version` reports.
type versionInfo struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
	// Where this build keeps its state: a vendor build uses its own name
	// for all three, so two brands never share keys or profiles.
	KeyringService string          `json:"keyring_service"`
	ConfigDir      string          `json:"config_dir,omitempty"`
	CacheDir       string          `json:"cache_dir,omitempty"`
	EnvPrefix      string          `json:"env_prefix"`
	DefaultProfile *defaultProfile `json:"default_profile,omitempty"`
}

// defaultProfile is a vendor build's built-in profile, as `version --json`
// shows it.
type defaultProfile struct {
	Name       string  `json:"name"`
	Spec       string  `json:"spec,omitempty"`
	BaseURL    string  `json:"base_url,omitempty"`
	AuthHeader string  `json:"auth_header,omitempty"`
	AuthScheme *string `json:"auth_scheme,omitempty"`
	Prefix     string  `json:"prefix,omitempty"`
}

// Version returns the build's version: the one stamped at release, else the
// module version recorded by `go install`, else "dev".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	return resolveStamp(buildStamp{version, commit, date}, bi, ok).Version
}

// resolveStamp fills what the release stamp leaves empty from the build
// information the Go toolchain records: the module version of a
// `go install …@version` build, the VCS revision and time of a build from a
// checkout.
func resolveStamp(s buildStamp, bi *debug.BuildInfo, ok bool) buildStamp {
	if !ok || bi == nil {
		if s.Version == "" {
			s.Version = "dev"
		}
		return s
	}
	if s.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		s.Version = bi.Main.Version
	}
	if s.Version == "" {
		s.Version = "dev"
	}
	var revision, vcsTime string
	modified := false
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			revision = kv.Value
		case "vcs.time":
			vcsTime = kv.Value
		case "vcs.modified":
			modified = kv.Value == "true"
		}
	}
	if s.Commit == "" && revision != "" {
		s.Commit = revision
		if modified {
			s.Commit += "-dirty"
		}
	}
	if s.Date == "" {
		s.Date = vcsTime
	}
	return s
}

func newVersionInfo(f *Factory) versionInfo {
	bi, ok := debug.ReadBuildInfo()
	s := resolveStamp(buildStamp{version, commit, date}, bi, ok)
	v := versionInfo{
		Name:           f.Brand.Name,
		Version:        s.Version,
		Commit:         s.Commit,
		Date:           s.Date,
		GoVersion:      runtime.Version(),
		Platform:       runtime.GOOS + "/" + runtime.GOARCH,
		KeyringService: f.Keyring.Service,
		EnvPrefix:      f.Brand.EnvPrefix(),
	}
	if bi != nil && ok && bi.GoVersion != "" {
		v.GoVersion = bi.GoVersion
	}
	if d, err := f.CacheDir(); err == nil {
		v.CacheDir = d
	}
	if d, err := f.ConfigDir(); err == nil {
		v.ConfigDir = d
	}
	if d := f.Brand.Defaults; f.Brand.HasDefaults() {
		v.DefaultProfile = &defaultProfile{
			Name:       f.Brand.ProfileName(),
			Spec:       d.Spec,
			BaseURL:    d.BaseURL,
			AuthHeader: d.AuthHeader,
			AuthScheme: d.AuthScheme,
			Prefix:     d.Prefix,
		}
	}
	return v
}

// VersionOptions are the inputs of `version`.
type VersionOptions struct {
	F    *Factory
	JSON bool
}

func newVersionCmd(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{F: f}
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print the version, commit and build date.

With --json, also where this build keeps its state (keyring service, config
directory, environment variable prefix) and, for a vendor build, its built-in
default profile.`,
		Args: noArgs(""),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return c
}

func versionRun(opts *VersionOptions) error {
	v := newVersionInfo(opts.F)
	out := opts.F.IO.Out
	if opts.JSON {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding the version: %w", err)
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	fmt.Fprintf(out, "%s %s\n", v.Name, v.Version)
	if v.Commit != "" {
		fmt.Fprintf(out, "commit: %s\n", v.Commit)
	}
	if v.Date != "" {
		fmt.Fprintf(out, "built: %s\n", v.Date)
	}
	_, err := fmt.Fprintf(out, "go: %s %s\n", v.GoVersion, v.Platform)
	return err
}
