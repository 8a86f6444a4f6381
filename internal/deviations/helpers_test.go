package deviations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// Fixture values for the unit tests, the same shapes as specs.DefaultFixtures.
const (
	testUserPoolArn       = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	testSecondUserPoolArn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_9z8y7x6w5"
	testIssuer            = "https://auth.example.com"
	// testUserPoolID is the user pool id of testUserPoolArn, which the
	// principal of its tokens starts with.
	testUserPoolID = "us-east-1_1a2b3c4d5"
	// testUserType and testEmployeeType are principal entity types, and
	// testActionType and testDocument the action type and the resource of
	// the authorization requests, as in package specs.
	testUserType     = "MyCorp::User"
	testEmployeeType = "MyCorp::Employee"
	testActionType   = "MyCorp::Action"
	testDocument     = `MyCorp::Document::"doc-1"`
)

// rig is a faithful fake and a second, identical fake wrapped in one
// deviation or conforming variant: same id seed, same fixed clock, so the
// same requests give the same answers unless the wrapper changes them.
type rig struct {
	t        *testing.T
	faithful http.Handler
	wrapped  http.Handler
}

// newRig returns the rig of the deviation or variant whose middleware is
// given.
func newRig(t *testing.T, m middleware) *rig {
	t.Helper()
	return &rig{t: t, faithful: newFake(), wrapped: m.wrap(newFake())}
}

func newFake() http.Handler {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	return fake.NewServer(fake.WithoutListener(), fake.WithIDSeed(7), fake.WithClock(func() time.Time { return now })).Handler()
}

// reply is an answer as a test sees it.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// send sends one API call with a raw body to h, signed-looking for region
// us-east-1.
func send(t *testing.T, h http.Handler, op, body string) reply {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host, Signature=0")
	return do(t, h, req)
}

// sendJSON sends one API call with input, encoded, as its body to h.
func sendJSON(t *testing.T, h http.Handler, op string, input map[string]any) reply {
	t.Helper()
	body, err := json.Marshal(input)
	if err != nil {
		t.Fatalf("marshal %s request: %v", op, err)
	}
	return send(t, h, op, string(body))
}

// do serves req with h and checks that the answer's Content-Length, when
// set, is its body's length.
func do(t *testing.T, h http.Handler, req *http.Request) reply {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	r := reply{Status: res.StatusCode, Header: res.Header, Body: rec.Body.Bytes(), JSON: decodeObject(rec.Body.Bytes())}
	if cl := res.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(r.Body)) {
		t.Errorf("%s %s: Content-Length %s, body has %d bytes", req.Method, req.Header.Get("X-Amz-Target"), cl, len(r.Body))
	}
	return r
}

// both sends the same call to the faithful and the wrapped fake.
func (r *rig) both(op string, input map[string]any) (want, got reply) {
	r.t.Helper()
	return sendJSON(r.t, r.faithful, op, input), sendJSON(r.t, r.wrapped, op, input)
}

// same sends the call to both fakes and fails unless the answers have the
// same status, Content-Type and body: traffic the wrapper is not about.
func (r *rig) same(op string, input map[string]any) reply {
	r.t.Helper()
	want, got := r.both(op, input)
	if want.Status != got.Status || want.Header.Get("Content-Type") != got.Header.Get("Content-Type") || !bytes.Equal(canonical(want.Body), canonical(got.Body)) {
		r.t.Errorf("%s answer changed by the wrapper:\nfaithful: %d %s %s\nwrapped:  %d %s %s", op,
			want.Status, want.Header.Get("Content-Type"), want.Body, got.Status, got.Header.Get("Content-Type"), got.Body)
	}
	return got
}

// canonical re-encodes a JSON body with sorted keys, so bodies compare by
// content; a body that is not JSON is returned as is.
func canonical(b []byte) []byte {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}

