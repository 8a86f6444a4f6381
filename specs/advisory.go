package specs

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// deviation is an advisory expectation (evidence I) a target did not meet.
type deviation struct {
	// Target is the Target.Name of the target that deviated.
	Target string
	// ScenarioID is the id of the scenario that noticed it.
	ScenarioID string
	// Message states the expectation that was not met.
	Message string
}

// String renders the deviation on one line.
func (d deviation) String() string {
	return fmt.Sprintf("%s: %s: %s", d.Target, d.ScenarioID, d.Message)
}

// advisory is an expectation resting on inference only (evidence I). When
// ok is false the expectation, formatted from format and args, is recorded
// as a deviation (a Ginkgo report entry "deviation", which the report
// lists); it fails the spec only when the target is strict (Target.Strict).
// When the scenario is compared against a golden set recorded from AWS, the
// golden set decides instead: the unmet expectation is neither a deviation
// nor a failure, and the report notes that it was overridden.
func (s *session) advisory(ok bool, format string, args ...any) {
	GinkgoHelper()
	if ok {
		return
	}
	d := deviation{Target: s.target.Name, ScenarioID: s.scenario.ID, Message: fmt.Sprintf(format, args...)}
	if s.goldenAuthority {
		// The scenario is compared against a golden set recorded from AWS,
		// which wins over an inference: the comparison decides.
		s.mu.Lock()
		s.overridden = append(s.overridden, d.Message)
		s.mu.Unlock()
		return
	}
	AddReportEntry("deviation", d.String())
	if s.target.Strict {
		Expect(ok).To(BeTrue(), "advisory expectation not met (strict target): %s", d.Message)
	}
}
