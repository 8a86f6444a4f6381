package main

import (
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

	// Limits of the state and of faults (see package fake's options).
	maxPolicyStores           int
	maxEncryptionContextBytes int
	maxStateBytes             int64
	maxFaults                 int
	maxFaultMessageBytes      int

	// HTTP limits.
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	// shutdownTimeout bounds how long requests in flight may take to
	// finish once shutdown begins.
	shutdownTimeout time.Duration

	// controlToken, when set, is required by the control routes but
	// health.
	controlToken string

	// log is how requests are logged; the zero value logs a line each.
	log logMode
}

const (
	defaultAddr    = "127.0.0.1:4599"
	defaultRegion  = "us-east-1"
	defaultAccount = "123456789012"

	defaultShutdownTimeout = 10 * time.Second
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
	for _, l := range cfg.limits() {
		if err := l.check(); err != nil {
			return config{}, err
		}
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

// withDefaults gives every limit left at zero its default, as the flags
// have it, so that a config built in code needs to set only what it
// changes.
func (cfg config) withDefaults() config {
	for _, l := range cfg.limits() {
		l.fill()
	}
	return cfg
}

// readCredentials reads a credentials file (see fake.ParseCredentials).
func readCredentials(path string) ([]fake.Credential, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	creds, err := fake.ParseCredentials(b)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return creds, nil
}

// envName is the environment variable of a flag: VPFAKE_ and the flag's
// name in upper case, with underscores for hyphens.
func envName(flagName string) string {
	return "VPFAKE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlagSet declares the flags, with defaults from the environment. It
// returns, by flag name, the errors of malformed environment values.
func newFlagSet(cfg *config, getenv func(string) string) (*flag.FlagSet, map[string]error) {
	env := &environment{getenv: getenv, errs: map[string]error{}}
	fs := flag.NewFlagSet("vpfake", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", env.get("VPFAKE_ADDR", defaultAddr), "`host:port` to listen on (env VPFAKE_ADDR)")
	fs.StringVar(&cfg.region, "region", env.get("VPFAKE_REGION", defaultRegion), "AWS `Region` the fake reports (env VPFAKE_REGION)")
	fs.StringVar(&cfg.account, "account", env.get("VPFAKE_ACCOUNT", defaultAccount), "12-digit AWS `account` id used in policy store ARNs (env VPFAKE_ACCOUNT)")
	fs.Int64Var(&cfg.seed, "seed", env.int("seed", 0), "`seed` for deterministic resource and request ids; 0 means random ids (env VPFAKE_SEED)")
	cfg.propagationDelay = env.duration("propagation-delay", 0)
	fs.Var((*durationValue)(&cfg.propagationDelay), "propagation-delay",
		"how long writes take to become visible to reads and to the existence checks of writes (eventual\n"+
			"consistency), a Go `duration` such as 2s; 0 means at once (env VPFAKE_PROPAGATION_DELAY)")
	fs.StringVar(&cfg.credentialsFile, "credentials-file", env.get("VPFAKE_CREDENTIALS_FILE", ""),
		"JSON `file` of credentials: [{\"accessKeyId\":\"…\",\"secretAccessKey\":\"…\",\"principal\":\"arn:…\",\"allow\":[\"verifiedpermissions:*\"]}]\n"+
			"(sessionToken optional: then sent as X-Amz-Security-Token); when set, every API request must be SigV4-signed by\n"+
			"one of them for the -region and allowed the IAM action verifiedpermissions:<Operation>, else\n"+
			"AccessDeniedException naming principal, action and policy store (env VPFAKE_CREDENTIALS_FILE)")
	fs.StringVar(&cfg.stateFile, "state-file", env.get("VPFAKE_STATE_FILE", ""),
		"JSON `file` keeping the policy stores, identity sources and policies across restarts: read at start if it exists,\n"+
			"written atomically after each change and at shutdown; see State file below (env VPFAKE_STATE_FILE)")
	fs.BoolVar(&cfg.version, "version", false, "print \"vpfake <version>\" and exit")
	fs.BoolVar(&cfg.exitWithParent, "exit-with-parent", env.get("VPFAKE_EXIT_WITH_PARENT", "") == "1",
		"shut down when the process that started vpfake exits, as when make fake is killed (env VPFAKE_EXIT_WITH_PARENT=1)")
	for _, l := range cfg.limits() {
		l.declare(fs, env)
	}
	fs.StringVar(&cfg.controlToken, "control-token", env.get("VPFAKE_CONTROL_TOKEN", ""),
		"`token` the control routes (but health, the JWKS and the issuers' documents) then require,\n"+
			"as \"Authorization: Bearer <token>\" or \"X-Vpfake-Control-Token: <token>\"; else 401.\n"+
			"Prefer the variable: flags show in ps (env VPFAKE_CONTROL_TOKEN)")
	cfg.log = env.logMode("log")
	fs.Var(&cfg.log, "log",
		"request log `mode`: on (the default), a line per request with the operation (or method and path), status and\n"+
			"duration; json, a JSON object per request with time (UTC), method, path, operation, status, durationMs and\n"+
			"requestId; off, none. The start-up and shutdown lines are written in every mode (env VPFAKE_LOG)")
	return fs, env.errs
}

// environment reads the VPFAKE_* variables through getenv, and records in
// errs, by flag name, the values it cannot use.
type environment struct {
	getenv func(string) string
	errs   map[string]error
}

// get returns the variable name, trimmed, or def when it is empty.
func (e *environment) get(name, def string) string {
	if v := strings.TrimSpace(e.getenv(name)); v != "" {
		return v
	}
	return def
}

// int returns the integer in the variable of flagName, or def when it is
// unset; a malformed value is recorded and def used meanwhile.
func (e *environment) int(flagName string, def int64) int64 {
	name := envName(flagName)
	v := e.get(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		e.errs[flagName] = fmt.Errorf("%s=%q is not an integer", name, v)
		return def
	}
	return n
}

// duration returns the Go duration in the variable of flagName, or def
// when it is unset; a malformed value is recorded and def used meanwhile.
func (e *environment) duration(flagName string, def time.Duration) time.Duration {
	name := envName(flagName)
	v := e.get(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs[flagName] = fmt.Errorf("%s=%q is not a Go duration such as 2s or 500ms", name, v)
		return def
	}
	return d
}

// logMode returns the -log mode in the variable of flagName, or logOn
// when it is unset; a value that is not a mode is recorded and logOn used
// meanwhile.
func (e *environment) logMode(flagName string) logMode {
	name := envName(flagName)
	v := e.get(name, "")
	if v == "" {
		return logOn
	}
	m, ok := parseLogMode(v)
	if !ok {
		e.errs[flagName] = fmt.Errorf("%s=%q is not a -%s value: want %s", name, v, flagName, logModeChoices)
		return logOn
	}
	return m
}

// limit is a flag that bounds the fake: a count, which must be at least 1,
// or a duration, which must be positive. Its variable is envName of its
// name; when neither sets it, and in a config built in code that leaves it
// at zero, it has its default.
type limit interface {
	// declare defines the flag in fs, its value taken from env, else the
	// default.
	declare(fs *flag.FlagSet, env *environment)
	// check returns the error of a value out of range.
	check() error
	// fill gives a zero value the default.
	fill()
}

// limits are cfg's limits, in the order loadConfig checks them.
func (cfg *config) limits() []limit {
	return []limit{
		countLimit[int]{&cfg.maxPolicyStores, "max-policy-stores", fake.DefaultMaxPolicyStores,
			"`n` policy stores at most, AWS's default quota per Region per account; one more is\n" +
				"ServiceQuotaExceededException with quotaCode L-919F2C9C"},
		countLimit[int]{&cfg.maxEncryptionContextBytes, "max-encryption-context-bytes", fake.DefaultMaxEncryptionContextBytes,
			"`bytes` of keys and values at most in a CreatePolicyStore's encryptionContext, the model's size limit;\n" +
				"more is a ValidationException"},
		countLimit[int64]{&cfg.maxStateBytes, "max-state-bytes", fake.DefaultMaxStateBytes,
			"`bytes` of policy stores, identity sources and policies (and the recent versions -propagation-delay keeps) at most,\n" +
				"as the fake estimates them; a create or update beyond is ServiceQuotaExceededException with quotaCode\n" +
				"L-VPFAKE-STATE-BYTES, a limit of the fake's own"},
		countLimit[int]{&cfg.maxFaults, "max-faults", fake.DefaultMaxFaults,
			"`n` faults held at once at most; POST /_vpfake/faults beyond is answered 400"},
		countLimit[int]{&cfg.maxFaultMessageBytes, "max-fault-message-bytes", fake.DefaultMaxFaultMessageBytes,
			"`bytes` at most in a fault's message; a longer one is answered 400"},
		countLimit[int]{&cfg.maxHeaderBytes, "max-header-bytes", fake.DefaultMaxHeaderBytes,
			"`bytes` of request headers at most (net/http allows 4096 more); larger headers are answered 431"},
		durationLimit{&cfg.readHeaderTimeout, "read-header-timeout", fake.DefaultReadHeaderTimeout,
			"how long a client may take to send a request's headers, a Go `duration`"},
		durationLimit{&cfg.readTimeout, "read-timeout", fake.DefaultReadTimeout,
			"how long a client may take to send a whole request, body included, a Go `duration`;\n" +
				"a body still arriving then is cut off"},
		durationLimit{&cfg.idleTimeout, "idle-timeout", fake.DefaultIdleTimeout,
			"how long a keep-alive connection may stay idle before vpfake closes it, a Go `duration`"},
		durationLimit{&cfg.shutdownTimeout, "shutdown-timeout", defaultShutdownTimeout,
			"on SIGINT or SIGTERM, how long requests in flight may take to finish, a Go `duration`; fault delays\n" +
				"end at once, and request bodies still arriving after it are cut short and answered"},
	}
}

// countLimit is a limit that counts, kept in *p.
type countLimit[T int | int64] struct {
	p    *T
	name string
	def  T
	help string
}

func (l countLimit[T]) declare(fs *flag.FlagSet, env *environment) {
	*l.p = T(env.int(l.name, int64(l.def)))
	fs.Var(countValue[T]{l.p}, l.name, l.help+" (env "+envName(l.name)+")")
}

func (l countLimit[T]) check() error {
	if *l.p < 1 {
		return fmt.Errorf("-%s/%s %d is less than 1", l.name, envName(l.name), *l.p)
	}
	return nil
}

func (l countLimit[T]) fill() {
	if *l.p == 0 {
		*l.p = l.def
	}
}

// durationLimit is a limit that is a duration, kept in *p.
type durationLimit struct {
	p    *time.Duration
	name string
	def  time.Duration
	help string
}

func (l durationLimit) declare(fs *flag.FlagSet, env *environment) {
	*l.p = env.duration(l.name, l.def)
	fs.Var((*durationValue)(l.p), l.name, l.help+" (env "+envName(l.name)+")")
}

func (l durationLimit) check() error {
	if *l.p <= 0 {
		return fmt.Errorf("-%s/%s %s is not positive", l.name, envName(l.name), *l.p)
	}
	return nil
}

func (l durationLimit) fill() {
	if *l.p == 0 {
		*l.p = l.def
	}
}

// countValue is a flag.Value for a count in *p whose parse error says
// what is expected.
type countValue[T int | int64] struct{ p *T }

func (v countValue[T]) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*v.p), 10)
}

func (v countValue[T]) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return errors.New("not an integer")
	}
	if err != nil || int64(T(n)) != n {
		return errors.New("value out of range")
	}
	*v.p = T(n)
	return nil
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
Control routes (plain JSON; open unless -control-token is set, when every route but health, the JWKS
and the issuers' documents requires "Authorization: Bearer <token>" or "X-Vpfake-Control-Token: <token>"
and answers 401 {"message":"…"} without it; a request they cannot use is answered 400 {"message":"…"}):

  GET    /_vpfake/health      readiness, settings, limits and usage; ?heap=1 adds "heapAllocBytes", the
                              process's heap in use, and ?gc=1 the same after a garbage collection:
                              {"status":"ok","service":"vpfake",
                               "capabilities":["fault-injection","reset","state","token-issuer"],
                               "authentication":false,"controlToken":false,"propagationDelayMs":0,
                               "limits":{"policyStores":30000,"identitySourcesPerPolicyStore":1,
                                 "encryptionContextBytes":8192,"stateBytes":268435456,"faults":1000,
                                 "faultMessageBytes":4096,"clientTokenWindowSeconds":28800,
                                 "requestBodyBytes":4194304,"readHeaderTimeoutMs":10000,"readTimeoutMs":30000,
                                 "idleTimeoutMs":60000,"maxHeaderBytes":65536},
                               "usage":{"policyStores":0,"identitySources":0,"stateBytes":0,"clientTokens":0,
                                 "faults":0}}
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
                              fails every call until the faults are cleared; delayMs (up to an hour)
                              waits first; at most -max-faults held, a message of at most
                              -max-fault-message-bytes, serviceCode and quotaCode of at most 256 bytes,
                              at most 10 resources with resourceIds of at most 200 bytes
  GET    /_vpfake/faults      the faults in force (as posted, with "id" and "remaining") and the rate limits
  DELETE /_vpfake/faults      clear every fault and rate limit; answers {}
  POST   /_vpfake/ratelimits  {"operation":"GetIdentitySource","perSecond":5,"burst":5}: a token bucket;
                              a call over it is a ThrottlingException; answers {}
  GET    /_vpfake/state       the policy stores, identity sources and policies, as the state file holds them:
                              {"formatVersion":1,"policyStores":[{…,"identitySources":[{…}]}]}
  PUT    /_vpfake/state       replace them all with such a document; answers {}, or 400 naming what is
                              wrong (line and column, or the item), with nothing changed
  POST   /_vpfake/tokens      mint a token for IsAuthorizedWithToken: a JWT signed RS256 by this fake's key,
                              at its clock; answers {"token":"eyJ…"}:
                              {"userPoolArn":"arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>"
                               or "issuer":"https://<OIDC issuer>","tokenUse":"id"|"access","sub":"…",
                               "clientId":"…","audience":["…"],"groups":["…"],"groupClaim":"groups",
                               "claims":{…},"lifetimeSeconds":3600}
                              userPoolArn or issuer (the token's iss), tokenUse and sub are required;
                              clientId is an ID token's aud, an access token's client_id; audience is the
                              aud of an OIDC access token; groups go to cognito:groups, or to groupClaim
                              for an OIDC issuer; claims are added last, and win (null drops a claim);
                              lifetimeSeconds 0 (the default) is an hour, negative a token already expired
  GET    /_vpfake/jwks.json   the public key that signs them, a JSON Web Key Set (kid = its thumbprint)
  GET    /_vpfake/issuers/<issuer without https://>/.well-known/openid-configuration
                              the issuer's OpenID Connect discovery document: "issuer":"https://<issuer>",
                              "jwks_uri" the JWKS above (at the host the request was sent to); and
                              …/.well-known/jwks.json beside it, the same JWKS

Limits: a CreatePolicyStore beyond -max-policy-stores is answered as AWS answers its quota of policy
stores per Region per account: ServiceQuotaExceededException (HTTP 402) with serviceCode
"verifiedpermissions" and quotaCode "L-919F2C9C". A second identity source in a policy store is
ServiceQuotaExceededException too (a quota of 1, not adjustable). An encryptionContext of more than
-max-encryption-context-bytes is a ValidationException naming
encryptionSettings.kmsEncryptionSettings.encryptionContext. A create or update that would take the
state over -max-state-bytes is ServiceQuotaExceededException with quotaCode "L-VPFAKE-STATE-BYTES",
a limit of the fake's own. A request body over 4 MiB is a SerializationException. clientTokens are
remembered for 8 hours, by a digest of the input, and forgotten when the resource they created is
deleted (a create replayed afterwards is a new call).

Shutdown: on SIGINT or SIGTERM, vpfake stops accepting connections, ends every fault delay at once
(a call held by one answers its fault now), and waits up to -shutdown-timeout for the requests in
flight; request bodies still arriving then are cut short and answered, and only requests still
unanswered 2s later are dropped. It exits 0 when every request was answered, 1 otherwise.

Output and exit status: vpfake prints "vpfake listening on http://<addr>" to stderr once it accepts
requests (with -addr 127.0.0.1:0 the line says which port it took), then, as -log says, one line per
request (the operation, the status and the duration), one JSON object per request, or nothing; request
lines are written out within 5ms, and all of them before vpfake exits. It exits 2, before listening,
for a flag or variable it cannot use (each count must be at least 1 and each duration positive, -log
one of on, off or json) or a credentials file it cannot read or use; 1 for a state file it refuses
or an address it cannot listen on; and after a shutdown 0 or 1, as above. -version prints "vpfake
<version>" and exits 0; -h prints this and exits 0.

Retries: SDK clients retry ThrottlingException and InternalServerException by default (the AWS
SDK for Go v2 makes up to 3 attempts), so an injected retryable fault with count 1 is retried away
and the call succeeds. To see it, set the client's max attempts to 1 (AWS_MAX_ATTEMPTS=1, or
RetryMaxAttempts = 1 in Go), or inject it with a larger count.

State file: with -state-file, vpfake reads the file at start if it exists (a missing or empty file
is an empty state, created at the first change); a file that is not valid JSON or not a valid state
(limits included) is refused, naming the line and column or the invalid item, and left as it is, and
vpfake exits 1. It writes the whole state to the file, atomically (a temporary file in the same
directory, renamed over it), at most every 100ms after a change and at shutdown. Kept: policy stores
and identity sources with all their members and dates. Not kept: clientTokens, faults, rate limits,
and the history behind -propagation-delay (a loaded state is visible at once).
`
