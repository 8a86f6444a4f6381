package specs

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Deviation is an advisory expectation (evidence I) a target did not meet.
type Deviation struct {
	// Target is the Target.Name of the target that deviated.
	Target string
	// ScenarioID is the id of the scenario that noticed it.
	ScenarioID string
	// Message states the expectation that was not met.
	Message string
}

// String renders the deviation on one line.
func (d Deviation) String() string {
	return fmt.Sprintf("%s: %s: %s", d.Target, d.ScenarioID, d.Message)
}

var deviations struct {
	sync.Mutex
	list []Deviation
}

// Deviations returns every deviation recorded so far in this process, in
// the order they were recorded, for a report after the suite.
func Deviations() []Deviation {
	deviations.Lock()
	defer deviations.Unlock()
	return append([]Deviation(nil), deviations.list...)
}

// Advisory is an expectation resting on inference only (evidence I). When
// ok is false the expectation, formatted from format and args, is recorded as
// a Deviation (a Ginkgo report entry "deviation", and Deviations); it fails
// the spec only when the target is strict (Target.Strict or
// VPCONFORM_STRICT=1). When the scenario is compared against a golden set
// recorded from AWS, the golden set decides instead: the unmet expectation
// is neither a deviation nor a failure, and the report notes that it was
// overridden.
func (s *Session) Advisory(ok bool, format string, args ...any) {
	GinkgoHelper()
	if ok {
		return
	}
	d := Deviation{Target: s.Target.Name, ScenarioID: s.Scenario.ID, Message: fmt.Sprintf(format, args...)}
	if s.goldenAuthority {
		// The scenario is compared against a golden set recorded from AWS,
		// which wins over an inference: the comparison decides.
		s.mu.Lock()
		s.overridden = append(s.overridden, d.Message)
		s.mu.Unlock()
		return
	}
	deviations.Lock()
	deviations.list = append(deviations.list, d)
	deviations.Unlock()
	AddReportEntry("deviation", d.String())
	if s.Target.IsStrict() {
		Expect(ok).To(BeTrue(), "advisory expectation not met (strict target): %s", d.Message)
	}
}
