package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/internal/version"
	"github.com/vpconform/vpconform/specs"
)

// suiteDescription names the run in reports; suites/endpoint uses the same,
// so that a report of either replaces the other's.
const suiteDescription = "vpconform: endpoint"

// runCatalogue is the default subcommand: it runs the catalogue against an
// endpoint, or lists it, and returns the exit status.
func runCatalogue(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := loadRunConfig(args, getenv)
	if code, done := configured(err, "vpconform", func() string { return runUsage(getenv) }, stdout, stderr); done {
		return code
	}
	if cfg.version {
		fmt.Fprintf(stdout, "vpconform %s\n", version.String())
		return exitOK
	}
	selected, err := cfg.selection()
	if err != nil {
		fmt.Fprintf(stderr, "vpconform: %v\n", err)
		return exitUsage
	}
	if cfg.list {
		if err := listCatalogue(stdout, selected); err != nil {
			fmt.Fprintf(stderr, "vpconform: %v\n", err)
			return exitInternal
		}
		return exitOK
	}
	return runSuite(ctx, cfg, getenv, stdout, stderr)
}

// testingT is the GinkgoTestingT of a run outside go test: it remembers
// that the suite failed.
type testingT struct{ failed bool }

// Fail marks the run failed.
func (t *testingT) Fail() { t.failed = true }

// runSuite declares the catalogue against the endpoint of cfg and runs it
// with Ginkgo, as suites/endpoint does under go test, writing the report
// under cfg.reportDir. It may run once per process.
func runSuite(_ context.Context, cfg runConfig, getenv func(string) string, stdout, stderr io.Writer) int {
	if !cfg.junit {
		// WriteReportIn reads the switch from the environment.
		if err := os.Setenv(specs.JUnitEnv, "0"); err != nil {
			fmt.Fprintf(stderr, "vpconform: %v\n", err)
			return exitInternal
		}
	}
	opts := cfg.endpointOptions(getenv)
	var target specs.Target
	var reportErr error
	var summary strings.Builder
	BeforeSuite(func(ctx SpecContext) {
		var err error
		target, err = specs.EndpointTarget(ctx, opts)
		Expect(err).NotTo(HaveOccurred(), "the endpoint target")
		GinkgoWriter.Printf("endpoint %s, capabilities %v\n", target.RawEndpoint(), target.Capabilities)
	})
	specs.Register(func() specs.Target { return target })
	ReportAfterSuite("vpconform conformance report", func(r Report) {
		reportErr = specs.WriteReportIn(cfg.reportDir, r)
		for _, c := range specs.Conformances(r) {
			summary.WriteString(c.Text())
		}
	})

	RegisterFailHandler(Fail)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	suiteConfig.LabelFilter = cfg.labelFilter
	if cfg.focus != "" {
		suiteConfig.FocusStrings = []string{cfg.focus}
	}
	suiteConfig.Timeout = cfg.timeout
	reporterConfig.NoColor = !cfg.color
	reporterConfig.Succinct = !cfg.verbose
	reporterConfig.Verbose = cfg.verbose
	t := &testingT{}
	passed := RunSpecs(t, suiteDescription, suiteConfig, reporterConfig)
	switch {
	case errors.Is(reportErr, specs.ErrRunNotStarted):
		return exitFailed
	case reportErr != nil:
		fmt.Fprintf(stderr, "vpconform: %v\n", reportErr)
		return exitInternal
	case !passed || t.failed:
		// Ginkgo has listed the failures since the report was written:
		// the verdict again, as the last lines.
		fmt.Fprintf(stdout, "\n%svpconform: report in %s\n", summary.String(), cfg.reportDir)
		return exitFailed
	}
	return exitOK
}

// selection compiles the label filter and focus of cfg into the test of
// whether they select a scenario, as Ginkgo applies them to a run (every
// scenario also has the label "vpconform").
func (cfg runConfig) selection() (func(specs.Scenario) bool, error) {
	match, err := types.ParseLabelFilter(cfg.labelFilter)
	if err != nil {
		return nil, fmt.Errorf("-label-filter %q: %w", cfg.labelFilter, err)
	}
	focus, err := regexp.Compile(cfg.focus)
	if err != nil {
		return nil, fmt.Errorf("-focus %q: %w", cfg.focus, err)
	}
	return func(sc specs.Scenario) bool {
		return match(append([]string{"vpconform"}, sc.Labels()...)) && focus.MatchString(sc.ID+": "+sc.Description)
	}, nil
}

// listCatalogue prints the scenarios selected picks out: id, evidence, labels
// and description, one per line, tab-aligned, then how many.
func listCatalogue(w io.Writer, selected func(specs.Scenario) bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEVIDENCE\tLABELS\tDESCRIPTION")
	n := 0
	for _, sc := range specs.Catalogue() {
		if !selected(sc) {
			continue
		}
		n++
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.ID, sc.Evidence, strings.Join(sc.Labels(), ","), sc.Description)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print the catalogue: %w", err)
	}
	_, err := fmt.Fprintf(w, "%d of %d scenarios\n", n, len(specs.Catalogue()))
	return err
}
