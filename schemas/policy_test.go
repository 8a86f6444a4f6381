package schemas_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// TestRecursiveAttributeValue: an AttributeValue's set and record hold
// AttributeValues to any depth, and each constraint holds at every depth
// (the constraint table covers the first level only, see walker).
func TestRecursiveAttributeValue(t *testing.T) {
	const base = "IsAuthorizedWithToken.input/identity-token"
	b := bases[base]
	// 60 levels: set → record → set → …, ending in a long. (The
	// validator's cost grows with the cube of the depth: 200 levels take a
	// second.)
	var deep any = map[string]any{"long": 7}
	for i := range 60 {
		if i%2 == 0 {
			deep = map[string]any{"set": []any{deep}}
		} else {
			deep = map[string]any{"record": map[string]any{"level": deep}}
		}
	}
	mustValidate(t, b.op, b.dir, apply(t, b.doc, set("context.contextMap.deep", deep)))

	for _, c := range []struct {
		name  string
		value any
		path  string // below context.contextMap.device
		kw    string
	}{
		{"pattern in a record in a set", raw(t, `{"set":[{"record":{"price":{"decimal":"1e3"}}}]}`), "set[0].record.price.decimal", "pattern"},
		{"union with no member in a set", raw(t, `{"set":[{"string":"a"},{}]}`), "set[1]", "oneOf"},
		{"union with two members in a record", raw(t, `{"record":{"a":{"string":"a","long":1}}}`), "record.a", "oneOf"},
		{"unknown member in a set in a set", raw(t, `{"set":[{"set":[{"string":"a","__entity":{"type":"A","id":"b"}}]}]}`), "set[0].set[0].__entity", "additionalProperties"},
		{"entity id too long in a record", raw(t, `{"record":{"owner":{"entityIdentifier":{"entityType":"MyCorp::User","entityId":"`+strings.Repeat("u", 613)+`"}}}}`),
			"record.owner.entityIdentifier.entityId", "maxLength"},
		{"wrong type in a record in a record", raw(t, `{"record":{"a":{"record":{"b":{"boolean":"yes"}}}}}`), "record.a.record.b.boolean", "type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := apply(t, b.doc, set("context.contextMap.device", c.value))
			want := "context.contextMap.device." + c.path
			vs := violations(t, b.op, b.dir, body)
			if len(vs) != 1 || vs[0].Path() != want || vs[0].Keyword != c.kw {
				t.Errorf("Validate: %s, want one %s at %q", describe(vs), c.kw, want)
			}
			got, omitted := boundedViolations(t, b.op, b.dir, body, 10)
			if !slices.Equal(keys(got), keys(vs)) || omitted != 0 {
				t.Errorf("ValidateBounded: %v (+%d), want what Validate found, %v", keys(got), omitted, keys(vs))
			}
		})
	}

	// CedarTagValue has AttributeValue's members and constraints.
	body := apply(t, b.doc, set("entities.entityList[0].tags.review", raw(t, `{"record":{"state":{"duration":"1y"}}}`)))
	vs := violations(t, b.op, b.dir, body)
	if want := "entities.entityList[0].tags.review.record.state.duration"; len(vs) != 1 || vs[0].Path() != want || vs[0].Keyword != "pattern" {
		t.Errorf("a bad duration in a tag's record: %s, want one pattern at %q", describe(vs), want)
	}
}

