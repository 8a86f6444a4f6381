package schemas_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// Realistic values: those of the registry's requests, and output values
// shaped like the model's own examples.
var (
	values           = schemas.DefaultRequestValues()
	policyStoreID    = values.PolicyStoreID
	identitySourceID = values.IdentitySourceID
	clientToken      = values.ClientToken
	userPoolArn      = values.UserPoolArn
	cognitoClientID  = values.ClientID
)

const (
	cognitoIssuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5"
	createdDate     = "2023-05-19T20:30:28.173926Z"
	lastUpdatedDate = "2023-05-22T20:45:59.962216Z"
)

// Union member values, as sent in a request (Configuration /
// UpdateConfiguration) and as returned (ConfigurationDetail).
var (
	cognitoIn = `{"userPoolArn":"` + userPoolArn + `","clientIds":["` + cognitoClientID + `"],` +
		`"groupConfiguration":{"groupEntityType":"MyCorp::Group"}}`
	cognitoOut = `{"userPoolArn":"` + userPoolArn + `","clientIds":["` + cognitoClientID + `"],` +
		`"issuer":"` + cognitoIssuer + `","groupConfiguration":{"groupEntityType":"MyCorp::Group"}}`
	oidcAccess = `{"issuer":"https://auth.example.com","entityIdPrefix":"MyOIDCProvider",` +
		`"groupConfiguration":{"groupClaim":"groups","groupEntityType":"MyCorp::UserGroup"},` +
		`"tokenSelection":{"accessTokenOnly":{"principalIdClaim":"sub",` +
		`"audiences":["https://myapp.example.com","https://myapp2.example.com"]}}}`
	oidcIdentity = `{"issuer":"https://auth.example.com","entityIdPrefix":"MyOIDCProvider",` +
		`"groupConfiguration":{"groupClaim":"groups","groupEntityType":"MyCorp::UserGroup"},` +
		`"tokenSelection":{"identityTokenOnly":{"principalIdClaim":"email",` +
		`"clientIds":["1example23456789","2example10111213"]}}}`
	details = `{"clientIds":["` + cognitoClientID + `"],"userPoolArn":"` + userPoolArn + `",` +
		`"discoveryUrl":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5/.well-known/openid-configuration",` +
		`"openIdIssuer":"COGNITO"}`
)

// base is a valid document of one operation and direction; table rows
// mutate it.
type base struct {
	op  string
	dir schemas.Direction
	doc string
}

func ids() string {
	return fmt.Sprintf(`"policyStoreId":%q,"identitySourceId":%q`, policyStoreID, identitySourceID)
}

func getOutput(extra string) string {
	return fmt.Sprintf(`{"createdDate":%q,"lastUpdatedDate":%q,%s,"principalEntityType":"MyCorp::User",%s}`,
		createdDate, lastUpdatedDate, ids(), extra)
}

// bases holds every base document by name: the registry's valid requests
// (named by inputVariants) and the outputs below. TestBasesAreValid proves
// each validates, so a failing mutated copy fails because of its mutation.
var bases = withRegistryInputs(map[string]base{
	"GetIdentitySource.output/cognito": {"GetIdentitySource", schemas.Output,
		getOutput(`"details":` + details + `,"configuration":{"cognitoUserPoolConfiguration":` + cognitoOut + `}`)},
	"GetIdentitySource.output/oidc-access": {"GetIdentitySource", schemas.Output,
		getOutput(`"configuration":{"openIdConnectConfiguration":` + oidcAccess + `}`)},
	"GetIdentitySource.output/oidc-identity": {"GetIdentitySource", schemas.Output,
		getOutput(`"configuration":{"openIdConnectConfiguration":` + oidcIdentity + `}`)},
	"UpdateIdentitySource.output": {"UpdateIdentitySource", schemas.Output,
		fmt.Sprintf(`{"createdDate":%q,%s,"lastUpdatedDate":%q}`, createdDate, ids(), lastUpdatedDate)},

	// The policy and authorization outputs, shaped like the model's
	// examples, with every optional member set.
	"CreatePolicy.output/static":          {"CreatePolicy", schemas.Output, policyWrite("STATIC")},
	"CreatePolicy.output/template-linked": {"CreatePolicy", schemas.Output, policyWrite("TEMPLATE_LINKED")},
	"UpdatePolicy.output":                 {"UpdatePolicy", schemas.Output, policyWrite("STATIC")},
	"GetPolicy.output/static": {"GetPolicy", schemas.Output, policyOutput("STATIC",
		`"name":"name/example_policy","definition":{"static":{"description":"Grant members of MyExampleGroup access","statement":`+
			`"permit (principal in MyCorp::UserGroup::\"MyExampleGroup\", action == MyCorp::Action::\"ViewPhoto\", resource in MyCorp::Album::\"vacationFolder\");"}}`)},
	"GetPolicy.output/template-linked": {"GetPolicy", schemas.Output, policyOutput("TEMPLATE_LINKED",
		`"definition":{"templateLinked":{"policyTemplateId":"PTEXAMPLEabcdefg111111","principal":`+userEntity+`,"resource":`+photoEntity+`}}`)},
	"ListPolicies.output": {"ListPolicies", schemas.Output, `{"nextToken":"eyJhbGciOiJIUzI1NiJ9.eyJwYWdlIjoyfQ==","policies":[` +
		policyOutput("STATIC", `"name":"name/example_policy","definition":{"static":{"description":"Grant members of MyExampleGroup access"}}`) + `,` +
		policyOutput("TEMPLATE_LINKED", `"definition":{"templateLinked":{"policyTemplateId":"PTEXAMPLEabcdefg111111","principal":`+userEntity+`,"resource":`+photoEntity+`}}`) + `,` +
		`{"policyStoreId":"` + policyStoreID + `","policyId":"Et9KxMplyaDdyurDw8TeFa","policyType":"STATIC","definition":{"static":{}},` +
		`"createdDate":"` + createdDate + `","lastUpdatedDate":"` + lastUpdatedDate + `"}]}`},
	"DeletePolicy.output": {"DeletePolicy", schemas.Output, `{}`},
	"IsAuthorizedWithToken.output": {"IsAuthorizedWithToken", schemas.Output,
		`{"decision":"DENY","determiningPolicies":[{"policyId":"9wYxMpljbbZQb5fcZHyJhY"},{"policyId":"name/example_policy"}],` +
			`"errors":[{"errorDescription":"while evaluating policy ` + "`policy0`" + `: entity does not exist"}],"principal":` + userEntity + `}`},
	"BatchIsAuthorizedWithToken.output": {"BatchIsAuthorizedWithToken", schemas.Output,
		`{"principal":` + userEntity + `,"results":[` +
			`{"request":{"action":` + viewAction + `,"resource":` + photoEntity + `,"context":{"contextMap":{"mfa":{"boolean":true}}}},` +
			`"decision":"ALLOW","determiningPolicies":[{"policyId":"9wYxMpljbbZQb5fcZHyJhY"}],"errors":[]},` +
			`{"request":{"action":` + viewAction + `,"resource":` + photoEntity + `,"context":{"cedarJson":"{}"}},` +
			`"decision":"DENY","determiningPolicies":[],"errors":[{"errorDescription":"policy0: attribute not found"}]}]}`},
})

