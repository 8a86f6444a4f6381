package specs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
)

// Environment variables the target builders read.
const (
	// EndpointEnv is the base URL of the endpoint suites/endpoint certifies.
	EndpointEnv = "VPCONFORM_ENDPOINT"
	// DeniedAccessKeyIDEnv and DeniedSecretAccessKeyEnv are credentials
	// the endpoint knows but denies; together they enable
	// DeniedCredentials.
	DeniedAccessKeyIDEnv     = "VPCONFORM_DENIED_ACCESS_KEY_ID"
	DeniedSecretAccessKeyEnv = "VPCONFORM_DENIED_SECRET_ACCESS_KEY"
	// ControlTokenEnv is the token of the endpoint's control routes
	// (Target.ControlToken).
	ControlTokenEnv = "VPCONFORM_CONTROL_TOKEN"
	// AWSEnv set to "1" runs suites/aws against real AWS.
	AWSEnv = "VPCONFORM_AWS"
	// AWSDeniedProfileEnv names a shared-config profile whose credentials
	// lack the identity-source permissions; it enables DeniedCredentials
	// against AWS.
	AWSDeniedProfileEnv = "VPCONFORM_AWS_DENIED_PROFILE"
	// ConsistencyTimeoutEnv bounds, as a Go duration such as 30s, how long
	// reads after writes are polled (Target.ConsistencyTimeout).
	ConsistencyTimeoutEnv = "VPCONFORM_CONSISTENCY_TIMEOUT"
	// runTag is the tag key of every policy store suites/aws creates; its
	// value is RunID.
	runTag = "vpconform-run"
)

// healthPath is the control route that describes a vpfake-compatible
// endpoint: {"status":"ok","capabilities":[…],"authentication":bool}.
const healthPath = "/_vpfake/health"

// Static credentials for an endpoint that does not check them.
const (
	dummyAccessKeyID     = "AKIDVPCONFORMDUMMY"
	dummySecretAccessKey = "vpconform-dummy-secret"
)

// fixtureEnv names the environment variables overriding each fixture, for
// one target kind.
type fixtureEnv struct {
	userPoolArn, secondUserPoolArn, clientIds, oidcIssuer string
}

var (
	endpointFixtureEnv = fixtureEnv{"VPCONFORM_USER_POOL_ARN", "VPCONFORM_SECOND_USER_POOL_ARN", "VPCONFORM_CLIENT_IDS", "VPCONFORM_OIDC_ISSUER"}
	awsFixtureEnv      = fixtureEnv{"VPCONFORM_AWS_USER_POOL_ARN", "VPCONFORM_AWS_SECOND_USER_POOL_ARN", "VPCONFORM_AWS_CLIENT_IDS", "VPCONFORM_AWS_OIDC_ISSUER"}
)

// apply overrides f with the variables set.
func (e fixtureEnv) apply(f Fixtures) Fixtures {
	if v := os.Getenv(e.userPoolArn); v != "" {
		f.UserPoolArn = v
	}
	if v := os.Getenv(e.secondUserPoolArn); v != "" {
		f.SecondUserPoolArn = v
	}
	if v := os.Getenv(e.clientIds); v != "" {
		var ids []string
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		f.ClientIds = ids
	}
	if v := os.Getenv(e.oidcIssuer); v != "" {
		f.OIDCIssuer = v
	}
	return f
}

func (e fixtureEnv) names() string {
	return strings.Join([]string{e.userPoolArn, e.secondUserPoolArn, e.clientIds + " (comma-separated, at least two)", e.oidcIssuer}, ", ")
}

// EndpointOptions say how to build the Target of an endpoint URL (see
// EndpointTarget).
type EndpointOptions struct {
	// Endpoint is the base URL of the endpoint, such as
	// http://127.0.0.1:4599 (required).
	Endpoint string
	// Region is the region to sign for; "" means us-east-1.
	Region string
	// AccessKeyID, SecretAccessKey and SessionToken are the credentials to
	// sign with; empty key or secret means static dummy credentials. The
	// default credential chain is never used, so nothing but the endpoint
	// is contacted.
	AccessKeyID, SecretAccessKey, SessionToken string
	// DeniedAccessKeyID and DeniedSecretAccessKey are credentials the
	// endpoint knows but denies; set both to enable DeniedCredentials.
	DeniedAccessKeyID, DeniedSecretAccessKey string
	// ControlToken is Target.ControlToken.
	ControlToken string
	// Fixtures are the fixtures the scenarios refer to; a field left empty
	// takes DefaultFixtures' value.
	Fixtures Fixtures
	// ConsistencyTimeout is Target.ConsistencyTimeout.
	ConsistencyTimeout time.Duration
	// Golden is Target.Golden.
	Golden GoldenSettings
	// Strict is Target.Strict.
	Strict bool
	// Tokens is Target.Tokens: tokens for an endpoint that cannot mint
	// them; setting it enables TokenIssuing.
	Tokens TokenIssuer
}

