package fake_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// TestProtocolErrors sends requests the awsJson1_0 layer must refuse and
// checks each gets the error envelope with the right status and __type.
func TestProtocolErrors(t *testing.T) {
	unserved := unservedOperation(t)
	cases := []struct {
		name       string
		method     string
		op         string
		body       string
		header     []string
		wantStatus int
		wantType   string
		wantInMsg  string
	}{
		{"missing target", "POST", "", `{}`, nil, 400, "UnknownOperationException", "X-Amz-Target"},
		{"foreign target", "POST", "", `{}`, []string{"X-Amz-Target", "DynamoDB_20120810.ListTables"}, 400, "UnknownOperationException", "DynamoDB_20120810.ListTables"},
		{"empty operation", "POST", "", `{}`, []string{"X-Amz-Target", "VerifiedPermissions."}, 400, "UnknownOperationException", ""},
		{"unserved operation named", "POST", unserved, `{}`, nil, 501, "NotImplementedException", unserved},
		{"unserved operation lists the served", "POST", unserved, `{}`, nil, 501, "NotImplementedException", "GetIdentitySource"},
		{"wrong content type", "POST", "GetIdentitySource", getBody(ids), []string{"Content-Type", "application/json"}, 400, "SerializationException", "Content-Type"},
		{"missing content type", "POST", "GetIdentitySource", getBody(ids), []string{"Content-Type", ""}, 400, "SerializationException", "Content-Type"},
		{"not JSON", "POST", "GetIdentitySource", `{"policyStoreId":`, nil, 400, "SerializationException", "JSON"},
		{"array body", "POST", "GetIdentitySource", `[1,2]`, nil, 400, "SerializationException", "object"},
		{"string body", "POST", "GetIdentitySource", `"x"`, nil, 400, "SerializationException", "object"},
		{"trailing data", "POST", "GetIdentitySource", getBody(ids) + ` {}`, nil, 400, "SerializationException", "JSON"},
		{"wrong member type", "POST", "GetIdentitySource", `{"policyStoreId":5,"identitySourceId":"x"}`, nil, 400, "SerializationException", "policyStoreId"},
		{"wrong nested type", "POST", "UpdateIdentitySource", updateBody(cognito(`"clientIds":[1]`)), nil, 400, "SerializationException", cup + "clientIds[0]"},
		{"wrong union type", "POST", "UpdateIdentitySource", updateBody(`{"cognitoUserPoolConfiguration":"x"}`), nil, 400, "SerializationException", "updateConfiguration.cognitoUserPoolConfiguration"},
		{"fractional maxResults", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":1.5}`, nil, 400, "SerializationException", "maxResults"},
		{"maxResults 5.0", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":5.0}`, nil, 400, "SerializationException", "without a fraction or an exponent"},
		{"maxResults 1e1", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":1e1}`, nil, 400, "SerializationException", "maxResults"},
		{"maxResults past int32", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":2147483648}`, nil, 400, "SerializationException", "32-bit"},
		{"maxResults below int32", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":-2147483649}`, nil, 400, "SerializationException", "32-bit"},
		{"maxResults int32 max", "POST", "ListIdentitySources", `{"policyStoreId":"` + unknownStoreID + `","maxResults":2147483647}`, nil, 404, "ResourceNotFoundException", ""},
		{"maxResults 0", "POST", "ListIdentitySources", `{"policyStoreId":"p","maxResults":0}`, nil, 400, "ValidationException", "greater than or equal to 1"},
		{"invalid UTF-8", "POST", "GetIdentitySource", "{\"policyStoreId\":\"PS\xff\",\"identitySourceId\":\"IS\"}", nil, 400, "SerializationException", "not valid UTF-8: invalid byte at offset 20"},
		{"invalid UTF-8 in a member name", "POST", "GetIdentitySource", "{" + ids + ",\"\xc3\x28\":1}", nil, 400, "SerializationException", "UTF-8"},
		{"lone high surrogate", "POST", "GetIdentitySource", `{"policyStoreId":"PS\ud800","identitySourceId":"IS"}`, nil, 400, "SerializationException", `lone UTF-16 surrogate escape \ud800 at offset 20`},
		{"high surrogate, then not a low one", "POST", "GetIdentitySource", `{"policyStoreId":"PS\uD800\u0041","identitySourceId":"IS"}`, nil, 400, "SerializationException", "surrogate"},
		{"two high surrogates", "POST", "GetIdentitySource", `{"policyStoreId":"PS\ud800\ud800","identitySourceId":"IS"}`, nil, 400, "SerializationException", "surrogate"},
		{"lone low surrogate", "POST", "GetIdentitySource", `{"policyStoreId":"PS\udc00","identitySourceId":"IS"}`, nil, 400, "SerializationException", "surrogate"},
		{"lone surrogate in a member name", "POST", "GetIdentitySource", `{` + ids + `,"\udfff":1}`, nil, 400, "SerializationException", "surrogate"},
		{"surrogate pair", "POST", "GetIdentitySource", `{` + ids + `,"\ud83d\ude00":1}`, nil, 400, "ValidationException", "\U0001F600"},
		{"escaped backslash before u", "POST", "GetIdentitySource", `{"policyStoreId":"PS\\ud800","identitySourceId":"IS"}`, nil, 400, "ValidationException", "policyStoreId"},
		{"lowercase operation", "POST", "getidentitysource", getBody(ids), nil, 400, "UnknownOperationException", `"getidentitysource"`},
		{"unknown operation", "POST", "Bogus", getBody(ids), nil, 400, "UnknownOperationException", `"Bogus"`},
		{"long unknown operation", "POST", strings.Repeat("Bogus", 100), getBody(ids), nil, 400, "UnknownOperationException", strings.Repeat("Bogus", 12) + "Bogu…"},
		{"empty body is {}", "POST", "GetIdentitySource", ``, nil, 400, "ValidationException", "policyStoreId"},
		{"GET on /", "GET", "GetIdentitySource", ``, nil, 405, "UnknownOperationException", "POST"},
		{"PUT on /", "PUT", "GetIdentitySource", getBody(ids), nil, 405, "UnknownOperationException", "POST"},
	}
	runServersTest(t, func(t *testing.T, h *harness) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := h.rawMethod(t, c.method, "/", c.op, c.body, c.header...)
				if r.Status != c.wantStatus || r.Type() != c.wantType {
					t.Fatalf("got HTTP %d %s, want %d %s\n%s", r.Status, r.Type(), c.wantStatus, c.wantType, r.Raw)
				}
				if got := r.Header.Get("X-Amzn-ErrorType"); got != c.wantType {
					t.Errorf("X-Amzn-ErrorType = %q, want %q", got, c.wantType)
				}
				if got := r.Header.Get("Content-Type"); got != "application/x-amz-json-1.0" {
					t.Errorf("Content-Type = %q", got)
				}
				if msg, _ := r.Body["message"].(string); !strings.Contains(msg, c.wantInMsg) {
					t.Errorf("message %q does not mention %q", msg, c.wantInMsg)
				}
			})
		}
	})
}

// TestContentTypeParametersAccepted checks that a charset parameter on the
// request's Content-Type is fine.
func TestContentTypeParametersAccepted(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.raw(t, "GetIdentitySource", getBody(ids), "Content-Type", "application/x-amz-json-1.0; charset=utf-8")
		if r.Status != http.StatusNotFound {
			t.Fatalf("got HTTP %d %s, want 404\n%s", r.Status, r.Type(), r.Raw)
		}
	})
}

