package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// config is what the command line and VPFAKE_* environment select.
type config struct {
	addr    string
	region  string
	account string
	seed    int64
}

const (
	defaultAddr    = "127.0.0.1:4599"
	defaultRegion  = "us-east-1"
	defaultAccount = "123456789012"
)

var (
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// loadConfig reads flags from args over defaults taken from the environment
// (through getenv): a flag overrides its variable, which overrides the
// built-in default. It returns flag.ErrHelp for -h.
func loadConfig(args []string, getenv func(string) string) (config, error) {
	var cfg config
	fs, envErrs := newFlagSet(&cfg, getenv)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, fmt.Errorf("parse flags: %w", err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q: vpfake takes flags only", fs.Args())
	}
	// A malformed variable matters only if its flag did not replace it.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, err := range envErrs {
		if !set[name] {
			return config{}, err
		}
	}
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		return config{}, fmt.Errorf("-addr/VPFAKE_ADDR %q is not host:port: %w", cfg.addr, err)
	}
	if !regionPattern.MatchString(cfg.region) {
		return config{}, fmt.Errorf("-region/VPFAKE_REGION %q is not a Region name such as us-east-1", cfg.region)
	}
	if !accountPattern.MatchString(cfg.account) {
		return config{}, fmt.Errorf("-account/VPFAKE_ACCOUNT %q must be exactly 12 digits", cfg.account)
	}
	return cfg, nil
}

// newFlagSet declares the flags, with defaults from the environment. It
// returns, by flag name, the errors of malformed environment values.
func newFlagSet(cfg *config, getenv func(string) string) (*flag.FlagSet, map[string]error) {
	envErrs := map[string]error{}
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var seed int64
	if v := env("VPFAKE_SEED", ""); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			envErrs["seed"] = fmt.Errorf("VPFAKE_SEED=%q is not an integer", v)
		}
		seed = n
	}
	fs := flag.NewFlagSet("vpfake", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", env("VPFAKE_ADDR", defaultAddr), "`host:port` to listen on (env VPFAKE_ADDR)")
	fs.StringVar(&cfg.region, "region", env("VPFAKE_REGION", defaultRegion), "AWS `Region` the fake reports (env VPFAKE_REGION)")
	fs.StringVar(&cfg.account, "account", env("VPFAKE_ACCOUNT", defaultAccount), "12-digit AWS `account` id used in policy store ARNs (env VPFAKE_ACCOUNT)")
	fs.Int64Var(&cfg.seed, "seed", seed, "`seed` for deterministic ids; 0 means random ids (env VPFAKE_SEED)")
	return fs, envErrs
}

// usage is the help text.
func usage(getenv func(string) string) string {
	var b strings.Builder
	fs, _ := newFlagSet(&config{}, getenv)
	fs.SetOutput(&b)
	b.WriteString("Usage: vpfake [flags]\n\nvpfake serves a fake of the Amazon Verified Permissions identity-source API.\n\nFlags:\n")
	fs.PrintDefaults()
	return b.String()
}
