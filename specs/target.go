package specs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// StrictEnv is the environment variable that, set to "1", makes the targets
// built from the environment (EndpointTargetFromEnv, AWSTargetFromEnv)
// strict (Target.Strict).
const StrictEnv = "VPCONFORM_STRICT"

// Target is one implementation of the Verified Permissions API under test and
// what the scenarios need to know about it.
type Target struct {
	// Name identifies the target in reports and deviations, such as "fake",
	// "endpoint" or "aws".
	Name string
	// AWSConfig configures the aws-sdk-go-v2 client: region, credentials,
	// BaseEndpoint, HTTPClient and Retryer. The scenarios wrap its
	// HTTPClient (or a default one when nil) in a validating transport,
	// and, when Retryer is nil, retry with the SDK's standard retryer
	// except that errors other than throttling are retried after at most
	// 50 ms and all the clients of one target share one retry quota; they
	// never modify the value given.
	AWSConfig aws.Config
	// Endpoint is the base URL raw requests are sent to. When empty it is
	// AWSConfig.BaseEndpoint if set, else
	// https://verifiedpermissions.<region>.amazonaws.com.
	Endpoint string
	// ControlEndpoint is the base URL of the target's control routes
	// (/_vpfake/faults, /_vpfake/reset, /_vpfake/health), reached with
	// AWSConfig.HTTPClient. When empty it is the raw endpoint (RawEndpoint).
	ControlEndpoint string
	// ControlToken, when not empty, is sent on every control request (in
	// ControlTokenHeader), for a target whose control routes require one
	// (vpfake -control-token).
	ControlToken string
	// DeniedAWSConfig, when not nil, configures a client whose credentials
	// the target knows but denies the identity-source actions; scenarios
	// needing DeniedCredentials use it. Its HTTPClient, like AWSConfig's, is
	// wrapped in the validating transport.
	DeniedAWSConfig *aws.Config
	// PolicyStoreTags are added to every policy store the scenarios create,
	// such as vpconform-run=<run id> against real AWS, so that what a run
	// created can be told from anything else in the account.
	PolicyStoreTags map[string]string
	// Capabilities lists what the target can do beyond the API; scenarios
	// that need a capability it lacks are skipped.
	Capabilities []Capability
	// Tokens gives the token scenarios their tokens (capability
	// TokenIssuing); nil means minting them through POST /_vpfake/tokens
	// on the control endpoint, as vpfake does.
	Tokens TokenIssuer
	// Fixtures are the user pools, client ids and issuer the scenarios refer
	// to; DefaultFixtures suits a fake.
	Fixtures Fixtures
	// Strict makes advisory expectations (evidence I) fail the spec instead
	// of only being reported as deviations. The targets built from the
	// environment set it from VPCONFORM_STRICT=1; a suite building its own
	// Target sets it itself.
	Strict bool
	// Kind is the kind of target recorded in a golden file's provenance:
	// "fake", "endpoint" or "aws". Empty means Name.
	Kind string
	// Now is the target's clock, for the scenarios that check a date is
	// recent; nil means time.Now. A fake with a fixed clock (fake.WithClock)
	// passes the same function.
	Now func() time.Time
	// RunID, when not empty, ends every client token the scenarios send, so
	// that a target outliving one run (an emulator left running, AWS, which
	// remembers client tokens for 8 hours) never sees a token of an earlier
	// run again. Leave it empty for a fresh deterministic target: the
	// scenarios then send the same bytes in every run.
	RunID string
	// Golden says whether the scenarios are recorded as golden files or
	// compared against a golden set (see GoldenSettings).
	Golden GoldenSettings
	// ConsistencyTimeout bounds how long a read after a write is polled
	// before the scenario fails; 0 means DefaultConsistencyTimeout.
	// VPCONFORM_CONSISTENCY_TIMEOUT sets it for the targets built from the
	// environment.
	ConsistencyTimeout time.Duration
	// PollInterval is the pause between two polls of a read after a
	// write; 0 means DefaultPollInterval. A fake with a short propagation
	// delay sets a shorter one, so that each read is still polled a few
	// times while the delay lasts.
	PollInterval time.Duration
}

// consistencyTimeout is Target.ConsistencyTimeout, else the default.
func (t Target) consistencyTimeout() time.Duration {
	if t.ConsistencyTimeout > 0 {
		return t.ConsistencyTimeout
	}
	return DefaultConsistencyTimeout
}

// pollInterval is Target.PollInterval, else the default.
func (t Target) pollInterval() time.Duration {
	if t.PollInterval > 0 {
		return t.PollInterval
	}
	return DefaultPollInterval
}

// now reads the target's clock.
func (t Target) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// kind is Target.Kind, else Name.
func (t Target) kind() string {
	if t.Kind != "" {
		return t.Kind
	}
	return t.Name
}

// RawEndpoint is the base URL raw requests are sent to (see Target.Endpoint).
func (t Target) RawEndpoint() string {
	switch {
	case t.Endpoint != "":
		return t.Endpoint
	case t.AWSConfig.BaseEndpoint != nil && *t.AWSConfig.BaseEndpoint != "":
		return *t.AWSConfig.BaseEndpoint
	default:
		return "https://verifiedpermissions." + t.AWSConfig.Region + ".amazonaws.com"
	}
}

// controlURL is the base URL of the control routes (see
// Target.ControlEndpoint).
func (t Target) controlURL() string {
	if t.ControlEndpoint != "" {
		return t.ControlEndpoint
	}
	return t.RawEndpoint()
}

// validate reports what is missing or malformed in the target, so that a
// suite misconfiguration fails with a clear message rather than as a
// scenario failure.
func (t Target) validate() error {
	var errs []error
	if t.Name == "" {
		errs = append(errs, errors.New("the Name field is empty"))
	}
	if t.AWSConfig.Region == "" {
		errs = append(errs, errors.New("AWSConfig.Region is empty"))
	}
	if t.AWSConfig.Credentials == nil {
		errs = append(errs, errors.New("AWSConfig.Credentials is nil"))
	}
	if t.DeniedAWSConfig != nil && (t.DeniedAWSConfig.Credentials == nil || t.DeniedAWSConfig.Region == "") {
		errs = append(errs, errors.New("DeniedAWSConfig needs Credentials and a Region"))
	}
	if u, err := url.Parse(t.RawEndpoint()); err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, fmt.Errorf("endpoint %q is not an absolute URL", t.RawEndpoint()))
	}
	f := t.Fixtures
	if !strings.HasPrefix(f.UserPoolArn, "arn:") || !strings.HasPrefix(f.SecondUserPoolArn, "arn:") {
		errs = append(errs, errors.New("Fixtures.UserPoolArn and Fixtures.SecondUserPoolArn must be user pool ARNs (see DefaultFixtures)"))
	}
	if len(f.ClientIds) < 2 {
		errs = append(errs, errors.New("Fixtures.ClientIds needs at least two client ids"))
	}
	if !strings.HasPrefix(f.OIDCIssuer, "https://") {
		errs = append(errs, errors.New("Fixtures.OIDCIssuer must be an https URL"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("specs: target %q: %w", t.Name, err)
	}
	return nil
}