var uuidLike = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRequestID checks every response carries a uuid-like x-amzn-RequestId,
// and that the ids are deterministic under WithIDSeed.
func TestRequestID(t *testing.T) {
	seq := func() []string {
		srv := fake.NewServer(fake.WithIDSeed(7), fake.WithoutListener())
		defer srv.Close()
		var got []string
		for _, target := range []string{"VerifiedPermissions.GetPolicyStore", "Nope"} {
			req, _ := http.NewRequest("POST", srv.URL(), strings.NewReader(`{"policyStoreId":"p"}`))
			req.Header.Set("X-Amz-Target", target)
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			id := resp.Header.Get("x-amzn-RequestId")
			if !uuidLike.MatchString(id) {
				t.Errorf("x-amzn-RequestId %q is not a v4 UUID", id)
			}
			got = append(got, id)
		}
		return got
	}
	a, b := seq(), seq()
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("request ids differ between two servers with the same seed: %v vs %v", a, b)
	}
	if a[0] == a[1] {
		t.Errorf("two requests got the same id %s", a[0])
	}
}

// FuzzRequestBody feeds odd bodies to every served operation. Every answer
// must be a JSON object that conforms to the operation's output schema or
// to its error's schema (checked by the harness's transport), never a 5xx,
// and a refusal must stay under refusalBudget whatever the body.
func FuzzRequestBody(f *testing.F) {
	for _, seed := range []string{
		``, ` `, `null`, `{}`, `[]`, `0`, `"s"`, `true`, `{"a":`, `}{`, `{}{}`, "\x00\xff",
		`{"policyStoreId":null}`, `{"policyStoreId":{}}`, `{"policyStoreId":[]}`, `{"policyStoreId":"p","maxResults":1e400}`,
		`{"policyStoreId":"p","maxResults":-1}`, `{"policyStoreId":"p","maxResults":99999999999999999999}`,
		`{"policyStoreId":"p","maxResults":5.0}`, `{"policyStoreId":"p","maxResults":2147483648}`, `{"policyStoreId":"p","maxResults":-0}`,
		`{"policyStoreId":"p","nextToken":"!!"}`, `{"policyStoreId":"p","filters":null}`,
		`{"policyStoreId":"p","filters":[{},{},{},{},{},{},{},{},{},{},{"principalEntityType":5}]}`,
		`{"__proto__":{}}`, `{"policyStoreId":"\ud800"}`, `{"policyStoreId":"\udc00\ud800"}`, `{"policyStoreId":"\\ud800"}`,
		"{\"policyStoreId\":\"\xed\xa0\x80\"}", `{"a~1b/c":1,"":2,"\u0000":3}`, strings.Repeat("[", 10000),
		`{"policyStoreId":"p","x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`,
		updateBody(`{"cognitoUserPoolConfiguration":null}`), updateBody(oidc(`"tokenSelection":{"accessTokenOnly":null}`)),
		updateBody(cognito(`"clientIds":` + jsonStrings(1500, ""))), manyUnknownMembers(300),
		`{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"default":{}}}`,
		`{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"default":{"a":1,"b":2}}}`,
		`{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"kmsEncryptionSettings":{"key":"k"}}}`,
		`{"validationSettings":{"mode":"OFF"},"tags":{"":"","k":5}}`,
	} {
		f.Add(seed)
	}
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	ops := []string{"CreatePolicyStore", "GetPolicyStore", "DeletePolicyStore", "CreateIdentitySource",
		"GetIdentitySource", "UpdateIdentitySource", "DeleteIdentitySource", "ListIdentitySources"}
	f.Fuzz(func(t *testing.T, body string) {
		h := newHarness(t, srv, false)
		for _, op := range ops {
			r := h.raw(t, op, body)
			if r.Status >= 500 {
				t.Errorf("%s %q: HTTP %d\n%s", op, body, r.Status, r.Raw)
			}
			if r.Status >= 400 && len(r.Raw) > refusalBudget {
				t.Errorf("%s: a %d-byte body refused with %d bytes, more than %d", op, len(body), len(r.Raw), refusalBudget)
			}
		}
	})
}

