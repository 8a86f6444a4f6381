package deviations

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
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
		body := `{"__type":"ThrottlingException","message":"slow down"}`
		h := Wrap(canned(429, map[string]string{"Content-Type": schemas.ContentType}, body), throttlingExceptionStatus400())
		got := send(t, h, "GetIdentitySource", `{}`)
		if got.Status != 400 || string(got.Body) != body {
			t.Errorf("ThrottlingException: %d %s, want 400 and the same body", got.Status, got.Body)
		}
		h = Wrap(canned(500, map[string]string{"X-Amzn-ErrorType": "InternalServerException"}, `{}`), throttlingExceptionStatus400())
		if got := send(t, h, "GetIdentitySource", `{}`); got.Status != 500 {
			t.Errorf("InternalServerException status changed to %d", got.Status)
		}
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
	"timestamps-as-epoch-numbers": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
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
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
		other := r.createSource(r.createStore(), cognito(testUserPoolArn, nil, ""))
		_ = other
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
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
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
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, []string{"a", "b"}, "MyCorp::Group"))
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
		store2 := r.createStore()
		src2 := r.createSource(store2, oidc(map[string]any{"accessTokenOnly": map[string]any{"audiences": []string{"x"}, "principalIdClaim": "email"}}))
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
	"stale-get-after-update": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, []string{"a"}, ""))
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
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, []string{"a"}, ""))
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
		store2 := r.createStore()
		src2 := r.createSource(store2, oidc(map[string]any{"identityTokenOnly": map[string]any{}}))
		r.same("GetIdentitySource", ids(store2, src2))
	},
	"oidc-source-has-details": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, oidc(map[string]any{"identityTokenOnly": map[string]any{}}))
		_, got := r.both("GetIdentitySource", ids(store, src))
		if d, _ := at(got.JSON, "details", "discoveryUrl"); d != testIssuer {
			t.Errorf("details.discoveryUrl %v, want %s: %s", d, testIssuer, got.Body)
		}
		store2 := r.createStore()
		src2 := r.createSource(store2, cognito(testUserPoolArn, nil, ""))
		r.same("GetIdentitySource", ids(store2, src2))
	},
	"client-ids-omitted": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
		_, got := r.both("GetIdentitySource", ids(store, src))
		if _, ok := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "clientIds"); ok {
			t.Errorf("clientIds still there: %s", got.Body)
		}
		if _, ok := at(got.JSON, "details", "clientIds"); ok {
			t.Errorf("details.clientIds still there: %s", got.Body)
		}
		store2 := r.createStore()
		src2 := r.createSource(store2, cognito(testUserPoolArn, []string{"a"}, ""))
		r.same("GetIdentitySource", ids(store2, src2))
	},
	"principal-id-claim-not-defaulted": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, oidc(map[string]any{"identityTokenOnly": map[string]any{"clientIds": []string{"a"}}}))
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
	"cognito-issuer-wrong-region": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testSecondUserPoolArn, nil, ""))
		_, got := r.both("GetIdentitySource", ids(store, src))
		wrong := "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_9z8y7x6w5"
		if v, _ := at(got.JSON, "configuration", "cognitoUserPoolConfiguration", "issuer"); v != wrong {
			t.Errorf("issuer %v, want %s", v, wrong)
		}
		if v, _ := at(got.JSON, "details", "discoveryUrl"); v != wrong {
			t.Errorf("details.discoveryUrl %v, want %s", v, wrong)
		}
		// A pool in the signing region comes out right.
		store2 := r.createStore()
		src2 := r.createSource(store2, cognito(testUserPoolArn, nil, ""))
		r.same("GetIdentitySource", ids(store2, src2))
	},
	"user-pool-arn-pattern-not-enforced": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
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
		if v, _ := at(send(t, r.wrapped, "GetIdentitySource", ids(store, src)).JSON, "configuration", "cognitoUserPoolConfiguration", "userPoolArn"); v != testUserPoolArn {
			t.Errorf("userPoolArn after a valid update %v", v)
		}
		// Other constraints are still enforced, the ARN's length too.
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, []string{""}, "")))
		r.same("UpdateIdentitySource", update(store, src, cognito("", nil, "")))
		r.same("UpdateIdentitySource", update(store, src, cognito(testUserPoolArn+strings.Repeat("a", 256), nil, "")))
	},
	"unknown-output-member": func(t *testing.T, r *rig) {
		store := r.createStore()
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
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

func TestEveryDeviationHasAUnitTest(t *testing.T) {
	names := map[string]bool{}
	for _, d := range All() {
		names[d.Name] = true
		if unitTests[d.Name] == nil {
			t.Errorf("deviation %s has no unit test in unitTests", d.Name)
		}
	}
	for name := range unitTests {
		if !names[name] {
			t.Errorf("unitTests has %s, which All does not return", name)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, d := range All() {
		test := unitTests[d.Name]
		if test == nil {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			test(t, newRig(t, d))
		})
	}
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestAllDeclarations(t *testing.T) {
	all := All()
	if len(all) < 16 {
		t.Errorf("All returns %d deviations, want at least 16", len(all))
	}
	seen := map[string]bool{}
	for _, d := range all {
		if !kebab.MatchString(d.Name) {
			t.Errorf("name %q is not kebab-case", d.Name)
		}
		if seen[d.Name] {
			t.Errorf("name %q appears twice", d.Name)
		}
		seen[d.Name] = true
		if !strings.HasSuffix(d.Description, ".") || strings.ContainsAny(d.Description, "\n\t") {
			t.Errorf("%s: description %q is not one sentence", d.Name, d.Description)
		}
		switch d.Evidence {
		case EvidenceModel, EvidenceDocs, EvidenceObserved, EvidenceInferred:
		default:
			t.Errorf("%s: evidence %q is not M, D, O or I", d.Name, d.Evidence)
		}
		if len(d.DetectedBy) == 0 {
			t.Errorf("%s: DetectedBy is empty", d.Name)
		}
		if d.middleware == nil {
			t.Errorf("%s: no middleware", d.Name)
		}
		if got, ok := ByName(d.Name); !ok || got.Name != d.Name {
			t.Errorf("ByName(%q) = %v, %v", d.Name, got.Name, ok)
		}
	}
	if _, ok := ByName("no-such-deviation"); ok {
		t.Error("ByName found no-such-deviation")
	}
}

func TestZeroDeviationChangesNothing(t *testing.T) {
	h := canned(200, nil, "x")
	if got := Wrap(h, Deviation{}); got == nil {
		t.Fatal("Wrap of a zero Deviation returned nil")
	}
	rec := httptest.NewRecorder()
	Wrap(h, Deviation{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Body.String() != "x" {
		t.Errorf("body %q", rec.Body)
	}
}

// TestOtherTrafficUntouched sends what is not an API call, or not one any
// deviation is about, through every deviation.
func TestOtherTrafficUntouched(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, d)
			checkNonAPIUntouched(t, r)
			// These two change every answer, policy stores' too.
			if d.Name != "json-content-type" && d.Name != "timestamps-as-epoch-numbers" {
				store := r.createStore()
				r.same("GetPolicyStore", map[string]any{"policyStoreId": store})
				r.same("ListIdentitySources", map[string]any{"policyStoreId": store})
			}
		})
	}
}

// checkNonAPIUntouched sends requests that are not API calls (a control
// route, another method, another X-Amz-Target) to both fakes of r and fails
// unless they answer alike.
func checkNonAPIUntouched(t *testing.T, r *rig) {
	t.Helper()
	for _, req := range []func() *http.Request{
		func() *http.Request { return httptest.NewRequest(http.MethodGet, "/_vpfake/health", nil) },
		func() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) },
		func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
			req.Header.Set("X-Amz-Target", "Other.Thing")
			return req
		},
	} {
		want, got := do(t, r.faithful, req()), do(t, r.wrapped, req())
		if want.Status != got.Status || !bytes.Equal(want.Body, got.Body) {
			t.Errorf("%s %s: faithful %d %s, wrapped %d %s", req().Method, req().URL.Path, want.Status, want.Body, got.Status, got.Body)
		}
	}
}

