package main

import (
	"errors"
	"path/filepath"
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
	tokens             string
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

// newRunFlagSet binds every flag of a run to cfg, each defaulting to its
// environment variable (through getenv), then to a built-in value.
func newRunFlagSet(cfg *runConfig, getenv func(string) string) *envFlagSet {
	fs := newEnvFlagSet("vpconform", getenv)
	fs.str(&cfg.endpoint, envFlag{"endpoint", specs.EndpointEnv, "base URL of the server under test, such as http://127.0.0.1:4599 (required for a run)"}, "")
	fs.str(&cfg.reportDir, envFlag{"report-dir", specs.ReportDirEnv, "directory the report is written under, in endpoint/: conformance.md, conformance.json, summary.txt, junit.xml"}, defaultReportDir)
	fs.str(&cfg.labelFilter, envFlag{"label-filter", "VPCONFORM_LABEL_FILTER", "run only the scenarios whose labels match this Ginkgo label filter, such as 'op:UpdateIdentitySource && !generated' (labels: op:<Operation>, kind:happy|negative|fault, evidence:M|D|O|I, needs:<capability>, generated)"}, "")
	fs.str(&cfg.focus, envFlag{"focus", "VPCONFORM_FOCUS", "run only the scenarios whose id or description matches this regular expression, such as 'NotFound'"}, "")
	fs.boolean(&cfg.strict, envFlag{"strict", specs.StrictEnv, "fail the advisory (evidence I) expectations instead of reporting them as deviations"}, false)
	fs.boolean(&cfg.junit, envFlag{"junit", specs.JUnitEnv, "write junit.xml beside the report"}, true)
	fs.duration(&cfg.timeout, envFlag{"timeout", "VPCONFORM_TIMEOUT", "stop the run after this long"}, defaultTimeout)
	fs.boolean(&cfg.verbose, envFlag{"v", "VPCONFORM_VERBOSE", "print every scenario as it runs, not only the failures"}, false)
	fs.boolean(&cfg.color, envFlag{"color", "VPCONFORM_COLOR", "colour the progress output"}, false)
	fs.boolean(&cfg.list, envFlag{"list", "VPCONFORM_LIST", "print the catalogue (id, evidence, labels, description) of the scenarios the filters select, and exit"}, false)
	fs.boolean(&cfg.version, envFlag{"version", "VPCONFORM_VERSION", "print the version and exit"}, false)

	fs.str(&cfg.region, envFlag{"region", "AWS_REGION", "region to sign for (default us-east-1); credentials are $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN, else dummy keys"}, "")
	fs.str(&cfg.deniedKeyID, envFlag{"denied-access-key-id", specs.DeniedAccessKeyIDEnv, "access key id the server knows but denies: with -denied-secret-access-key, runs the AccessDenied and signature scenarios"}, "")
	fs.str(&cfg.deniedSecret, envFlag{"denied-secret-access-key", specs.DeniedSecretAccessKeyEnv, "secret of -denied-access-key-id"}, "")
	fs.str(&cfg.controlToken, envFlag{"control-token", specs.ControlTokenEnv, "token the server's /_vpfake/ control routes require (vpfake -control-token); prefer the variable, as flags show in ps"}, "")
	fs.str(&cfg.tokens, envFlag{"tokens", specs.TokensEnv, "comma-separated JWTs of the fixtures' user pool or OIDC issuer, for the token scenarios of a server that cannot mint tokens (one listing \"token-issuer\" in GET /_vpfake/health, such as vpfake, mints its own)"}, "")
	fs.duration(&cfg.consistencyTimeout, envFlag{"consistency-timeout", specs.ConsistencyTimeoutEnv, "how long a read after a write is polled before the scenario fails"}, specs.DefaultConsistencyTimeout)
	d := specs.DefaultFixtures()
	fs.str(&cfg.fixtures.UserPoolArn, envFlag{"user-pool-arn", "VPCONFORM_USER_POOL_ARN", "Cognito user pool ARN the scenarios configure"}, d.UserPoolArn)
	fs.str(&cfg.fixtures.SecondUserPoolArn, envFlag{"second-user-pool-arn", "VPCONFORM_SECOND_USER_POOL_ARN", "another user pool ARN, in another region"}, d.SecondUserPoolArn)
	clientIDs := strings.Join(d.ClientIds, ",")
	fs.Func("client-ids", "comma-separated app client ids, at least two (default "+clientIDs+") ($VPCONFORM_CLIENT_IDS)", func(v string) error {
		cfg.fixtures.ClientIds = splitList(v)
		return nil
	})
	if v, ok := fs.lookup("VPCONFORM_CLIENT_IDS"); ok {
		clientIDs = v
	}
	cfg.fixtures.ClientIds = splitList(clientIDs)
	fs.str(&cfg.fixtures.OIDCIssuer, envFlag{"oidc-issuer", "VPCONFORM_OIDC_ISSUER", "https URL of the OpenID Connect issuer the scenarios configure"}, d.OIDCIssuer)

	fs.str(&cfg.recordDir, envFlag{"record-dir", specs.RecordDirEnv, "record every scenario that passes as a golden file in this directory"}, "")
	fs.str(&cfg.goldenDir, envFlag{"golden-dir", specs.GoldenDirEnv, "compare every scenario with its golden file in this directory"}, "")
	fs.boolean(&cfg.updateGolden, envFlag{"update-golden", specs.UpdateGoldenEnv, "let -record-dir replace existing golden files"}, false)
	fs.str(&cfg.compareIgnore, envFlag{"compare-ignore", specs.CompareIgnoreEnv, "comma-separated member paths a comparison ignores, such as response.message"}, "")
	return fs
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
	if err := newRunFlagSet(&cfg, getenv).parse(args); err != nil {
		return runConfig{}, err
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
	if cfg.tokens != "" {
		if _, err := specs.ParseSuppliedTokens(cfg.tokens); err != nil {
			problems = append(problems, "-tokens: "+err.Error())
		}
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
	o := specs.EndpointOptions{
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
	if tokens, err := specs.ParseSuppliedTokens(cfg.tokens); cfg.tokens != "" && err == nil {
		o.Tokens = tokens
	}
	return o
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
	return newRunFlagSet(&cfg, getenv).defaults("Flags (each defaults to the environment variable named, then to the value shown):\n") + `
Exit status: 0 when every scenario that ran passed (skipped ones do not count),
1 when a scenario failed or the run could not start (then no report is
written and an earlier one is removed), 2 for bad arguments, 3 when the
report could not be written.
`
}
