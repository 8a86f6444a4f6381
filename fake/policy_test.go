package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
)

const (
	alicePolicy = `permit(principal == MyCorp::User::"alice", action in [MyCorp::Action::"read", MyCorp::Action::"list"], resource in MyCorp::Folder::"f1") when { context.mfa };`
	openPolicy  = `forbid(principal, action, resource);`
)

func staticDefinition(statement, description string) *types.PolicyDefinitionMemberStatic {
	def := &types.PolicyDefinitionMemberStatic{Value: types.StaticPolicyDefinition{Statement: aws.String(statement)}}
	if description != "" {
		def.Value.Description = aws.String(description)
	}
	return def
}

// mustCreatePolicy creates a static policy and returns its id.
func (h *harness) mustCreatePolicy(t testing.TB, store, statement string) string {
	t.Helper()
	out, err := h.vp.CreatePolicy(context.Background(), &verifiedpermissions.CreatePolicyInput{
		PolicyStoreId: aws.String(store), Definition: staticDefinition(statement, ""),
	})
	if err != nil {
		t.Fatalf("CreatePolicy %q: %v", statement, err)
	}
	return aws.ToString(out.PolicyId)
}

// TestPolicyRoundTrip creates, reads, lists, updates and deletes a policy
// through the SDK, and checks the members of each answer on the wire.
func TestPolicyRoundTrip(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		r := h.raw(t, "CreatePolicy", mustJSON(t, map[string]any{
			"policyStoreId": store, "name": "name/alice-reads",
			"definition": map[string]any{"static": map[string]any{"statement": alicePolicy, "description": "alice reads f1"}},
		}))
		if r.Status != http.StatusOK {
			t.Fatalf("CreatePolicy: HTTP %d %s", r.Status, r.Raw)
		}
		id, _ := r.Body["policyId"].(string)
		scope := map[string]any{
			"principal": map[string]any{"entityType": "MyCorp::User", "entityId": "alice"},
			"resource":  map[string]any{"entityType": "MyCorp::Folder", "entityId": "f1"},
			"actions": []any{
				map[string]any{"actionType": "MyCorp::Action", "actionId": "read"},
				map[string]any{"actionType": "MyCorp::Action", "actionId": "list"},
			},
			"effect": "Permit",
		}
		created := map[string]any{
			"policyStoreId": store, "policyId": id, "policyType": "STATIC",
			"createdDate": "2024-08-12T18:20:50.99Z", "lastUpdatedDate": "2024-08-12T18:20:50.99Z",
		}
		for k, v := range scope {
			created[k] = v
		}
		if diff := cmp.Diff(created, r.Body); diff != "" {
			t.Errorf("CreatePolicy output, no definition and no name (-want +got):\n%s", diff)
		}

		got, err := h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetPolicy: %v", err)
		}
		def, ok := got.Definition.(*types.PolicyDefinitionDetailMemberStatic)
		if !ok || aws.ToString(def.Value.Statement) != alicePolicy || aws.ToString(def.Value.Description) != "alice reads f1" ||
			aws.ToString(got.Name) != "name/alice-reads" || got.Effect != types.PolicyEffectPermit ||
			aws.ToString(got.Principal.EntityId) != "alice" || len(got.Actions) != 2 {
			t.Errorf("GetPolicy: %+v definition %+v", got, got.Definition)
		}
		byName, err := h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String("name/alice-reads")})
		if err != nil || aws.ToString(byName.PolicyId) != id {
			t.Errorf("GetPolicy by name: %v, %v", byName, err)
		}

		r = h.raw(t, "ListPolicies", `{"policyStoreId":"`+store+`"}`)
		items, _ := r.Body["policies"].([]any)
		if r.Status != http.StatusOK || len(items) != 1 {
			t.Fatalf("ListPolicies: HTTP %d %s", r.Status, r.Raw)
		}
		item := items[0].(map[string]any)
		if diff := cmp.Diff(map[string]any{"static": map[string]any{"description": "alice reads f1"}}, item["definition"]); diff != "" {
			t.Errorf("ListPolicies item definition, no statement (-want +got):\n%s", diff)
		}
		if item["name"] != "name/alice-reads" || item["effect"] != "Permit" {
			t.Errorf("ListPolicies item %v", item)
		}

		h.clock.Advance(time.Minute)
		r = h.raw(t, "UpdatePolicy", `{"policyStoreId":"`+store+`","policyId":"name/alice-reads","name":"name/alice"}`)
		if r.Status != http.StatusOK {
			t.Fatalf("name-only UpdatePolicy: HTTP %d %s", r.Status, r.Raw)
		}
		created["lastUpdatedDate"] = "2024-08-12T18:21:50.99Z"
		if diff := cmp.Diff(created, r.Body); diff != "" {
			t.Errorf("UpdatePolicy output, no definition and no name (-want +got):\n%s", diff)
		}
		upd, err := h.vp.UpdatePolicy(ctx, &verifiedpermissions.UpdatePolicyInput{
			PolicyStoreId: aws.String(store), PolicyId: aws.String(id),
			Definition: &types.UpdatePolicyDefinitionMemberStatic{Value: types.UpdateStaticPolicyDefinition{
				Statement: aws.String(`permit(principal == MyCorp::User::"alice", action, resource in MyCorp::Folder::"f1");`),
			}},
		})
		if err != nil || upd.Actions != nil || !upd.LastUpdatedDate.After(*upd.CreatedDate) {
			t.Fatalf("UpdatePolicy to any action: %+v, %v", upd, err)
		}
		got, err = h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String("name/alice")})
		if err != nil {
			t.Fatal(err)
		}
		if def := got.Definition.(*types.PolicyDefinitionDetailMemberStatic); def.Value.Description != nil || got.Actions != nil {
			t.Errorf("after the update: description %v and actions %v, want neither", def.Value.Description, got.Actions)
		}

		r = h.raw(t, "DeletePolicy", `{"policyStoreId":"`+store+`","policyId":"`+id+`"}`)
		if r.Status != http.StatusOK || string(r.Raw) != "{}" {
			t.Errorf("DeletePolicy: HTTP %d %s, want 200 {}", r.Status, r.Raw)
		}
		_, err = h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String(id)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypePolicy || aws.ToString(nf.ResourceId) != id {
			t.Errorf("GetPolicy after DeletePolicy: %v, want ResourceNotFoundException POLICY %s", err, id)
		}
	})
}

