package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vpconform/vpconform/fake"
)

// config is what the command line and VPFAKE_* environment select.
type config struct {
	addr             string
	region           string
	account          string
	seed             int64
	propagationDelay time.Duration
	// credentialsFile is where credentials came from; credentials is
	// empty when signatures are not verified.
	credentialsFile string
	credentials     []fake.Credential
	// stateFile is where the state is kept across restarts; empty: nowhere.
	stateFile string
	// version asks for the version only; nothing else is read.
	version bool
	// exitWithParent stops the server when the process that started it
	// exits (see watchParent).
	exitWithParent bool
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
// built-in default. It returns flag.ErrHelp for -h, and for -version a
// config with only version set, whatever else is wrong.
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
	if cfg.version {
		return config{version: true}, nil
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
	if cfg.propagationDelay < 0 {
		return config{}, fmt.Errorf("-propagation-delay/VPFAKE_PROPAGATION_DELAY %s is negative", cfg.propagationDelay)
	}
	if cfg.credentialsFile != "" {
		creds, err := readCredentials(cfg.credentialsFile)
		if err != nil {
			return config{}, fmt.Errorf("-credentials-file/VPFAKE_CREDENTIALS_FILE: %w", err)
		}
		cfg.credentials = creds
	}
	return cfg, nil
}

// credentialJSON is one entry of a credentials file.
type credentialJSON struct {
	AccessKeyID     string   `json:"accessKeyId"`
	SecretAccessKey string   `json:"secretAccessKey"`
	Principal       string   `json:"principal"`
	Allow           []string `json:"allow"`
}

// readCredentials reads a credentials file: a JSON array of
// {"accessKeyId", "secretAccessKey", "principal", "allow"} objects, at
// least one, each with an access key id and a secret, no access key id
// twice.
func readCredentials(path string) ([]fake.Credential, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var entries []credentialJSON
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("%s is not a JSON array of {accessKeyId, secretAccessKey, principal, allow}: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s has data after its JSON array", path)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s lists no credentials; give at least one, or no file to turn verification off", path)
	}
	seen := map[string]bool{}
	creds := make([]fake.Credential, 0, len(entries))
	for i, e := range entries {
		switch {
		case e.AccessKeyID == "":
			return nil, fmt.Errorf("%s: entry %d has no accessKeyId", path, i)
		case e.SecretAccessKey == "":
			return nil, fmt.Errorf("%s: entry %d (%s) has no secretAccessKey", path, i, e.AccessKeyID)
		case seen[e.AccessKeyID]:
			return nil, fmt.Errorf("%s: accessKeyId %s is listed twice", path, e.AccessKeyID)
		}
		seen[e.AccessKeyID] = true
		creds = append(creds, fake.Credential{
			AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, Principal: e.Principal, Allow: e.Allow,
		})
	}
	return creds, nil
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
	var delay time.Duration
	if v := env("VPFAKE_PROPAGATION_DELAY", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			envErrs["propagation-delay"] = fmt.Errorf("VPFAKE_PROPAGATION_DELAY=%q is not a Go duration such as 2s or 500ms", v)
		}
		delay = d
	}
	fs := flag.NewFlagSet("vpfake", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", env("VPFAKE_ADDR", defaultAddr), "`host:port` to listen on (env VPFAKE_ADDR)")
	fs.StringVar(&cfg.region, "region", env("VPFAKE_REGION", defaultRegion), "AWS `Region` the fake reports (env VPFAKE_REGION)")
	fs.StringVar(&cfg.account, "account", env("VPFAKE_ACCOUNT", defaultAccount), "12-digit AWS `account` id used in policy store ARNs (env VPFAKE_ACCOUNT)")
	fs.Int64Var(&cfg.seed, "seed", seed, "`seed` for deterministic ids; 0 means random ids (env VPFAKE_SEED)")
	cfg.propagationDelay = delay
	fs.Var((*durationValue)(&cfg.propagationDelay), "propagation-delay",
		"how long writes take to become visible to reads, a Go `duration` such as 2s; 0 means at once (env VPFAKE_PROPAGATION_DELAY)")
	fs.StringVar(&cfg.credentialsFile, "credentials-file", env("VPFAKE_CREDENTIALS_FILE", ""),
		"JSON `file` of credentials: [{\"accessKeyId\":\"…\",\"secretAccessKey\":\"…\",\"principal\":\"arn:…\",\"allow\":[\"verifiedpermissions:*\"]}];\n"+
			"when set, every API request must be SigV4-signed by one of them and allowed the action (env VPFAKE_CREDENTIALS_FILE)")
	fs.StringVar(&cfg.stateFile, "state-file", env("VPFAKE_STATE_FILE", ""),
		"JSON `file` keeping the policy stores and identity sources across restarts: read at start if it exists,\n"+
			"written atomically after each change and at shutdown; see State file below (env VPFAKE_STATE_FILE)")
	fs.BoolVar(&cfg.version, "version", false, "print \"vpfake <version>\" and exit")
	fs.BoolVar(&cfg.exitWithParent, "exit-with-parent", env("VPFAKE_EXIT_WITH_PARENT", "") == "1",
		"shut down when the process that started vpfake exits, as when make fake is killed (env VPFAKE_EXIT_WITH_PARENT=1)")
	return fs, envErrs
}

