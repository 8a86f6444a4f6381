package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vpconform/vpconform/specs"
)

// runConfig is what the command line and the environment select for a run
// of the catalogue.
type runConfig struct {
	endpoint    string
	reportDir   string
	labelFilter string
	focus       string
	strict      bool
	junit       bool
	timeout     time.Duration
	verbose     bool
	color       bool
	list        bool
	version     bool

	region             string
	deniedKeyID        string
	deniedSecret       string
	controlToken       string
	consistencyTimeout time.Duration
	fixtures           specs.Fixtures

	recordDir     string
	goldenDir     string
	updateGolden  bool
	compareIgnore string
}

// Defaults of the flags that have one besides their variable.
const (
	defaultReportDir = "vpconform-report"
	defaultTimeout   = 30 * time.Minute
)

// envFlag is one flag: its name, its environment variable and its help.
type envFlag struct {
	name, env, help string
}

// newRunFlagSet binds every flag of a run to cfg, each defaulting to its
// environment variable (through getenv), then to a built-in value. The map
// holds, by flag name, the variables that are set but malformed.
func newRunFlagSet(cfg *runConfig, getenv func(string) string) (*flag.FlagSet, map[string]error) {
	fs := flag.NewFlagSet("vpconform", flag.ContinueOnError)
	errs := map[string]error{}
	str := func(p *string, f envFlag, def string) {
		if v := getenv(f.env); v != "" {
			def = v
		}
		fs.StringVar(p, f.name, def, f.help+" ($"+f.env+")")
	}
	boolean := func(p *bool, f envFlag, def bool) {
		if v := getenv(f.env); v != "" {
			b, err := parseBool(v)
			if err != nil {
				errs[f.name] = fmt.Errorf("$%s=%q: %w", f.env, v, err)
			} else {
				def = b
			}
		}
		fs.BoolVar(p, f.name, def, f.help+" ($"+f.env+")")
	}
	duration := func(p *time.Duration, f envFlag, def time.Duration) {
		if v := getenv(f.env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs[f.name] = fmt.Errorf("$%s=%q is not a positive Go duration such as 30s", f.env, v)
			} else {
				def = d
			}
		}
		fs.DurationVar(p, f.name, def, f.help+" ($"+f.env+")")
	}
	str(&cfg.endpoint, envFlag{"endpoint", specs.EndpointEnv, "base URL of the server under test, such as http://127.0.0.1:4599 (required for a run)"}, "")
	str(&cfg.reportDir, envFlag{"report-dir", specs.ReportDirEnv, "directory the report is written under, in endpoint/: conformance.md, conformance.json, summary.txt, junit.xml"}, defaultReportDir)
	str(&cfg.labelFilter, envFlag{"label-filter", "VPCONFORM_LABEL_FILTER", "run only the scenarios whose labels match this Ginkgo label filter, such as 'op:UpdateIdentitySource && !generated' (labels: op:<Operation>, kind:happy|negative|fault, evidence:M|D|O|I, needs:<capability>, generated)"}, "")
	str(&cfg.focus, envFlag{"focus", "VPCONFORM_FOCUS", "run only the scenarios whose id or description matches this regular expression, such as 'NotFound'"}, "")
	boolean(&cfg.strict, envFlag{"strict", specs.StrictEnv, "fail the advisory (evidence I) expectations instead of reporting them as deviations"}, false)
	boolean(&cfg.junit, envFlag{"junit", specs.JUnitEnv, "write junit.xml beside the report"}, true)
	duration(&cfg.timeout, envFlag{"timeout", "VPCONFORM_TIMEOUT", "stop the run after this long"}, defaultTimeout)
	boolean(&cfg.verbose, envFlag{"v", "VPCONFORM_VERBOSE", "print every scenario as it runs, not only the failures"}, false)
	boolean(&cfg.color, envFlag{"color", "VPCONFORM_COLOR", "colour the progress output"}, false)
	boolean(&cfg.list, envFlag{"list", "VPCONFORM_LIST", "print the catalogue (id, evidence, labels, description) of the scenarios the filters select, and exit"}, false)
	boolean(&cfg.version, envFlag{"version", "VPCONFORM_VERSION", "print the version and exit"}, false)

	str(&cfg.region, envFlag{"region", "AWS_REGION", "region to sign for (default us-east-1); credentials are $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN, else dummy keys"}, "")
	str(&cfg.deniedKeyID, envFlag{"denied-access-key-id", specs.DeniedAccessKeyIDEnv, "access key id the server knows but denies: with -denied-secret-access-key, runs the AccessDenied and signature scenarios"}, "")
	str(&cfg.deniedSecret, envFlag{"denied-secret-access-key", specs.DeniedSecretAccessKeyEnv, "secret of -denied-access-key-id"}, "")
	str(&cfg.controlToken, envFlag{"control-token", specs.ControlTokenEnv, "token the server's /_vpfake/ control routes require (vpfake -control-token); prefer the variable, as flags show in ps"}, "")
	duration(&cfg.consistencyTimeout, envFlag{"consistency-timeout", specs.ConsistencyTimeoutEnv, "how long a read after a write is polled before the scenario fails"}, specs.DefaultConsistencyTimeout)
	d := specs.DefaultFixtures()
	str(&cfg.fixtures.UserPoolArn, envFlag{"user-pool-arn", "VPCONFORM_USER_POOL_ARN", "Cognito user pool ARN the scenarios configure"}, d.UserPoolArn)
	str(&cfg.fixtures.SecondUserPoolArn, envFlag{"second-user-pool-arn", "VPCONFORM_SECOND_USER_POOL_ARN", "another user pool ARN, in another region"}, d.SecondUserPoolArn)
	clientIDs := strings.Join(d.ClientIds, ",")
	fs.Func("client-ids", "comma-separated app client ids, at least two (default "+clientIDs+") ($VPCONFORM_CLIENT_IDS)", func(v string) error {
		cfg.fixtures.ClientIds = splitList(v)
		return nil
	})
	if v := getenv("VPCONFORM_CLIENT_IDS"); v != "" {
		clientIDs = v
	}
	cfg.fixtures.ClientIds = splitList(clientIDs)
	str(&cfg.fixtures.OIDCIssuer, envFlag{"oidc-issuer", "VPCONFORM_OIDC_ISSUER", "https URL of the OpenID Connect issuer the scenarios configure"}, d.OIDCIssuer)

	str(&cfg.recordDir, envFlag{"record-dir", specs.RecordDirEnv, "record every scenario that passes as a golden file in this directory"}, "")
	str(&cfg.goldenDir, envFlag{"golden-dir", specs.GoldenDirEnv, "compare every scenario with its golden file in this directory"}, "")
	boolean(&cfg.updateGolden, envFlag{"update-golden", specs.UpdateGoldenEnv, "let -record-dir replace existing golden files"}, false)
	str(&cfg.compareIgnore, envFlag{"compare-ignore", specs.CompareIgnoreEnv, "comma-separated member paths a comparison ignores, such as response.message"}, "")
	return fs, errs
}