// wantPolicyCount fails unless ListPolicies of store answers n policies;
// when says at which point of the test.
func (h *harness) wantPolicyCount(t testing.TB, store string, n int, when string) {
	t.Helper()
	list, err := h.vp.ListPolicies(context.Background(), &verifiedpermissions.ListPoliciesInput{PolicyStoreId: aws.String(store)})
	if err != nil || len(list.Policies) != n {
		t.Errorf("ListPolicies %s: %+v, %v; want %d policies", when, list, err, n)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPolicyErrors checks the errors of the policy operations on the
// wire: type, status, and the fieldList path or the resource named.
func TestPolicyErrors(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreatePolicy(t, store, alicePolicy)
		named := h.raw(t, "CreatePolicy", mustJSON(t, map[string]any{"policyStoreId": store, "name": "name/taken",
			"definition": map[string]any{"static": map[string]any{"statement": openPolicy}}}))
		namedID, _ := named.Body["policyId"].(string)
		create := func(statement string) string {
			return mustJSON(t, map[string]any{"policyStoreId": store, "definition": map[string]any{"static": map[string]any{"statement": statement}}})
		}
		update := func(statement string) string {
			return mustJSON(t, map[string]any{"policyStoreId": store, "policyId": id, "definition": map[string]any{"static": map[string]any{"statement": statement}}})
		}
		for _, tc := range []struct {
			name, op, body string
			status         int
			errType        string
			field          string // the fieldList path of a ValidationException
			resource       string // the resourceType, then resourceId, of another error
		}{
			{"invalid Cedar", "CreatePolicy", create(`permit(principal, action, resource`), 400, "ValidationException", "definition.static.statement", ""},
			{"two policies", "CreatePolicy", create(alicePolicy + openPolicy), 400, "ValidationException", "definition.static.statement", ""},
			{"template slot", "CreatePolicy", create(`permit(principal == ?principal, action, resource);`), 400, "ValidationException", "definition.static.statement", ""},
			{"over 10,000 bytes", "CreatePolicy", create(`permit(principal, action, resource) when { context.s == "` + strings.Repeat("x", 10000) + `" };`),
				400, "ValidationException", "definition.static.statement", ""},
			{"invalid Cedar on update", "UpdatePolicy", update(`permit(`), 400, "ValidationException", "definition.static.statement", ""},
			{"effect changed", "UpdatePolicy", update(strings.Replace(alicePolicy, "permit", "forbid", 1)), 400, "ValidationException", "definition.static.statement", ""},
			{"principal changed", "UpdatePolicy", update(strings.Replace(alicePolicy, `"alice"`, `"bob"`, 1)), 400, "ValidationException", "definition.static.statement", ""},
			{"resource changed", "UpdatePolicy", update(strings.Replace(alicePolicy, `"f1"`, `"f2"`, 1)), 400, "ValidationException", "definition.static.statement", ""},
			{"name without name/", "CreatePolicy", `{"policyStoreId":"` + store + `","name":"alice","definition":{"static":{"statement":"` + openPolicy + `"}}}`,
				400, "ValidationException", "name", ""},
			{"rename without name/", "UpdatePolicy", `{"policyStoreId":"` + store + `","policyId":"` + id + `","name":"x"}`, 400, "ValidationException", "name", ""},
			{"name taken", "CreatePolicy", `{"policyStoreId":"` + store + `","name":"name/taken","definition":{"static":{"statement":"` + openPolicy + `"}}}`,
				409, "ConflictException", "", "POLICY " + namedID},
			{"rename to a name taken", "UpdatePolicy", `{"policyStoreId":"` + store + `","policyId":"` + id + `","name":"name/taken"}`,
				409, "ConflictException", "", "POLICY " + namedID},
			{"template-linked", "CreatePolicy", `{"policyStoreId":"` + store + `","definition":{"templateLinked":{"policyTemplateId":"PTEXAMPLEabcdefg111111"}}}`,
				404, "ResourceNotFoundException", "", "POLICY_TEMPLATE PTEXAMPLEabcdefg111111"},
			{"create in a missing store", "CreatePolicy", `{"policyStoreId":"` + unknownStoreID + `","definition":{"static":{"statement":"` + openPolicy + `"}}}`,
				404, "ResourceNotFoundException", "", "POLICY_STORE " + unknownStoreID},
			{"get a missing policy", "GetPolicy", `{"policyStoreId":"` + store + `","policyId":"SPEXAMPLEabcdefg111111"}`,
				404, "ResourceNotFoundException", "", "POLICY SPEXAMPLEabcdefg111111"},
			{"get a missing name", "GetPolicy", `{"policyStoreId":"` + store + `","policyId":"name/nobody"}`,
				404, "ResourceNotFoundException", "", "POLICY name/nobody"},
			{"get in a missing store", "GetPolicy", `{"policyStoreId":"` + unknownStoreID + `","policyId":"` + id + `"}`,
				404, "ResourceNotFoundException", "", "POLICY_STORE " + unknownStoreID},
			{"update a missing policy", "UpdatePolicy", `{"policyStoreId":"` + store + `","policyId":"SPEXAMPLEabcdefg111111"}`,
				404, "ResourceNotFoundException", "", "POLICY SPEXAMPLEabcdefg111111"},
			{"delete in a missing store", "DeletePolicy", `{"policyStoreId":"` + unknownStoreID + `","policyId":"` + id + `"}`,
				404, "ResourceNotFoundException", "", "POLICY_STORE " + unknownStoreID},
			{"list a missing store", "ListPolicies", `{"policyStoreId":"` + unknownStoreID + `"}`,
				404, "ResourceNotFoundException", "", "POLICY_STORE " + unknownStoreID},
			{"list with a foreign nextToken", "ListPolicies", `{"policyStoreId":"` + store + `","nextToken":"djF8eHx4fHg="}`,
				400, "ValidationException", "nextToken", ""},
			{"delete a missing policy", "DeletePolicy", `{"policyStoreId":"` + store + `","policyId":"SPEXAMPLEabcdefg111111"}`, 200, "", "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := h.raw(t, tc.op, tc.body)
				if r.Status != tc.status || r.Type() != tc.errType {
					t.Fatalf("%s: HTTP %d %s, want %d %s", tc.op, r.Status, r.Raw, tc.status, tc.errType)
				}
				if tc.field != "" {
					if diff := cmp.Diff([]string{tc.field}, r.FieldPaths()); diff != "" {
						t.Errorf("fieldList paths (-want +got):\n%s", diff)
					}
				}
				if tc.resource != "" {
					var got string
					if res, ok := r.Body["resources"].([]any); ok && len(res) == 1 {
						m := res[0].(map[string]any)
						got = fmt.Sprintf("%v %v", m["resourceType"], m["resourceId"])
					} else {
						got = fmt.Sprintf("%v %v", r.Body["resourceType"], r.Body["resourceId"])
					}
					if got != tc.resource {
						t.Errorf("resource %q, want %q", got, tc.resource)
					}
				}
			})
		}
		// Nothing above changed the policies.
		h.wantPolicyCount(t, store, 2, "after the refusals")
	})
}