// TestControlRoutes checks health, reset and an unknown control route.
func TestControlRoutes(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.rawMethod(t, "GET", "/_vpfake/health", "", "")
		if r.Status != 200 || r.Body["status"] != "ok" || r.Body["service"] != "vpfake" {
			t.Errorf("health: HTTP %d %s", r.Status, r.Raw)
		}
		if caps, _ := r.Body["capabilities"].([]any); len(caps) != 4 || caps[0] != "fault-injection" || caps[1] != "reset" || caps[2] != "state" || caps[3] != "token-issuer" {
			t.Errorf("health capabilities: %s", r.Raw)
		}
		if r.Body["authentication"] != false || r.Body["propagationDelayMs"] != float64(0) {
			t.Errorf("health authentication and propagationDelayMs: %s", r.Raw)
		}

		store := h.mustCreatePolicyStore(t)
		r = h.rawMethod(t, "POST", "/_vpfake/reset", "", "")
		if r.Status != 200 || len(r.Body) != 0 {
			t.Errorf("reset: HTTP %d %s", r.Status, r.Raw)
		}
		if g := h.raw(t, "GetPolicyStore", `{"policyStoreId":"`+store+`"}`); g.Status != 404 {
			t.Errorf("policy store survived reset: HTTP %d %s", g.Status, g.Raw)
		}

		r = h.rawMethod(t, "GET", "/_vpfake/nothing", "", "")
		if r.Status != 404 {
			t.Errorf("unknown control route: HTTP %d %s", r.Status, r.Raw)
		}
		if _, ok := r.Body["message"]; !ok {
			t.Errorf("unknown control route: no message: %s", r.Raw)
		}
		r = h.rawMethod(t, "GET", "/_vpfake/reset", "", "")
		if r.Status == 200 {
			t.Errorf("GET reset should not reset: HTTP %d", r.Status)
		}
	})
}

// FuzzRequestHeaders fuzzes the method, X-Amz-Target and Content-Type of a
// request. Each answer must conform to the schemas; the only 5xx allowed is
// NotImplementedException, for an operation of the model the fake does not
// serve; a refusal must stay under refusalBudget.
func FuzzRequestHeaders(f *testing.F) {
	for _, seed := range [][3]string{
		{"POST", "VerifiedPermissions.GetIdentitySource", schemas.ContentType},
		{"POST", "VerifiedPermissions.getidentitysource", schemas.ContentType},
		{"POST", "VerifiedPermissions.Bogus", schemas.ContentType},
		{"POST", schemas.TargetPrefix + unservedOperation(f), schemas.ContentType},
		{"POST", "VerifiedPermissions." + strings.Repeat("X", 5000), schemas.ContentType},
		{"POST", "DynamoDB_20120810.ListTables", "application/json"},
		{"GET", "", ""}, {"DELETE", "VerifiedPermissions.", "application/x-amz-json-1.0; charset=utf-8"},
		{"POST", "VerifiedPermissions.Get\u00e9", "application/x-amz-json-1.0; a=\"\xff\""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	f.Fuzz(func(t *testing.T, method, target, contentType string) {
		req, err := http.NewRequestWithContext(context.Background(), method, srv.URL()+"/", strings.NewReader(getBody(ids)))
		if err != nil {
			t.Skip("not a method net/http sends")
		}
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", contentType)
		r := newHarness(t, srv, false).do(t, req)
		checkAnswer(t, fmt.Sprintf("%q %q %q", method, target, contentType), r)
		if r.Status == http.StatusNotImplemented && !strings.HasPrefix(target, schemas.TargetPrefix) {
			t.Errorf("%q: NotImplementedException for a target that is not VerifiedPermissions'", target)
		}
	})
}
