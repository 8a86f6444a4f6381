package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/aws/smithy-go"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
	"github.com/vpconform/vpconform/schemas"
)

// Fixtures taken from the model's documentation examples.
const (
	userPoolArn       = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	userPoolIssuer    = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5"
	clientID          = "a1b2c3d4e5f6g7h8i9j0kalbmc"
	oidcIssuer        = "https://auth.example.com"
	unknownStoreID    = "PSEXAMPLEabcdefg111111"
	unknownIdentityID = "ISEXAMPLEabcdefg111111"
)

// unservedOperation is an operation of the model the fake does not serve,
// taken from the registry, so that serving one more operation breaks no
// test.
func unservedOperation(t testing.TB) string {
	t.Helper()
	ops := schemas.Default().Unserved()
	if len(ops) == 0 {
		t.Skip("the fake serves every operation of the model")
	}
	return ops[0]
}

// harness is one fake server and the clients a test drives it with.
type harness struct {
	srv   *fake.Server
	vp    *verifiedpermissions.Client
	http  *http.Client
	clock *testClock
	// cfg is the configuration vp was built from, for clients with other
	// credentials.
	cfg aws.Config
}

// clientAs returns a client like h.vp that signs with another key pair,
// and sends sessionToken unless it is empty.
func (h *harness) clientAs(accessKeyID, secret, sessionToken string) *verifiedpermissions.Client {
	return verifiedpermissions.NewFromConfig(sdktest.SignedBy(h.cfg, accessKeyID, secret, sessionToken))
}

// testClock is a controllable clock for WithClock.
type testClock = sdktest.Clock

func newTestClock() *testClock {
	return sdktest.NewClock(time.Date(2024, 8, 12, 18, 20, 50, 990000000, time.UTC))
}

// runServersTest runs fn twice, on a new server with a testClock and opts:
// once over the server's loopback listener and once over the in-memory
// Client (see newHarness).
func runServersTest(t *testing.T, fn func(t *testing.T, h *harness), opts ...fake.Option) {
	t.Helper()
	for _, mode := range []string{"listener", "in-memory"} {
		t.Run(mode, func(t *testing.T) {
			clock := newTestClock()
			srv := fake.NewServer(append([]fake.Option{fake.WithClock(clock.Now)}, opts...)...)
			t.Cleanup(srv.Close)
			h := newHarness(t, srv, mode == "listener")
			h.clock = clock
			fn(t, h)
		})
	}
}

// newHarness drives srv over its loopback listener, configured as a client
// of any endpoint is (sdktest.Loopback), or else over the in-memory
// transport of AWSConfig. Its clients make one attempt per call, and every
// response they get is checked against the project's schemas.
func newHarness(t testing.TB, srv *fake.Server, listener bool) *harness {
	cfg, base := srv.AWSConfig(), srv.Client().Transport
	if listener {
		cfg, base = sdktest.Loopback(srv.URL(), sdktest.AccessKeyID, sdktest.SecretAccessKey, nil), http.DefaultTransport
	}
	hc := &http.Client{Transport: &checkingTransport{t: t, next: base}}
	cfg.HTTPClient = hc
	cfg.RetryMaxAttempts = 1
	return &harness{srv: srv, vp: verifiedpermissions.NewFromConfig(cfg), http: hc, cfg: cfg}
}

// rawHarness is a harness for hand-built requests (raw, rawMethod, do) to
// a new server built WithoutListener and opts, closed when the test ends.
// Its requests go through the server's in-memory transport, unchecked, and
// it has no SDK client.
func rawHarness(t testing.TB, opts ...fake.Option) *harness {
	srv := fake.NewServer(append([]fake.Option{fake.WithoutListener()}, opts...)...)
	t.Cleanup(srv.Close)
	return &harness{srv: srv, http: srv.Client()}
}

// serveOnce sends one request to the fake's handler, in process, and
// returns the recorded response and how long the handler took.
func serveOnce(t testing.TB, srv *fake.Server, op, body string) (*httptest.ResponseRecorder, time.Duration) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	w := httptest.NewRecorder()
	start := time.Now()
	srv.Handler().ServeHTTP(w, req)
	return w, time.Since(start)
}

// checkingTransport fails the test when a response of the API does not
// conform to its output or error schema, or has the wrong Content-Type, or
// lacks a request id.
type checkingTransport struct {
	t    testing.TB
	next http.RoundTripper
}

func (c *checkingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	reqBody, err := readAndReplace(&r.Body)
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	respBody, err := readAndReplace(&resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the response body: %w", err)
	}
	if resp.Header.Get("x-amzn-RequestId") == "" {
		c.t.Errorf("%s %s: response has no x-amzn-RequestId header", r.Method, r.URL.Path)
	}
	if strings.HasPrefix(r.URL.Path, "/_vpfake/") {
		return resp, nil
	}
	target := r.Header.Get("X-Amz-Target")
	op := schemas.OperationFromTarget(target)
	if op == "" {
		op = target
	}
	x := schemas.Exchange{Operation: op, RequestBody: reqBody, Status: resp.StatusCode, Header: resp.Header, ResponseBody: respBody}
	if err := x.CheckResponse(); err != nil {
		c.t.Errorf("response does not conform to the schemas: %v\nbody: %s", err, respBody)
	}
	return resp, nil
}

