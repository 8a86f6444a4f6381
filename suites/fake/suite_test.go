package fake_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
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
const (
	propagationDelay = 60 * time.Millisecond
	delayedPoll      = 15 * time.Millisecond
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
// DeniedAWSConfig with deny.
func target(name string, srv *fake.Server, allow, deny fake.Credential, token string) specs.Target {
	cfg := srv.AWSConfig()
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
	specs.Register(func() specs.Target { return target("fake", consistent, allowed, denied, "") })
})

// The delayed fake is also compared with the golden set, recorded from a
// consistent fake: polling loops keep only their final attempt, so the
// extra reads a propagation delay causes leave no trace; its running clock
// mints times the fixed clock of the recording did not, so their numbering
// is ignored. Not in record mode: only the golden fake records.
var _ = Describe("fake (propagation delay)", func() {
	specs.Register(func() specs.Target {
		t := target("fake-delayed", delayed, allowed, denied, "")
		t.PollInterval = delayedPoll
		if g, err := goldenSettings(); err == nil && g.CompareDir != "" {
			t.Golden = specs.GoldenSettings{CompareDir: g.CompareDir, Compare: specs.EnvCompareOptions()}
		}
		return t
	})
})

var _ = suite.ReportConformance()
