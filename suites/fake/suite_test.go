package fake_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/specs"
	"github.com/vpconform/vpconform/suites/internal/suite"
)

func TestFake(t *testing.T) {
	t.Parallel() // beside the recording tests, which run it in subprocesses
	suite.Run(t, "vpconform: fake")
}

// The two credentials the fakes know: one allowed every identity-source
// action, one allowed none of those the scenarios call.
var (
	allowed = fake.Credential{
		AccessKeyID: "AKIDVPCONFORMALLOWED", SecretAccessKey: "vpconform-allowed-secret",
		Principal: "arn:aws:iam::123456789012:user/vpconform", Allow: []string{"verifiedpermissions:*"},
	}
	denied = fake.Credential{
		AccessKeyID: "AKIDVPCONFORMDENIED", SecretAccessKey: "vpconform-denied-secret",
		Principal: "arn:aws:iam::123456789012:user/vpconform-denied", Allow: []string{"verifiedpermissions:ListIdentitySources"},
	}
)

// propagationDelay is how late the eventually consistent fake's reads, and
// the existence checks of its writes, see writes, and delayedPoll how often
// its scenarios poll: every read after a write and every
// CreateIdentitySource after CreatePolicyStore is polled a few times before
// the write shows, while the whole catalogue takes seconds, not minutes.
// A call to the in-process fake takes a millisecond or two, even under the
// race detector, so 20 ms is still seen by the read that follows a write:
// the delayed run makes about 1,200 more calls than the consistent one (7
// polls per scenario), as many as with 60 ms and 15 ms, in less than half
// the time (10 s against 24 s for the 164 scenarios, under -race).
// AfterSuite checks that it made more (delayedRunPolled).
const (
	propagationDelay = 20 * time.Millisecond
	delayedPoll      = 5 * time.Millisecond
)

// consistent and delayed are the fakes the catalogue runs against;
// BeforeSuite starts them, so they exist by the time a scenario calls the
// target function given to Register (at the start of its spec).
var consistent, delayed *fake.Server

var _ = BeforeSuite(func() {
	consistent = fake.NewServer(fake.WithoutListener(), fake.WithCredentials(allowed, denied))
	DeferCleanup(consistent.Close)
	delayed = fake.NewServer(fake.WithoutListener(), fake.WithCredentials(allowed, denied), fake.WithPropagationDelay(propagationDelay))
	DeferCleanup(delayed.Close)
})

// target is the strict target of an in-process fake, with every
// capability: the client signs with allow (and session token token),
// DeniedAWSConfig with deny. Its calls are counted in calls[name].
func target(name string, srv *fake.Server, allow, deny fake.Credential, token string) specs.Target {
	cfg := srv.AWSConfig()
	cfg.HTTPClient = countingClient{next: cfg.HTTPClient, n: calls.of(name)}
	cfg.Credentials = credentials.NewStaticCredentialsProvider(allow.AccessKeyID, allow.SecretAccessKey, token)
	deniedCfg := cfg.Copy()
	deniedCfg.Credentials = credentials.NewStaticCredentialsProvider(deny.AccessKeyID, deny.SecretAccessKey, "")
	return specs.Target{
		Name:            name,
		AWSConfig:       cfg,
		DeniedAWSConfig: &deniedCfg,
		Capabilities:    []specs.Capability{specs.FaultInjection, specs.DeniedCredentials, specs.Reset, specs.TokenIssuing},
		Fixtures:        specs.DefaultFixtures(),
		Strict:          true,
	}
}

var _ = Describe("fake (consistent)", func() {
	specs.Register(func() specs.Target {
		scenarios.of("fake").Add(1)
		return target("fake", consistent, allowed, denied, "")
	})
})

// The delayed fake is also compared with the golden set, recorded from a
// consistent fake: polling loops keep only their final attempt, so the
// extra reads a propagation delay causes leave no trace; its running clock
// mints times the fixed clock of the recording did not, so their numbering
// is ignored. Not in record mode: only the golden fake records.
var _ = Describe("fake (propagation delay)", func() {
	specs.Register(func() specs.Target {
		scenarios.of("fake-delayed").Add(1)
		t := target("fake-delayed", delayed, allowed, denied, "")
		t.PollInterval = delayedPoll
		if g, err := goldenSettings(); err == nil && g.CompareDir != "" {
			t.Golden = specs.GoldenSettings{CompareDir: g.CompareDir, Compare: specs.EnvCompareOptions()}
		}
		return t
	})
})

var _ = suite.ReportConformance()

// counters counts something per target name.
type counters struct {
	mu sync.Mutex
	m  map[string]*atomic.Int64
}

// of returns the counter of name, made at first use.
func (c *counters) of(name string) *atomic.Int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*atomic.Int64{}
	}
	if c.m[name] == nil {
		c.m[name] = new(atomic.Int64)
	}
	return c.m[name]
}

// calls counts the HTTP calls each target's clients made, and scenarios
// the scenarios that ran (skipped ones included) against the consistent
// and the delayed fake.
var calls, scenarios counters

// countingClient counts the calls it passes on to next.
type countingClient struct {
	next aws.HTTPClient
	n    *atomic.Int64
}

// Do counts r and sends it.
func (c countingClient) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// delayedRunPolled checks, once the whole catalogue has run against both
// the consistent and the delayed fake, that the delayed one answered more
// calls: the reads that did not show a write yet, polled again. A delay
// too short to be seen, or a propagation delay that delays nothing, would
// leave the two runs alike, and the delayed run would prove nothing.
var _ = AfterSuite(func() {
	all := int64(len(specs.Catalogue()))
	if scenarios.of("fake").Load() != all || scenarios.of("fake-delayed").Load() != all {
		return // a part of the catalogue ran (a focus, a label filter)
	}
	plain, slow := calls.of("fake").Load(), calls.of("fake-delayed").Load()
	GinkgoWriter.Printf("the catalogue made %d calls to the consistent fake, %d to the delayed one (%d polls of writes not yet seen)\n",
		plain, slow, slow-plain)
	Expect(slow).To(BeNumerically(">", plain),
		"calls to the fake delayed by %v (polled every %v): expected more than to the consistent fake, as reads poll until a write shows; got %d, against %d",
		propagationDelay, delayedPoll, slow, plain)
})