// createStore creates a policy store in both fakes and returns its id.
func (r *rig) createStore() string {
	r.t.Helper()
	_, got := r.both("CreatePolicyStore", map[string]any{"validationSettings": map[string]any{"mode": "OFF"}})
	id, _ := got.JSON["policyStoreId"].(string)
	if id == "" {
		r.t.Fatalf("CreatePolicyStore: %d %s", got.Status, got.Body)
	}
	return id
}

// newSource creates a policy store and in it an identity source with
// configuration cfg, in both fakes, and returns their ids in the wrapped
// fake.
func (r *rig) newSource(cfg map[string]any) (store, src string) {
	r.t.Helper()
	store = r.createStore()
	return store, r.createSource(store, cfg)
}

// createSource creates an identity source in both fakes with configuration
// cfg and returns the source's id in the wrapped fake.
func (r *rig) createSource(store string, cfg map[string]any) string {
	r.t.Helper()
	_, got := r.both("CreateIdentitySource", map[string]any{"policyStoreId": store, "configuration": cfg})
	id, _ := got.JSON["identitySourceId"].(string)
	if id == "" {
		r.t.Fatalf("CreateIdentitySource: %d %s", got.Status, got.Body)
	}
	return id
}

// createTypedSource creates an identity source in both fakes with
// configuration cfg and principalEntityType principalType, and returns the
// source's id in the wrapped fake.
func (r *rig) createTypedSource(store string, cfg map[string]any, principalType string) string {
	r.t.Helper()
	_, got := r.both("CreateIdentitySource", map[string]any{"policyStoreId": store, "configuration": cfg, "principalEntityType": principalType})
	id, _ := got.JSON["identitySourceId"].(string)
	if id == "" {
		r.t.Fatalf("CreateIdentitySource: %d %s", got.Status, got.Body)
	}
	return id
}

func cognito(arn string, clientIds []string, group string) map[string]any {
	c := map[string]any{"userPoolArn": arn}
	if clientIds != nil {
		c["clientIds"] = clientIds
	}
	if group != "" {
		c["groupConfiguration"] = map[string]any{"groupEntityType": group}
	}
	return map[string]any{"cognitoUserPoolConfiguration": c}
}

func oidc(tokenSelection map[string]any) map[string]any {
	return map[string]any{"openIdConnectConfiguration": map[string]any{"issuer": testIssuer, "tokenSelection": tokenSelection}}
}

func ids(store, src string) map[string]any {
	return map[string]any{"policyStoreId": store, "identitySourceId": src}
}

func update(store, src string, cfg map[string]any) map[string]any {
	m := ids(store, src)
	m["updateConfiguration"] = cfg
	return m
}

