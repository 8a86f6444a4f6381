package fake

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"

	"github.com/vpconform/vpconform/schemas"
)

// TestModelOperations checks the generated list of the model's operations:
// sorted and without repeats, the same as the operations of the AWS SDK for
// Go v2 client (each a method taking a context and an <Op>Input), and
// holding every operation with a schema and every operation served.
func TestModelOperations(t *testing.T) {
	if !slices.IsSorted(modelOperations) || len(slices.Compact(slices.Clone(modelOperations))) != len(modelOperations) {
		t.Fatalf("modelOperations is not sorted or repeats a name: %v", modelOperations)
	}

	ctx := reflect.TypeFor[context.Context]()
	var sdk []string
	client := reflect.TypeFor[*verifiedpermissions.Client]()
	for i := range client.NumMethod() {
		m := client.Method(i)
		in := m.Type // receiver first
		if in.NumIn() == 4 && in.In(1) == ctx && in.In(2).Kind() == reflect.Pointer && in.In(2).Elem().Name() == m.Name+"Input" {
			sdk = append(sdk, m.Name)
		}
	}
	slices.Sort(sdk)
	if !slices.Equal(sdk, modelOperations) {
		t.Errorf("the SDK client's operations differ from modelOperations:\nSDK:   %v\nmodel: %v", sdk, modelOperations)
	}

	for _, op := range append(schemas.Operations(), servedOperations()...) {
		if !isModelOperation(op) {
			t.Errorf("%s has a schema or is served but is not in modelOperations", op)
		}
	}
	for _, name := range []string{"getidentitysource", "Bogus", "", "VerifiedPermissions.GetIdentitySource"} {
		if isModelOperation(name) {
			t.Errorf("isModelOperation(%q) = true", name)
		}
	}
}
