package fake

import (
	"fmt"
	"time"
)

// Option configures a Server built by NewServer.
type Option func(*options)

// options holds every setting an Option can change. The zero value is never
// used: NewServer starts from defaultOptions.
type options struct {
	region     string
	account    string
	now        func() time.Time
	seed       int64
	seeded     bool
	noListener bool

	faults      []Fault
	rateLimits  []rateLimitJSON
	authOn      bool
	credentials []Credential
	propagation time.Duration

	state        *State
	stateChanged []func()

	limits       limits
	http         httpLimits
	controlToken string
}

// limits bound what clients can make the server hold (see Limits and the
// options that set each).
type limits struct {
	policyStores           int   // policy stores held at once; AWS's default quota
	encryptionContextBytes int   // bytes of one encryptionContext, keys and values
	stateBytes             int64 // estimated bytes of policy stores, identity sources and their recent versions
	faults                 int   // faults held at once
	faultMessageBytes      int   // bytes of one fault's message
}

// httpLimits bound the server's HTTP connections (see WithReadTimeout).
type httpLimits struct {
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
}

// The defaults of the limits, as vpfake's flags also have them.
const (
	// DefaultMaxPolicyStores is AWS's default quota of policy stores per
	// Region per account (quota code L-919F2C9C, adjustable).
	DefaultMaxPolicyStores = 30000
	// DefaultMaxEncryptionContextBytes bounds the keys and values of one
	// encryptionContext together: the size limit the API model documents
	// for EncryptionContext.
	DefaultMaxEncryptionContextBytes = 8192
	// DefaultMaxStateBytes bounds the estimated memory of the policy
	// stores and identity sources a server holds, with the recent versions
	// kept for a propagation delay: 256 MiB. It is the fake's own limit;
	// AWS has none like it.
	DefaultMaxStateBytes = 256 << 20
	// DefaultMaxFaults bounds how many faults a server holds at once.
	DefaultMaxFaults = 1000
	// DefaultMaxFaultMessageBytes bounds the message of one fault.
	DefaultMaxFaultMessageBytes = 4096

	// DefaultReadHeaderTimeout bounds the time to read a request's headers.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds the time to read a whole request, body
	// included.
	DefaultReadTimeout = 30 * time.Second
	// DefaultIdleTimeout is how long a keep-alive connection may wait idle
	// for its next request.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultMaxHeaderBytes bounds the size of a request's headers.
	DefaultMaxHeaderBytes = 64 << 10
)

func defaultOptions() options {
	return options{
		region:  "us-east-1",
		account: "123456789012",
		now:     time.Now,
		limits: limits{
			policyStores:           DefaultMaxPolicyStores,
			encryptionContextBytes: DefaultMaxEncryptionContextBytes,
			stateBytes:             DefaultMaxStateBytes,
			faults:                 DefaultMaxFaults,
			faultMessageBytes:      DefaultMaxFaultMessageBytes,
		},
		http: httpLimits{
			readHeaderTimeout: DefaultReadHeaderTimeout,
			readTimeout:       DefaultReadTimeout,
			idleTimeout:       DefaultIdleTimeout,
			maxHeaderBytes:    DefaultMaxHeaderBytes,
		},
	}
}

// check reports the first option value NewServer cannot use.
func (o options) check() error {
	switch {
	case o.propagation < 0:
		return fmt.Errorf("WithPropagationDelay(%s): the delay is negative", o.propagation)
	case o.limits.policyStores < 1:
		return fmt.Errorf("WithMaxPolicyStores(%d): the limit is less than 1", o.limits.policyStores)
	case o.limits.encryptionContextBytes < 1:
		return fmt.Errorf("WithMaxEncryptionContextBytes(%d): the limit is less than 1", o.limits.encryptionContextBytes)
	case o.limits.stateBytes < 1:
		return fmt.Errorf("WithMaxStateBytes(%d): the limit is less than 1", o.limits.stateBytes)
	case o.limits.faults < 1:
		return fmt.Errorf("WithMaxFaults(%d): the limit is less than 1", o.limits.faults)
	case o.limits.faultMessageBytes < 1:
		return fmt.Errorf("WithMaxFaultMessageBytes(%d): the limit is less than 1", o.limits.faultMessageBytes)
	case o.http.readHeaderTimeout <= 0:
		return fmt.Errorf("WithReadHeaderTimeout(%s): the timeout is not positive", o.http.readHeaderTimeout)
	case o.http.readTimeout <= 0:
		return fmt.Errorf("WithReadTimeout(%s): the timeout is not positive", o.http.readTimeout)
	case o.http.idleTimeout <= 0:
		return fmt.Errorf("WithIdleTimeout(%s): the timeout is not positive", o.http.idleTimeout)
	case o.http.maxHeaderBytes < 1:
		return fmt.Errorf("WithMaxHeaderBytes(%d): the limit is less than 1", o.http.maxHeaderBytes)
	}
	return nil
}

