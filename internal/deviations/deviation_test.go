package deviations

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

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