// TestCreatePolicyClientToken: the same clientToken with the same input
// answers the first policy; with other input, a ConflictException naming
// it.
func TestCreatePolicyClientToken(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		in := func(statement string) *verifiedpermissions.CreatePolicyInput {
			return &verifiedpermissions.CreatePolicyInput{PolicyStoreId: aws.String(store), ClientToken: aws.String("policy-token-1"),
				Definition: staticDefinition(statement, "")}
		}
		first, err := h.vp.CreatePolicy(ctx, in(alicePolicy))
		if err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Hour)
		again, err := h.vp.CreatePolicy(ctx, in(alicePolicy))
		if err != nil || aws.ToString(again.PolicyId) != aws.ToString(first.PolicyId) || !again.CreatedDate.Equal(*first.CreatedDate) {
			t.Errorf("replay: %+v, %v; want policy %s", again, err, aws.ToString(first.PolicyId))
		}
		_, err = h.vp.CreatePolicy(ctx, in(openPolicy))
		var ce *types.ConflictException
		if !errors.As(err, &ce) || len(ce.Resources) != 1 || aws.ToString(ce.Resources[0].ResourceId) != aws.ToString(first.PolicyId) ||
			ce.Resources[0].ResourceType != types.ResourceTypePolicy {
			t.Errorf("same token, other input: %v, want a ConflictException naming policy %s", err, aws.ToString(first.PolicyId))
		}
		h.wantPolicyCount(t, store, 1, "after the replay")
	})
}