// TestPolicyAccepted lists documents of the policy and authorization
// operations that the model allows and a too-strict schema would reject.
func TestPolicyAccepted(t *testing.T) {
	for _, c := range []struct {
		name string
		base string
		muts []mutation
	}{
		{"UpdatePolicy without definition (botocore 2026: optional)", "UpdatePolicy.input/static", []mutation{del("definition")}},
		{"UpdatePolicy name \"\" removes the name", "UpdatePolicy.input/name-only", []mutation{set("name", "")}},
		{"a policy name in place of the policy id", "GetPolicy.input", []mutation{set("policyId", "name/example_policy")}},
		{"a policy id with _ and / (botocore 2026 pattern)", "DeletePolicy.input", []mutation{set("policyId", "a_b/c-d")}},
		{"CreatePolicy: only the required members", "CreatePolicy.input/static", []mutation{del("clientToken"), del("name"), del("definition.static.description")}},
		{"templateLinked without principal and resource", "CreatePolicy.input/template-linked", []mutation{
			del("definition.templateLinked.principal"), del("definition.templateLinked.resource")}},
		{"PolicyStatement has no maximum length (botocore 2026)", "CreatePolicy.input/static", []mutation{
			set("definition.static.statement", "permit (principal, action, resource) when { "+strings.Repeat(`context.a == "b" || `, 600)+"true };")}},
		{"ListPolicies maxResults has no maximum in the model", "ListPolicies.input/principal-identifier", []mutation{set("maxResults", 1000)}},
		{"an empty filter", "ListPolicies.input/principal-identifier", []mutation{set("filter", map[string]any{})}},
		{"unspecified false", "ListPolicies.input/principal-identifier", []mutation{set("filter.resource.unspecified", false)}},
		{"EntityId of 612 and ActionId of 512 (botocore 2026)", "IsAuthorizedWithToken.input/identity-token", []mutation{
			set("resource.entityId", strings.Repeat("é", 612)), set("action.actionId", strings.Repeat("é", 512))}},
		{"no token, action, resource, context or entities", "IsAuthorizedWithToken.input/identity-token", []mutation{
			del("identityToken"), del("action"), del("resource"), del("context"), del("entities")}},
		{"both tokens", "IsAuthorizedWithToken.input/identity-token", []mutation{set("accessToken", values.AccessToken)}},
		{"an empty contextMap, entityList, attributes, tags and parents", "IsAuthorizedWithToken.input/identity-token", []mutation{
			set("context.contextMap", map[string]any{}), set("entities.entityList[0].attributes", map[string]any{}),
			set("entities.entityList[0].tags", map[string]any{}), set("entities.entityList[0].parents", []any{}),
			set("entities.entityList[1]", raw(t, `{"identifier":{"entityType":"MyCorp::Album","entityId":"x"}}`))}},
		{"an empty entityList", "IsAuthorizedWithToken.input/identity-token", []mutation{set("entities.entityList", []any{})}},
		{"a context attribute named as a member of the union", "IsAuthorizedWithToken.input/identity-token", []mutation{
			set("context.contextMap.record", raw(t, `{"string":"a"}`))}},
		{"a long of 64 bits, the model's Long", "IsAuthorizedWithToken.input/identity-token", []mutation{
			set("context.contextMap.requestCount.long", json.Number("9223372036854775807"))}},
		{"a batch item with no member", "BatchIsAuthorizedWithToken.input/access-token", []mutation{set("requests[1]", map[string]any{})}},
		{"31 batch items (the documented 30 is not in the model)", "BatchIsAuthorizedWithToken.input/access-token", []mutation{
			set("requests", list(31, func(int) any { return map[string]any{} }))}},
		{"a Duration of one unit, a Decimal of 21 characters", "IsAuthorizedWithToken.input/identity-token", []mutation{
			set("context.contextMap.sessionAge.duration", "5ms"), set("context.contextMap.riskScore.decimal", "-123456789012345.1234")}},
		{"output: CreatePolicy without principal, resource, actions, effect", "CreatePolicy.output/static", []mutation{
			del("principal"), del("resource"), del("actions"), del("effect")}},
		{"output: a static ListPolicies item may be empty", "ListPolicies.output", []mutation{set("policies[0].definition.static", map[string]any{})}},
		{"output: no policies", "ListPolicies.output", []mutation{set("policies", []any{}), del("nextToken")}},
		{"output: no principal, nothing determining", "IsAuthorizedWithToken.output", []mutation{
			del("principal"), set("determiningPolicies", []any{}), set("errors", []any{})}},
		{"output: no results", "BatchIsAuthorizedWithToken.output", []mutation{del("principal"), set("results", []any{})}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, ok := bases[c.base]
			if !ok {
				t.Fatalf("no base %s", c.base)
			}
			mustValidate(t, b.op, b.dir, apply(t, b.doc, c.muts...))
		})
	}
}