// WithRegion sets the AWS Region the server claims to be in: AWSConfig
// reports it. The default is "us-east-1". Cognito issuers are derived from
// each user pool ARN's own Region, not from this one.
func WithRegion(region string) Option {
	return func(o *options) { o.region = region }
}

// WithAccount sets the 12-digit AWS account id used in policy store ARNs. The
// default is "123456789012".
func WithAccount(account string) Option {
	return func(o *options) { o.account = account }
}

// WithClock replaces time.Now as the source of createdDate, lastUpdatedDate
// and of the 8-hour clientToken window. Tests pass a function they control to
// get fixed timestamps or to move time forward.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithIDSeed makes policy store ids, identity source ids and request ids
// deterministic: two servers given the same seed and the same sequence of
// requests produce the same ids. Without it ids are random. Reset restarts the
// sequence from the seed.
func WithIDSeed(seed int64) Option {
	return func(o *options) { o.seed, o.seeded = seed, true }
}

// WithoutListener builds a server that opens no socket: URL returns
// "http://vpfake.invalid", and the server is reached only through Client,
// AWSConfig or Handler (for example mounted on a listener of the caller's own,
// as cmd/vpfake does).
func WithoutListener() Option {
	return func(o *options) { o.noListener = true }
}

// WithFault injects a fault from the start, as InjectFault does. NewServer
// panics if the fault names an unknown operation or error, or has a negative
// count or delay.
func WithFault(f Fault) Option {
	return func(o *options) { o.faults = append(o.faults, f) }
}

// WithRateLimit limits calls of operation ("*" for all operations together)
// to perSecond on average with bursts of up to burst calls, as SetRateLimit
// does. NewServer panics if the operation is unknown, perSecond is negative
// or not finite, or burst is less than 1.
func WithRateLimit(operation string, perSecond float64, burst int) Option {
	return func(o *options) {
		o.rateLimits = append(o.rateLimits, rateLimitJSON{Operation: operation, PerSecond: perSecond, Burst: burst})
	}
}

// WithCredentials turns signature verification and access control on: every
// API request must then be signed with SigV4 by one of creds for the
// server's Region, and the credential must allow the operation's IAM action
// (see Credential). AWSConfig then uses the first credential. Without this
// option requests are not authenticated. NewServer panics if creds is empty,
// or a credential has an empty access key id or secret, or two share an
// access key id.
func WithCredentials(creds ...Credential) Option {
	return func(o *options) {
		o.authOn = true
		o.credentials = append(o.credentials, creds...)
	}
}

// WithPropagationDelay makes the server eventually consistent: reads
// (GetPolicyStore, GetIdentitySource, ListIdentitySources) see the state as
// it was d ago by the server's clock (see WithClock), so a resource created,
// updated or deleted within the last d is seen as it was before: not found
// yet, with its previous configuration and dates, or not deleted yet.
//
// The existence checks that writes make see the delay too, as on AWS
// (Terraform retries a CreateIdentitySource that answers
// ResourceNotFoundException right after CreatePolicyStore):
// CreateIdentitySource in a store created within the delay, and
// UpdateIdentitySource or DeleteIdentitySource of a source created within
// it, answer ResourceNotFoundException; a careful client retries them. What
// a write changes is always the latest state, and DeletePolicyStore, which
// succeeds for a missing store, always deletes the latest one.
//
// The default, 0, makes every write visible at once. NewServer panics if d
// is negative.
func WithPropagationDelay(d time.Duration) Option {
	return func(o *options) { o.propagation = d }
}

// WithState starts the server with the policy stores, identity sources and policies
// of st, as SetState would set them. NewServer panics if st is invalid (see
// SetState); to load a state from input, call SetState and handle its
// error instead. Reset empties the state as usual: it does not go back to
// st.
func WithState(st State) Option {
	return func(o *options) { o.state = &st }
}

// WithStateChanged has f called after every change of the state State
// returns: a policy store created or deleted, an identity source created,
// updated or deleted, Reset, SetState, and the control routes that do the
// same. Reads, failed or faulted calls, a clientToken replay and
// DeletePolicyStore of a missing store change nothing and call nothing;
// the state given WithState is no change either.
//
// f runs on the goroutine that made the change, after the change, with no
// lock held, so it may call State; by then the state may already hold
// later changes too. Calls for changes made concurrently may overlap, so f
// must be safe for concurrent use, and it should return quickly (hand slow
// work, such as writing a file, to another goroutine). Several
// WithStateChanged options add several hooks, called in order.
func WithStateChanged(f func()) Option {
	return func(o *options) {
		if f != nil {
			o.stateChanged = append(o.stateChanged, f)
		}
	}
}

