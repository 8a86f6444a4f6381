package fake_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// constraintCase is a request that breaks exactly one constraint of an
// input shape, and the member path the ValidationException must name.
type constraintCase struct {
	name string
	op   string
	body string
	path string
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonStrings(n int, s string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = jsonString(s)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// getBody is a GetIdentitySource body with the given members.
func getBody(members string) string { return "{" + members + "}" }

const ids = `"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111"`

// updateBody is an UpdateIdentitySource body whose updateConfiguration is
// the given JSON.
func updateBody(updateConfiguration string) string {
	return `{` + ids + `,"updateConfiguration":` + updateConfiguration + `}`
}

// cognito is an updateConfiguration with a Cognito configuration made of
// the given members (a valid userPoolArn unless members set one).
func cognito(members string) string {
	if !strings.Contains(members, `"userPoolArn"`) {
		if members != "" {
			members = "," + members
		}
		members = `"userPoolArn":` + jsonString(userPoolArn) + members
	}
	return `{"cognitoUserPoolConfiguration":{` + members + `}}`
}

// oidc is an updateConfiguration with an OIDC configuration: issuer and
// tokenSelection are valid defaults unless members set them ("-issuer" or
// "-tokenSelection" leaves one out).
func oidc(members string) string {
	var parts []string
	if !strings.Contains(members, `"issuer"`) && !strings.Contains(members, "-issuer") {
		parts = append(parts, `"issuer":`+jsonString(oidcIssuer))
	}
	if !strings.Contains(members, `"tokenSelection"`) && !strings.Contains(members, "-tokenSelection") {
		parts = append(parts, `"tokenSelection":{"accessTokenOnly":{}}`)
	}
	members = strings.NewReplacer("-issuer", "", "-tokenSelection", "").Replace(members)
	if members != "" {
		parts = append(parts, members)
	}
	return `{"openIdConnectConfiguration":{` + strings.Join(parts, ",") + `}}`
}

func accessToken(members string) string {
	return `"tokenSelection":{"accessTokenOnly":{` + members + `}}`
}

func identityToken(members string) string {
	return `"tokenSelection":{"identityTokenOnly":{` + members + `}}`
}

const (
	cup  = "updateConfiguration.cognitoUserPoolConfiguration."
	oidp = "updateConfiguration.openIdConnectConfiguration."
)

func constraintCases() []constraintCase {
	long := func(n int) string { return strings.Repeat("a", n) }
	// A user pool ARN that matches the pattern but is 256 characters long.
	longArn := "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_"
	longArn += strings.Repeat("a", 256-len(longArn))
	cases := []constraintCase{}
	for _, op := range []string{"GetIdentitySource", "UpdateIdentitySource"} {
		rest := ""
		if op == "UpdateIdentitySource" {
			rest = `,"updateConfiguration":` + cognito("")
		}
		idCases := []constraintCase{
			{"policyStoreId/required", op, `{"identitySourceId":"ISEXAMPLEabcdefg111111"` + rest + `}`, "policyStoreId"},
			{"identitySourceId/required", op, `{"policyStoreId":"PSEXAMPLEabcdefg111111"` + rest + `}`, "identitySourceId"},
			{"policyStoreId/minLength", op, `{"policyStoreId":"","identitySourceId":"ISEXAMPLEabcdefg111111"` + rest + `}`, "policyStoreId"},
			{"policyStoreId/maxLength", op, `{"policyStoreId":"` + long(201) + `","identitySourceId":"ISEXAMPLEabcdefg111111"` + rest + `}`, "policyStoreId"},
			{"policyStoreId/pattern", op, `{"policyStoreId":"PS.bad","identitySourceId":"ISEXAMPLEabcdefg111111"` + rest + `}`, "policyStoreId"},
			{"identitySourceId/minLength", op, `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":""` + rest + `}`, "identitySourceId"},
			{"identitySourceId/maxLength", op, `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"` + long(201) + `"` + rest + `}`, "identitySourceId"},
			{"identitySourceId/pattern", op, `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"IS/bad"` + rest + `}`, "identitySourceId"},
			{"unknownMember", op, `{` + ids + rest + `,"bogus":"x"}`, "bogus"},
		}
		for _, c := range idCases {
			c.name = op + "/" + c.name
			cases = append(cases, c)
		}
	}
	u := "UpdateIdentitySource/"
	update := []constraintCase{
		{"updateConfiguration/required", "", `{` + ids + `}`, "updateConfiguration"},
		{"updateConfiguration/union/none", "", updateBody(`{}`), "updateConfiguration"},
		{"updateConfiguration/union/both", "", updateBody(`{"cognitoUserPoolConfiguration":{"userPoolArn":` + jsonString(userPoolArn) + `},"openIdConnectConfiguration":{"issuer":"https://x","tokenSelection":{"accessTokenOnly":{}}}}`), "updateConfiguration"},
		{"updateConfiguration/unknownMember", "", updateBody(`{"cognitoUserPoolConfiguration":{"userPoolArn":` + jsonString(userPoolArn) + `},"samlConfiguration":{}}`), "updateConfiguration.samlConfiguration"},
		{"principalEntityType/minLength", "", `{` + ids + `,"updateConfiguration":` + cognito("") + `,"principalEntityType":""}`, "principalEntityType"},
		{"principalEntityType/maxLength", "", `{` + ids + `,"updateConfiguration":` + cognito("") + `,"principalEntityType":"` + long(201) + `"}`, "principalEntityType"},
		{"principalEntityType/pattern/newline", "", `{` + ids + `,"updateConfiguration":` + cognito("") + `,"principalEntityType":"My\nUser"}`, "principalEntityType"},

		{"cognito/userPoolArn/required", "", updateBody(`{"cognitoUserPoolConfiguration":{"clientIds":["a"]}}`), cup + "userPoolArn"},
		{"cognito/userPoolArn/pattern", "", updateBody(cognito(`"userPoolArn":"arn:aws:cognito-idp:us-east-1:123:userpool/us-east-1_x"`)), cup + "userPoolArn"},
		{"cognito/userPoolArn/maxLength", "", updateBody(cognito(`"userPoolArn":` + jsonString(longArn))), cup + "userPoolArn"},
		{"cognito/clientIds/maxItems", "", updateBody(cognito(`"clientIds":` + jsonStrings(1001, "c"))), cup + "clientIds"},
		{"cognito/clientIds/item/minLength", "", updateBody(cognito(`"clientIds":[""]`)), cup + "clientIds[0]"},
		{"cognito/clientIds/item/maxLength", "", updateBody(cognito(`"clientIds":[` + jsonString(long(256)) + `]`)), cup + "clientIds[0]"},
		{"cognito/clientIds/item/pattern/newline", "", updateBody(cognito(`"clientIds":["ok","a\nb"]`)), cup + "clientIds[1]"},
		{"cognito/groupConfiguration/groupEntityType/required", "", updateBody(cognito(`"groupConfiguration":{}`)), cup + "groupConfiguration.groupEntityType"},
		{"cognito/groupConfiguration/groupEntityType/pattern", "", updateBody(cognito(`"groupConfiguration":{"groupEntityType":"1Bad::Group"}`)), cup + "groupConfiguration.groupEntityType"},
		{"cognito/groupConfiguration/groupEntityType/maxLength", "", updateBody(cognito(`"groupConfiguration":{"groupEntityType":"` + long(201) + `"}`)), cup + "groupConfiguration.groupEntityType"},
		{"cognito/groupConfiguration/unknownMember", "", updateBody(cognito(`"groupConfiguration":{"groupEntityType":"MyCorp::Group","groupClaim":"groups"}`)), cup + "groupConfiguration.groupClaim"},
		{"cognito/unknownMember", "", updateBody(cognito(`"issuer":"https://x"`)), cup + "issuer"},

		{"oidc/issuer/required", "", updateBody(oidc("-issuer")), oidp + "issuer"},
		{"oidc/issuer/pattern", "", updateBody(oidc(`"issuer":"http://auth.example.com"`)), oidp + "issuer"},
		{"oidc/issuer/maxLength", "", updateBody(oidc(`"issuer":"https://` + long(2041) + `"`)), oidp + "issuer"},
		{"oidc/tokenSelection/required", "", updateBody(oidc("-tokenSelection")), oidp + "tokenSelection"},
		{"oidc/tokenSelection/union/none", "", updateBody(oidc(`"tokenSelection":{}`)), oidp + "tokenSelection"},
		{"oidc/tokenSelection/union/both", "", updateBody(oidc(`"tokenSelection":{"accessTokenOnly":{},"identityTokenOnly":{}}`)), oidp + "tokenSelection"},
		{"oidc/entityIdPrefix/minLength", "", updateBody(oidc(`"entityIdPrefix":""`)), oidp + "entityIdPrefix"},
		{"oidc/entityIdPrefix/maxLength", "", updateBody(oidc(`"entityIdPrefix":"` + long(101) + `"`)), oidp + "entityIdPrefix"},
		{"oidc/groupConfiguration/groupClaim/required", "", updateBody(oidc(`"groupConfiguration":{"groupEntityType":"MyCorp::UserGroup"}`)), oidp + "groupConfiguration.groupClaim"},
		{"oidc/groupConfiguration/groupClaim/minLength", "", updateBody(oidc(`"groupConfiguration":{"groupClaim":"","groupEntityType":"MyCorp::UserGroup"}`)), oidp + "groupConfiguration.groupClaim"},
		{"oidc/groupConfiguration/groupEntityType/required", "", updateBody(oidc(`"groupConfiguration":{"groupClaim":"groups"}`)), oidp + "groupConfiguration.groupEntityType"},
		{"oidc/groupConfiguration/groupEntityType/pattern", "", updateBody(oidc(`"groupConfiguration":{"groupClaim":"groups","groupEntityType":"MyCorp::"}`)), oidp + "groupConfiguration.groupEntityType"},
		{"oidc/accessTokenOnly/audiences/minItems", "", updateBody(oidc(accessToken(`"audiences":[]`))), oidp + "tokenSelection.accessTokenOnly.audiences"},
		{"oidc/accessTokenOnly/audiences/maxItems", "", updateBody(oidc(accessToken(`"audiences":` + jsonStrings(256, "aud")))), oidp + "tokenSelection.accessTokenOnly.audiences"},
		{"oidc/accessTokenOnly/audiences/item/minLength", "", updateBody(oidc(accessToken(`"audiences":[""]`))), oidp + "tokenSelection.accessTokenOnly.audiences[0]"},
		{"oidc/accessTokenOnly/audiences/item/maxLength", "", updateBody(oidc(accessToken(`"audiences":[` + jsonString(long(256)) + `]`))), oidp + "tokenSelection.accessTokenOnly.audiences[0]"},
		{"oidc/accessTokenOnly/principalIdClaim/minLength", "", updateBody(oidc(accessToken(`"principalIdClaim":""`))), oidp + "tokenSelection.accessTokenOnly.principalIdClaim"},
		{"oidc/accessTokenOnly/unknownMember", "", updateBody(oidc(accessToken(`"clientIds":["c"]`))), oidp + "tokenSelection.accessTokenOnly.clientIds"},
		{"oidc/identityTokenOnly/clientIds/maxItems", "", updateBody(oidc(identityToken(`"clientIds":` + jsonStrings(1001, "c")))), oidp + "tokenSelection.identityTokenOnly.clientIds"},
		{"oidc/identityTokenOnly/clientIds/item/minLength", "", updateBody(oidc(identityToken(`"clientIds":[""]`))), oidp + "tokenSelection.identityTokenOnly.clientIds[0]"},
		{"oidc/identityTokenOnly/clientIds/item/pattern/newline", "", updateBody(oidc(identityToken(`"clientIds":["a\rb\nc"]`))), oidp + "tokenSelection.identityTokenOnly.clientIds[0]"},
		{"oidc/identityTokenOnly/principalIdClaim/minLength", "", updateBody(oidc(identityToken(`"principalIdClaim":""`))), oidp + "tokenSelection.identityTokenOnly.principalIdClaim"},
		{"oidc/unknownMember", "", updateBody(oidc(`"userPoolArn":` + jsonString(userPoolArn))), oidp + "userPoolArn"},
	}
	for _, c := range update {
		c.name = u + c.name
		c.op = "UpdateIdentitySource"
		cases = append(cases, c)
	}
	return cases
}

// TestConstraintViolations sends, for every constraint of GetIdentitySource
// and UpdateIdentitySource inputs, a request that breaks only it, and
// expects a ValidationException naming exactly that member.
func TestConstraintViolations(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		for _, c := range constraintCases() {
			t.Run(c.name, func(t *testing.T) {
				r := h.raw(t, c.op, c.body)
				if r.Status != http.StatusBadRequest || r.Type() != "ValidationException" {
					t.Fatalf("got HTTP %d %s, want 400 ValidationException\n%s", r.Status, r.Type(), r.Raw)
				}
				if got := r.Header.Get("X-Amzn-ErrorType"); got != "ValidationException" {
					t.Errorf("X-Amzn-ErrorType = %q", got)
				}
				paths := r.FieldPaths()
				if len(paths) == 0 {
					t.Fatalf("fieldList is empty: %s", r.Raw)
				}
				for _, p := range paths {
					if p != c.path {
						t.Errorf("fieldList names %q, want only %q\n%s", p, c.path, r.Raw)
					}
				}
				msg, _ := r.Body["message"].(string)
				if !strings.Contains(msg, "'"+c.path+"'") || !strings.Contains(msg, "validation error") {
					t.Errorf("message %q does not name %q", msg, c.path)
				}
			})
		}
	})
}

