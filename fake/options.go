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