// durationValue is a flag.Value for a time.Duration whose parse error says
// what is expected.
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a Go duration such as 2s or 500ms")
	}
	*d = durationValue(v)
	return nil
}

// usage is the help text: the flags, then the control routes, the state
// file and the retries of SDK clients.
func usage(getenv func(string) string) string {
	var b strings.Builder
	fs, _ := newFlagSet(&config{}, getenv)
	fs.SetOutput(&b)
	b.WriteString("Usage: vpfake [flags]\n\nvpfake serves a fake of the Amazon Verified Permissions identity-source API.\n\nFlags:\n")
	fs.PrintDefaults()
	b.WriteString(usageNotes)
	return b.String()
}

// usageNotes follows the flags in the help text.
const usageNotes = `
Control routes (plain JSON, never authenticated; a request they cannot use is answered
400 {"message":"…"}):

  GET    /_vpfake/health      readiness and settings:
                              {"status":"ok","service":"vpfake","capabilities":["fault-injection","reset","state"],
                               "authentication":false,"propagationDelayMs":0}
  POST   /_vpfake/reset       forget every policy store, identity source, clientToken, fault and rate
                              limit; answers {}
  POST   /_vpfake/faults      make calls fail; answers {"id":"fault-1"}:
                              {"operation":"UpdateIdentitySource","error":"ThrottlingException","count":1,
                               "delayMs":0,"message":"","serviceCode":"","quotaCode":"",
                               "resources":[{"resourceId":"…","resourceType":"IDENTITY_SOURCE"}]}
                              only operation (one vpfake serves, or "*" for all) and error are required;
                              error is one of ThrottlingException, InternalServerException,
                              ConflictException, AccessDeniedException, ServiceQuotaExceededException,
                              ResourceNotFoundException, ValidationException; count 0 (the default)
                              fails every call until the faults are cleared; delayMs waits first
  GET    /_vpfake/faults      the faults in force (as posted, with "id" and "remaining") and the rate limits
  DELETE /_vpfake/faults      clear every fault and rate limit; answers {}
  POST   /_vpfake/ratelimits  {"operation":"GetIdentitySource","perSecond":5,"burst":5}: a token bucket;
                              a call over it is a ThrottlingException; answers {}
  GET    /_vpfake/state       the policy stores and identity sources, as the state file holds them:
                              {"formatVersion":1,"policyStores":[{…,"identitySources":[{…}]}]}
  PUT    /_vpfake/state       replace them all with such a document; answers {}, or 400 naming what is
                              wrong (line and column, or the item), with nothing changed

Retries: SDK clients retry ThrottlingException and InternalServerException by default (the AWS
SDK for Go v2 makes up to 3 attempts), so an injected retryable fault with count 1 is retried away
and the call succeeds. To see it, set the client's max attempts to 1 (AWS_MAX_ATTEMPTS=1, or
RetryMaxAttempts = 1 in Go), or inject it with a larger count.

State file: with -state-file, vpfake reads the file at start if it exists (a missing or empty file
is an empty state, created at the first change); a file that is not valid JSON or not a valid state
is refused, naming the line and column or the invalid item, and left as it is, and vpfake exits 1.
It writes the whole state to the file, atomically (a temporary file in the same directory, renamed
over it), at most every 100ms after a change and at shutdown. Kept: policy stores and identity
sources with all their members and dates. Not kept: clientTokens, faults, rate limits, and the
history behind -propagation-delay (a loaded state is visible at once).
`