// at returns the value at a member path of a decoded body, and whether it
// is there.
func at(body map[string]any, path ...string) (any, bool) {
	var cur any = body
	for _, name := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// canned is a handler answering every API call with one fixed answer.
func canned(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

// jsonEqual reports whether a and b encode to the same JSON, keys sorted.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(canonical(x), canonical(y))
}

// createPolicy creates a static policy with statement in both fakes and
// returns its id, failing unless both create it with the same id.
func (r *rig) createPolicy(store, statement string) string {
	r.t.Helper()
	want, got := r.both("CreatePolicy", map[string]any{"policyStoreId": store, "definition": map[string]any{"static": map[string]any{"statement": statement}}})
	id, _ := got.JSON["policyId"].(string)
	if want.Status != 200 || got.Status != 200 || id == "" || want.JSON["policyId"] != id {
		r.t.Fatalf("CreatePolicy %s: faithful %d %s, wrapped %d %s; want 200 with the same policyId from both", statement, want.Status, want.Body, got.Status, got.Body)
	}
	return id
}

// permit is the statement of a policy permitting principal (a Cedar scope
// clause such as `principal == MyCorp::User::"x"`, or "principal") action
// on the test document.
func permit(principal, action string) string {
	return fmt.Sprintf(`permit(%s, action == %s::%q, resource == %s);`, principal, testActionType, action, testDocument)
}

// mintToken mints the token req asks for with the built-in issuer of the
// fake behind h, through its control route POST /_vpfake/tokens, which
// every wrapper leaves alone.
func mintToken(t *testing.T, h http.Handler, req fake.TokenRequest) string {
	t.Helper()
	body, err := json.Marshal(struct {
		fake.TokenRequest
		LifetimeSeconds int64 `json:"lifetimeSeconds"`
	}{req, int64(req.Lifetime / time.Second)})
	if err != nil {
		t.Fatalf("marshal token request %+v: %v", req, err)
	}
	got := do(t, h, httptest.NewRequest(http.MethodPost, "/_vpfake/tokens", bytes.NewReader(body)))
	tok, _ := got.JSON["token"].(string)
	if got.Status != 200 || tok == "" {
		t.Fatalf("POST /_vpfake/tokens %s: %d %s, want 200 with a token", body, got.Status, got.Body)
	}
	return tok
}

// authorize sends op, IsAuthorizedWithToken or BatchIsAuthorizedWithToken,
// with input in to both fakes, each with a token for req minted by its own
// issuer (each fake signs with its own key): as identityToken for an ID
// token, as accessToken for an access token.
func (r *rig) authorize(op string, req fake.TokenRequest, in map[string]any) (want, got reply) {
	r.t.Helper()
	param := "identityToken"
	if req.Use == fake.AccessToken {
		param = "accessToken"
	}
	with := func(h http.Handler) map[string]any {
		m := maps.Clone(in)
		m[param] = mintToken(r.t, h, req)
		return m
	}
	return sendJSON(r.t, r.faithful, op, with(r.faithful)), sendJSON(r.t, r.wrapped, op, with(r.wrapped))
}

// sameAuthorization is authorize failing unless both fakes answer alike,
// as same does: traffic the wrapper is not about.
func (r *rig) sameAuthorization(op string, req fake.TokenRequest, in map[string]any) reply {
	r.t.Helper()
	want, got := r.authorize(op, req, in)
	if want.Status != got.Status || !bytes.Equal(canonical(want.Body), canonical(got.Body)) {
		r.t.Errorf("%s with a %s token of %s%s for %q (client %q) changed by the wrapper:\nfaithful: %d %s\nwrapped:  %d %s", op, req.Use,
			req.UserPoolArn, req.Issuer, req.Subject, req.ClientID, want.Status, want.Body, got.Status, got.Body)
	}
	return got
}

// authzInput is the IsAuthorizedWithToken input, without its token, asking
// whether the token's principal may do action on the test document.
func authzInput(store, action string) map[string]any {
	return map[string]any{"policyStoreId": store, "action": map[string]any{"actionType": testActionType, "actionId": action},
		"resource": map[string]any{"entityType": "MyCorp::Document", "entityId": "doc-1"}}
}

// batchInput is the BatchIsAuthorizedWithToken input, without its token,
// asking for each action in turn on the test document.
func batchInput(store string, actions ...string) map[string]any {
	var requests []any
	for _, a := range actions {
		in := authzInput(store, a)
		requests = append(requests, map[string]any{"action": in["action"], "resource": in["resource"]})
	}
	return map[string]any{"policyStoreId": store, "requests": requests}
}

// idToken and accessToken are the token requests of sub's tokens of the
// test user pool for client.
func idToken(sub, client string) fake.TokenRequest {
	return fake.TokenRequest{UserPoolArn: testUserPoolArn, Use: fake.IDToken, Subject: sub, ClientID: client}
}

func accessToken(sub, client string) fake.TokenRequest {
	return fake.TokenRequest{UserPoolArn: testUserPoolArn, Use: fake.AccessToken, Subject: sub, ClientID: client}
}

// decisionOf is the decision of an IsAuthorizedWithToken answer and its
// principal as Cedar writes it, for failure messages and comparisons.
func decisionOf(a reply) string {
	typ, _ := at(a.JSON, "principal", "entityType")
	id, _ := at(a.JSON, "principal", "entityId")
	return fmt.Sprintf("%d %v %v::%q", a.Status, a.JSON["decision"], typ, id)
}
