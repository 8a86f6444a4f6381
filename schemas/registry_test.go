package schemas_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/schemas"
)

// The registry describes exactly the operations that have schemas: a schema
// pair without a registry entry, or an entry without schemas, fails here.
func TestRegistryOperationsAreTheSchemaOperations(t *testing.T) {
	if diff := cmp.Diff(schemas.Operations(), schemas.Default().Served()); diff != "" {
		t.Errorf("operations with input schemas (-) against registry operations (+):\n%s", diff)
	}
	for _, op := range schemas.Default().Served() {
		for _, dir := range []schemas.Direction{schemas.Input, schemas.Output} {
			if !schemas.Has(op, dir) {
				t.Errorf("registry operation %s has no %s schema %s", op, dir, schemas.FileName(op, dir))
			}
		}
	}
}

// Every error shape of the registry has a schema, and every error schema a
// registry entry with a status.
func TestRegistryErrorsAreTheErrorSchemas(t *testing.T) {
	if diff := cmp.Diff(schemas.ErrorShapes(), schemas.Default().ErrorShapes()); diff != "" {
		t.Errorf("error schemas (-) against registry errors (+):\n%s", diff)
	}
	for _, shape := range schemas.Default().ErrorShapes() {
		e, _ := schemas.Error(shape)
		if e.Status < 400 || e.Status > 599 {
			t.Errorf("%s: status %d, want a 4xx or 5xx", shape, e.Status)
		}
		// A server error is 5xx; everything else the model or protocol
		// blames on the caller.
		if server := strings.Contains(shape, "InternalServer") || shape == "NotImplementedException"; server != (e.Status >= 500) {
			t.Errorf("%s: status %d, want 5xx only for a server error", shape, e.Status)
		}
	}
	if got, ok := schemas.ErrorStatus("ValidationException"); !ok || got != 400 {
		t.Errorf(`ErrorStatus("ValidationException") = %d, %v; want 400, true`, got, ok)
	}
	if got, ok := schemas.ErrorStatus("NoSuchShape"); ok {
		t.Errorf(`ErrorStatus("NoSuchShape") = %d, true; want false`, got)
	}
}

// Each operation's declared errors are modelled shapes, include the errors
// every Verified Permissions operation declares, and each resource is a
// value of the model's ResourceType enum.
func TestRegistryOperationFacts(t *testing.T) {
	common := []string{"AccessDeniedException", "InternalServerException", "ThrottlingException", "ValidationException"}
	for _, op := range schemas.Default().Served() {
		f, ok := schemas.Facts(op)
		if !ok || f.Name != op {
			t.Fatalf("Facts(%q) = %+v, %v; want the operation's facts", op, f, ok)
		}
		for _, c := range common {
			if !f.Declares(c) {
				t.Errorf("%s declares %v, missing %s", op, f.Errors, c)
			}
		}
		if !slices.IsSorted(f.Errors) {
			t.Errorf("%s: errors %v are not sorted", op, f.Errors)
		}
		if err := schemas.ValidateError("ConflictException", resourceProbe(f.Resource)); err != nil {
			// The probe puts the resource in a place typed ResourceType.
			t.Errorf("%s: resource %q is not a value of the model's ResourceType: %v", op, f.Resource, err)
		}
		for _, m := range f.IDMembers {
			if !strings.HasSuffix(m, "Id") {
				t.Errorf("%s: id member %q does not name an id", op, m)
			}
		}
	}
	if got := schemas.Default().Subjects(); !cmp.Equal(got, []string{"GetIdentitySource", "UpdateIdentitySource"}) {
		t.Errorf("Subjects() = %v; want the two documented operations, GetIdentitySource and UpdateIdentitySource", got)
	}
	if _, ok := schemas.Facts("NoSuchOperation"); ok {
		t.Error(`Facts("NoSuchOperation") found an operation`)
	}
	if got := schemas.Default().IDMembers(); !cmp.Equal(got, map[string]string{
		"policyStoreId": "POLICY_STORE", "identitySourceId": "IDENTITY_SOURCE", "policyId": "POLICY",
	}) {
		t.Errorf("IDMembers() = %v; want policyStoreId→POLICY_STORE, identitySourceId→IDENTITY_SOURCE, policyId→POLICY", got)
	}
}

