package specs

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
)

// quickRetryDelay bounds the pause before retrying an error that is not
// throttling.
const quickRetryDelay = 50 * time.Millisecond

// retryQuotas holds, per target (name and endpoint), the retry quota all the
// clients of its sessions share.
var retryQuotas sync.Map // string → *ratelimit.TokenRateLimit

// kitRetryer is the retryer of the clients a session builds when the
// target's AWSConfig has none: the SDK's standard retryer (3 attempts, the
// default retryable errors, throttling backed off as usual, up to 20 s)
// with two changes that keep a run against a target that fails everything
// as short as one against a target that works, without failing a healthy
// one: another retryable error (an InternalServerException, a dropped
// connection) is retried after at most quickRetryDelay rather than
// seconds, and every client of one target shares one retry quota (the
// SDK's: 500 tokens, 5 per retry, 1 back per call that needs none), so
// that a target that keeps failing soon stops being retried.
func kitRetryer(t Target) func() aws.Retryer {
	v, _ := retryQuotas.LoadOrStore(t.Name+" "+t.RawEndpoint(), ratelimit.NewTokenRateLimit(retry.DefaultRetryRateTokens))
	quota := v.(*ratelimit.TokenRateLimit)
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.RateLimiter = quota
			o.Backoff = quickUnlessThrottled{
				throttles: retry.IsErrorThrottles(o.Throttles),
				throttled: retry.NewExponentialJitterBackoff(retry.DefaultMaxBackoff),
			}
		})
	}
}

// quickUnlessThrottled backs off from throttling errors as the SDK does,
// and from any other error for at most quickRetryDelay.
type quickUnlessThrottled struct {
	throttles retry.IsErrorThrottles
	throttled retry.BackoffDelayer
}

// BackoffDelay returns the pause before retry attempt attempt after err.
func (b quickUnlessThrottled) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if b.throttles.IsErrorThrottle(err).Bool() {
		return b.throttled.BackoffDelay(attempt, err)
	}
	return rand.N(quickRetryDelay), nil
}

// defaultRetryer is the per-call option that gives a call the SDK's own
// default retryer, for the scenarios about what that retryer does: which
// errors it retries and how often. Its backoff alone is pinned to at most
// quickRetryDelay, as the scenario is about the retry, not the pause (the
// default's first pause after throttling is up to a second).
func defaultRetryer(o *verifiedpermissions.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.Backoff = retry.NewExponentialJitterBackoff(quickRetryDelay)
	})
}
