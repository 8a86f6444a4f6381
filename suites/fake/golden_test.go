package fake_test

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/specs"
)

// The golden set of the fake, and the deterministic fake it is recorded
// from and compared with.
const (
	// goldenDir is the fake's golden set, relative to the module root.
	goldenDir = "fixtures/testdata/fake"
	// goldenSeed seeds the ids of the golden fake.
	goldenSeed = 20260101
)

// goldenEpoch is the golden fake's fixed clock: it never moves, so every
// date the fake writes is this instant, or a microsecond past the date it
// replaces (the fake makes lastUpdatedDate advance by itself).
var goldenEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func goldenClock() time.Time { return goldenEpoch }

// Test-only variables that change the credentials and account of the golden
// fake, so that a test can record with distinctive ones
// (TestRecording); never set them for a real recording.
const (
	testAccessKeyEnv    = "VPCONFORM_TEST_GOLDEN_ACCESS_KEY_ID"
	testSecretEnv       = "VPCONFORM_TEST_GOLDEN_SECRET_ACCESS_KEY"
	testSessionTokenEnv = "VPCONFORM_TEST_GOLDEN_SESSION_TOKEN"
	testAccountEnv      = "VPCONFORM_TEST_GOLDEN_ACCOUNT"
)

// goldenSettings is compare mode against fixtures/testdata/fake, or what
// VPCONFORM_RECORD_DIR and friends say; read once.
var goldenSettings = sync.OnceValues(func() (specs.GoldenSettings, error) {
	root, err := specs.ModuleRoot()
	if err != nil {
		return specs.GoldenSettings{}, err
	}
	return specs.GoldenSettings{CompareDir: filepath.Join(root, goldenDir)}.FromEnv()
})

// goldenTarget starts a fresh deterministic fake for one scenario: the fixed
// clock, the seed, the suite's two credentials and every capability. A
// fresh fake per scenario makes each scenario's exchanges independent of
// which scenarios ran before it, and of Ginkgo's random order.
func goldenTarget() specs.Target {
	allow, deny, token, account := allowed, denied, "", ""
	if k := os.Getenv(testAccessKeyEnv); k != "" {
		allow = fake.Credential{AccessKeyID: k, SecretAccessKey: os.Getenv(testSecretEnv), SessionToken: os.Getenv(testSessionTokenEnv), Allow: allow.Allow}
		deny.Principal = ""
		token, account = os.Getenv(testSessionTokenEnv), os.Getenv(testAccountEnv)
	}
	opts := []fake.Option{
		fake.WithoutListener(), fake.WithCredentials(allow, deny),
		fake.WithClock(goldenClock), fake.WithIDSeed(goldenSeed),
	}
	if account != "" {
		opts = append(opts, fake.WithAccount(account))
	}
	settings, err := goldenSettings()
	Expect(err).NotTo(HaveOccurred(), "golden settings")
	srv := fake.NewServer(opts...)
	DeferCleanup(srv.Close)
	// The fake's clock is fixed, so that the dates it writes do not move;
	// its clients sign with the real time, which signatures are checked
	// against.
	srv.SetSigningClock(time.Now)
	t := target("fake-golden", srv, allow, deny, token)
	t.Kind, t.Now, t.Golden = "fake", goldenClock, settings
	return t
}

var _ = Describe("fake (golden set)", Label("golden"), func() {
	specs.Register(goldenTarget)
})