// endpointOptionsFromEnv reads EndpointOptions from the environment:
//
//   - VPCONFORM_ENDPOINT, the base URL;
//   - AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN),
//     else static dummy credentials;
//   - AWS_REGION, else us-east-1;
//   - VPCONFORM_DENIED_ACCESS_KEY_ID and VPCONFORM_DENIED_SECRET_ACCESS_KEY,
//     credentials the endpoint denies, which enable DeniedCredentials;
//   - VPCONFORM_CONTROL_TOKEN, the token of the endpoint's control routes;
//   - VPCONFORM_USER_POOL_ARN, VPCONFORM_SECOND_USER_POOL_ARN,
//     VPCONFORM_CLIENT_IDS (comma-separated) and VPCONFORM_OIDC_ISSUER
//     override DefaultFixtures;
//   - VPCONFORM_CONSISTENCY_TIMEOUT (a Go duration);
//   - VPCONFORM_STRICT=1, a strict target (Target.Strict);
//   - VPCONFORM_TOKENS, comma-separated tokens for the token scenarios of
//     an endpoint that cannot mint them (SuppliedTokens);
//   - VPCONFORM_RECORD_DIR or VPCONFORM_GOLDEN_DIR, VPCONFORM_UPDATE_GOLDEN
//     and VPCONFORM_COMPARE_IGNORE: record or compare golden files (see
//     GoldenSettings.FromEnv).
func endpointOptionsFromEnv() (EndpointOptions, error) {
	o := EndpointOptions{
		Endpoint:              os.Getenv(EndpointEnv),
		Region:                os.Getenv("AWS_REGION"),
		AccessKeyID:           os.Getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey:       os.Getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:          os.Getenv("AWS_SESSION_TOKEN"),
		DeniedAccessKeyID:     os.Getenv(DeniedAccessKeyIDEnv),
		DeniedSecretAccessKey: os.Getenv(DeniedSecretAccessKeyEnv),
		ControlToken:          os.Getenv(ControlTokenEnv),
		Fixtures:              endpointFixtureEnv.apply(DefaultFixtures()),
		Strict:                strictFromEnv(),
	}
	var err error
	if o.ConsistencyTimeout, err = consistencyTimeoutFromEnv(); err != nil {
		return EndpointOptions{}, err
	}
	if o.Golden, err = (GoldenSettings{Compare: EnvCompareOptions()}).FromEnv(); err != nil {
		return EndpointOptions{}, err
	}
	tokens, err := suppliedTokensFromEnv(TokensEnv)
	if err != nil {
		return EndpointOptions{}, fmt.Errorf("specs: %w", err)
	}
	if tokens != nil {
		o.Tokens = tokens
	}
	return o, nil
}

// EndpointTargetFromEnv builds the Target of an endpoint URL, such as a
// standalone vpfake or another emulator, from the environment
// (endpointOptionsFromEnv, then EndpointTarget).
func EndpointTargetFromEnv(ctx context.Context) (Target, error) {
	o, err := endpointOptionsFromEnv()
	if err != nil {
		return Target{}, err
	}
	if o.Endpoint == "" {
		return Target{}, fmt.Errorf("specs: set %s to the base URL of the endpoint, such as http://127.0.0.1:4599", EndpointEnv)
	}
	return EndpointTarget(ctx, o)
}

