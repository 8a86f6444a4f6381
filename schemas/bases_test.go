package schemas_test

import (
	"fmt"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// Realistic values, shaped like the model's own examples.
const (
	policyStoreID    = "C7v5xMplfFH3i3e4Jrzb1a"
	identitySourceID = "ISEXAMPLEabcdefg111111"
	clientToken      = "a1b2c3d4-e5f6-a1b2-c3d4-TOKEN1111111"
	userPoolArn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	cognitoIssuer    = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5"
	cognitoClientID  = "a1b2c3d4e5f6g7h8i9j0kalbmc"
	createdDate      = "2023-05-19T20:30:28.173926Z"
	lastUpdatedDate  = "2023-05-22T20:45:59.962216Z"
)

// Union member values, as sent in a request (Configuration /
// UpdateConfiguration) and as returned (ConfigurationDetail).
const (
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

func updateInput(conf string) string {
	return `{` + ids() + `,"updateConfiguration":{` + conf + `},"principalEntityType":"MyCorp::User"}`
}

func createInput(conf string) string {
	return fmt.Sprintf(`{"clientToken":%q,"policyStoreId":%q,"configuration":{%s},"principalEntityType":"MyCorp::User"}`,
		clientToken, policyStoreID, conf)
}

func getOutput(extra string) string {
	return fmt.Sprintf(`{"createdDate":%q,"lastUpdatedDate":%q,%s,"principalEntityType":"MyCorp::User",%s}`,
		createdDate, lastUpdatedDate, ids(), extra)
}

// bases holds every base document by name. TestBasesAreValid proves each
// validates, so a failing mutated copy fails because of its mutation.
var bases = map[string]base{
	"GetIdentitySource.input": {"GetIdentitySource", schemas.Input, `{` + ids() + `}`},
	"GetIdentitySource.output/cognito": {"GetIdentitySource", schemas.Output,
		getOutput(`"details":` + details + `,"configuration":{"cognitoUserPoolConfiguration":` + cognitoOut + `}`)},
	"GetIdentitySource.output/oidc-access": {"GetIdentitySource", schemas.Output,
		getOutput(`"configuration":{"openIdConnectConfiguration":` + oidcAccess + `}`)},
	"GetIdentitySource.output/oidc-identity": {"GetIdentitySource", schemas.Output,
		getOutput(`"configuration":{"openIdConnectConfiguration":` + oidcIdentity + `}`)},

	"UpdateIdentitySource.input/cognito": {"UpdateIdentitySource", schemas.Input,
		updateInput(`"cognitoUserPoolConfiguration":` + cognitoIn)},
	"UpdateIdentitySource.input/oidc-access": {"UpdateIdentitySource", schemas.Input,
		updateInput(`"openIdConnectConfiguration":` + oidcAccess)},
	"UpdateIdentitySource.input/oidc-identity": {"UpdateIdentitySource", schemas.Input,
		updateInput(`"openIdConnectConfiguration":` + oidcIdentity)},
	"UpdateIdentitySource.output": {"UpdateIdentitySource", schemas.Output,
		fmt.Sprintf(`{"createdDate":%q,%s,"lastUpdatedDate":%q}`, createdDate, ids(), lastUpdatedDate)},

	"CreatePolicyStore.input/kms": {"CreatePolicyStore", schemas.Input, `{"clientToken":"` + clientToken + `",` +
		`"validationSettings":{"mode":"STRICT"},"description":"Policy store for the expenses application",` +
		`"deletionProtection":"ENABLED","encryptionSettings":{"kmsEncryptionSettings":{` +
		`"key":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",` +
		`"encryptionContext":{"application":"expenses"}}},"tags":{"team":"identity","cost-center":""}}`},
	"CreatePolicyStore.input/default": {"CreatePolicyStore", schemas.Input,
		`{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"default":{}}}`},
	"GetPolicyStore.input":    {"GetPolicyStore", schemas.Input, `{"policyStoreId":"` + policyStoreID + `","tags":true}`},
	"DeletePolicyStore.input": {"DeletePolicyStore", schemas.Input, `{"policyStoreId":"` + policyStoreID + `"}`},
	"CreateIdentitySource.input/cognito": {"CreateIdentitySource", schemas.Input,
		createInput(`"cognitoUserPoolConfiguration":` + cognitoIn)},
	"CreateIdentitySource.input/oidc-access": {"CreateIdentitySource", schemas.Input,
		createInput(`"openIdConnectConfiguration":` + oidcAccess)},
	"CreateIdentitySource.input/oidc-identity": {"CreateIdentitySource", schemas.Input,
		createInput(`"openIdConnectConfiguration":` + oidcIdentity)},
	"DeleteIdentitySource.input": {"DeleteIdentitySource", schemas.Input, `{` + ids() + `}`},
	"ListIdentitySources.input": {"ListIdentitySources", schemas.Input, `{"policyStoreId":"` + policyStoreID + `",` +
		`"nextToken":"eyJhbGciOiJIUzI1NiJ9.eyJwYWdlIjoyfQ==","maxResults":10,` +
		`"filters":[{"principalEntityType":"MyCorp::User"}]}`},
}

func TestBasesAreValid(t *testing.T) {
	for _, name := range sortedKeys(bases) {
		b := bases[name]
		t.Run(name, func(t *testing.T) {
			mustValidate(t, b.op, b.dir, []byte(b.doc))
		})
	}
}
