package aws_test

import (
	"errors"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/specs"
)

func TestAWS(t *testing.T) {
	if os.Getenv(specs.AWSEnv) != "1" {
		t.Skip("set VPCONFORM_AWS=1 to run against real AWS (default credential chain; creates, tags and deletes its own policy stores)")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "vpconform: aws")
}

// target is built once, in BeforeSuite, from the environment.
var target specs.Target

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	target, err = specs.AWSTargetFromEnv(ctx)
	Expect(err).NotTo(HaveOccurred(), "the AWS target")
	GinkgoWriter.Printf("AWS region %s, endpoint %s, run id %s, capabilities %v\n",
		target.AWSConfig.Region, target.RawEndpoint(), specs.RunID(), target.Capabilities)
})

var _ = specs.Register(func() specs.Target { return target })

var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
	// A run that could not start has failed already, and WriteReport said
	// why; any other error is the report's own.
	if err := specs.WriteReport(r); !errors.Is(err, specs.ErrRunNotStarted) {
		Expect(err).NotTo(HaveOccurred(), "write the conformance report")
	}
})
