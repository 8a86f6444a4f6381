package specs

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// scenarioTimeout bounds one scenario, setup and cleanup polling included.
const scenarioTimeout = 2 * time.Minute

// Register declares the whole catalogue inside the caller's Ginkgo tree:
// one Describe per operation, one It per scenario, labelled with the
// scenario's Labels. Call it while the tree is constructed (at package level
// of a suite, or inside a container). target is called lazily, at the start
// of each spec, so a suite may start its server in BeforeSuite.
//
// Each spec builds a session, skips with a hint when the target lacks a
// needed capability, runs the scenario and then, whatever the scenario
// checked, fails if a recorded response breaks its output or error schema
// or a request breaks its input schema (requests a negative scenario sent
// deliberately invalid excepted, those must break it).
//
// With Target.Golden.RecordDir set, each scenario that passes is then
// recorded as a golden file; with Target.Golden.CompareDir set, each is
// compared with its golden file and fails on a difference (see
// GoldenSettings and package fixtures).
//
// It takes no scenario of the caller's: the catalogue is this package's
// (see the package documentation). It returns true, so that it can be
// called at package level as var _ = specs.Register(…).
func Register(target func() Target) bool {
	byOp := map[string][]Scenario{}
	var ops []string
	for _, sc := range Catalogue() {
		if _, ok := byOp[sc.Operation]; !ok {
			ops = append(ops, sc.Operation)
		}
		byOp[sc.Operation] = append(byOp[sc.Operation], sc)
	}
	Describe("vpconform identity-source API", Label("vpconform"), func() {
		for _, op := range ops {
			Describe(op, func() {
				for _, sc := range byOp[op] {
					registerScenario(target, sc)
				}
			})
		}
	})
	return true
}

// registerScenario declares the It of one scenario. Everything happens in
// the It itself, not in a BeforeEach, which would run before every spec of
// the enclosing container.
func registerScenario(target func() Target, sc Scenario) {
	It(sc.ID+": "+sc.Description, Label(sc.Labels()...), func(ctx SpecContext) {
		t := target()
		AddReportEntry(targetEntry, t.Name, ReportEntryVisibilityNever)
		if c, ok := sc.missing(t); ok {
			Skip(fmt.Sprintf("target %q lacks capability %q, which %s needs; %s", t.Name, c, sc.ID, c.hint(t.kind())))
		}
		s, err := newSession(t, sc)
		Expect(err).NotTo(HaveOccurred())
		// In compare mode, the golden file is loaded (or the spec skipped or
		// failed) before the scenario runs.
		ref := s.prepareGolden()
		// Registered first, so it runs after every other cleanup: the
		// deletions are recorded and compared too.
		DeferCleanup(func(ctx SpecContext) { s.finishGolden(ctx, ref) })
		// Registered next, so it runs after every cleanup the scenario
		// registers: the deletions are validated too.
		DeferCleanup(func() {
			checkRequests := sc.Kind == KindHappy || !CurrentSpecReport().Failed()
			if problems := s.exchangeProblems(checkRequests); len(problems) > 0 {
				texts := make([]string, len(problems))
				for i, p := range problems {
					texts[i] = p.text
				}
				failWith(problems[0].cause, fmt.Sprintf("schema violations in the recorded exchanges (%d): %s", len(problems), strings.Join(texts, "; ")))
			}
		})
		sc.run(ctx, s)
	}, SpecTimeout(scenarioTimeout))
}