// parseBool reads a boolean variable: 1, true, yes, on or 0, false, no,
// off.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return b, nil
	}
	return false, errors.New("not a boolean (1 or 0)")
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// loadRunConfig reads the flags of a run from args over defaults taken from
// the environment (through getenv). It returns flag.ErrHelp for -h.
func loadRunConfig(args []string, getenv func(string) string) (runConfig, error) {
	var cfg runConfig
	fs, envErrs := newRunFlagSet(&cfg, getenv)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return runConfig{}, err
		}
		return runConfig{}, fmt.Errorf("parse flags: %w", err)
	}
	if fs.NArg() > 0 {
		return runConfig{}, fmt.Errorf("unexpected arguments %q: vpconform takes flags only", fs.Args())
	}
	// A malformed variable matters only if its flag did not replace it.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, err := range envErrs {
		if !set[name] {
			return runConfig{}, err
		}
	}
	if cfg.version || cfg.list {
		return cfg, nil
	}
	var problems []string
	if cfg.endpoint == "" {
		problems = append(problems, "-endpoint is required (or $"+specs.EndpointEnv+")")
	}
	if cfg.recordDir != "" && cfg.goldenDir != "" {
		problems = append(problems, "give -record-dir (record) or -golden-dir (compare), not both")
	}
	if (cfg.deniedKeyID == "") != (cfg.deniedSecret == "") {
		problems = append(problems, "give both -denied-access-key-id and -denied-secret-access-key, or neither")
	}
	if len(cfg.fixtures.ClientIds) < 2 {
		problems = append(problems, "-client-ids needs at least two client ids")
	}
	if cfg.reportDir == "" {
		problems = append(problems, "-report-dir is empty")
	}
	if len(problems) > 0 {
		return runConfig{}, errors.New(strings.Join(problems, "; "))
	}
	return cfg, nil
}

// endpointOptions are the specs.EndpointOptions of a run; credentials come
// from the environment (through getenv), never from flags, so they do not
// show in the process list.
func (cfg runConfig) endpointOptions(getenv func(string) string) specs.EndpointOptions {
	golden := specs.GoldenSettings{
		RecordDir: absPath(cfg.recordDir), CompareDir: absPath(cfg.goldenDir),
		Overwrite: cfg.updateGolden, Compare: specs.EnvCompareOptions(),
	}
	golden.Compare.Volatile = append(golden.Compare.Volatile, splitList(cfg.compareIgnore)...)
	return specs.EndpointOptions{
		Endpoint:              cfg.endpoint,
		Region:                cfg.region,
		AccessKeyID:           getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey:       getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:          getenv("AWS_SESSION_TOKEN"),
		DeniedAccessKeyID:     cfg.deniedKeyID,
		DeniedSecretAccessKey: cfg.deniedSecret,
		ControlToken:          cfg.controlToken,
		Fixtures:              cfg.fixtures,
		ConsistencyTimeout:    cfg.consistencyTimeout,
		Golden:                golden,
		Strict:                cfg.strict,
	}
}

// absPath makes a non-empty path absolute against the working directory.
func absPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// runUsage is the help text of a run: every flag, its variable and its
// default.
func runUsage(getenv func(string) string) string {
	var cfg runConfig
	fs, _ := newRunFlagSet(&cfg, getenv)
	var b strings.Builder
	b.WriteString("Flags (each defaults to the environment variable named, then to the value shown):\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	b.WriteString(`
Exit status: 0 when every scenario that ran passed (skipped ones do not count),
1 when a scenario failed or the run could not start (then no report is
written and an earlier one is removed), 2 for bad arguments, 3 when the
report could not be written.
`)
	return b.String()
}
