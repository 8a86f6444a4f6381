package deviations

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// variantUnitTests holds, for every conforming variant, a test that its
// rewrite does what its Description says and leaves the traffic it is not
// about alone.
var variantUnitTests = map[string]func(t *testing.T, r *rig){
	"error-code-body-only": func(t *testing.T, r *rig) {
		checkErrorCode(t, r, none, bare)
		// An answer naming its shape only in the header gets it in the body.
		h := Wrap(canned(429, map[string]string{"Content-Type": schemas.ContentType, "X-Amzn-ErrorType": "ThrottlingException"}, `{"message":"m"}`), errorCodeBodyOnly())
		if got := send(t, h, "GetIdentitySource", `{}`); got.Header.Get("X-Amzn-ErrorType") != "" || got.JSON["__type"] != "ThrottlingException" {
			t.Errorf("header-only answer: %v %s, want the shape moved into __type", got.Header, got.Body)
		}
		// A body that is not JSON keeps the header: the shape stays named.
		h = Wrap(canned(500, map[string]string{"X-Amzn-ErrorType": "InternalServerException"}, `oops`), errorCodeBodyOnly())
		if got := send(t, h, "GetIdentitySource", `{}`); got.Header.Get("X-Amzn-ErrorType") != "InternalServerException" || string(got.Body) != "oops" {
			t.Errorf("non-JSON error answer changed: %v %s", got.Header, got.Body)
		}
	},
	"error-code-header-only": func(t *testing.T, r *rig) {
		checkErrorCode(t, r, bare, none)
		// An answer naming its shape only in the body gets the header.
		h := Wrap(canned(429, map[string]string{"Content-Type": schemas.ContentType}, `{"__type":"ThrottlingException","message":"m"}`), errorCodeHeaderOnly())
		if got := send(t, h, "GetIdentitySource", `{}`); got.Header.Get("X-Amzn-ErrorType") != "ThrottlingException" || got.JSON["__type"] != nil || got.JSON["message"] != "m" {
			t.Errorf("body-only answer: %v %s, want the shape moved into the header", got.Header, got.Body)
		}
	},
	"error-code-namespaced": func(t *testing.T, r *rig) {
		checkErrorCode(t, r, none, func(shape string) string { return "com.amazonaws.verifiedpermissions#" + shape })
	},
	"error-code-header-uri-form": func(t *testing.T, r *rig) {
		checkErrorCode(t, r, func(shape string) string {
			return shape + ":http://internal.amazon.com/coral/com.amazonaws.verifiedpermissions/"
		}, none)
	},
	"ids-uuid": func(t *testing.T, r *rig) {
		checkIDs(t, r, idsUUID(), regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))
	},
	"ids-hex40": func(t *testing.T, r *rig) {
		checkIDs(t, r, idsHex40(), regexp.MustCompile(`^[0-9a-f]{40}$`))
	},
	"timestamps-0-digits": func(t *testing.T, r *rig) { checkTimestamps(t, r, 0) },
	"timestamps-3-digits": func(t *testing.T, r *rig) { checkTimestamps(t, r, 3) },
	"timestamps-6-digits": func(t *testing.T, r *rig) { checkTimestamps(t, r, 6) },
	"unordered-lists": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a", "b", "c"}, "MyCorp::Group"))
		for _, op := range []string{"GetIdentitySource", "ListIdentitySources"} {
			want, got := r.both(op, ids(store, src))
			if op == "ListIdentitySources" {
				want, got = r.both(op, map[string]any{"policyStoreId": store})
			}
			reversed := []any{"c", "b", "a"}
			for _, src := range identitySourceBodies(op, got.JSON) {
				for _, path := range [][]string{{"configuration", "cognitoUserPoolConfiguration", "clientIds"}, {"details", "clientIds"}} {
					if v, _ := at(src, path...); !jsonEqual(v, reversed) {
						t.Errorf("%s %s: %v, want %v", op, strings.Join(path, "."), v, reversed)
					}
				}
			}
			if !sameUpTo(want, got, func(m map[string]any) {
				for _, src := range identitySourceBodies(op, m) {
					delete(object(src, "configuration", "cognitoUserPoolConfiguration"), "clientIds")
					delete(object(src, "details"), "clientIds")
				}
			}) {
				t.Errorf("%s: more than the lists' order changed:\nfaithful %s\nwrapped  %s", op, want.Body, got.Body)
			}
		}
		// OpenID Connect: identity token client ids and access token audiences.
		store2, src2 := r.newSource(oidc(map[string]any{"identityTokenOnly": map[string]any{"clientIds": []string{"x", "y"}}}))
		_, got := r.both("GetIdentitySource", ids(store2, src2))
		if v, _ := at(got.JSON, "configuration", "openIdConnectConfiguration", "tokenSelection", "identityTokenOnly", "clientIds"); !jsonEqual(v, []any{"y", "x"}) {
			t.Errorf("identityTokenOnly.clientIds %v, want [y x]", v)
		}
		r.both("UpdateIdentitySource", update(store2, src2, oidc(map[string]any{"accessTokenOnly": map[string]any{"audiences": []string{"x", "y"}}})))
		_, got = r.both("GetIdentitySource", ids(store2, src2))
		if v, _ := at(got.JSON, "configuration", "openIdConnectConfiguration", "tokenSelection", "accessTokenOnly", "audiences"); !jsonEqual(v, []any{"y", "x"}) {
			t.Errorf("accessTokenOnly.audiences %v, want [y x]", v)
		}
		// A list of one has no other order; other answers are untouched.
		store3, src3 := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		r.same("GetIdentitySource", ids(store3, src3))
		r.same("UpdateIdentitySource", update(store3, src3, cognito(testUserPoolArn, []string{"a", "b"}, "")))
		r.same("GetIdentitySource", ids(store3, "missing"))
	},
	"discovery-url-well-known": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		for _, op := range []string{"GetIdentitySource", "ListIdentitySources"} {
			want, got := r.both(op, ids(store, src))
			if op == "ListIdentitySources" {
				want, got = r.both(op, map[string]any{"policyStoreId": store})
			}
			for _, src := range identitySourceBodies(op, got.JSON) {
				issuer, _ := at(src, "configuration", "cognitoUserPoolConfiguration", "issuer")
				wantURL := "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5/.well-known/openid-configuration"
				if issuer != "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5" {
					t.Errorf("%s: issuer changed to %v", op, issuer)
				}
				if v, _ := at(src, "details", "discoveryUrl"); v != wantURL {
					t.Errorf("%s: details.discoveryUrl %v, want %s", op, v, wantURL)
				}
			}
			if !sameUpTo(want, got, func(m map[string]any) {
				for _, src := range identitySourceBodies(op, m) {
					delete(object(src, "details"), "discoveryUrl")
				}
			}) {
				t.Errorf("%s: more than discoveryUrl changed:\nfaithful %s\nwrapped  %s", op, want.Body, got.Body)
			}
		}
		// An OpenID Connect identity source has no details to change.
		store2, src2 := r.newSource(oidc(map[string]any{"identityTokenOnly": map[string]any{}}))
		r.same("GetIdentitySource", ids(store2, src2))
		// Already in the well-known form: untouched.
		body := `{"identitySourceId":"s","policyStoreId":"p","details":{"openIdIssuer":"COGNITO","discoveryUrl":"https://x/.well-known/openid-configuration"}}`
		h := Wrap(canned(200, map[string]string{"Content-Type": schemas.ContentType}, body), discoveryURLWellKnown())
		if got := send(t, h, "GetIdentitySource", `{}`); string(got.Body) != body {
			t.Errorf("well-known discoveryUrl changed: %s", got.Body)
		}
	},
	"list-items-without-configuration": func(t *testing.T, r *rig) {
		store, src := r.newSource(cognito(testUserPoolArn, []string{"a"}, ""))
		want, got := r.both("ListIdentitySources", map[string]any{"policyStoreId": store})
		items, _ := got.JSON["identitySources"].([]any)
		if len(items) != 1 {
			t.Fatalf("ListIdentitySources: %s", got.Body)
		}
		if _, ok := items[0].(map[string]any)["configuration"]; ok {
			t.Errorf("an item still has configuration: %s", got.Body)
		}
		if !sameUpTo(want, got, func(m map[string]any) {
			for _, src := range identitySourceBodies("ListIdentitySources", m) {
				delete(src, "configuration")
			}
		}) {
			t.Errorf("more than configuration changed:\nfaithful %s\nwrapped  %s", want.Body, got.Body)
		}
		r.same("GetIdentitySource", ids(store, src))
		r.same("ListIdentitySources", map[string]any{"policyStoreId": "missingstore"})
	},
	"messages-reworded": func(t *testing.T, r *rig) {
		store := r.createStore()
		for _, in := range []map[string]any{ids(store, "missing"), ids(store, "bad_id")} {
			want, got := r.both("GetIdentitySource", in)
			msg, _ := want.JSON["message"].(string)
			shape, _ := want.JSON["__type"].(string)
			if reworded := rewordedMessage(shape, msg); got.JSON["message"] != reworded || msg == reworded {
				t.Errorf("%s message %v, want %q", shape, got.JSON["message"], reworded)
			}
			if !sameUpTo(want, got, func(m map[string]any) { delete(m, "message") }) || got.Header.Get("X-Amzn-ErrorType") != shape {
				t.Errorf("more than the message changed:\nfaithful %s\nwrapped  %s", want.Body, got.Body)
			}
		}
		// A message the client chose through fault injection is kept; the
		// control request and its answer go through unchanged.
		fault := `{"operation":"GetIdentitySource","error":"ThrottlingException","count":1,"message":"slow down, vpconform"}`
		if want, got := r.control(http.MethodPost, faultControlPath, fault); want.Status != 200 || !bytes.Equal(want.Body, got.Body) {
			t.Fatalf("inject fault: faithful %d %s, wrapped %d %s", want.Status, want.Body, got.Status, got.Body)
		}
		r.same("GetIdentitySource", ids(store, "missing"))
		// A fault's default message is the target's own wording.
		r.control(http.MethodPost, faultControlPath, `{"operation":"GetIdentitySource","error":"ThrottlingException","count":1}`)
		want, got := r.both("GetIdentitySource", ids(store, "missing"))
		if got.Status != 429 || got.JSON["message"] == want.JSON["message"] {
			t.Errorf("injected default message kept: %d %s", got.Status, got.Body)
		}
		// Success answers are untouched.
		src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
		r.same("GetIdentitySource", ids(store, src))
		// The control request reaches the server byte for byte.
		var seen []byte
		h := Wrap(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			b := new(bytes.Buffer)
			_, _ = b.ReadFrom(req.Body)
			seen = b.Bytes()
		}), messagesReworded())
		do(t, h, httptest.NewRequest(http.MethodPost, faultControlPath, strings.NewReader(fault)))
		if string(seen) != fault {
			t.Errorf("the fake got %q, want %q", seen, fault)
		}
	},
}