// TestPolicyShapesDiffer: members one shape of a policy has and a sibling
// shape lacks, and unions refusing a member of another union.
func TestPolicyShapesDiffer(t *testing.T) {
	for _, c := range []struct {
		name, base string
		mut        mutation
		path, kw   string
	}{
		{"a ListPolicies item has no statement", "ListPolicies.output", set("policies[0].definition.static.statement", "permit (principal, action, resource);"),
			"policies[0].definition.static.statement", "additionalProperties"},
		{"a GetPolicy output has a statement", "GetPolicy.output/static", del("definition.static.statement"), "definition.static.statement", "required"},
		{"a GetPolicy output has a definition", "GetPolicy.output/static", del("definition"), "definition", "required"},
		{"CreatePolicy returns no definition", "CreatePolicy.output/static", set("definition", raw(t, `{"static":{"statement":"permit (principal, action, resource);"}}`)),
			"definition", "additionalProperties"},
		{"UpdatePolicy returns no name", "UpdatePolicy.output", set("name", "name/example_policy"), "name", "additionalProperties"},
		{"UpdatePolicy cannot update a template-linked definition", "UpdatePolicy.input/static",
			set("definition.templateLinked", raw(t, `{"policyTemplateId":"PTEXAMPLEabcdefg111111"}`)), "definition.templateLinked", "additionalProperties"},
		{"UpdatePolicy has no clientToken", "UpdatePolicy.input/static", set("clientToken", clientToken), "clientToken", "additionalProperties"},
		{"a batch item names no principal", "BatchIsAuthorizedWithToken.input/identity-token",
			set("requests[0].principal", raw(t, userEntity)), "requests[0].principal", "additionalProperties"},
		{"the token operation has no principal member", "IsAuthorizedWithToken.input/identity-token",
			set("principal", raw(t, userEntity)), "principal", "additionalProperties"},
		{"policyType is STATIC or TEMPLATE_LINKED", "GetPolicy.output/static", set("policyType", "Static"), "policyType", "enum"},
		{"effect is Permit or Forbid, mixed case", "GetPolicy.output/static", set("effect", "PERMIT"), "effect", "enum"},
		{"decision is ALLOW or DENY, upper case", "IsAuthorizedWithToken.output", set("decision", "Allow"), "decision", "enum"},
		{"determiningPolicies item is {policyId}", "IsAuthorizedWithToken.output", set("determiningPolicies[0].determiningPolicyId", "9wYxMpljbbZQb5fcZHyJhY"),
			"determiningPolicies[0].determiningPolicyId", "additionalProperties"},
		{"determiningPolicies items are unique (Smithy model)", "IsAuthorizedWithToken.output",
			set("determiningPolicies", raw(t, `[{"policyId":"p1"},{"policyId":"p1"}]`)), "determiningPolicies", "uniqueItems"},
		{"errors items are unique (Smithy model)", "BatchIsAuthorizedWithToken.output",
			set("results[1].errors", raw(t, `[{"errorDescription":"e"},{"errorDescription":"e"}]`)), "results[1].errors", "uniqueItems"},
		{"a batch result echoes its request", "BatchIsAuthorizedWithToken.output", del("results[0].request"), "results[0].request", "required"},
		{"a batch result always has errors", "BatchIsAuthorizedWithToken.output", del("results[0].errors"), "results[0].errors", "required"},
		{"output timestamps are RFC 3339", "ListPolicies.output", set("policies[0].createdDate", json.Number("1723486850")), "policies[0].createdDate", "type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, ok := bases[c.base]
			if !ok {
				t.Fatalf("no base %s", c.base)
			}
			vs := violations(t, b.op, b.dir, apply(t, b.doc, c.mut))
			if len(vs) != 1 || vs[0].Path() != c.path || vs[0].Keyword != c.kw {
				t.Errorf("%s, want one %s at %q", describe(vs), c.kw, c.path)
			}
		})
	}
}

