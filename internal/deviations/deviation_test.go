package deviations

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// unitTests holds, for every deviation, a test that its rewrite does what
// its Description says and leaves the traffic it is not about alone.
var unitTests = map[string]func(t *testing.T, r *rig){
	"validation-exception-without-field-list": func(t *testing.T, r *rig) {
		store := r.createStore()
		want, got := r.both("GetIdentitySource", ids(store, "bad_source/id"))
		if _, ok := want.JSON["fieldList"]; !ok {
			t.Fatalf("faithful ValidationException has no fieldList: %s", want.Body)
		}
		if _, ok := got.JSON["fieldList"]; ok || got.JSON["__type"] != "ValidationException" || got.Status != 400 {
			t.Errorf("deviant ValidationException: %d %s, want 400 with __type and without fieldList", got.Status, got.Body)
		}
		r.same("GetIdentitySource", ids(store, "missing"))
		r.same("GetIdentitySource", ids("missingstore", "missing"))
	},
	"conflict-exception-without-resources": func(t *testing.T, _ *rig) {
		body := `{"__type":"ConflictException","message":"conflict","resources":[{"resourceId":"s","resourceType":"IDENTITY_SOURCE"}]}`
		h := Wrap(canned(409, map[string]string{"Content-Type": schemas.ContentType, "X-Amzn-ErrorType": "ConflictException"}, body), conflictExceptionWithoutResources())
		got := send(t, h, "UpdateIdentitySource", `{}`)
		if _, ok := got.JSON["resources"]; ok || got.Status != 409 || got.JSON["message"] != "conflict" {
			t.Errorf("ConflictException: %d %s, want 409 without resources", got.Status, got.Body)
		}
		other := `{"__type":"ValidationException","message":"m","resources":[]}`
		h = Wrap(canned(400, map[string]string{"Content-Type": schemas.ContentType}, other), conflictExceptionWithoutResources())
		if got := send(t, h, "UpdateIdentitySource", `{}`); string(got.Body) != other {
			t.Errorf("another error was changed: %s", got.Body)
		}
	},
	"throttling-exception-status-400": func(t *testing.T, _ *rig) {
		checkStatus400(t, throttlingExceptionStatus400(), "ThrottlingException", 429)
	},
	"resource-not-found-exception-status-400": func(t *testing.T, r *rig) {
		checkStatus400(t, resourceNotFoundExceptionStatus400(), "ResourceNotFoundException", 404)
		store := r.createStore()
		if _, got := r.both("GetIdentitySource", ids(store, "missing")); got.Status != 400 || got.JSON["__type"] != "ResourceNotFoundException" {
			t.Errorf("GetIdentitySource of a missing source: %d %s, want 400 ResourceNotFoundException", got.Status, got.Body)
		}
		r.same("GetIdentitySource", ids(store, "bad_id"))
	},
	"not-found-wrong-resource-type": func(t *testing.T, r *rig) {
		store := r.createStore()
		for _, c := range []struct{ store, want string }{{"missingstore", "IDENTITY_SOURCE"}, {store, "POLICY_STORE"}} {
			_, got := r.both("GetIdentitySource", ids(c.store, "missing"))
			if got.Status != 404 || got.JSON["resourceType"] != c.want {
				t.Errorf("GetIdentitySource in %s: %d %s, want 404 naming %s", c.store, got.Status, got.Body, c.want)
			}
		}
		r.same("GetIdentitySource", ids(store, "bad_id"))
	},
	"error-type-missing": func(t *testing.T, r *rig) {
		store := r.createStore()
		_, got := r.both("GetIdentitySource", ids(store, "missing"))
		if _, ok := got.JSON["__type"]; ok || got.Header.Get("X-Amzn-ErrorType") != "" || got.Status != 404 || got.JSON["resourceId"] != "missing" {
			t.Errorf("error answer: %d %v %s, want 404 naming no shape", got.Status, got.Header, got.Body)
		}
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
		r.same("GetIdentitySource", ids(store, src))
	},
	"malformed-body-validation-exception": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		malformed := `{"policyStoreId": "` + store + `", "updateConfiguration": {`
		want, got := send(t, r.faithful, "UpdateIdentitySource", malformed), send(t, r.wrapped, "UpdateIdentitySource", malformed)
		if want.Header.Get("X-Amzn-ErrorType") != "SerializationException" || want.JSON["__type"] != "SerializationException" {
			t.Fatalf("faithful answer to a malformed body: %v %s", want.Header, want.Body)
		}
		if got.Status != 400 || got.Header.Get("X-Amzn-ErrorType") != "ValidationException" || got.JSON["__type"] != "ValidationException" ||
			got.JSON["message"] != want.JSON["message"] {
			t.Errorf("answer to a malformed body: %d %v %s, want 400 naming ValidationException in both places, the message kept", got.Status, got.Header, got.Body)
		}
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{""}, "")))
		r.same("GetIdentitySource", ids(store, "missing"))
	},
	"timestamps-as-epoch-numbers": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		want, got := r.both("GetIdentitySource", ids(store, src))
		for _, m := range dateMembers {
			n, ok := got.JSON[m].(json.Number)
			if !ok {
				t.Errorf("%s is %#v, want a number", m, got.JSON[m])
				continue
			}
			if n != "1714564800" {
				t.Errorf("%s is %s, want 1714564800 (faithful %v)", m, n, want.JSON[m])
			}
		}
		r.same("GetIdentitySource", ids(store, "missing"))
	},
	"created-date-changed-by-update": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		_, out := r.both("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, nil, "")))
		if out.JSON["createdDate"] != out.JSON["lastUpdatedDate"] || out.JSON["createdDate"] == "2024-05-01T12:00:00Z" {
			t.Errorf("UpdateIdentitySource answer %s: createdDate should be the update's lastUpdatedDate", out.Body)
		}
		_, get := r.both("GetIdentitySource", ids(store, src))
		if get.JSON["createdDate"] != out.JSON["createdDate"] {
			t.Errorf("GetIdentitySource createdDate %v, want %v from the update", get.JSON["createdDate"], out.JSON["createdDate"])
		}
	},
	"last-updated-date-not-advanced": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		before := r.same("GetIdentitySource", ids(store, src))
		want, got := r.both("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, nil, "")))
		if want.JSON["lastUpdatedDate"] == before.JSON["lastUpdatedDate"] {
			t.Fatalf("the faithful fake did not advance lastUpdatedDate: %s", want.Body)
		}
		if got.JSON["lastUpdatedDate"] != before.JSON["lastUpdatedDate"] {
			t.Errorf("UpdateIdentitySource lastUpdatedDate %v, want %v as before", got.JSON["lastUpdatedDate"], before.JSON["lastUpdatedDate"])
		}
		_, get := r.both("GetIdentitySource", ids(store, src))
		if get.JSON["lastUpdatedDate"] != before.JSON["lastUpdatedDate"] {
			t.Errorf("GetIdentitySource lastUpdatedDate %v, want %v as before", get.JSON["lastUpdatedDate"], before.JSON["lastUpdatedDate"])
		}
		if got, _ := at(get.JSON, "configuration", "cognitoUserPoolConfiguration", "userPoolArn"); got != testSecondUserPoolArn {
			t.Errorf("the update itself was lost: userPoolArn %v", got)
		}
	},
	"update-merges-configuration": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a", "b"}, "MyCorp::Group"))
		r.both("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{"c"}, "")))
		want, got := r.both("GetIdentitySource", ids(store, src))
		if ids, _ := at(want.JSON, "configuration", "cognitoUserPoolConfiguration", "clientIds"); !slices.Equal(ids.([]any), []any{"c"}) {
			t.Fatalf("faithful clientIds %v", ids)
		}
		if ids, _ := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "clientIds"); !slices.Equal(ids.([]any), []any{"a", "b", "c"}) {
			t.Errorf("merged clientIds %v, want [a b c]", ids)
		}
		if g, _ := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "groupConfiguration", "groupEntityType"); g != "MyCorp::Group" {
			t.Errorf("groupConfiguration %v, want it kept", g)
		}
		// OIDC: the old principalIdClaim and audiences are kept.
		store2, src2 := r.newSource(oidc(map[string]any{"accessTokenOnly": map[string]any{"audiences": []string{"x"}, "principalIdClaim": "email"}}))
		r.both("UpdateIdentitySource", update(store2, src2, oidc(map[string]any{"accessTokenOnly": map[string]any{"audiences": []string{"y"}}})))
		_, got = r.both("GetIdentitySource", ids(store2, src2))
		sel := map[string]any{"audiences": []any{"x", "y"}, "principalIdClaim": "email"}
		if v, _ := at(got.JSON, "configuration", "openIdConnectConfiguration", "tokenSelection", "accessTokenOnly"); !jsonEqual(v, sel) {
			t.Errorf("merged accessTokenOnly %v, want %v", v, sel)
		}
		// An invalid update is not merged into validity.
		r.same("UpdateIdentitySource", update(store2, src2, oidc(map[string]any{"accessTokenOnly": map[string]any{"audiences": []string{}}})))
		// A switch of kind has nothing to merge.
		r.both("UpdateIdentitySource", update(store2, src2, cognito(testUserPoolArn, nil, "")))
		want, got = r.both("GetIdentitySource", ids(store2, src2))
		if !bytes.Equal(canonical(want.Body), canonical(got.Body)) {
			t.Errorf("after a switch to Cognito:\nfaithful %s\ndeviant  %s", want.Body, got.Body)
		}
	},
	"update-ignored": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		before := r.same("GetIdentitySource", ids(store, src))
		want, got := r.both("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, []string{"b"}, "")))
		if want.Status != 200 || want.JSON["lastUpdatedDate"] == before.JSON["lastUpdatedDate"] {
			t.Fatalf("faithful update: %d %s, want 200 with lastUpdatedDate advanced", want.Status, want.Body)
		}
		if got.Status != 200 || len(got.JSON) != len(want.JSON) || got.Header.Get("Content-Type") != schemas.ContentType {
			t.Errorf("ignored update: %d %v %s, want 200 with the members of %s", got.Status, got.Header, got.Body, want.Body)
		}
		for member, v := range got.JSON {
			if !jsonEqual(v, before.JSON[member]) {
				t.Errorf("ignored update: %s %v, want %v as before", member, v, before.JSON[member])
			}
		}
		if _, get := r.both("GetIdentitySource", ids(store, src)); !bytes.Equal(canonical(get.Body), canonical(before.Body)) {
			t.Errorf("Get after an ignored update: %s, want it unchanged: %s", get.Body, before.Body)
		}
		// Refusals are the server's own.
		r.same("UpdateIdentitySource", update(store, "missing", cognito(testUserPoolArn, nil, "")))
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{""}, "")))
	},
	"update-answers-principal-entity-type": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		want, got := r.both("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, nil, "")))
		if _, has := want.JSON["principalEntityType"]; has || len(want.JSON) != 4 {
			t.Fatalf("faithful update answer: %s, want its four members", want.Body)
		}
		if !sameUpTo(want, got, func(m map[string]any) { delete(m, "principalEntityType") }) || got.JSON["principalEntityType"] != defaultPrincipalEntityType {
			t.Errorf("update answer: %d %s, want %s with principalEntityType %s", got.Status, got.Body, want.Body, defaultPrincipalEntityType)
		}
		r.same("GetIdentitySource", ids(store, src))
		r.same("UpdateIdentitySource", update(store, "missing", cognito(testUserPoolArn, nil, "")))
	},
	"delete-ignored": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		before := r.same("GetIdentitySource", ids(store, src))
		r.same("DeleteIdentitySource", ids(store, src))
		want, got := r.both("GetIdentitySource", ids(store, src))
		if want.Status != 404 || got.Status != 200 || !bytes.Equal(canonical(got.Body), canonical(before.Body)) {
			t.Errorf("Get after deletion: faithful %d, deviant %d %s; want 404 and the source as before", want.Status, got.Status, got.Body)
		}
		r.same("DeleteIdentitySource", ids(store, "missing"))
		r.same("DeleteIdentitySource", ids(store, "bad_id"))
	},
	"stale-get-after-update": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		first := r.same("GetIdentitySource", ids(store, src))
		r.same("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, []string{"b"}, "")))
		_, got := r.both("GetIdentitySource", ids(store, src))
		if got.Status != 200 || !bytes.Equal(got.Body, first.Body) {
			t.Errorf("Get after update: %d %s, want the first answer %s", got.Status, got.Body, first.Body)
		}
		r.same("DeleteIdentitySource", ids(store, src))
		_, got = r.both("GetIdentitySource", ids(store, src))
		if got.Status != 200 || !bytes.Equal(got.Body, first.Body) || got.Header.Get("X-Amzn-ErrorType") != "" || got.Header.Get("Content-Type") != schemas.ContentType {
			t.Errorf("Get after delete: %d %v %s, want the first answer", got.Status, got.Header, got.Body)
		}
		r.same("GetIdentitySource", ids(store, "other"))
	},
	"cognito-details-missing": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		want, got := r.both("GetIdentitySource", ids(store, src))
		if _, ok := want.JSON["details"]; !ok {
			t.Fatalf("faithful answer has no details: %s", want.Body)
		}
		if _, ok := got.JSON["details"]; ok {
			t.Errorf("details still there: %s", got.Body)
		}
		_, list := r.both("ListIdentitySources", map[string]any{"policyStoreId": store})
		if strings.Contains(string(list.Body), `"details"`) {
			t.Errorf("ListIdentitySources still has details: %s", list.Body)
		}
		r.same("GetIdentitySource", ids(r.newSource(oidc(map[string]any{"identityTokenOnly": map[string]any{}}))))
	},
	"oidc-source-has-details": func(t *testing.T, r *rig) {
		_, got := r.both("GetIdentitySource", ids(r.newSource(oidc(map[string]any{"identityTokenOnly": map[string]any{}}))))
		if d, _ := at(got.JSON, "details", "discoveryUrl"); d != testIssuer {
			t.Errorf("details.discoveryUrl %v, want %s: %s", d, testIssuer, got.Body)
		}
		r.same("GetIdentitySource", ids(r.newSource(cognito(testUserPoolArn, nil, ""))))
	},
	"client-ids-omitted": func(t *testing.T, r *rig) {
		_, got := r.both("GetIdentitySource", ids(r.newSource(cognito(testUserPoolArn, nil, ""))))
		if _, ok := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "clientIds"); ok {
			t.Errorf("clientIds still there: %s", got.Body)
		}
		if _, ok := at(got.JSON, "details", "clientIds"); ok {
			t.Errorf("details.clientIds still there: %s", got.Body)
		}
		r.same("GetIdentitySource", ids(r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))))
	},
	"principal-id-claim-not-defaulted": func(t *testing.T, r *rig) {
		store, src := r.newSource(oidc(map[string]any{"identityTokenOnly": map[string]any{"clientIds": []string{"a"}}}))
		want, got := r.both("GetIdentitySource", ids(store, src))
		path := []string{"configuration", "openIdConnectConfiguration", "tokenSelection", "identityTokenOnly", "principalIdClaim"}
		if v, _ := at(want.JSON, path...); v != "sub" {
			t.Fatalf("faithful principalIdClaim %v", v)
		}
		if v, ok := at(got.JSON, path...); ok {
			t.Errorf("principalIdClaim %v, want it left out", v)
		}
		// Given explicitly, even as "sub": untouched.
		r.both("UpdateIdentitySource", update(store, src, oidc(map[string]any{"identityTokenOnly": map[string]any{"principalIdClaim": "sub"}})))
		r.same("GetIdentitySource", ids(store, src))
	},
	"principal-entity-type-wrong-default": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		want, got := r.both("GetIdentitySource", ids(store, src))
		if want.JSON["principalEntityType"] != defaultPrincipalEntityType || got.JSON["principalEntityType"] != wrongPrincipalEntityType {
			t.Errorf("principalEntityType: faithful %v, deviant %v; want %s and %s", want.JSON["principalEntityType"], got.JSON["principalEntityType"],
				defaultPrincipalEntityType, wrongPrincipalEntityType)
		}
		_, list := r.both("ListIdentitySources", map[string]any{"policyStoreId": store})
		if v, _ := at(list.JSON, "identitySources"); !strings.Contains(string(list.Body), wrongPrincipalEntityType) {
			t.Errorf("ListIdentitySources items %v, want principalEntityType %s", v, wrongPrincipalEntityType)
		}
		// Given explicitly, even as the default: untouched.
		given := update(store, src, cognito(testUserPoolArn, nil, ""))
		given["principalEntityType"] = defaultPrincipalEntityType
		r.same("UpdateIdentitySource", given)
		r.same("GetIdentitySource", ids(store, src))
	},
	"cognito-issuer-wrong-region": func(t *testing.T, r *rig) {
		_, got := r.both("GetIdentitySource", ids(r.newSource(cognito(testSecondUserPoolArn, nil, ""))))
		wrong := "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_9z8y7x6w5"
		if v, _ := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "issuer"); v != wrong {
			t.Errorf("issuer %v, want %s", v, wrong)
		}
		if v, _ := at(got.JSON, "details", "discoveryUrl"); v != wrong {
			t.Errorf("details.discoveryUrl %v, want %s", v, wrong)
		}
		// A pool in the signing region comes out right.
		r.same("GetIdentitySource", ids(r.newSource(cognito(testUserPoolArn, nil, ""))))
	},
	"user-pool-arn-pattern-not-enforced": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		bad := "arn:aws:cognito-idp:us-east-1:123456789012:userpool/not-a-pool-id"
		want, got := r.both("UpdateIdentitySource", update(store, src, cognito(bad, nil, "")))
		if want.Status != 400 || got.Status != 200 {
			t.Fatalf("update with %s: faithful %d, deviant %d %s; want 400 and 200", bad, want.Status, got.Status, got.Body)
		}
		_, get := r.both("GetIdentitySource", ids(store, src))
		if v, _ := at(get.JSON, "configuration", "cognitoUserPoolConfiguration", "userPoolArn"); v != bad {
			t.Errorf("userPoolArn %v, want %s", v, bad)
		}
		// A valid ARN again: the placeholder is forgotten.
		r.both("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, nil, "")))
		if v, _ := at(sendJSON(t, r.wrapped, "GetIdentitySource", ids(store, src)).JSON, "configuration", "cognitoUserPoolConfiguration", "userPoolArn"); v != testUserPoolArn {
			t.Errorf("userPoolArn after a valid update %v", v)
		}
		// Other constraints are still enforced, the ARN's length too.
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{""}, "")))
		r.same("UpdateIdentitySource", update(store, src, cognito("", nil, "")))
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn+strings.Repeat("a", 256), nil, "")))
	},
	"unknown-output-member": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
		_, got := r.both("GetIdentitySource", ids(store, src))
		if _, ok := got.JSON["vpconformEmulatorRevision"]; !ok {
			t.Errorf("no extra member: %s", got.Body)
		}
		if err := schemas.Validate("GetIdentitySource", schemas.Output, got.Body); err == nil {
			t.Errorf("the answer with an extra member passes the output schema")
		}
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, nil, "")))
		r.same("GetIdentitySource", ids(store, "missing"))
	},
	"json-content-type": func(t *testing.T, r *rig) {
		store := r.createStore()
		_, got := r.both("GetIdentitySource", ids(store, "missing"))
		if ct := got.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
	},
	"token-client-ids-ignored": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createTypedSource(store, cognito(testUserPoolArn, []string{"client-a"}, ""), testUserType)
		r.createPolicy(store, permit("principal", "read"))
		listed := r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store, "read"))
		if listed.Status != 200 || listed.JSON["decision"] != "ALLOW" {
			t.Fatalf("a listed client's ID token: %d %s, want 200 ALLOW", listed.Status, listed.Body)
		}
		// An unlisted client's ID token (aud), access token (client_id),
		// and an ID token of no client: refused by the faithful fake,
		// answered by the deviant as the listed client's token is.
		for _, req := range []fake.TokenRequest{idToken("alice", "client-z"), accessToken("alice", "client-z"), idToken("alice", "")} {
			want, got := r.authorize("IsAuthorizedWithToken", req, authzInput(store, "read"))
			if want.Status != 400 || want.JSON["__type"] != "ValidationException" {
				t.Fatalf("faithful answer to a %s token of client %q: %d %s, want 400 ValidationException", req.Use, req.ClientID, want.Status, want.Body)
			}
			if got.Status != 200 || !bytes.Equal(canonical(got.Body), canonical(listed.Body)) {
				t.Errorf("deviant answer to a %s token of client %q: %d %s, want 200 %s", req.Use, req.ClientID, got.Status, got.Body, listed.Body)
			}
		}
		wantBatch := r.sameAuthorization("BatchIsAuthorizedWithToken", idToken("alice", "client-a"), batchInput(store, "read", "write"))
		if want, got := r.authorize("BatchIsAuthorizedWithToken", idToken("alice", "client-z"), batchInput(store, "read", "write")); want.Status != 400 ||
			got.Status != 200 || !bytes.Equal(canonical(got.Body), canonical(wantBatch.Body)) {
			t.Errorf("BatchIsAuthorizedWithToken with an unlisted client's token: faithful %d, deviant %d %s; want 400 and 200 %s", want.Status, got.Status, got.Body, wantBatch.Body)
		}
		// The configuration still shows the client ids, and the dates of
		// the client's own writes.
		r.same("GetIdentitySource", ids(store, src))
		r.same("ListIdentitySources", map[string]any{"policyStoreId": store})
		// The other checks of a token are still made.
		r.sameAuthorization("IsAuthorizedWithToken", fake.TokenRequest{UserPoolArn: testSecondUserPoolArn, Use: fake.IDToken, Subject: "alice", ClientID: "client-a"}, authzInput(store, "read"))
		expired := idToken("alice", "client-a")
		expired.Lifetime = -time.Minute
		r.sameAuthorization("IsAuthorizedWithToken", expired, authzInput(store, "read"))
		wrongUse := idToken("alice", "client-a")
		wrongUse.Claims = map[string]any{"token_use": "access"}
		r.sameAuthorization("IsAuthorizedWithToken", wrongUse, authzInput(store, "read"))
		// Writes are validated as before: invalid client ids are refused.
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{""}, "")))
		// Without client ids configured, every client's token is the
		// fake's to accept. (Each write with client ids is followed by
		// one the client does not see: with the rig's frozen clock the
		// fake's next lastUpdatedDate is a microsecond later than the
		// faithful one's, so writes and reads after one compare without
		// it.)
		noDates := func(m map[string]any) { delete(m, "lastUpdatedDate") }
		if want, got := r.both("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, nil, ""))); !sameUpTo(want, got, noDates) {
			t.Errorf("update without client ids: faithful %d %s, deviant %d %s", want.Status, want.Body, got.Status, got.Body)
		}
		if want, got := r.both("GetIdentitySource", ids(store, src)); !sameUpTo(want, got, noDates) {
			t.Errorf("Get without client ids: faithful %d %s, deviant %d %s", want.Status, want.Body, got.Status, got.Body)
		}
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-z"), authzInput(store, "read"))
		// A clientToken is the fake's: reused with other client ids it is
		// a conflict, with the same input it answers the first create.
		store2 := r.createStore()
		create := map[string]any{"policyStoreId": store2, "clientToken": "token-1", "configuration": cognito(testUserPoolArn, []string{"client-a"}, "")}
		first := r.same("CreateIdentitySource", create)
		r.same("CreateIdentitySource", map[string]any{"policyStoreId": store2, "clientToken": "token-1", "configuration": cognito(testUserPoolArn, []string{"client-b"}, "")})
		if again := r.same("CreateIdentitySource", create); !bytes.Equal(canonical(again.Body), canonical(first.Body)) {
			t.Errorf("repeated create: %s, want the first answer %s", again.Body, first.Body)
		}
		r.same("GetIdentitySource", ids(store2, first.JSON["identitySourceId"].(string)))
		// An OpenID Connect source's client ids are checked.
		store3 := r.createStore()
		r.createTypedSource(store3, oidc(map[string]any{"identityTokenOnly": map[string]any{"clientIds": []string{"client-a"}}}), testUserType)
		r.createPolicy(store3, permit("principal", "read"))
		if got := r.sameAuthorization("IsAuthorizedWithToken", fake.TokenRequest{Issuer: testIssuer, Use: fake.IDToken, Subject: "alice", ClientID: "client-z"}, authzInput(store3, "read")); got.Status != 400 {
			t.Errorf("an OpenID Connect ID token of an unlisted client: %d %s, want 400", got.Status, got.Body)
		}
	},
	"token-mapping-kept-after-update": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createTypedSource(store, cognito(testUserPoolArn, []string{"client-a", "client-b"}, ""), testUserType)
		read := r.createPolicy(store, permit(`principal == MyCorp::User::"`+testUserPoolID+`|alice"`, "read"))
		write := r.createPolicy(store, permit(`principal == MyCorp::Employee::"`+testUserPoolID+`|alice"`, "write"))
		// Before any update: the fake's own answers.
		for _, client := range []string{"client-a", "client-b"} {
			r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", client), authzInput(store, "read"))
			r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", client), authzInput(store, "write"))
		}
		r.sameAuthorization("BatchIsAuthorizedWithToken", idToken("alice", "client-a"), batchInput(store, "read", "write"))
		// The update is answered, and shown, as by the fake.
		upd := update(store, src, cognito(testUserPoolArn, []string{"client-b"}, ""))
		upd["principalEntityType"] = testEmployeeType
		r.same("UpdateIdentitySource", upd)
		r.same("GetIdentitySource", ids(store, src))
		// After it, tokens are mapped with the first configuration: the
		// removed client is accepted, the principal is still a User.
		want, got := r.authorize("IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store, "read"))
		wantPrincipal := `200 ALLOW MyCorp::User::"` + testUserPoolID + `|alice"`
		if want.Status != 400 || decisionOf(got) != wantPrincipal || !jsonEqual(got.JSON["determiningPolicies"], []any{map[string]any{"policyId": read}}) {
			t.Errorf("the removed client's token after the update: faithful %d %s, deviant %s; want 400 and %s determined by %s", want.Status, want.Body, got.Body, wantPrincipal, read)
		}
		want, got = r.authorize("IsAuthorizedWithToken", idToken("alice", "client-b"), authzInput(store, "write"))
		if decisionOf(want) != `200 ALLOW MyCorp::Employee::"`+testUserPoolID+`|alice"` || !jsonEqual(want.JSON["determiningPolicies"], []any{map[string]any{"policyId": write}}) {
			t.Fatalf("faithful answer for the new type's action after the update: %s, want 200 ALLOW for the Employee determined by %s", want.Body, write)
		}
		if decisionOf(got) != `200 DENY MyCorp::User::"`+testUserPoolID+`|alice"` {
			t.Errorf("deviant answer for the new type's action after the update: %s, want DENY for the User", decisionOf(got))
		}
		want, got = r.authorize("BatchIsAuthorizedWithToken", idToken("alice", "client-b"), batchInput(store, "read", "write"))
		decisions := func(a reply) []any {
			var out []any
			results, _ := a.JSON["results"].([]any)
			for _, res := range results {
				d, _ := at(res.(map[string]any), "decision")
				out = append(out, d)
			}
			return out
		}
		if !slices.Equal(decisions(want), []any{"DENY", "ALLOW"}) || !slices.Equal(decisions(got), []any{"ALLOW", "DENY"}) {
			t.Errorf("batch of read and write after the update: faithful %v, deviant %v; want [DENY ALLOW] and [ALLOW DENY]", decisions(want), decisions(got))
		}
		if p, _ := at(got.JSON, "principal", "entityType"); p != testUserType {
			t.Errorf("batch principal type after the update %v, want %s", p, testUserType)
		}
		// Reads still show the update, with its date, after evaluations.
		r.same("GetIdentitySource", ids(store, src))
		r.same("ListIdentitySources", map[string]any{"policyStoreId": store})
		// A store whose identity source was never updated: untouched.
		store2 := r.createStore()
		r.createTypedSource(store2, cognito(testUserPoolArn, []string{"client-a"}, ""), testUserType)
		r.createPolicy(store2, permit(`principal == MyCorp::User::"`+testUserPoolID+`|alice"`, "read"))
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store2, "read"))
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-b"), authzInput(store2, "read"))
		// Updated back to the first configuration: the fake's answers
		// again. (The swaps made while evaluating advanced the fake's
		// lastUpdatedDate, a microsecond each under the rig's frozen
		// clock, so the update's answer compares without it.)
		back := update(store, src, cognito(testUserPoolArn, []string{"client-a", "client-b"}, ""))
		back["principalEntityType"] = testUserType
		if want, got := r.both("UpdateIdentitySource", back); !sameUpTo(want, got, func(m map[string]any) { delete(m, "lastUpdatedDate") }) {
			t.Errorf("update back: faithful %d %s, deviant %d %s", want.Status, want.Body, got.Status, got.Body)
		}
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store, "read"))
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-b"), authzInput(store, "write"))
	},
	"token-principal-without-user-pool-id": func(t *testing.T, r *rig) {
		store := r.createStore()
		r.createTypedSource(store, cognito(testUserPoolArn, []string{"client-a"}, ""), testUserType)
		p := r.createPolicy(store, permit(`principal == MyCorp::User::"`+testUserPoolID+`|alice"`, "read"))
		noPrincipal := func(m map[string]any) { delete(m, "principal") }
		for _, c := range []struct {
			op  string
			req fake.TokenRequest
			in  map[string]any
			sub string
		}{
			{"IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store, "read"), "alice"},
			{"IsAuthorizedWithToken", accessToken("alice", "client-a"), authzInput(store, "read"), "alice"},
			{"BatchIsAuthorizedWithToken", idToken("alice", "client-a"), batchInput(store, "read", "write"), "alice"},
			{"IsAuthorizedWithToken", idToken("a|b", "client-a"), authzInput(store, "read"), "a|b"},
		} {
			want, got := r.authorize(c.op, c.req, c.in)
			if id, _ := at(want.JSON, "principal", "entityId"); want.Status != 200 || id != testUserPoolID+"|"+c.sub {
				t.Fatalf("faithful %s: %d %s, want 200 with principal %s|%s", c.op, want.Status, want.Body, testUserPoolID, c.sub)
			}
			typ, _ := at(got.JSON, "principal", "entityType")
			id, _ := at(got.JSON, "principal", "entityId")
			if typ != testUserType || id != c.sub || !sameUpTo(want, got, noPrincipal) {
				t.Errorf("deviant %s with the %s token of %q: %d %s, want principal %s::%q and otherwise %s", c.op, c.req.Use, c.sub, got.Status, got.Body, testUserType, c.sub, want.Body)
			}
		}
		// The policies still see the principal with the user pool id.
		if _, got := r.authorize("IsAuthorizedWithToken", idToken("alice", "client-a"), authzInput(store, "read")); got.JSON["decision"] != "ALLOW" ||
			!jsonEqual(got.JSON["determiningPolicies"], []any{map[string]any{"policyId": p}}) {
			t.Errorf("decision %s, want ALLOW determined by %s", got.Body, p)
		}
		// Refusals are the fake's.
		r.sameAuthorization("IsAuthorizedWithToken", idToken("alice", "client-z"), authzInput(store, "read"))
		// An OpenID Connect principal keeps its "<entityIdPrefix>|", even
		// a prefix that looks like a user pool id.
		for _, prefix := range []string{"vpconform", testUserPoolID} {
			store := r.createStore()
			cfg := map[string]any{"openIdConnectConfiguration": map[string]any{"issuer": testIssuer, "entityIdPrefix": prefix,
				"tokenSelection": map[string]any{"identityTokenOnly": map[string]any{"clientIds": []string{"client-a"}}}}}
			r.createTypedSource(store, cfg, testUserType)
			r.createPolicy(store, permit("principal", "read"))
			req := fake.TokenRequest{Issuer: testIssuer, Use: fake.IDToken, Subject: "alice", ClientID: "client-a"}
			if got := r.sameAuthorization("IsAuthorizedWithToken", req, authzInput(store, "read")); decisionOf(got) != `200 ALLOW MyCorp::User::"`+prefix+`|alice"` {
				t.Errorf("OpenID Connect principal with entityIdPrefix %s: %s, want 200 ALLOW MyCorp::User::%q", prefix, decisionOf(got), prefix+"|alice")
			}
			r.sameAuthorization("BatchIsAuthorizedWithToken", req, batchInput(store, "read"))
		}
	},
}

