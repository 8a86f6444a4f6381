// Package suite declares, for the Go suites under suites/, what each of them
// would otherwise spell out alike in its Ginkgo tree: the catalogue run
// against a target built once in BeforeSuite, and the conformance report
// written after the suite.
package suite

import (
	"context"
	"errors"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/vpconform/vpconform/specs"
)

// Run runs the suite's Ginkgo tree from its Test function, failures
// reported through Ginkgo's Fail.
func Run(t *testing.T, description string) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, description)
}

// Catalogue declares the whole catalogue (specs.Register) against the
// target build makes once, in BeforeSuite, and the conformance report
// (ReportConformance). what names the target in a failure to build it.
// Call it at package level: var _ = suite.Catalogue(…).
func Catalogue(what string, build func(context.Context) (specs.Target, error)) bool {
	var target specs.Target
	ginkgo.BeforeSuite(func(ctx ginkgo.SpecContext) {
		var err error
		target, err = build(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), what)
		// The run id is in the client tokens the run sends and, against
		// AWS, in the tag of every policy store it creates.
		ginkgo.GinkgoWriter.Printf("%s: region %s, endpoint %s, run id %s, capabilities %v\n",
			target.Name, target.AWSConfig.Region, target.RawEndpoint(), specs.RunID(), target.Capabilities)
	})
	specs.Register(func() specs.Target { return target })
	return ReportConformance()
}

// ReportConformance declares the ReportAfterSuite that writes the
// conformance report of every target of the suite (specs.WriteReport). A
// run that could not start has failed already, and WriteReport said why;
// any other error of the report fails the suite.
func ReportConformance() bool {
	ginkgo.ReportAfterSuite("vpconform conformance report", func(r ginkgo.Report) {
		if err := specs.WriteReport(r); !errors.Is(err, specs.ErrRunNotStarted) {
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "write the conformance report")
		}
	})
	return true
}