// readAndReplace reads *body to the end and closes it, and replaces it
// with a reader of the same bytes, so that whoever reads it next sees what
// it held. A nil body stays nil.
func readAndReplace(body *io.ReadCloser) ([]byte, error) {
	if *body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(*body)
	_ = (*body).Close()
	if err != nil {
		return nil, err
	}
	*body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// rawResponse is a response to a hand-built request.
type rawResponse struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    []byte
}

// Type is the error's __type.
func (r rawResponse) Type() string {
	s, _ := r.Body["__type"].(string)
	return s
}

// FieldPaths lists the paths in a ValidationException's fieldList.
func (r rawResponse) FieldPaths() []string {
	var out []string
	list, _ := r.Body["fieldList"].([]any)
	for _, f := range list {
		if m, ok := f.(map[string]any); ok {
			p, _ := m["path"].(string)
			out = append(out, p)
		}
	}
	return out
}

// raw sends a request by hand: method POST, Content-Type awsJson1_0 unless
// header overrides it, X-Amz-Target VerifiedPermissions.<op> unless op is
// empty.
func (h *harness) raw(t testing.TB, op, body string, header ...string) rawResponse {
	t.Helper()
	return h.rawMethod(t, http.MethodPost, "/", op, body, header...)
}

func (h *harness) rawMethod(t testing.TB, method, path, op, body string, header ...string) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, h.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Content-Type", schemas.ContentType)
	if op != "" {
		req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return h.do(t, req)
}

// do sends a request built by hand and decodes the JSON object it answers.
func (h *harness) do(t testing.TB, req *http.Request) rawResponse {
	t.Helper()
	method, path, op := req.Method, req.URL.Path, req.Header.Get("X-Amz-Target")
	resp, err := h.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", method, path, op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	out := rawResponse{Status: resp.StatusCode, Header: resp.Header, Raw: b}
	if err := json.Unmarshal(b, &out.Body); err != nil {
		t.Fatalf("%s %s %s: response body is not a JSON object: %v\n%s", method, path, op, err, b)
	}
	return out
}

// errorCode returns the smithy error code of an SDK error, or "" for nil or
// an error without one.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// createPolicyStore creates a policy store with validation off and,
// unless token is empty, a clientToken.
func (h *harness) createPolicyStore(token string) (*verifiedpermissions.CreatePolicyStoreOutput, error) {
	return h.vp.CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput(token))
}

// mustCreatePolicyStore creates a policy store and returns its id.
func (h *harness) mustCreatePolicyStore(t testing.TB) string {
	t.Helper()
	out, err := h.createPolicyStore("")
	if err != nil {
		t.Fatalf("CreatePolicyStore: %v", err)
	}
	return aws.ToString(out.PolicyStoreId)
}

func cognitoConfiguration(arn string, clientIDs ...string) types.Configuration {
	return &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
		UserPoolArn: aws.String(arn),
		ClientIds:   clientIDs,
	}}
}

// updateInput is the input of an UpdateIdentitySource that gives source, in
// store, the Cognito configuration of userPoolArn and clientIDs.
func updateInput(store, source string, clientIDs ...string) *verifiedpermissions.UpdateIdentitySourceInput {
	return &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId:    aws.String(store),
		IdentitySourceId: aws.String(source),
		UpdateConfiguration: &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: types.UpdateCognitoUserPoolConfiguration{
			UserPoolArn: aws.String(userPoolArn), ClientIds: clientIDs,
		}},
	}
}

// mustCreateIdentitySource creates an identity source and returns its id.
func (h *harness) mustCreateIdentitySource(t testing.TB, storeID string, c types.Configuration) string {
	t.Helper()
	out, err := h.vp.CreateIdentitySource(context.Background(), &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: aws.String(storeID),
		Configuration: c,
	})
	if err != nil {
		t.Fatalf("CreateIdentitySource: %v", err)
	}
	return aws.ToString(out.IdentitySourceId)
}

// cognitoClientIDs returns the clientIds of a Cognito configuration, and
// false for another kind.
func cognitoClientIDs(c types.ConfigurationDetail) ([]string, bool) {
	cognito, ok := c.(*types.ConfigurationDetailMemberCognitoUserPoolConfiguration)
	if !ok {
		return nil, false
	}
	return cognito.Value.ClientIds, true
}

func (h *harness) mustGetIdentitySource(t *testing.T, storeID, id string) *verifiedpermissions.GetIdentitySourceOutput {
	t.Helper()
	out, err := h.vp.GetIdentitySource(context.Background(), &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: aws.String(storeID), IdentitySourceId: aws.String(id),
	})
	if err != nil {
		t.Fatalf("GetIdentitySource: %v", err)
	}
	return out
}

// mustGetRaw returns GetIdentitySource's response body as JSON.
func (h *harness) mustGetRaw(t *testing.T, storeID, id string) map[string]any {
	t.Helper()
	r := h.raw(t, "GetIdentitySource", `{"policyStoreId":"`+storeID+`","identitySourceId":"`+id+`"}`)
	if r.Status != http.StatusOK {
		t.Fatalf("GetIdentitySource: HTTP %d %s", r.Status, r.Raw)
	}
	return r.Body
}