// Forms of an error code for checkErrorCode: none, and the bare shape.
var (
	none = func(string) string { return "" }
	bare = func(shape string) string { return shape }
)

// checkErrorCode checks that error answers name their shape with exactly
// the X-Amzn-ErrorType header and __type member the functions make of it
// ("" for absent) and are otherwise unchanged, that a client still reads
// the right shape, and that success answers are untouched.
func checkErrorCode(t *testing.T, r *rig, header, typeInBody func(shape string) string) {
	t.Helper()
	store := r.createStore()
	for _, in := range []map[string]any{ids(store, "missing"), ids("missingstore", "missing"), ids(store, "bad_id")} {
		want, got := r.both("GetIdentitySource", in)
		shape, _ := want.JSON["__type"].(string)
		if got.Status != want.Status || got.Header.Get("Content-Type") != schemas.ContentType {
			t.Errorf("%s: status %d %s, want %d %s", shape, got.Status, got.Header.Get("Content-Type"), want.Status, schemas.ContentType)
		}
		if h := got.Header.Get("X-Amzn-ErrorType"); h != header(shape) {
			t.Errorf("%s: X-Amzn-ErrorType %q, want %q", shape, h, header(shape))
		}
		typ, isString := got.JSON["__type"].(string)
		if _, has := got.JSON["__type"]; has != (typeInBody(shape) != "") || has && (!isString || typ != typeInBody(shape)) {
			t.Errorf("%s: __type %v, want %q", shape, got.JSON["__type"], typeInBody(shape))
		}
		if read := schemas.ErrorShape(got.Header, typ); read != shape {
			t.Errorf("a client reads the shape as %q, want %q", read, shape)
		}
		if !sameUpTo(want, got, func(m map[string]any) { delete(m, "__type") }) {
			t.Errorf("more than the error code changed:\nfaithful %s\nwrapped  %s", want.Body, got.Body)
		}
	}
	src := r.createSource(store, cognito(testUserPoolArn, nil, ""))
	r.same("GetIdentitySource", ids(store, src))
}

