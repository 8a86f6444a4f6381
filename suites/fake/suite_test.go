package fake_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/specs"
)

func TestFake(t *testing.T) {
	t.Parallel() // beside the recording tests, which run it in subprocesses
	RegisterFailHandler(Fail)
	RunSpecs(t, "vpconform: fake")
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
// the existence checks of its writes, see writes: long enough that every
// read after a write and every CreateIdentitySource after CreatePolicyStore
// is polled a few times (every 100 ms), short enough for the whole catalogue.
const propagationDelay = 250 * time.Millisecond

// consistent and delayed are the fakes the catalogue runs against;
// BeforeSuite starts them, so they exist by the time Register's BeforeEach
// asks for a target.
var consistent, delayed *fake.Server

var _ = BeforeSuite(func() {
	consistent = fake.NewServer(fake.WithoutListener(), fake.WithCredentials(allowed, denied))
	DeferCleanup(consistent.Close)
	delayed = fake.NewServer(fake.WithoutListener(), fake.WithCredentials(allowed, denied), fake.WithPropagationDelay(propagationDelay))
	DeferCleanup(delayed.Close)
})

// target is the strict target of an in-process fake: the allowed
// credentials for the client, the denied ones for DeniedAWSConfig, and
// every capability.
func target(name string, srv *fake.Server) specs.Target {
	cfg := srv.AWSConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(allowed.AccessKeyID, allowed.SecretAccessKey, "")
	deniedCfg := cfg.Copy()
	deniedCfg.Credentials = credentials.NewStaticCredentialsProvider(denied.AccessKeyID, denied.SecretAccessKey, "")
	return specs.Target{
		Name:            name,
		AWSConfig:       cfg,
		DeniedAWSConfig: &deniedCfg,
		Capabilities:    []specs.Capability{specs.FaultInjection, specs.DeniedCredentials, specs.Reset},
		Fixtures:        specs.DefaultFixtures(),
		Strict:          true,
	}
}

var _ = Describe("fake (consistent)", func() {
	specs.Register(func() specs.Target { return target("fake", consistent) })
})

// The delayed fake is also compared with the golden set, recorded from a
// consistent fake: polling loops keep only their final attempt, so the
// extra reads a propagation delay causes leave no trace; its running clock
// mints times the fixed clock of the recording did not, so their numbering
// is ignored. Not in record mode: only the golden fake records.
var _ = Describe("fake (propagation delay 250ms)", func() {
	specs.Register(func() specs.Target {
		t := target("fake-delayed", delayed)
		if g, err := goldenSettings(); err == nil && g.CompareDir != "" {
			t.Golden = specs.GoldenSettings{CompareDir: g.CompareDir, Compare: specs.EnvCompareOptions()}
		}
		return t
	})
})

var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
	// A run that could not start has failed already, and WriteReport said
	// why; any other error is the report's own.
	if err := specs.WriteReport(r); !errors.Is(err, specs.ErrRunNotStarted) {
		Expect(err).NotTo(HaveOccurred(), "write the conformance report")
	}
})
