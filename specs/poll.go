package specs

import (
	"context"
	"errors"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// attempt is what one attempt of a polling loop found.
type attempt struct {
	// done means the state awaited is there.
	done bool
	// settled means the answer decides the scenario whatever propagation
	// may still bring (an error that no eventual consistency explains):
	// the loop stops and the spec fails at once.
	settled bool
	// got says what came back, for the failure message.
	got string
	// cause is the root cause to record if the loop fails on this attempt.
	cause string
}

// pending is an attempt that found a write not propagated yet.
func pending(got, cause string) attempt { return attempt{got: got, cause: cause} }

// settledBy is an attempt whose answer decides the scenario.
func settledBy(got, cause string) attempt { return attempt{settled: true, got: got, cause: cause} }

// failedRead is the attempt of a read after a write that op answered with
// err, and true, when err is not nil: pending while the resource written
// (such as "the policy store just created") is not found, which
// propagation explains; settled by any other error.
func (s *session) failedRead(op string, err error, written string) (attempt, bool) {
	if err == nil {
		return attempt{}, false
	}
	a := s.answerOf(op, err)
	if a.code == resourceNotFoundException {
		return pending(a.String(), a.cause(op)+" for "+written), true
	}
	return settledBy(a.String(), a.cause(op)), true
}

// await polls try every s.poll (Target.PollInterval), for at most the target's consistency
// timeout, while it finds a write of the scenario still propagating: a
// scenario waits only for what eventual consistency explains. It returns
// once try finds the state awaited; an attempt whose answer settles the
// scenario fails the spec at once, and so does the timeout, both saying
// what the last attempt got. what names the wait, such as
// "GetIdentitySource after CreateIdentitySource", and want the answer
// awaited, such as "HTTP 200 finding the policy store". The attempts are
// marked as one polling loop for recordings (see polled).
func (s *session) await(ctx context.Context, what, want string, try func() attempt) {
	GinkgoHelper()
	var last attempt
	g := NewGomega(func(string, ...int) {}) // the outcome is reported below
	ok := g.Eventually(ctx, polled(s, func() error {
		last = try()
		switch {
		case last.done:
			return nil
		case last.settled:
			return StopTrying(last.got)
		default:
			return errors.New(last.got)
		}
	})).WithTimeout(s.consistency).WithPolling(s.poll).Should(Succeed())
	switch {
	case ok:
	case last.settled:
		failWith(last.cause, fmt.Sprintf("%s: expected %s, got %s", what, want, last.got))
	case ctx.Err() != nil:
		failWith("", fmt.Sprintf("%s: expected %s, interrupted (%v) while waiting; last got %s", what, want, ctx.Err(), last.got))
	default:
		failWith(last.cause, fmt.Sprintf("%s: expected %s within %v (the consistency timeout), got %s", what, want, s.consistency, last.got))
	}
}