// EndpointTarget builds the Target named "endpoint" of the endpoint o
// names. Its capabilities are those GET <endpoint>/_vpfake/health lists
// (none when the route is absent), plus DeniedCredentials when denied
// credentials are given; an endpoint that cannot be reached is an error.
func EndpointTarget(ctx context.Context, o EndpointOptions) (Target, error) {
	endpoint := strings.TrimSuffix(o.Endpoint, "/")
	if endpoint == "" {
		return Target{}, errors.New("specs: no endpoint: give the base URL of the endpoint, such as http://127.0.0.1:4599")
	}
	if u, err := url.Parse(endpoint); err != nil || u.Scheme == "" || u.Host == "" {
		return Target{}, fmt.Errorf("specs: endpoint %q is not an absolute URL", endpoint)
	}
	region := o.Region
	if region == "" {
		region = "us-east-1"
	}
	key, secret, token := o.AccessKeyID, o.SecretAccessKey, o.SessionToken
	if key == "" || secret == "" {
		key, secret, token = dummyAccessKeyID, dummySecretAccessKey, ""
	}
	client := &http.Client{Timeout: time.Minute}
	t := Target{
		Name: "endpoint",
		AWSConfig: aws.Config{
			Region:       region,
			Credentials:  credentials.NewStaticCredentialsProvider(key, secret, token),
			BaseEndpoint: aws.String(endpoint),
			HTTPClient:   client,
		},
		Endpoint:           endpoint,
		Fixtures:           withDefaults(o.Fixtures),
		Kind:               "endpoint",
		RunID:              RunID(),
		ConsistencyTimeout: o.ConsistencyTimeout,
		Golden:             o.Golden,
		Strict:             o.Strict,
		ControlToken:       o.ControlToken,
	}
	health, err := fetchHealth(ctx, client, endpoint)
	if err != nil {
		return Target{}, err
	}
	for _, c := range health.Capabilities {
		switch Capability(c) {
		case FaultInjection, Reset, DeniedCredentials, TokenIssuing:
			if !t.has(Capability(c)) {
				t.Capabilities = append(t.Capabilities, Capability(c))
			}
		}
	}
	if o.Tokens != nil {
		t.Tokens = o.Tokens
		if !t.has(TokenIssuing) {
			t.Capabilities = append(t.Capabilities, TokenIssuing)
		}
	}
	dk, ds := o.DeniedAccessKeyID, o.DeniedSecretAccessKey
	switch {
	case dk != "" && ds != "":
		if health.Authentication != nil && !*health.Authentication {
			return Target{}, fmt.Errorf("specs: denied credentials are given (%s, %s), but %s%s says the endpoint does not authenticate requests (start vpfake with -credentials-file)", DeniedAccessKeyIDEnv, DeniedSecretAccessKeyEnv, endpoint, healthPath)
		}
		denied := t.AWSConfig.Copy()
		denied.Credentials = credentials.NewStaticCredentialsProvider(dk, ds, "")
		t.DeniedAWSConfig = &denied
		if !t.has(DeniedCredentials) {
			t.Capabilities = append(t.Capabilities, DeniedCredentials)
		}
	case dk != "" || ds != "":
		return Target{}, fmt.Errorf("specs: give both denied credentials (%s and %s), or neither", DeniedAccessKeyIDEnv, DeniedSecretAccessKeyEnv)
	}
	if err := t.validate(); err != nil {
		return Target{}, fmt.Errorf("%w (fixtures: %s)", err, endpointFixtureEnv.names())
	}
	return t, nil
}

// withDefaults fills the empty fields of f from DefaultFixtures.
func withDefaults(f Fixtures) Fixtures {
	d := DefaultFixtures()
	if f.UserPoolArn == "" {
		f.UserPoolArn = d.UserPoolArn
	}
	if f.SecondUserPoolArn == "" {
		f.SecondUserPoolArn = d.SecondUserPoolArn
	}
	if len(f.ClientIds) == 0 {
		f.ClientIds = d.ClientIds
	}
	if f.OIDCIssuer == "" {
		f.OIDCIssuer = d.OIDCIssuer
	}
	return f
}

// health is the answer of GET /_vpfake/health.
type health struct {
	Status         string   `json:"status"`
	Capabilities   []string `json:"capabilities"`
	Authentication *bool    `json:"authentication"`
}

// fetchHealth asks the endpoint's health route what it can do. An endpoint
// without the route (any answer but 200 with a JSON object) has no
// capabilities; an endpoint that cannot be reached is an error.
func fetchHealth(ctx context.Context, client *http.Client, endpoint string) (health, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+healthPath, nil)
	if err != nil {
		return health{}, fmt.Errorf("specs: build health request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return health{}, fmt.Errorf("specs: cannot reach the endpoint %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return health{}, nil
	}
	var h health
	if json.Unmarshal(b, &h) != nil {
		return health{}, nil
	}
	return h, nil
}

var runID = sync.OnceValue(func() string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return time.Now().UTC().Format("20060102T150405Z")
	}
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
})

// RunID identifies this test process: suites/aws tags every policy store it
// creates with vpconform-run=<RunID>.
func RunID() string { return runID() }

