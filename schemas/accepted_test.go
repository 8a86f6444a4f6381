package schemas_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// TestAccepted lists documents the model allows that a too-strict schema
// would reject: empty lists where the minimum is 0, optional members left
// out, bounds the model does not set. Each must validate.
func TestAccepted(t *testing.T) {
	for _, c := range []struct {
		name string
		base string
		muts []mutation
	}{
		{"clientIds may be empty (min 0)", "UpdateIdentitySource.input/cognito", []mutation{set("updateConfiguration.cognitoUserPoolConfiguration.clientIds", []any{})}},
		{"clientIds may be left out in input", "UpdateIdentitySource.input/cognito", []mutation{del("updateConfiguration.cognitoUserPoolConfiguration.clientIds")}},
		{"groupConfiguration is optional", "UpdateIdentitySource.input/cognito", []mutation{del("updateConfiguration.cognitoUserPoolConfiguration.groupConfiguration")}},
		{"principalEntityType is optional in Update input", "UpdateIdentitySource.input/cognito", []mutation{del("principalEntityType")}},
		{"policy-store alias", "UpdateIdentitySource.input/cognito", []mutation{set("policyStoreId", "policy-store-alias/example_policy_store")}},
		{"OIDC optional members left out", "UpdateIdentitySource.input/oidc-access", []mutation{
			del("updateConfiguration.openIdConnectConfiguration.entityIdPrefix"),
			del("updateConfiguration.openIdConnectConfiguration.groupConfiguration"),
			set("updateConfiguration.openIdConnectConfiguration.tokenSelection.accessTokenOnly", map[string]any{}),
		}},
		{"Claim has no maximum length", "UpdateIdentitySource.input/oidc-access", []mutation{
			set("updateConfiguration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.principalIdClaim", strings.Repeat("claim", 2000)),
		}},
		{"identityTokenOnly clientIds may be empty", "UpdateIdentitySource.input/oidc-identity", []mutation{
			set("updateConfiguration.openIdConnectConfiguration.tokenSelection.identityTokenOnly.clientIds", []any{}),
		}},
		{"a 1-rune principalEntityType", "UpdateIdentitySource.input/cognito", []mutation{set("principalEntityType", "é")}},
		{"clientToken is optional", "CreateIdentitySource.input/cognito", []mutation{del("clientToken"), del("principalEntityType")}},
		{"output: no details, no configuration", "GetIdentitySource.output/cognito", []mutation{del("details"), del("configuration")}},
		{"output: empty details", "GetIdentitySource.output/cognito", []mutation{set("details", map[string]any{})}},
		{"output: groupEntityType is optional", "GetIdentitySource.output/cognito", []mutation{set("configuration.cognitoUserPoolConfiguration.groupConfiguration", map[string]any{})}},
		{"output: clientIds may be empty", "GetIdentitySource.output/cognito", []mutation{set("configuration.cognitoUserPoolConfiguration.clientIds", []any{})}},
		{"output: timestamps with offset and no fraction", "GetIdentitySource.output/oidc-access", []mutation{set("createdDate", "2023-05-19T20:30:28+00:00"), set("lastUpdatedDate", "2023-05-19T20:30:28Z")}},
		{"maxResults has no maximum in the model", "ListIdentitySources.input", []mutation{set("maxResults", 1000)}},
		{"filters may be empty", "ListIdentitySources.input", []mutation{set("filters", []any{})}},
		{"a filter may be empty", "ListIdentitySources.input", []mutation{set("filters", []any{map[string]any{}})}},
		{"only policyStoreId", "ListIdentitySources.input", []mutation{del("nextToken"), del("maxResults"), del("filters")}},
		{"description may be empty, tags too", "CreatePolicyStore.input/kms", []mutation{set("description", ""), set("tags", map[string]any{})}},
		{"encryptionContext may be empty", "CreatePolicyStore.input/kms", []mutation{set("encryptionSettings.kmsEncryptionSettings.encryptionContext", map[string]any{})}},
		{"GetPolicyStore tags is optional", "GetPolicyStore.input", []mutation{del("tags")}},
		{"maxResults as 10.0 is an integer", "ListIdentitySources.input", []mutation{set("maxResults", json.Number("10.0"))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := bases[c.base]
			mustValidate(t, b.op, b.dir, apply(t, b.doc, c.muts...))
		})
	}
}

// TestInputAndOutputDiffer: members that are optional in one direction and
// required or forbidden in the other.
func TestInputAndOutputDiffer(t *testing.T) {
	// principalEntityType is optional in the Create/Update inputs and
	// required in the GetIdentitySource output.
	vs := violations(t, "GetIdentitySource", schemas.Output, apply(t, bases["GetIdentitySource.output/oidc-identity"].doc, del("principalEntityType")))
	if len(vs) != 1 || vs[0].Path() != "principalEntityType" || vs[0].Keyword != "required" {
		t.Errorf("output without principalEntityType: %s", describe(vs))
	}
	// Cognito clientIds and issuer are required in output only.
	for _, m := range []string{"clientIds", "issuer"} {
		p := "configuration.cognitoUserPoolConfiguration." + m
		vs := violations(t, "GetIdentitySource", schemas.Output, apply(t, bases["GetIdentitySource.output/cognito"].doc, del(p)))
		if len(vs) != 1 || vs[0].Path() != p || vs[0].Keyword != "required" {
			t.Errorf("output without %s: %s", m, describe(vs))
		}
	}
	// The Update output echoes no configuration.
	vs = violations(t, "UpdateIdentitySource", schemas.Output, apply(t, bases["UpdateIdentitySource.output"].doc,
		set("configuration", raw(t, `{"cognitoUserPoolConfiguration":`+cognitoOut+`}`))))
	if len(vs) != 1 || vs[0].Path() != "configuration" || vs[0].Keyword != "additionalProperties" {
		t.Errorf("Update output with configuration: %s", describe(vs))
	}
	// UpdateIdentitySource has no clientToken.
	vs = violations(t, "UpdateIdentitySource", schemas.Input, apply(t, bases["UpdateIdentitySource.input/cognito"].doc, set("clientToken", clientToken)))
	if len(vs) != 1 || vs[0].Path() != "clientToken" || vs[0].Keyword != "additionalProperties" {
		t.Errorf("Update input with clientToken: %s", describe(vs))
	}
}
