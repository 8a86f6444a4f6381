package specs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// StepSummaryEnv names the file GitHub Actions shows as a job's summary;
// when it is set, WriteReport appends the failures by cause and the counts
// per operation of each target to it.
const StepSummaryEnv = "GITHUB_STEP_SUMMARY"

// ErrRunNotStarted is wrapped by the error WriteReport and WriteReportIn
// return when the run could not start: a BeforeSuite failed (such as
// EndpointTargetFromEnv not reaching VPCONFORM_ENDPOINT) or no scenario of
// the catalogue ran. No report is written then, so that no earlier report
// passes for this run's.
var ErrRunNotStarted = errors.New("the run could not start")

// notStarted says why the run of a suite report could not start, or ""
// when it started: a BeforeSuite failed, or no scenario reached a target
// nor ran.
func notStarted(report types.Report) string {
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType.Is(types.NodeTypeBeforeSuite|types.NodeTypeSynchronizedBeforeSuite) && sr.State.Is(types.SpecStateFailureStates) {
			line := specFailureLine(sr)
			if line == "" {
				line = sr.State.String()
			}
			return fmt.Sprintf("%s failed: %s", sr.LeafNodeType, line)
		}
	}
	scenarios := 0
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt || !hasLabel(sr, "vpconform") {
			continue
		}
		scenarios++
		if entryValue(sr, targetEntry) != "" || !sr.State.Is(types.SpecStateSkipped|types.SpecStatePending) {
			return ""
		}
	}
	reason := "no scenario ran"
	if scenarios == 0 {
		reason += " (the suite holds none: does it call specs.Register?)"
	} else {
		reason += fmt.Sprintf(" (all %d were filtered out or skipped before reaching the target)", scenarios)
	}
	if len(report.SpecialSuiteFailureReasons) > 0 {
		reason += ": " + strings.Join(report.SpecialSuiteFailureReasons, "; ")
	}
	return reason
}

// removeSuiteReports removes, under dir, the report files of every report
// of the suite: each <dir>/*/conformance.json whose "suite" is suite, and
// the other reportFiles beside it. It returns the paths removed.
func removeSuiteReports(dir, suite string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*", "conformance.json"))
	if err != nil {
		return nil, fmt.Errorf("specs: look for earlier reports: %w", err)
	}
	var removed []string
	var errs []error
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			errs = append(errs, fmt.Errorf("specs: read the earlier report %s: %w", m, err))
			continue
		}
		var earlier struct {
			Suite string `json:"suite"`
		}
		if json.Unmarshal(b, &earlier) != nil || earlier.Suite != suite {
			continue
		}
		for _, f := range reportFiles {
			p := filepath.Join(filepath.Dir(m), f)
			switch err := os.Remove(p); {
			case err == nil:
				removed = append(removed, p)
			case !errors.Is(err, os.ErrNotExist):
				errs = append(errs, fmt.Errorf("specs: remove the earlier report %s: %w", p, err))
			}
		}
	}
	return removed, errors.Join(errs...)
}

// writeJUnit writes to path Ginkgo's JUnit report of the suite report
// narrowed to the specs srs (one target's scenarios), through a temporary
// file renamed into place.
func writeJUnit(path string, report types.Report, srs []types.SpecReport) error {
	narrowed := report
	narrowed.SpecReports = append(types.SpecReports(nil), srs...)
	return replaceAtomically(path, func(tmp *os.File) error {
		_ = tmp.Close() // Ginkgo writes the file by its name
		return reporters.GenerateJUnitReport(narrowed, tmp.Name())
	})
}

// appendStepSummary appends markdown to the file $GITHUB_STEP_SUMMARY
// names, if it names one.
func appendStepSummary(markdown string) error {
	path := os.Getenv(StepSummaryEnv)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("specs: append to %s=%s: %w", StepSummaryEnv, path, err)
	}
	_, werr := f.WriteString(markdown)
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("specs: append to %s=%s: %w", StepSummaryEnv, path, err)
	}
	return nil
}