// checkIDs checks that every id the fake issues is presented, by the
// variant v that r wraps, as an id matching pattern, in every answer, and
// mapped back in every request, while ids the variant never presented pass
// through.
func checkIDs(t *testing.T, r *rig, v Variant, pattern *regexp.Regexp) {
	t.Helper()
	presented := map[string]string{} // the fake's id → the id presented
	// call sends the call to both fakes, the wrapped one with the ids it
	// presented, learns the id of member (if not "") the answers name, and
	// fails unless the wrapped answer is the faithful one with the ids
	// replaced.
	call := func(op string, in map[string]any, member string) (want, got reply) {
		t.Helper()
		want = sendJSON(t, r.faithful, op, in)
		mapped := map[string]any{}
		for k, val := range in {
			mapped[k] = val
			if s, ok := val.(string); ok && presented[s] != "" {
				mapped[k] = presented[s]
			}
		}
		got = sendJSON(t, r.wrapped, op, mapped)
		if member != "" {
			fakeID, _ := want.JSON[member].(string)
			id, _ := got.JSON[member].(string)
			if !pattern.MatchString(id) || fakeID == "" {
				t.Fatalf("%s: %s %q does not match %s (the fake's %q)", op, member, id, pattern, fakeID)
			}
			presented[fakeID] = id
		}
		w := want.Body
		for fakeID, id := range presented {
			w = bytes.ReplaceAll(w, []byte(fakeID), []byte(id))
		}
		if want.Status != got.Status || !bytes.Equal(canonical(w), canonical(got.Body)) {
			t.Errorf("%s: answers differ by more than the ids:\nfaithful %d %s\nwrapped  %d %s", op, want.Status, want.Body, got.Status, got.Body)
		}
		return want, got
	}
	want, got := call("CreatePolicyStore", map[string]any{"validationSettings": map[string]any{"mode": "OFF"}}, "policyStoreId")
	store, _ := want.JSON["policyStoreId"].(string)
	if arn, _ := got.JSON["arn"].(string); !strings.HasSuffix(arn, "policy-store/"+presented[store]) {
		t.Errorf("arn %q does not end in policy-store/%s", arn, presented[store])
	}
	call("GetPolicyStore", map[string]any{"policyStoreId": store}, "")
	create := map[string]any{"policyStoreId": store, "clientToken": "token-1", "configuration": cognito(testUserPoolArn, []string{"a"}, "")}
	want, _ = call("CreateIdentitySource", create, "identitySourceId")
	src, _ := want.JSON["identitySourceId"].(string)
	call("GetIdentitySource", ids(store, src), "")
	call("ListIdentitySources", map[string]any{"policyStoreId": store}, "")
	call("UpdateIdentitySource", update(store, src, cognito(testSecondUserPoolArn, nil, "")), "")
	// Refusals naming the resources: a conflicting clientToken, the quota.
	create["configuration"] = cognito(testSecondUserPoolArn, nil, "")
	if _, got := call("CreateIdentitySource", create, ""); got.Status != 409 {
		t.Errorf("reused clientToken: %d %s, want a ConflictException", got.Status, got.Body)
	}
	delete(create, "clientToken")
	call("CreateIdentitySource", create, "")
	// Made-up ids pass through, in the answer too.
	for _, in := range []map[string]any{ids(store, "missing"), ids("missingstore", src), ids("missingstore", "missing")} {
		_, got := call("GetIdentitySource", in, "")
		if got.Status != 404 {
			t.Errorf("GetIdentitySource %v: %d %s", in, got.Status, got.Body)
		}
	}
	// After a deletion, the id presented is named as not found.
	call("DeleteIdentitySource", ids(store, src), "")
	if _, got := call("GetIdentitySource", ids(store, src), ""); got.JSON["resourceId"] != presented[src] {
		t.Errorf("resourceId %v after deletion, want %s", got.JSON["resourceId"], presented[src])
	}
	// Each Wrap has its own ids: another one knows none of these.
	other := Wrap(newFake(), v)
	if got := sendJSON(t, other, "GetPolicyStore", map[string]any{"policyStoreId": presented[store]}); got.Status != 404 || got.JSON["resourceId"] != presented[store] {
		t.Errorf("another Wrap resolved %s: %d %s", presented[store], got.Status, got.Body)
	}
	// A nextToken is left alone, even holding an id.
	fakeID := "C7v5xMplfFH3i3e4Jrzb1a"
	list := `{"identitySources":[{"policyStoreId":"` + fakeID + `"}],"nextToken":"` + fakeID + `"}`
	h := Wrap(canned(200, map[string]string{"Content-Type": schemas.ContentType}, list), v)
	got = send(t, h, "ListIdentitySources", `{"policyStoreId":"x"}`)
	if got.JSON["nextToken"] != fakeID || strings.Count(string(got.Body), fakeID) != 1 {
		t.Errorf("ListIdentitySources %s: want the item's id replaced and nextToken kept", got.Body)
	}
}

