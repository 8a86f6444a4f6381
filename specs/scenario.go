package specs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vpconform/vpconform/schemas"
)

// Kind says what a scenario does to the target.
type Kind string

// Kinds of scenario.
const (
	// KindHappy scenarios send valid requests and expect success.
	KindHappy Kind = "happy"
	// KindNegative scenarios expect an error: an invalid request, an
	// unknown resource, credentials the target refuses.
	KindNegative Kind = "negative"
	// KindFault scenarios inject a fault into the target (InjectedFault)
	// and expect the client to see it.
	KindFault Kind = "fault"
)

// Evidence is what an expectation rests on, as a letter.
type Evidence string

// Evidence letters, from strongest to weakest.
const (
	// EvidenceModel is the API model (M).
	EvidenceModel Evidence = "M"
	// EvidenceDocs is the AWS documentation (D).
	EvidenceDocs Evidence = "D"
	// EvidenceObserved is behaviour observed on AWS by a third party (O).
	EvidenceObserved Evidence = "O"
	// EvidenceInferred is inference only (I); such expectations are
	// advisory.
	EvidenceInferred Evidence = "I"
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
	// Kind is KindHappy, KindNegative or KindFault.
	Kind Kind
	// Evidence is the weakest evidence behind the scenario's hard
	// expectations, those that fail it; EvidenceInferred when it has none
	// but advisory ones. Expectations resting on inference are always
	// advisory, and the description says so.
	Evidence Evidence
	// Needs lists the capabilities the target must have; without them the
	// scenario is skipped.
	Needs []Capability
	// Generated marks a scenario generated from a constraint of an input
	// schema; it is labelled "generated".
	Generated bool
	// run performs the scenario; it fails the spec through Gomega.
	run func(ctx context.Context, s *session)
}

// scenarioFunc is the body of a hand-written scenario: it runs in session s
// and refers to the target's fixtures f.
type scenarioFunc func(ctx context.Context, s *session, f Fixtures)

// scenario declares a hand-written scenario of the kind; its operation is
// the first segment of its id.
func scenario(kind Kind, id string, evidence Evidence, description string, run scenarioFunc) Scenario {
	op, _, _ := strings.Cut(id, "/")
	return Scenario{ID: id, Description: description, Operation: op, Kind: kind, Evidence: evidence,
		run: func(ctx context.Context, s *session) { run(ctx, s, s.fixtures()) }}
}

// happy declares a KindHappy scenario (see scenario).
func happy(id string, evidence Evidence, description string, run scenarioFunc) Scenario {
	return scenario(KindHappy, id, evidence, description, run)
}

// negative declares a KindNegative scenario (see scenario).
func negative(id string, evidence Evidence, description string, run scenarioFunc) Scenario {
	return scenario(KindNegative, id, evidence, description, run)
}

// Labels are the scenario's Ginkgo labels: op:<Operation>, kind:<Kind>,
// evidence:<Evidence>, needs:<capability> for each capability needed, and
// generated for a generated scenario.
func (sc Scenario) Labels() []string {
	l := []string{"op:" + sc.Operation, "kind:" + string(sc.Kind), "evidence:" + string(sc.Evidence)}
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
		if !t.has(c) {
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

// check reports what is wrong with the scenario's declaration: a malformed
// id, an id not starting with its operation, a description that is not one
// MUST-style sentence, an unknown kind or evidence letter, no run.
func (sc Scenario) check() error {
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
	case KindHappy, KindNegative, KindFault:
	default:
		problems = append(problems, fmt.Sprintf("kind %q is not happy, negative or fault", sc.Kind))
	}
	switch sc.Evidence {
	case EvidenceModel, EvidenceDocs, EvidenceObserved, EvidenceInferred:
	default:
		problems = append(problems, fmt.Sprintf("evidence %q is not M, D, O or I", sc.Evidence))
	}
	if sc.run == nil {
		problems = append(problems, "run is nil")
	}
	if len(problems) > 0 {
		return fmt.Errorf("specs: scenario %q: %s", sc.ID, strings.Join(problems, "; "))
	}
	return nil
}

// Catalogue returns every scenario, sorted by id: the order of the
// manifest, of Register's specs within each operation, and of the reports.
func Catalogue() []Scenario { return catalogue(schemas.Default()) }

// catalogue is the catalogue of the operations reg describes: the
// hand-written scenarios, then, for each operation reg marks as a subject,
// the generated negatives and the scenarios made from its facts (unknown
// resources, injected errors, signatures, retries).
func catalogue(reg *schemas.Registry) []Scenario {
	all := slices.Concat(
		// GetIdentitySource: catalogue_get*.go.
		getCognitoScenarios(), getOIDCScenarios(), getDateScenarios(), getErrorScenarios(),
		// UpdateIdentitySource: catalogue_update*.go.
		updateCognitoScenarios(), updateOIDCScenarios(), updateOutcomeScenarios(), updateValidationScenarios(),
		// The operations around them.
		createIdentitySourceScenarios(), listIdentitySourcesScenarios(), policyStoreScenarios(),
		// What identity sources are for: catalogue_tokens.go.
		tokenScenarios(),
		// Made from the registry and the schemas: generated.go,
		// catalogue_faults.go.
		generatedScenarios(reg), registryScenarios(reg),
	)
	sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}
