package specs

import (
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

const (
	examplePolicyStoreID    = "PSEXAMPLEabcdefg111111"
	exampleIdentitySourceID = "ISEXAMPLEabcdefg111111"
)

// TestGeneratedNegativesBreakOneConstraintEach builds every generated
// request from the example ids and the default fixtures and checks (inside
// Build, with schemas.CheckBreaks) that it breaks exactly its constraint.
func TestGeneratedNegativesBreakOneConstraintEach(t *testing.T) {
	reg := schemas.Default()
	for _, op := range reg.Subjects() {
		gens, err := generatedNegatives(reg, op)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gens {
			if _, err := g.build(examplePolicyStoreID, exampleIdentitySourceID, DefaultFixtures()); err != nil {
				t.Errorf("%s: %v", g.scenarioID(), err)
			}
		}
	}
}

// TestGeneratedScenarioCounts logs how many scenarios were generated per
// operation and checks that every constraint the schema walk finds in the
// inputs of the registry's subjects has exactly one scenario in the
// catalogue.
func TestGeneratedScenarioCounts(t *testing.T) {
	byID := map[string]Scenario{}
	perOp := map[string]int{}
	for _, sc := range Catalogue() {
		byID[sc.ID] = sc
		if sc.Generated {
			perOp[sc.Operation]++
		}
	}
	total := 0
	for _, op := range schemas.Default().Subjects() {
		cs, err := schemas.Constraints(op, schemas.Input)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, c := range cs {
			g := generatedNegative{reg: schemas.Default(), operation: op, constraint: c}
			sc, ok := byID[g.scenarioID()]
			if !ok || !sc.Generated {
				t.Errorf("%s: constraint %s has no generated scenario %s", op, c, g.scenarioID())
			}
			seen[g.scenarioID()]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s: %d constraints map to the scenario id %s", op, n, id)
			}
		}
		if perOp[op] != len(cs) {
			t.Errorf("%s: %d generated scenarios for %d constraints", op, perOp[op], len(cs))
		}
		t.Logf("%s: %d generated negative scenarios (one per input constraint)", op, perOp[op])
		total += perOp[op]
	}
	t.Logf("generated: %d; catalogue: %d scenarios", total, len(byID))
}

// TestGeneratedBuildFailsLoudly shows that a request which does not break
// its constraint alone is refused: a generator bug cannot pass silently.
func TestGeneratedBuildFailsLoudly(t *testing.T) {
	for name, g := range map[string]generatedNegative{
		"implied keyword not declared": {reg: schemas.Default(), operation: opUpdate, fieldPath: "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn",
			constraint: schemas.Constraint{Pointer: "/updateConfiguration/cognitoUserPoolConfiguration/userPoolArn",
				Path: "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn", Keyword: "minLength", Value: int64(1)}},
		"field path elsewhere": {reg: schemas.Default(), operation: opGet, fieldPath: "policyStoreId",
			constraint: schemas.Constraint{Pointer: "/identitySourceId", Path: "identitySourceId", Keyword: "maxLength", Value: int64(200)}},
		"member no base has": {reg: schemas.Default(), operation: opGet, fieldPath: "nothing",
			constraint: schemas.Constraint{Pointer: "/nothing", Path: "nothing", Keyword: "pattern", Value: "^x$"}},
	} {
		if _, err := g.build(examplePolicyStoreID, exampleIdentitySourceID, DefaultFixtures()); err == nil {
			t.Errorf("%s: Build succeeded", name)
		}
	}
	bad := DefaultFixtures()
	bad.UserPoolArn = "not an arn"
	g := generatedNegative{reg: schemas.Default(), operation: opUpdate, fieldPath: "policyStoreId",
		constraint: schemas.Constraint{Pointer: "/policyStoreId", Path: "policyStoreId", Keyword: "pattern"}}
	if _, err := g.build(examplePolicyStoreID, exampleIdentitySourceID, bad); err == nil || !strings.Contains(err.Error(), "fixtures") {
		t.Errorf("Build with fixtures that break the schema: %v", err)
	}
}
