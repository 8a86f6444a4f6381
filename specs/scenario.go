package specs

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kinds of scenario.
const (
	// Happy scenarios send valid requests and expect success.
	Happy = "happy"
	// Negative scenarios expect an error: an invalid request, an unknown
	// resource.
	Negative = "negative"
	// Fault scenarios inject a fault into the target and expect the client
	// to see it.
	Fault = "fault"
)

// Evidence letters: what an expectation rests on.
const (
	// EvidenceModel is the API model (M).
	EvidenceModel = "M"
	// EvidenceDocs is the AWS documentation (D).
	EvidenceDocs = "D"
	// EvidenceObserved is behaviour observed on AWS by a third party (O).
	EvidenceObserved = "O"
	// EvidenceInferred is inference only (I); such expectations are
	// advisory.
	EvidenceInferred = "I"
)

// Scenario is one conformance case, as data.
type Scenario struct {
	// ID is stable and unique: the operation, then path segments in
	// UpperCamelCase, such as "GetIdentitySource/NotFound/UnknownPolicyStore".
	ID string
	// Description is one MUST-style sentence saying what a conforming
	// target does.
	Description string
	// Operation is the operation under test.
	Operation string
	// Kind is Happy, Negative or Fault.
	Kind string
	// Evidence is the weakest evidence (M, D, O, I, from strongest to
	// weakest) behind the scenario's hard expectations, those that fail it;
	// I when it has none but advisory ones. Expectations resting on I are
	// always advisory (Session.Advisory), and the description says so.
	Evidence string
	// Needs lists the capabilities the target must have; without them the
	// scenario is skipped.
	Needs []Capability
	// Generated marks a scenario generated from a schema constraint (see
	// GeneratedNegatives); it is labelled "generated".
	Generated bool
	// Run performs the scenario; it fails the spec through Gomega.
	Run func(ctx context.Context, s *Session)
}

// Labels are the scenario's Ginkgo labels: op:<Operation>, kind:<Kind>,
// evidence:<Evidence>, needs:<capability> for each capability needed, and
// generated for a generated scenario.
func (sc Scenario) Labels() []string {
	l := []string{"op:" + sc.Operation, "kind:" + sc.Kind, "evidence:" + sc.Evidence}
	for _, c := range sc.Needs {
		l = append(l, "needs:"+string(c))
	}
	if sc.Generated {
		l = append(l, "generated")
	}
	return l
}

// missing returns the first capability sc needs that t lacks, if any.
func (sc Scenario) missing(t Target) (Capability, bool) {
	for _, c := range sc.Needs {
		if !t.Has(c) {
			return c, true
		}
	}
	return "", false
}

var (
	idPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*(/[A-Z][A-Za-z0-9]*)+$`)
	// generatedIDPattern is the id of a generated scenario:
	// Operation/Generated/<member path or (document)>/<keyword>.
	generatedIDPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*/Generated/(\(document\)|[A-Za-z0-9]+(\[0\])?(\.[A-Za-z0-9*{}]+(\[0\])?)*)/[a-z][A-Za-z]*(-[a-z]+)?$`)
)

// Check reports what is wrong with the scenario's declaration: a malformed
// id, an id not starting with its operation, an empty description, an
// unknown kind or evidence letter, no Run.
func (sc Scenario) Check() error {
	var problems []string
	switch {
	case sc.Generated && !generatedIDPattern.MatchString(sc.ID):
		problems = append(problems, "generated id is not Operation/Generated/<member path>/<keyword>")
	case !sc.Generated && !idPattern.MatchString(sc.ID):
		problems = append(problems, "id is not Operation/UpperCamel/… segments")
	}
	if sc.Operation == "" || !strings.HasPrefix(sc.ID, sc.Operation+"/") {
		problems = append(problems, fmt.Sprintf("id does not start with its operation %q", sc.Operation))
	}
	if !strings.Contains(sc.Description, "MUST") || strings.ContainsAny(sc.Description, "\t\n") {
		problems = append(problems, "description is not one MUST-style sentence")
	}
	switch sc.Kind {
	case Happy, Negative, Fault:
	default:
		problems = append(problems, fmt.Sprintf("kind %q is not happy, negative or fault", sc.Kind))
	}
	switch sc.Evidence {
	case EvidenceModel, EvidenceDocs, EvidenceObserved, EvidenceInferred:
	default:
		problems = append(problems, fmt.Sprintf("evidence %q is not M, D, O or I", sc.Evidence))
	}
	if sc.Run == nil {
		problems = append(problems, "Run is nil")
	}
	if len(problems) > 0 {
		return fmt.Errorf("specs: scenario %q: %s", sc.ID, strings.Join(problems, "; "))
	}
	return nil
}

// Catalogue returns every scenario, sorted by id.
func Catalogue() []Scenario {
	var all []Scenario
	all = append(all, getIdentitySourceScenarios()...)
	all = append(all, updateIdentitySourceScenarios()...)
	all = append(all, createIdentitySourceScenarios()...)
	all = append(all, listIdentitySourcesScenarios()...)
	all = append(all, policyStoreScenarios()...)
	all = append(all, generatedScenarios()...)
	all = append(all, faultScenarios(opGet)...)
	all = append(all, faultScenarios(opUpdate)...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}
