package specs

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/schemas"
)

// throwawayOperation is an operation the tests add to a copy of the
// registry: specs has no call for it, and schemas no schema.
const throwawayOperation = "ThrowawayOperation"

// fatalT is what registryWith needs of a *testing.T or GinkgoT().
type fatalT interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// registryWith parses a copy of the embedded registry that edit changed.
func registryWith(t fatalT, edit func(doc map[string]any)) *schemas.Registry {
	t.Helper()
	b, err := schemas.RegistryDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decode the registry document: %v", err)
	}
	edit(doc)
	if b, err = json.Marshal(doc); err != nil {
		t.Fatalf("encode the changed registry: %v", err)
	}
	reg, err := schemas.ParseRegistry(b)
	if err != nil {
		t.Fatalf("parse the changed registry: %v", err)
	}
	return reg
}

// withThrowawayOperation adds throwawayOperation to the registry document:
// a subject acting on an identity source, declaring four errors.
func withThrowawayOperation(doc map[string]any) {
	doc["modelOperations"] = append(doc["modelOperations"].([]any), throwawayOperation)
	doc["operations"].(map[string]any)[throwawayOperation] = map[string]any{
		"subject":   true,
		"errors":    []any{validationException, resourceNotFoundException, serviceQuotaExceededException, throttlingException},
		"resource":  "IDENTITY_SOURCE",
		"idMembers": []any{"policyStoreId", "identitySourceId"},
		"requests":  []any{map[string]any{"policyStoreId": "{{policyStoreId}}", "identitySourceId": "{{identitySourceId}}"}},
	}
}

// scenarioIDs are the ids of the scenarios of op, sorted.
func scenarioIDs(scs []Scenario, op string) []string {
	var out []string
	for _, sc := range scs {
		if sc.Operation == op {
			out = append(out, sc.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestFaultScenariosFollowTheRegistry: an operation added to a copy of the
// registry, and nothing else, has its scenarios in the catalogue: one
// injected-error scenario per error the copy declares for it, the unknown
// resources it names, the signatures, the retry of the one retryable error
// it declares, and a generated one standing for its missing schema; specs,
// which has no call for it, says so, naming it and where to add the call.
// The other operations' scenarios do not change.
func TestFaultScenariosFollowTheRegistry(t *testing.T) {
	embedded := catalogue(schemas.Default())
	added := catalogue(registryWith(t, withThrowawayOperation))
	if got := scenarioIDs(embedded, throwawayOperation); len(got) != 0 {
		t.Fatalf("the embedded registry already yields scenarios of %s: %v", throwawayOperation, got)
	}
	got := scenarioIDs(added, throwawayOperation)
	want := []string{
		throwawayOperation + "/Auth/UnknownAccessKey", throwawayOperation + "/Auth/Unsigned", throwawayOperation + "/Auth/WrongSecret",
		throwawayOperation + "/Fault/" + resourceNotFoundException, throwawayOperation + "/Fault/" + serviceQuotaExceededException,
		throwawayOperation + "/Fault/" + throttlingException, throwawayOperation + "/Fault/" + validationException,
		throwawayOperation + "/Generated/(document)/walk",
		throwawayOperation + "/NotFound/UnknownIdentitySource", throwawayOperation + "/NotFound/UnknownPolicyStore",
		throwawayOperation + "/Retry/ThrottlingSurvived",
	}
	if !slices.Equal(got, want) {
		t.Errorf("scenarios of the added operation:\n got  %v\n want %v", got, want)
	}
	for _, op := range schemas.Default().Served() {
		if !slices.Equal(scenarioIDs(added, op), scenarioIDs(embedded, op)) {
			t.Errorf("adding %s changed the scenarios of %s", throwawayOperation, op)
		}
	}
	_, err := callOf(throwawayOperation)
	if err == nil || !strings.Contains(err.Error(), throwawayOperation) || !strings.Contains(err.Error(), "opCalls in specs/catalogue_faults.go") {
		t.Errorf("callOf(%s): expected an error naming it and opCalls in specs/catalogue_faults.go, got %v", throwawayOperation, err)
	}
	for _, op := range schemas.Default().Subjects() {
		if _, err := callOf(op); err != nil {
			t.Errorf("a subject of the embedded registry has no call: %v", err)
		}
	}
}

// TestGeneratedNegativesFollowTheRegistry: the generated negatives are
// those of the registry's subjects. A copy without UpdateIdentitySource has
// none of its negatives and the same others, so the negatives an operation
// brings (which need its schema too) are the difference.
func TestGeneratedNegativesFollowTheRegistry(t *testing.T) {
	reg := schemas.Default()
	without := registryWith(t, func(doc map[string]any) { delete(doc["operations"].(map[string]any), opUpdate) })
	embedded, less := generatedScenarios(reg), generatedScenarios(without)
	if got := scenarioIDs(less, opUpdate); len(got) != 0 {
		t.Errorf("a registry without %s yields its negatives: %v", opUpdate, got)
	}
	cs, err := schemas.Constraints(opUpdate, schemas.Input)
	if err != nil {
		t.Fatal(err)
	}
	if got := scenarioIDs(embedded, opUpdate); len(got) != len(cs) {
		t.Errorf("the embedded registry yields %d negatives of %s, want one per constraint, %d", len(got), opUpdate, len(cs))
	}
	if !slices.Equal(scenarioIDs(less, opGet), scenarioIDs(embedded, opGet)) {
		t.Errorf("removing %s changed the negatives of %s", opUpdate, opGet)
	}
	if len(embedded) != len(less)+len(cs) {
		t.Errorf("the embedded registry yields %d negatives, the copy without %s %d: want the difference to be its %d", len(embedded), opUpdate, len(less), len(cs))
	}
}

// A fault scenario of an operation specs has no call for fails at once,
// naming the operation and where to add its call, before it sends anything.
var _ = Describe("a fault scenario of an operation without a call", func() {
	It("fails naming the operation, sending nothing", func(ctx SpecContext) {
		var sent atomic.Int32
		target := wrongTarget(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			sent.Add(1)
			w.WriteHeader(http.StatusTeapot)
		}))
		target.Capabilities = capabilities()
		reg := registryWith(GinkgoT(), withThrowawayOperation)
		scs := registryScenarios(reg)
		Expect(scenarioIDs(scs, throwawayOperation)).NotTo(BeEmpty())
		for _, sc := range scs {
			if sc.Operation != throwawayOperation {
				continue
			}
			Expect(runScenario(ctx, target, sc)).To(And(ContainSubstring(throwawayOperation), ContainSubstring("opCalls in specs/catalogue_faults.go")), sc.ID)
		}
		Expect(sent.Load()).To(BeZero(), "requests sent")
	})
})