// Entities and an action of the policy and authorization outputs.
const (
	userEntity  = `{"entityType":"MyCorp::User","entityId":"us-east-1_1a2b3c4d5|a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"}`
	groupEntity = `{"entityType":"MyCorp::UserGroup","entityId":"us-east-1_1a2b3c4d5|MyExampleGroup"}`
	photoEntity = `{"entityType":"MyCorp::Photo","entityId":"VacationPhoto94.jpg"}`
	viewAction  = `{"actionType":"MyCorp::Action","actionId":"ViewPhoto"}`
)

// policyMembers are the members every policy output has, with the optional
// principal, resource, actions and effect set.
func policyMembers(policyType string) string {
	return fmt.Sprintf(`"policyStoreId":%q,"policyId":%q,"policyType":%q,"principal":%s,"resource":%s,`+
		`"actions":[%s,{"actionType":"MyCorp::Action","actionId":"SharePhoto"}],"effect":"Permit","createdDate":%q,"lastUpdatedDate":%q`,
		policyStoreID, values.PolicyID, policyType, groupEntity, photoEntity, viewAction, createdDate, lastUpdatedDate)
}

// policyWrite is a CreatePolicy or UpdatePolicy output.
func policyWrite(policyType string) string { return "{" + policyMembers(policyType) + "}" }

// policyOutput is a GetPolicy output, or a ListPolicies item, with extra
// members (the definition, the name).
func policyOutput(policyType, extra string) string {
	return "{" + policyMembers(policyType) + "," + extra + "}"
}

// inputVariants names the registry's requests of an operation, in order,
// where it has more than one.
var inputVariants = map[string][]string{
	"UpdateIdentitySource":       {"cognito", "oidc-access", "oidc-identity"},
	"CreateIdentitySource":       {"cognito", "oidc-access", "oidc-identity"},
	"CreatePolicyStore":          {"kms", "default"},
	"CreatePolicy":               {"static", "template-linked"},
	"ListPolicies":               {"principal-identifier", "resource-identifier"},
	"UpdatePolicy":               {"static", "name-only"},
	"IsAuthorizedWithToken":      {"identity-token", "access-token"},
	"BatchIsAuthorizedWithToken": {"identity-token", "access-token"},
}

// withRegistryInputs adds to outputs a base "<op>.input[/<variant>]" for
// every valid request of the registry, so that the schema tests mutate the
// same requests the catalogue sends.
func withRegistryInputs(outputs map[string]base) map[string]base {
	for _, op := range schemas.Default().Served() {
		reqs, err := schemas.Requests(op, values)
		if err != nil {
			panic(err) // TestRegistryRequestsConform says why
		}
		names := inputVariants[op]
		if len(names) != len(reqs) && !(names == nil && len(reqs) == 1) {
			panic(fmt.Sprintf("inputVariants names %d requests of %s; the registry has %d", len(names), op, len(reqs)))
		}
		for i, r := range reqs {
			name := op + ".input"
			if names != nil {
				name += "/" + names[i]
			}
			doc, err := json.Marshal(r)
			if err != nil {
				panic(err)
			}
			outputs[name] = base{op, schemas.Input, string(doc)}
		}
	}
	return outputs
}

func TestBasesAreValid(t *testing.T) {
	for _, name := range sortedKeys(bases) {
		b := bases[name]
		t.Run(name, func(t *testing.T) {
			mustValidate(t, b.op, b.dir, []byte(b.doc))
		})
	}
}
