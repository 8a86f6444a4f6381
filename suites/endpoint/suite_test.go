package endpoint_test

import (
	"errors"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/specs"
)

func TestEndpoint(t *testing.T) {
	if os.Getenv(specs.EndpointEnv) == "" {
		t.Skip("set VPCONFORM_ENDPOINT to the base URL of the endpoint to certify, e.g. VPCONFORM_ENDPOINT=http://127.0.0.1:4599")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "vpconform: endpoint")
}

// target is built once, in BeforeSuite, from the environment.
var target specs.Target

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	target, err = specs.EndpointTargetFromEnv(ctx)
	Expect(err).NotTo(HaveOccurred(), "the endpoint target")
	GinkgoWriter.Printf("endpoint %s, capabilities %v\n", target.RawEndpoint(), target.Capabilities)
})

var _ = specs.Register(func() specs.Target { return target })

var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
	// A run that could not start has failed already, and WriteReport said
	// why; any other error is the report's own.
	if err := specs.WriteReport(r); !errors.Is(err, specs.ErrRunNotStarted) {
		Expect(err).NotTo(HaveOccurred(), "write the conformance report")
	}
})