// resourceProbe is a ConflictException body naming resource: the error
// schema types resourceType as the model's ResourceType.
func resourceProbe(resource string) []byte {
	b, _ := json.Marshal(map[string]any{"message": "m", "resources": []any{
		map[string]any{"resourceId": "x", "resourceType": resource}}})
	return b
}

// Every valid request of the registry conforms to its operation's input
// schema, with the default values and with others, and no placeholder is left.
func TestRegistryRequestsConform(t *testing.T) {
	other := schemas.DefaultRequestValues()
	other.PolicyStoreID, other.IdentitySourceID = "PSEXAMPLEabcdefg111111", "ISEXAMPLEabcdefg222222"
	other.PolicyID = "name/example_policy"
	other.IdentityToken, other.AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln", "a.b.c"
	for _, op := range schemas.Default().Served() {
		for _, v := range []schemas.RequestValues{schemas.DefaultRequestValues(), other} {
			reqs, err := schemas.Requests(op, v)
			if err != nil {
				t.Fatalf("Requests(%s): %v", op, err)
			}
			for i, r := range reqs {
				body, err := json.Marshal(r)
				if err != nil {
					t.Fatalf("%s request %d: %v", op, i, err)
				}
				if strings.Contains(string(body), "{{") {
					t.Errorf("%s request %d keeps a placeholder: %s", op, i, body)
				}
				if err := schemas.Validate(op, schemas.Input, body); err != nil {
					t.Errorf("%s request %d does not conform: %v\n%s", op, i, err, body)
				}
				f, _ := schemas.Facts(op)
				for _, m := range f.IDMembers {
					if _, ok := r[m]; !ok {
						t.Errorf("%s request %d has no id member %s: %s", op, i, m, body)
					}
				}
			}
		}
	}
	if _, err := schemas.Requests("NoSuchOperation", schemas.DefaultRequestValues()); err == nil {
		t.Error(`Requests("NoSuchOperation") returned no error`)
	}
}

// Requests returns fresh documents: changing one does not change the next.
func TestRegistryRequestsAreFresh(t *testing.T) {
	a, _ := schemas.Requests("GetIdentitySource", schemas.DefaultRequestValues())
	a[0]["policyStoreId"] = "changed"
	b, _ := schemas.Requests("GetIdentitySource", schemas.DefaultRequestValues())
	if b[0]["policyStoreId"] == "changed" {
		t.Error("a change to one Requests result showed in the next")
	}
}

// The model operations include every served one and the API's well-known
// others; an unserved list exists for tests that want an operation the
// fake does not serve.
func TestRegistryModelOperations(t *testing.T) {
	r := schemas.Default()
	for _, op := range r.Served() {
		if !r.IsModelOperation(op) {
			t.Errorf("served %s is not a model operation", op)
		}
	}
	for _, op := range []string{"IsAuthorizedWithToken", "CreatePolicy", "PutSchema"} {
		if !schemas.IsModelOperation(op) {
			t.Errorf("IsModelOperation(%q) = false", op)
		}
	}
	if schemas.IsModelOperation("getIdentitySource") {
		t.Error("IsModelOperation is not case-sensitive")
	}
	if len(r.Unserved()) == 0 || len(r.Unserved())+len(r.Served()) != len(schemas.ModelOperations()) {
		t.Errorf("Unserved %v and Served %v do not partition the %d model operations", r.Unserved(), r.Served(), len(schemas.ModelOperations()))
	}
}

// ParseRegistry refuses a registry that contradicts itself, with a message
// naming what is wrong.
func TestParseRegistryRefuses(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"not JSON", `{`, "parse registry"},
		{"unknown member", `{"surprise":1}`, `unknown object member name "surprise"`},
		{"member named in another case", `{"Source":"x"}`, `unknown object member name "Source"`},
		{"member twice", `{"source":"a","source":"b"}`, `duplicate object member name "source"`},
		{"more after the document", `{} {}`, "parse registry"},
		{"bad status", `{"errors":{"X":{"status":200}}}`, "status 200"},
		{"operation not in the model", `{"operations":{"Op":{"requests":[{}]}}}`, "not in modelOperations"},
		{"undeclared error", `{"modelOperations":["Op"],"operations":{"Op":{"errors":["Nope"],"requests":[{}]}}}`, "Nope"},
		{"no request", `{"modelOperations":["Op"],"operations":{"Op":{}}}`, "no valid request"},
		{"id member without a type", `{"modelOperations":["Op"],"operations":{"Op":{"idMembers":["fooId"],"requests":[{}]}}}`, "fooId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := schemas.ParseRegistry([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseRegistry(%s) = %v; want an error containing %q", c.doc, err, c.want)
			}
		})
	}
}