// WithMaxPolicyStores sets how many policy stores the server holds at once:
// a CreatePolicyStore beyond them is answered ServiceQuotaExceededException
// (HTTP 402) with serviceCode "verifiedpermissions" and quotaCode
// "L-919F2C9C", AWS's quota of policy stores per Region per account. The
// default is AWS's default quota, DefaultMaxPolicyStores (30,000); AWS lets
// an account raise it, and so does this option. SetState refuses a state
// with more. NewServer panics if n is less than 1.
func WithMaxPolicyStores(n int) Option {
	return func(o *options) { o.limits.policyStores = n }
}

// WithMaxEncryptionContextBytes bounds the encryptionContext of a
// CreatePolicyStore: its keys and values together, in bytes of UTF-8. A
// larger one is a ValidationException naming
// encryptionSettings.kmsEncryptionSettings.encryptionContext. The default,
// DefaultMaxEncryptionContextBytes (8,192), is the size limit the API model
// documents. SetState refuses a state holding a larger one. NewServer
// panics if n is less than 1.
func WithMaxEncryptionContextBytes(n int) Option {
	return func(o *options) { o.limits.encryptionContextBytes = n }
}

// WithMaxStateBytes bounds the memory the server's state may take, as the
// fake estimates it: the strings of every policy store and identity source
// and a fixed overhead for each, counting, under a propagation delay, the
// earlier versions that reads can still see. A create or update that would
// go over it is answered ServiceQuotaExceededException (HTTP 402) with
// serviceCode "verifiedpermissions" and quotaCode "L-VPFAKE-STATE-BYTES", a
// quota of the fake's own (AWS has none like it: the model leaves some
// members, such as OIDC claims, without a length limit, so that without
// this bound identity sources could fill the memory). The default is
// DefaultMaxStateBytes (256 MiB). SetState refuses a larger state.
// NewServer panics if n is less than 1.
func WithMaxStateBytes(n int64) Option {
	return func(o *options) { o.limits.stateBytes = n }
}

// WithMaxFaults bounds how many faults the server holds at once
// (InjectFault, WithFault and POST /_vpfake/faults): one more is refused
// with an error (HTTP 400 on the control route). The default is
// DefaultMaxFaults (1,000). NewServer panics if n is less than 1.
func WithMaxFaults(n int) Option {
	return func(o *options) { o.limits.faults = n }
}

// WithMaxFaultMessageBytes bounds the Message of a fault, in bytes: a fault
// with a longer one is refused. The default is DefaultMaxFaultMessageBytes
// (4,096). NewServer panics if n is less than 1.
func WithMaxFaultMessageBytes(n int) Option {
	return func(o *options) { o.limits.faultMessageBytes = n }
}

// WithReadHeaderTimeout bounds the time a client may take to send a
// request's headers (http.Server.ReadHeaderTimeout) on the server's
// listener and on the http.Server that NewHTTPServer returns. The default
// is DefaultReadHeaderTimeout (10s). NewServer panics if d is not positive.
func WithReadHeaderTimeout(d time.Duration) Option {
	return func(o *options) { o.http.readHeaderTimeout = d }
}

// WithReadTimeout bounds the time a client may take to send a whole
// request, headers and body (http.Server.ReadTimeout): a body still
// arriving after it is cut off, and the call answers SerializationException
// if the connection still allows an answer. The default is
// DefaultReadTimeout (30s). A handler may take longer than it (a fault
// delay, say): only reading is bounded. NewServer panics if d is not
// positive.
func WithReadTimeout(d time.Duration) Option {
	return func(o *options) { o.http.readTimeout = d }
}

// WithIdleTimeout bounds how long a keep-alive connection may wait for its
// next request before the server closes it (http.Server.IdleTimeout). The
// default is DefaultIdleTimeout (60s). NewServer panics if d is not
// positive.
func WithIdleTimeout(d time.Duration) Option {
	return func(o *options) { o.http.idleTimeout = d }
}

// WithMaxHeaderBytes bounds the size of a request's headers
// (http.Server.MaxHeaderBytes; net/http allows 4 KiB more): larger headers
// are answered HTTP 431 by net/http. The default is DefaultMaxHeaderBytes
// (64 KiB). NewServer panics if n is less than 1.
func WithMaxHeaderBytes(n int) Option {
	return func(o *options) { o.http.maxHeaderBytes = n }
}

// WithControlToken makes the control routes under /_vpfake/ (but GET
// /_vpfake/health, which readiness checks use, and the issuer's public
// keys and discovery documents, GET /_vpfake/jwks.json and
// /_vpfake/issuers/…, which any client may fetch) require the token: a
// request must carry the header "Authorization: Bearer <token>" (or
// "X-Vpfake-Control-Token: <token>"), else it is answered 401
// {"message": "..."}. It is meant for a fake that verifies credentials
// (WithCredentials), so that a client allowed to call the API cannot reset
// the fake or inject faults without the token too. The default, "", leaves
// the control routes open.
func WithControlToken(token string) Option {
	return func(o *options) { o.controlToken = token }
}