// TestValidBodiesPassValidation guards the constraint table: the bodies it
// starts from are valid, so each row breaks only its own constraint.
func TestValidBodiesPassValidation(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		for _, body := range []string{
			getBody(ids),
			updateBody(cognito("")),
			updateBody(cognito(`"clientIds":` + jsonStrings(1000, "c") + `,"groupConfiguration":{"groupEntityType":"MyCorp::Group"}`)),
			updateBody(oidc("")),
			updateBody(oidc(`"entityIdPrefix":"` + strings.Repeat("a", 100) + `","groupConfiguration":{"groupClaim":"groups","groupEntityType":"MyCorp::UserGroup"},` + accessToken(`"audiences":`+jsonStrings(255, "aud")+`,"principalIdClaim":"email"`))),
			updateBody(oidc(identityToken(`"clientIds":["c"],"principalIdClaim":"sub"`))),
		} {
			op := "UpdateIdentitySource"
			if !strings.Contains(body, "updateConfiguration") {
				op = "GetIdentitySource"
			}
			r := h.raw(t, op, body)
			if r.Status != http.StatusNotFound || r.Type() != "ResourceNotFoundException" {
				t.Errorf("%s %.120s…: got HTTP %d %s, want 404 ResourceNotFoundException (valid input, unknown store)\n%s", op, body, r.Status, r.Type(), r.Raw)
			}
		}
	})
}