// TestDefaultTokens: the default identity and access tokens are unsigned
// JWTs of the default user pool and app client, of the token_use their
// parameter needs, and satisfy the model's Token pattern.
func TestDefaultTokens(t *testing.T) {
	v := schemas.DefaultRequestValues()
	issuer := "https://cognito-idp.us-east-1.amazonaws.com/" + v.UserPoolArn[strings.LastIndexByte(v.UserPoolArn, '/')+1:]
	for _, c := range []struct {
		name, token, use, clientClaim string
	}{
		{"IdentityToken", v.IdentityToken, "id", "aud"},
		{"AccessToken", v.AccessToken, "access", "client_id"},
	} {
		segs := strings.Split(c.token, ".")
		if len(segs) != 3 {
			t.Errorf("%s has %d segments, want 3: %q", c.name, len(segs), c.token)
			continue
		}
		var parts [2]map[string]any
		for i := range parts {
			b, err := base64.RawURLEncoding.DecodeString(segs[i])
			if err == nil {
				err = json.Unmarshal(b, &parts[i])
			}
			if err != nil {
				t.Errorf("%s segment %d is not base64url JSON: %v", c.name, i, err)
			}
		}
		if _, err := base64.RawURLEncoding.DecodeString(segs[2]); err != nil || segs[2] == "" {
			t.Errorf("%s third segment %q is not base64url: %v", c.name, segs[2], err)
		}
		header, claims := parts[0], parts[1]
		if header["alg"] != "RS256" {
			t.Errorf("%s header %v, want alg RS256", c.name, header)
		}
		if claims["token_use"] != c.use || claims["iss"] != issuer || claims[c.clientClaim] != v.ClientID {
			t.Errorf("%s claims %v; want token_use %q, iss %q, %s %q", c.name, claims, c.use, issuer, c.clientClaim, v.ClientID)
		}
		body, _ := json.Marshal(map[string]any{"policyStoreId": v.PolicyStoreID, "identityToken": c.token})
		mustValidate(t, "IsAuthorizedWithToken", schemas.Input, body)
	}
}

// TestPolicyOperationFacts: what the registry says of the seven policy and
// authorization operations, as botocore 2026's service-2.json declares
// their errors, and the resource and id members the kit gives them.
func TestPolicyOperationFacts(t *testing.T) {
	common := []string{"AccessDeniedException", "InternalServerException", "ResourceNotFoundException", "ThrottlingException", "ValidationException"}
	with := func(extra ...string) []string {
		return slices.Sorted(slices.Values(append(slices.Clone(common), extra...)))
	}
	for _, c := range []struct {
		op        string
		errors    []string
		resource  string
		idMembers []string
	}{
		{"CreatePolicy", with("ConflictException", "ServiceQuotaExceededException"), "POLICY", []string{"policyStoreId"}},
		{"GetPolicy", with(), "POLICY", []string{"policyStoreId", "policyId"}},
		{"ListPolicies", with(), "POLICY", []string{"policyStoreId"}},
		{"UpdatePolicy", with("ConflictException", "ServiceQuotaExceededException"), "POLICY", []string{"policyStoreId", "policyId"}},
		{"DeletePolicy", with("ConflictException"), "POLICY", []string{"policyStoreId", "policyId"}},
		{"IsAuthorizedWithToken", with(), "POLICY_STORE", []string{"policyStoreId"}},
		{"BatchIsAuthorizedWithToken", with(), "POLICY_STORE", []string{"policyStoreId"}},
	} {
		f, ok := schemas.Facts(c.op)
		if !ok {
			t.Errorf("the registry does not serve %s", c.op)
			continue
		}
		got := fmt.Sprintf("errors %v, resource %s, id members %v, subject %v", f.Errors, f.Resource, f.IDMembers, f.Subject)
		want := fmt.Sprintf("errors %v, resource %s, id members %v, subject %v", c.errors, c.resource, c.idMembers, false)
		if got != want {
			t.Errorf("%s: %s\nwant %s", c.op, got, want)
		}
	}
}