// AWSTargetFromEnv builds the Target of real AWS (or whatever
// AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS points at) with
// config.LoadDefaultConfig: the default credential chain and region.
// Fixtures come from VPCONFORM_AWS_USER_POOL_ARN (required: a user pool of
// the account, in the region), VPCONFORM_AWS_SECOND_USER_POOL_ARN (default:
// the first), VPCONFORM_AWS_CLIENT_IDS (default: DefaultFixtures' ids) and
// VPCONFORM_AWS_OIDC_ISSUER (default: the first user pool's issuer, which
// serves OpenID Connect discovery). VPCONFORM_AWS_TOKENS, comma-separated
// tokens of users of that pool (SuppliedTokens), enables the token
// scenarios they can serve. VPCONFORM_AWS_DENIED_PROFILE, a
// shared-config profile without the identity-source permissions, enables
// DeniedCredentials. Every policy store is tagged vpconform-run=<RunID>.
// VPCONFORM_CONSISTENCY_TIMEOUT and VPCONFORM_STRICT=1 are read as for an
// endpoint; VPCONFORM_RECORD_DIR or VPCONFORM_GOLDEN_DIR record or compare
// golden files (see GoldenSettings.FromEnv).
func AWSTargetFromEnv(ctx context.Context) (Target, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Target{}, fmt.Errorf("specs: load the default AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return Target{}, errors.New("specs: no AWS Region: set AWS_REGION or a region in the shared config")
	}
	f := awsFixtureEnv.apply(Fixtures{ClientIds: DefaultFixtures().ClientIds})
	if f.UserPoolArn == "" {
		return Target{}, fmt.Errorf("specs: set %s to a Cognito user pool ARN of the account in %s (optional: %s, %s, %s)",
			awsFixtureEnv.userPoolArn, cfg.Region, awsFixtureEnv.secondUserPoolArn, awsFixtureEnv.clientIds, awsFixtureEnv.oidcIssuer)
	}
	if f.SecondUserPoolArn == "" {
		f.SecondUserPoolArn = f.UserPoolArn
	}
	if f.OIDCIssuer == "" {
		f.OIDCIssuer = cognitoIssuer(f.UserPoolArn)
	}
	t := Target{
		Name:            "aws",
		AWSConfig:       cfg,
		Endpoint:        resolvedEndpoint(cfg),
		Fixtures:        f,
		PolicyStoreTags: map[string]string{runTag: RunID()},
		Kind:            "aws",
		RunID:           RunID(),
		Strict:          strictFromEnv(),
	}
	if t.ConsistencyTimeout, err = consistencyTimeoutFromEnv(); err != nil {
		return Target{}, err
	}
	if t.Golden, err = (GoldenSettings{Compare: EnvCompareOptions()}).FromEnv(); err != nil {
		return Target{}, err
	}
	if profile := os.Getenv(AWSDeniedProfileEnv); profile != "" {
		denied, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithRegion(cfg.Region))
		if err != nil {
			return Target{}, fmt.Errorf("specs: load profile %s=%s: %w", AWSDeniedProfileEnv, profile, err)
		}
		t.DeniedAWSConfig = &denied
		t.Capabilities = append(t.Capabilities, DeniedCredentials)
	}
	tokens, err := suppliedTokensFromEnv(AWSTokensEnv)
	if err != nil {
		return Target{}, fmt.Errorf("specs: %w", err)
	}
	if tokens != nil {
		t.Tokens = tokens
		t.Capabilities = append(t.Capabilities, TokenIssuing)
	}
	if err := t.validate(); err != nil {
		return Target{}, fmt.Errorf("%w (fixtures: %s)", err, awsFixtureEnv.names())
	}
	return t, nil
}

// resolvedEndpoint is the base endpoint the SDK resolves for the
// configuration (AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS, AWS_ENDPOINT_URL, the
// shared config's services section), or "" for the default, so that raw
// requests go where the SDK's do.
func resolvedEndpoint(cfg aws.Config) string {
	if ep := verifiedpermissions.NewFromConfig(cfg).Options().BaseEndpoint; ep != nil {
		return *ep
	}
	return ""
}

// strictFromEnv reads StrictEnv: "1" is a strict target.
func strictFromEnv() bool { return os.Getenv(StrictEnv) == "1" }

// consistencyTimeoutFromEnv reads ConsistencyTimeoutEnv; unset is 0 (the
// default timeout).
func consistencyTimeoutFromEnv() (time.Duration, error) {
	v := os.Getenv(ConsistencyTimeoutEnv)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("specs: %s=%q is not a positive Go duration such as 30s", ConsistencyTimeoutEnv, v)
	}
	return d, nil
}