// checkTimestamps checks that every date is rendered in UTC with exactly
// digits fractional digits, truncated, and nothing else changes.
func checkTimestamps(t *testing.T, r *rig, digits int) {
	t.Helper()
	frac := ""
	if digits > 0 {
		frac = "." + strings.Repeat("0", digits)
	}
	store, src := r.newSource(cognito(testUserPoolArn, nil, ""))
	for _, c := range []struct {
		op string
		in map[string]any
	}{
		{"GetPolicyStore", map[string]any{"policyStoreId": store}},
		{"GetIdentitySource", ids(store, src)},
		{"ListIdentitySources", map[string]any{"policyStoreId": store}},
		{"UpdateIdentitySource", update(store, src, cognito(testUserPoolArn, nil, ""))},
	} {
		want, got := r.both(c.op, c.in)
		wantDated, dated := identitySourceBodies(c.op, want.JSON), identitySourceBodies(c.op, got.JSON)
		if c.op != "ListIdentitySources" {
			wantDated, dated = []map[string]any{want.JSON}, []map[string]any{got.JSON}
		}
		if len(dated) != 1 || len(wantDated) != 1 {
			t.Fatalf("%s: %s", c.op, got.Body)
		}
		for _, member := range dateMembers {
			// The fixed clock is at 12:00:00; an update moves
			// lastUpdatedDate a microsecond on.
			d, _ := time.Parse(time.RFC3339Nano, wantDated[0][member].(string))
			if v := dated[0][member]; v != d.Format("2006-01-02T15:04:05"+frac+"Z") || !strings.HasPrefix(v.(string), "2024-05-01T12:00:00") {
				t.Errorf("%s %s %v, want 2024-05-01T12:00:00%sZ", c.op, member, v, frac)
			}
		}
		if !sameUpTo(want, got, func(m map[string]any) {
			rewriteDates(m, func(time.Time) any { return "date" })
		}) {
			t.Errorf("%s: more than the dates changed:\nfaithful %s\nwrapped  %s", c.op, want.Body, got.Body)
		}
	}
	r.same("GetIdentitySource", ids(store, "missing"))
	// Truncated, zero-padded, in UTC, anywhere in the answer.
	body := `{"createdDate":"2024-05-01T12:00:00.1234567Z","lastUpdatedDate":"2024-05-01T14:00:00.5+02:00",` +
		`"identitySources":[{"createdDate":"2024-05-01T12:00:00.999999999Z"}],"other":"2024-05-01T12:00:00.1Z","lastUpdatedDate2":"x"}`
	h := Wrap(canned(200, map[string]string{"Content-Type": schemas.ContentType}, body), timestampsDigits(digits))
	got := send(t, h, "ListIdentitySources", `{}`)
	wantDates := map[int][3]string{
		0: {"2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"},
		3: {"2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00.500Z", "2024-05-01T12:00:00.999Z"},
		6: {"2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00.500000Z", "2024-05-01T12:00:00.999999Z"},
	}[digits]
	nested, _ := at(got.JSON, "identitySources")
	if got.JSON["createdDate"] != wantDates[0] || got.JSON["lastUpdatedDate"] != wantDates[1] ||
		!jsonEqual(nested, []any{map[string]any{"createdDate": wantDates[2]}}) ||
		got.JSON["other"] != "2024-05-01T12:00:00.1Z" || got.JSON["lastUpdatedDate2"] != "x" {
		t.Errorf("dates %s, want %v and other members kept", got.Body, wantDates)
	}
}

// sameUpTo reports whether two answers have the same status and, once
// strip has changed each decoded body, the same body.
func sameUpTo(want, got reply, strip func(map[string]any)) bool {
	if want.Status != got.Status || want.JSON == nil || got.JSON == nil {
		return false
	}
	w, g := decodeObject(want.Body), decodeObject(got.Body)
	strip(w)
	strip(g)
	return jsonEqual(w, g)
}

// control sends one control request to both fakes.
func (r *rig) control(method, path, body string) (want, got reply) {
	r.t.Helper()
	req := func() *http.Request {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	return do(r.t, r.faithful, req()), do(r.t, r.wrapped, req())
}
