package fake_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"
)

func TestListIdentitySources(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)

		empty, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: &store})
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.IdentitySources) != 0 || empty.NextToken != nil {
			t.Errorf("empty store: %+v", empty)
		}
		r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`"}`)
		if diff := cmp.Diff(map[string]any{"identitySources": []any{}}, r.Body); diff != "" {
			t.Errorf("empty list body (-want +got):\n%s", diff)
		}

		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, clientID))
		r = h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`","maxResults":1000}`)
		items, _ := r.Body["identitySources"].([]any)
		if len(items) != 1 {
			t.Fatalf("list: %s", r.Raw)
		}
		if diff := cmp.Diff(h.mustGetRaw(t, store, id), items[0]); diff != "" {
			t.Errorf("list item differs from GetIdentitySource (-get +list):\n%s", diff)
		}
		if _, ok := r.Body["nextToken"]; ok {
			t.Errorf("nextToken on the last page: %s", r.Raw)
		}

		filter := func(p string) int {
			out, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{
				PolicyStoreId: &store,
				Filters:       []types.IdentitySourceFilter{{PrincipalEntityType: aws.String(p)}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return len(out.IdentitySources)
		}
		if n := filter("AWS::Cognito"); n != 1 {
			t.Errorf("filter matching the source: %d items", n)
		}
		if n := filter("MyCorp::User"); n != 0 {
			t.Errorf("filter not matching the source: %d items", n)
		}

		out, err := h.vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: &store})
		if err != nil {
			t.Fatal(err)
		}
		c, ok := out.IdentitySources[0].Configuration.(*types.ConfigurationItemMemberCognitoUserPoolConfiguration)
		if !ok || aws.ToString(c.Value.Issuer) != userPoolIssuer || out.IdentitySources[0].Details == nil {
			t.Errorf("item through the SDK: %#v", out.IdentitySources[0])
		}
	})
}

func TestListIdentitySourcesBadNextToken(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		for _, tok := range []string{"bm90LWEtdG9rZW4=", "%%%", "djF8" + "b3RoZXJ8MXx4"} {
			r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"`+store+`","nextToken":"`+tok+`"}`)
			if r.Status != http.StatusBadRequest || r.Type() != "ValidationException" {
				t.Errorf("nextToken %q: HTTP %d %s", tok, r.Status, r.Raw)
				continue
			}
			if diff := cmp.Diff([]string{"nextToken"}, r.FieldPaths()); diff != "" {
				t.Errorf("nextToken %q fieldList (-want +got):\n%s", tok, diff)
			}
		}
	})
}