// TestListPoliciesThroughSDK pages with the SDK's paginator and filters.
func TestListPoliciesThroughSDK(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		var all, alice []string
		for i := range 12 {
			stmt := openPolicy
			if i%4 == 0 {
				stmt = alicePolicy
			}
			id := h.mustCreatePolicy(t, store, stmt)
			all = append(all, id)
			if i%4 == 0 {
				alice = append(alice, id)
			}
			h.clock.Advance(time.Second)
		}
		page := func(filter *types.PolicyFilter, max int32) (ids []string, pages int) {
			t.Helper()
			p := verifiedpermissions.NewListPoliciesPaginator(h.vp, &verifiedpermissions.ListPoliciesInput{
				PolicyStoreId: aws.String(store), Filter: filter, MaxResults: aws.Int32(max),
			})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatalf("ListPolicies: %v", err)
				}
				pages++
				for _, it := range out.Policies {
					ids = append(ids, aws.ToString(it.PolicyId))
					if _, ok := it.Definition.(*types.PolicyDefinitionItemMemberStatic); !ok {
						t.Errorf("item %s definition %T", aws.ToString(it.PolicyId), it.Definition)
					}
				}
			}
			return ids, pages
		}
		ids, pages := page(nil, 5)
		if diff := cmp.Diff(all, ids); diff != "" || pages != 3 {
			t.Errorf("%d pages of 5; ids in creation order (-want +got):\n%s", pages, diff)
		}
		ids, _ = page(&types.PolicyFilter{Principal: &types.EntityReferenceMemberIdentifier{Value: types.EntityIdentifier{
			EntityType: aws.String("MyCorp::User"), EntityId: aws.String("alice"),
		}}}, 2)
		if diff := cmp.Diff(alice, ids); diff != "" {
			t.Errorf("principal filter (-want +got):\n%s", diff)
		}
		ids, _ = page(&types.PolicyFilter{Resource: &types.EntityReferenceMemberUnspecified{Value: true}, PolicyType: types.PolicyTypeStatic}, 50)
		if len(ids) != len(all)-len(alice) {
			t.Errorf("resource unspecified: %d policies, want %d", len(ids), len(all)-len(alice))
		}
	})
}

