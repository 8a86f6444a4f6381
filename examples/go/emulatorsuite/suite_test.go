package emulator_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/specs"
)

func TestConformance(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "my emulator: vpconform")
}

// server is the emulator under test; here the bundled fake stands in.
var server *fake.Server

var _ = BeforeSuite(func() {
	server = fake.NewServer(fake.WithoutListener())
	DeferCleanup(server.Close)
})

var _ = specs.Register(func() specs.Target {
	return specs.Target{
		Name:         "my-emulator",
		AWSConfig:    server.AWSConfig(),
		Capabilities: []specs.Capability{specs.FaultInjection, specs.Reset},
		Fixtures:     specs.DefaultFixtures(),
	}
})

// The report goes to reports/my-emulator/ at the module root, or under
// $VPCONFORM_REPORT_DIR.
var _ = ReportAfterSuite("vpconform report", func(r Report) {
	Expect(specs.WriteReport(r)).To(Succeed())
})
