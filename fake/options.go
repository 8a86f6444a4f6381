package fake

import "time"

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
}

func defaultOptions() options {
	return options{
		region:  "us-east-1",
		account: "123456789012",
		now:     time.Now,
	}
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
// updated or deleted within the last d is seen as it was before. Writes
// always see the latest state. The default, 0, makes every write visible at
// once. NewServer panics if d is negative.
func WithPropagationDelay(d time.Duration) Option {
	return func(o *options) { o.propagation = d }
}

// WithState starts the server with the policy stores and identity sources
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