// TestMalformedBodiesNeverPanic sends bodies that are not what any deviation
// expects through each of them: the answer must come, with a correct
// Content-Length, and no panic.
func TestMalformedBodiesNeverPanic(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			checkMalformedBodies(t, func(h http.Handler) http.Handler { return Wrap(h, d) })
		})
	}
}

// checkMalformedBodies sends malformed requests through wrap to a fake, and
// requests of every kind through wrap to servers giving malformed answers:
// each answer must come, with a correct Content-Length, and no panic.
func checkMalformedBodies(t *testing.T, wrap func(http.Handler) http.Handler) {
	t.Helper()
	bodies := []string{
		``, `{`, `null`, `[]`, `"x"`, `{} {}`, `{"policyStoreId": 5, "identitySourceId": []}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": null}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": "x"}}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": {"userPoolArn": 7}}}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"openIdConnectConfiguration": {"tokenSelection": {"accessTokenOnly": 1}}}}`,
		`{"policyStoreId": "a", "configuration": {"cognitoUserPoolConfiguration": {"userPoolArn": "bad"}}}`,
		strings.Repeat(`[`, 10000),
	}
	answers := []string{``, `{`, `null`, `[1]`, `{"__type": 5}`, `{"identitySources": "x"}`, `{"configuration": []}`,
		`{"policyStoreId": "a", "identitySourceId": "b", "createdDate": 5, "lastUpdatedDate": "x", "configuration": {"cognitoUserPoolConfiguration": {"issuer": "https://cognito-idp.x"}}}`}
	ops := []string{"GetIdentitySource", "UpdateIdentitySource", "CreateIdentitySource", "ListIdentitySources", "GetPolicyStore"}
	h := wrap(newFake())
	for _, op := range ops {
		for _, b := range bodies {
			if got := send(t, h, op, b); got.Status == 0 {
				t.Errorf("%s %q: no status", op, b)
			}
		}
	}
	for _, status := range []int{200, 400, 404, 409, 429} {
		for _, a := range answers {
			h := wrap(canned(status, map[string]string{"Content-Type": schemas.ContentType}, a))
			for _, op := range ops {
				for _, b := range bodies[:8] {
					send(t, h, op, b)
				}
				send(t, h, op, `{"policyStoreId": "a", "identitySourceId": "b", "updateConfiguration": {"cognitoUserPoolConfiguration": {"userPoolArn": "bad"}}}`)
			}
		}
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
	big := bytes.Repeat([]byte("a"), maxBodyBytes+10)
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

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(canonical(x), canonical(y))
}
