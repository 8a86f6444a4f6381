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
	for _, op := range GeneratedOperations {
		gens, err := GeneratedNegatives(op)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gens {
			if _, err := g.Build(examplePolicyStoreID, exampleIdentitySourceID, DefaultFixtures()); err != nil {
				t.Errorf("%s: %v", g.ScenarioID(), err)
			}
		}
	}
}

// TestGeneratedScenarioCounts logs how many scenarios were generated per
// operation and checks that every constraint the schema walk finds in the
// inputs of GeneratedOperations has exactly one scenario in the catalogue.
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
	for _, op := range GeneratedOperations {
		cs, err := schemas.Constraints(op, schemas.Input)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, c := range cs {
			g := GeneratedNegative{Operation: op, Constraint: c}
			sc, ok := byID[g.ScenarioID()]
			if !ok || !sc.Generated {
				t.Errorf("%s: constraint %s has no generated scenario %s", op, c, g.ScenarioID())
			}
			seen[g.ScenarioID()]++
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
	for name, g := range map[string]GeneratedNegative{
		"implied keyword not declared": {Operation: opUpdate, FieldPath: "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn",
			Constraint: schemas.Constraint{Pointer: "/updateConfiguration/cognitoUserPoolConfiguration/userPoolArn",
				Path: "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn", Keyword: "minLength", Value: int64(1)}},
		"field path elsewhere": {Operation: opGet, FieldPath: "policyStoreId",
			Constraint: schemas.Constraint{Pointer: "/identitySourceId", Path: "identitySourceId", Keyword: "maxLength", Value: int64(200)}},
		"member no base has": {Operation: opGet, FieldPath: "nothing",
			Constraint: schemas.Constraint{Pointer: "/nothing", Path: "nothing", Keyword: "pattern", Value: "^x$"}},
	} {
		if _, err := g.Build(examplePolicyStoreID, exampleIdentitySourceID, DefaultFixtures()); err == nil {
			t.Errorf("%s: Build succeeded", name)
		}
	}
	bad := DefaultFixtures()
	bad.UserPoolArn = "not an arn"
	g := GeneratedNegative{Operation: opUpdate, FieldPath: "policyStoreId",
		Constraint: schemas.Constraint{Pointer: "/policyStoreId", Path: "policyStoreId", Keyword: "pattern"}}
	if _, err := g.Build(examplePolicyStoreID, exampleIdentitySourceID, bad); err == nil || !strings.Contains(err.Error(), "fixtures") {
		t.Errorf("Build with fixtures that break the schema: %v", err)
	}
}