// checkStatus400 checks that d sends an answer naming shape, HTTP status
// its model status, with HTTP 400 and the same body, and leaves another
// error's status alone.
func checkStatus400(t *testing.T, d Deviation, shape string, status int) {
	t.Helper()
	body := `{"__type":"` + shape + `","message":"m"}`
	h := Wrap(canned(status, map[string]string{"Content-Type": schemas.ContentType}, body), d)
	if got := send(t, h, "GetIdentitySource", `{}`); got.Status != 400 || string(got.Body) != body {
		t.Errorf("%s: %d %s, want 400 and the same body", shape, got.Status, got.Body)
	}
	h = Wrap(canned(500, map[string]string{"X-Amzn-ErrorType": "InternalServerException"}, `{}`), d)
	if got := send(t, h, "GetIdentitySource", `{}`); got.Status != 500 {
		t.Errorf("InternalServerException status changed to %d", got.Status)
	}
}

// TestLargeBodyPassesThrough checks that a body over the buffering bound
// reaches the server whole.
func TestLargeBodyPassesThrough(t *testing.T) {
	var got int
	h := Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		_, _ = b.ReadFrom(r.Body)
		got = b.Len()
	}), staleGetAfterUpdate())
	big := strings.Repeat("a", maxBodyBytes+10)
	send(t, h, "GetIdentitySource", big)
	if got != len(big) {
		t.Errorf("server read %d bytes, want %d", got, len(big))
	}
}

func TestUserPoolArnValid(t *testing.T) {
	for arn, want := range map[string]bool{
		testUserPoolArn:        true,
		testSecondUserPoolArn:  true,
		placeholderUserPoolArn: true,
		"arn:aws:cognito-idp:us-east-1:123456789012:userpool/not-a-pool-id": false,
		"": false,
	} {
		if got := userPoolArnValid(arn); got != want {
			t.Errorf("userPoolArnValid(%q) = %v, want %v", arn, got, want)
		}
	}
}

func TestRequestRegion(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	if got := requestRegion(req); got != "us-east-1" {
		t.Errorf("unsigned request: %q", got)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240501/eu-central-1/verifiedpermissions/aws4_request, SignedHeaders=host, Signature=0")
	if got := requestRegion(req); got != "eu-central-1" {
		t.Errorf("signed for eu-central-1: %q", got)
	}
}
