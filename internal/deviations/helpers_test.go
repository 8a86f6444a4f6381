package deviations

import (
	"bytes"
	"encoding/json"
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
