package fake_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/specs"
)

func TestFake(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "vpconform: fake")
}

// server is the fake every spec talks to; BeforeSuite starts it, so it exists
// by the time Register's BeforeEach asks for the target.
var server *fake.Server

var _ = BeforeSuite(func() {
	server = fake.NewServer()
	DeferCleanup(server.Close)
})

var _ = Describe("fake", func() {
	specs.Register(func() specs.Target {
		return specs.Target{
			Name:         "fake",
			AWSConfig:    server.AWSConfig(),
			Capabilities: []specs.Capability{specs.Reset},
			Fixtures:     specs.DefaultFixtures(),
			Strict:       true,
		}
	})
})