// A copy of the registry with one more operation serves it through every
// accessor, which is what lets the layers above pick it up with no edit of
// their own.
func TestRegistryCopyWithAnExtraOperation(t *testing.T) {
	if slices.Contains(schemas.Default().Served(), "GetPolicyTemplate") || schemas.Default().IDMembers()["policyTemplateId"] != "" {
		t.Fatal("the embedded registry already serves GetPolicyTemplate: this test needs an operation it does not serve")
	}
	r := extendedRegistry(t)
	f, ok := r.Facts("GetPolicyTemplate")
	if !ok || !f.Declares("ResourceNotFoundException") || f.Resource != "POLICY_TEMPLATE" {
		t.Fatalf("Facts(GetPolicyTemplate) = %+v, %v; want the added operation", f, ok)
	}
	if !slices.Contains(r.Served(), "GetPolicyTemplate") || slices.Contains(r.Unserved(), "GetPolicyTemplate") {
		t.Errorf("Served %v / Unserved %v: GetPolicyTemplate should be served", r.Served(), r.Unserved())
	}
	reqs, err := r.Requests("GetPolicyTemplate", schemas.DefaultRequestValues())
	if err != nil || len(reqs) != 1 || reqs[0]["policyStoreId"] != schemas.DefaultRequestValues().PolicyStoreID {
		t.Errorf("Requests(GetPolicyTemplate) = %v, %v; want one request with the policy store id filled", reqs, err)
	}
	if got := r.IDMembers()["policyTemplateId"]; got != "POLICY_TEMPLATE" {
		t.Errorf("IDMembers()[policyTemplateId] = %q; want POLICY_TEMPLATE", got)
	}
	if got := r.IDMembers()["policyId"]; got != "POLICY" {
		t.Errorf("IDMembers()[policyId] = %q; want the embedded POLICY kept", got)
	}
}

// extendedRegistry is the embedded registry plus GetPolicyTemplate, as a
// test of a layer above builds it.
func extendedRegistry(t *testing.T) *schemas.Registry {
	t.Helper()
	r, err := schemas.Extend([]byte(`{
		"idMembers": {"policyTemplateId": "POLICY_TEMPLATE"},
		"operations": {"GetPolicyTemplate": {
			"errors": ["AccessDeniedException", "InternalServerException", "ResourceNotFoundException", "ThrottlingException", "ValidationException"],
			"resource": "POLICY_TEMPLATE",
			"idMembers": ["policyStoreId", "policyTemplateId"],
			"requests": [{"policyStoreId": "{{policyStoreId}}", "policyTemplateId": "PTEXAMPLEabcdefg111111"}]
		}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Extend refuses a patch that is not a registry fragment, or that makes the
// registry contradict itself.
func TestExtendRefuses(t *testing.T) {
	for _, c := range []struct{ patch, want string }{
		{`[`, "registry patch"},
		{`{"operations": 1}`, "operations"},
		{`{"operations": {"NotAModelOperation": {"requests": [{}]}}}`, "not in modelOperations"},
	} {
		if _, err := schemas.Extend([]byte(c.patch)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Extend(%s) = %v; want an error containing %q", c.patch, err, c.want)
		}
	}
	r, err := schemas.Extend([]byte(`{"modelOperations": ["Brand"], "operations": {"Brand": {"resource": "POLICY", "requests": [{}]}}}`))
	if err != nil || !r.IsModelOperation("Brand") || !r.IsModelOperation("GetIdentitySource") {
		t.Errorf("Extend with a new model operation = %v; want Brand added beside the model's", err)
	}
}