// TestDeletePolicyStoreDeletesItsPolicies: a policy store's policies go
// with it, and their ids are not found again in a new store.
func TestDeletePolicyStoreDeletesItsPolicies(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		id := h.mustCreatePolicy(t, store, alicePolicy)
		if _, err := h.vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(store)}); err != nil {
			t.Fatal(err)
		}
		_, err := h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String(id)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ResourceType != types.ResourceTypePolicyStore {
			t.Errorf("GetPolicy in the deleted store: %v, want ResourceNotFoundException POLICY_STORE", err)
		}
		if st := h.srv.State(); len(st.PolicyStores) != 0 {
			t.Errorf("state after the deletion: %+v", st)
		}
		if u := h.srv.Usage(); u.StateBytes != 0 {
			t.Errorf("usage after the deletion: %+v, want no bytes", u)
		}
	})
}

// TestPolicyStateBytesLimit: a CreatePolicy that would take the state over
// WithMaxStateBytes is a ServiceQuotaExceededException with the fake's own
// quota code, and deleting a policy makes room.
func TestPolicyStateBytesLimit(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		stmt := `permit(principal, action, resource) when { context.s == "` + strings.Repeat("x", 8000) + `" };`
		var ids []string
		var err error
		for range 100 {
			var out *verifiedpermissions.CreatePolicyOutput
			if out, err = h.vp.CreatePolicy(ctx, &verifiedpermissions.CreatePolicyInput{
				PolicyStoreId: aws.String(store), Definition: staticDefinition(stmt, ""),
			}); err != nil {
				break
			}
			ids = append(ids, aws.ToString(out.PolicyId))
		}
		var q *types.ServiceQuotaExceededException
		if !errors.As(err, &q) || aws.ToString(q.QuotaCode) != "L-VPFAKE-STATE-BYTES" || q.ResourceType != types.ResourceTypePolicy {
			t.Fatalf("CreatePolicy over the limit: %v, want ServiceQuotaExceededException for POLICY", err)
		}
		if len(ids) == 0 || h.srv.Usage().StateBytes > 128<<10 {
			t.Fatalf("%d policies created; usage %+v", len(ids), h.srv.Usage())
		}
		if _, err := h.vp.DeletePolicy(ctx, &verifiedpermissions.DeletePolicyInput{PolicyStoreId: aws.String(store), PolicyId: aws.String(ids[0])}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.vp.CreatePolicy(ctx, &verifiedpermissions.CreatePolicyInput{
			PolicyStoreId: aws.String(store), Definition: staticDefinition(stmt, ""),
		}); err != nil {
			t.Errorf("CreatePolicy after a deletion made room: %v", err)
		}
	}, fake.WithMaxStateBytes(128<<10))
}

// TestPoliciesUnderPropagationDelay: policies are read in their latest
// state at once, while the policy store's existence follows the delay.
func TestPoliciesUnderPropagationDelay(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		in := &verifiedpermissions.CreatePolicyInput{PolicyStoreId: aws.String(store), Definition: staticDefinition(alicePolicy, "")}
		if _, err := h.vp.CreatePolicy(ctx, in); errorCode(err) != "ResourceNotFoundException" {
			t.Fatalf("CreatePolicy in a store created within the delay: %v, want ResourceNotFoundException", err)
		}
		h.clock.Advance(propagation)
		out, err := h.vp.CreatePolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.vp.GetPolicy(ctx, &verifiedpermissions.GetPolicyInput{PolicyStoreId: aws.String(store), PolicyId: out.PolicyId})
		if err != nil || aws.ToString(got.PolicyId) != aws.ToString(out.PolicyId) {
			t.Errorf("GetPolicy at once: %v, %v", got, err)
		}
		if _, err := h.vp.DeletePolicy(ctx, &verifiedpermissions.DeletePolicyInput{PolicyStoreId: aws.String(store), PolicyId: out.PolicyId}); err != nil {
			t.Fatal(err)
		}
		h.wantPolicyCount(t, store, 0, "at once after DeletePolicy")
	}, fake.WithPropagationDelay(propagation))
}
