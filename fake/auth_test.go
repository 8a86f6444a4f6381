package fake_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
	"github.com/vpconform/vpconform/schemas"
)

// The credentials of the authentication tests. The first is the key pair
// runServersTest's listener client signs with; AWSConfig uses it too.
var (
	adminCredential  = fake.Credential{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Allow: []string{"*"}}
	readerCredential = fake.Credential{
		AccessKeyID: "AKIDREADER", SecretAccessKey: "reader-secret",
		Principal: "arn:aws:iam::123456789012:role/reader",
		Allow:     []string{"verifiedpermissions:Get*", "VERIFIEDPERMISSIONS:listidentitysources"},
	}
	nobodyCredential = fake.Credential{AccessKeyID: "AKIDNOBODY", SecretAccessKey: "nobody-secret"}
	// tempCredential is a temporary credential: its session token must come
	// with every request it signs.
	tempCredential  = fake.Credential{AccessKeyID: "ASIATEMP", SecretAccessKey: "temp-secret", SessionToken: "temp-session-token", Allow: []string{"*"}}
	withCredentials = fake.WithCredentials(adminCredential, readerCredential, nobodyCredential, tempCredential)
)

// runAuthTest is runServersTest with withCredentials and a server clock that
// starts at the real time, as clients sign by the real time: AWS refuses a
// signature more than 15 minutes from its clock. The test may move the
// clock.
func runAuthTest(t *testing.T, fn func(t *testing.T, h *harness, clock *testClock), opts ...fake.Option) {
	t.Helper()
	clock := sdktest.NewClock(time.Now().UTC())
	runServersTest(t, func(t *testing.T, h *harness) {
		fn(t, h, clock)
	}, append([]fake.Option{withCredentials, fake.WithClock(clock.Now)}, opts...)...)
}

// TestCredentialsThroughSDK checks each authentication and authorisation
// outcome as the AWS SDK sees it.
func TestCredentialsThroughSDK(t *testing.T) {
	runAuthTest(t, func(t *testing.T, h *harness, _ *testClock) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t) // the admin key, allowed "*"

		reader := h.clientAs(readerCredential.AccessKeyID, readerCredential.SecretAccessKey, "")
		if _, err := reader.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)}); err != nil {
			t.Errorf("reader GetPolicyStore: %v", err)
		}
		if _, err := reader.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(store)}); err != nil {
			t.Errorf("reader ListIdentitySources (case-insensitive action): %v", err)
		}
		_, err := reader.UpdateIdentitySource(ctx, updateInput(store, unknownIdentityID))
		var denied *types.AccessDeniedException
		if !errors.As(err, &denied) {
			t.Fatalf("reader UpdateIdentitySource: %v, want *types.AccessDeniedException", err)
		}
		want := "User: arn:aws:iam::123456789012:role/reader is not authorized to perform: verifiedpermissions:UpdateIdentitySource on resource: arn:aws:verifiedpermissions::123456789012:policy-store/" + store
		if denied.ErrorMessage() != want {
			t.Errorf("message %q, want %q", denied.ErrorMessage(), want)
		}

		nobody := h.clientAs(nobodyCredential.AccessKeyID, nobodyCredential.SecretAccessKey, "")
		_, err = nobody.CreatePolicyStore(ctx, sdktest.PolicyStoreInput(""))
		want = "User: arn:aws:iam::123456789012:user/AKIDNOBODY is not authorized to perform: verifiedpermissions:CreatePolicyStore on resource: arn:aws:verifiedpermissions::123456789012:policy-store/*"
		if !errors.As(err, &denied) || denied.ErrorMessage() != want {
			t.Errorf("nobody CreatePolicyStore: %v, want AccessDeniedException %q", err, want)
		}

		cases := []struct {
			name, akid, secret, wantCode string
		}{
			{"unknown key", "AKIDUNKNOWN", "secret", "UnrecognizedClientException"},
			{"wrong secret", adminCredential.AccessKeyID, "not-the-secret", "InvalidSignatureException"},
		}
		for _, c := range cases {
			_, err := h.clientAs(c.akid, c.secret, "").GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)})
			if got := errorCode(err); got != c.wantCode {
				t.Errorf("%s: %v, want error code %s", c.name, err, c.wantCode)
			}
		}

		other := h.cfg.Copy()
		other.Region = "eu-west-1"
		_, err = verifiedpermissions.NewFromConfig(other).GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)})
		if errorCode(err) != "InvalidSignatureException" || !strings.Contains(err.Error(), "eu-west-1") {
			t.Errorf("signed for another Region: %v", err)
		}

		temp := h.clientAs(tempCredential.AccessKeyID, tempCredential.SecretAccessKey, tempCredential.SessionToken)
		if _, err := temp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)}); err != nil {
			t.Errorf("temporary credential with its session token: %v", err)
		}
		temp = h.clientAs(tempCredential.AccessKeyID, tempCredential.SecretAccessKey, "another-token")
		if _, err := temp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(store)}); errorCode(err) != "UnrecognizedClientException" {
			t.Errorf("temporary credential with another session token: %v, want UnrecognizedClientException", err)
		}
	})
}

// signedRequest builds a request for op signed the way the SDK signs it,
// now, for us-east-1.
func signedRequest(t *testing.T, h *harness, op, body, akid, secret string) *http.Request {
	t.Helper()
	return signRequest(t, h, op, body, signing{akid: akid, secret: secret})
}

// signing says how signRequest signs: with which key, session token,
// Region (default us-east-1) and time (default now), and whether
// X-Amz-Target is left out of the signature (set after signing).
type signing struct {
	akid, secret, token string
	region              string
	at                  time.Time
	targetUnsigned      bool
	// alsoSigned are headers, by lower-case name, the request carries and
	// signs although the SDK's signer never signs them in a request of its
	// own (User-Agent, X-Amzn-Trace-Id), as other signers may.
	alsoSigned map[string]string
}

// signRequest builds a request for op signed with the SDK's signer as s
// says.
func signRequest(t *testing.T, h *harness, op, body string, s signing) *http.Request {
	t.Helper()
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.at.IsZero() {
		s.at = time.Now()
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, h.srv.URL()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", schemas.ContentType)
	if !s.targetUnsigned {
		req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	}
	// Keyed in lower case, the signer does not recognise them as headers
	// it leaves unsigned; they go out under their canonical keys.
	for name, value := range s.alsoSigned {
		req.Header[name] = []string{value}
	}
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: s.akid, SecretAccessKey: s.secret, SessionToken: s.token},
		req, hex.EncodeToString(sum[:]), "verifiedpermissions", s.region, s.at)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range s.alsoSigned {
		delete(req.Header, name)
		req.Header.Set(name, value)
	}
	if s.targetUnsigned {
		req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	}
	return req
}

// resend copies a request, headers and body, to send it again.
func resend(t *testing.T, req *http.Request, body string) *http.Request {
	t.Helper()
	cp := req.Clone(context.Background())
	replaceBody(cp, body)
	return cp
}

func replaceBody(req *http.Request, body string) {
	req.Body = io.NopCloser(bytes.NewReader([]byte(body)))
	req.ContentLength = int64(len(body))
}

// TestCredentialsOverRawHTTP checks the wire answers to requests that are
// unsigned, malformed, tampered with or signed with the wrong secret.
func TestCredentialsOverRawHTTP(t *testing.T) {
	const body = `{"policyStoreId":"` + unknownStoreID + `"}`
	const date = "20240812T182050Z"
	validAuth := func(t *testing.T, h *harness) string {
		return signedRequest(t, h, "GetPolicyStore", body, "AKIDTEST", "secret").Header.Get("Authorization")
	}
	// authReplaced sets an Authorization that is a valid one with from
	// replaced by to.
	authReplaced := func(from, to string) func(*testing.T, *harness, *http.Request) {
		return func(t *testing.T, h *harness, req *http.Request) {
			req.Header.Set("Authorization", strings.Replace(validAuth(t, h), from, to, 1))
		}
	}
	// signedAs replaces the request with one signed as s says.
	signedAs := func(s signing) func(*testing.T, *harness, *http.Request) {
		return func(t *testing.T, h *harness, req *http.Request) {
			*req = *signRequest(t, h, "GetPolicyStore", body, s)
		}
	}
	alsoSigned := map[string]string{"user-agent": "a signer of its own/1.0", "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793"}
	cases := []struct {
		name       string
		mutate     func(t *testing.T, h *harness, req *http.Request)
		wantStatus int
		wantType   string
		wantInMsg  string
	}{
		{"signed", func(*testing.T, *harness, *http.Request) {}, 404, "ResourceNotFoundException", ""},
		{"unsigned header changed", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Set("User-Agent", "changed") }, 404, "ResourceNotFoundException", ""},
		{"User-Agent and X-Amzn-Trace-Id signed", signedAs(signing{akid: "AKIDTEST", secret: "secret", alsoSigned: alsoSigned}), 404, "ResourceNotFoundException", ""},
		{"signed User-Agent changed", func(t *testing.T, h *harness, req *http.Request) {
			signedAs(signing{akid: "AKIDTEST", secret: "secret", alsoSigned: alsoSigned})(t, h, req)
			req.Header.Set("User-Agent", "changed")
		}, 400, "InvalidSignatureException", "does not match"},
		{"signed X-Amzn-Trace-Id changed", func(t *testing.T, h *harness, req *http.Request) {
			signedAs(signing{akid: "AKIDTEST", secret: "secret", alsoSigned: alsoSigned})(t, h, req)
			req.Header.Set("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000")
		}, 400, "InvalidSignatureException", "does not match"},
		{"no Authorization", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Del("Authorization") }, 400, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{"other scheme", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Set("Authorization", "Bearer abc") }, 400, "IncompleteSignatureException", "AWS4-HMAC-SHA256"},
		{"no Signature", func(t *testing.T, h *harness, req *http.Request) {
			a := validAuth(t, h)
			req.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
		}, 400, "IncompleteSignatureException", "'Signature'"},
		{"no Credential or SignedHeaders", func(_ *testing.T, _ *harness, req *http.Request) {
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Signature="+strings.Repeat("a", 64))
		}, 400, "IncompleteSignatureException", "'Credential'"},
		{"short Credential", authReplaced("/us-east-1/", "/"), 400, "IncompleteSignatureException", "Credential"},
		{"other service", authReplaced("/verifiedpermissions/", "/dynamodb/"), 400, "InvalidSignatureException", "Credential should be scoped to correct service: 'verifiedpermissions'. "},
		{"other region", signedAs(signing{akid: "AKIDTEST", secret: "secret", region: "eu-west-1"}), 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{"other date in scope", func(_ *testing.T, _ *harness, req *http.Request) {
			a := req.Header.Get("Authorization")
			d := req.Header.Get("X-Amz-Date")[:8]
			req.Header.Set("Authorization", strings.Replace(a, "/"+d+"/", "/20200101/", 1))
		}, 400, "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '"},
		{"short Signature", func(_ *testing.T, _ *harness, req *http.Request) {
			a := req.Header.Get("Authorization")
			req.Header.Set("Authorization", a[:len(a)-2])
		}, 400, "IncompleteSignatureException", "Signature"},
		{"host not signed", authReplaced("host;", ""), 400, "IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"X-Amz-Target not signed", signedAs(signing{akid: "AKIDTEST", secret: "secret", targetUnsigned: true}), 400, "IncompleteSignatureException", "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."},
		{"nothing required signed", func(t *testing.T, h *harness, req *http.Request) {
			a := validAuth(t, h)
			i, j := strings.Index(a, "SignedHeaders="), strings.Index(a, ", Signature=")
			req.Header.Set("Authorization", a[:i]+"SignedHeaders=content-type"+a[j:])
		}, 400, "IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization. 'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization. 'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."},
		{"signed header absent", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Del("Content-Type") },
			400, "IncompleteSignatureException", "'content-type' is named as a SignedHeader, but it does not exist in the HTTP request."},
		{"20 minutes old", signedAs(signing{akid: "AKIDTEST", secret: "secret", at: time.Now().Add(-20 * time.Minute)}), 400, "InvalidSignatureException", "Signature expired: "},
		{"session token for a credential without one", signedAs(signing{akid: "AKIDTEST", secret: "secret", token: "forged"}), 400, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"forged session token", signedAs(signing{akid: tempCredential.AccessKeyID, secret: tempCredential.SecretAccessKey, token: "forged"}), 400, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"missing session token", signedAs(signing{akid: tempCredential.AccessKeyID, secret: tempCredential.SecretAccessKey}), 400, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"session token", signedAs(signing{akid: tempCredential.AccessKeyID, secret: tempCredential.SecretAccessKey, token: tempCredential.SessionToken}), 404, "ResourceNotFoundException", ""},
		{"no X-Amz-Date", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Del("X-Amz-Date") }, 400, "IncompleteSignatureException", "X-Amz-Date"},
		{"bad X-Amz-Date", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Set("X-Amz-Date", "yesterday") }, 400, "IncompleteSignatureException", "X-Amz-Date"},
		{"unknown key", signedAs(signing{akid: "AKIDUNKNOWN", secret: "secret"}), 400, "UnrecognizedClientException", "The security token included in the request is invalid."},
		{"wrong secret", signedAs(signing{akid: "AKIDTEST", secret: "wrong"}), 400, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided"},
		{"tampered body", func(_ *testing.T, _ *harness, req *http.Request) {
			replaceBody(req, `{"policyStoreId":"`+unknownStoreID[:len(unknownStoreID)-1]+`2"}`)
		}, 400, "InvalidSignatureException", "does not match"},
		{"signed header changed", func(_ *testing.T, _ *harness, req *http.Request) {
			req.Header.Set("X-Amz-Target", "VerifiedPermissions.DeletePolicyStore")
		}, 400, "InvalidSignatureException", "does not match"},
		{"other time the same day", func(t *testing.T, _ *harness, req *http.Request) {
			at, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date"))
			if err != nil {
				t.Fatal(err)
			}
			other := at.Add(time.Second)
			if other.Day() != at.Day() {
				other = at.Add(-time.Second)
			}
			req.Header.Set("X-Amz-Date", other.Format("20060102T150405Z"))
		}, 400, "InvalidSignatureException", "does not match the signature you provided"},
		{"other day", func(_ *testing.T, _ *harness, req *http.Request) { req.Header.Set("X-Amz-Date", date) }, 400, "InvalidSignatureException", "Date in Credential scope does not match"},
	}
	runAuthTest(t, func(t *testing.T, h *harness, _ *testClock) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req := signedRequest(t, h, "GetPolicyStore", body, "AKIDTEST", "secret")
				c.mutate(t, h, req)
				r := h.do(t, req)
				if r.Status != c.wantStatus || r.Type() != c.wantType {
					t.Fatalf("got HTTP %d %s, want %d %s\n%s", r.Status, r.Type(), c.wantStatus, c.wantType, r.Raw)
				}
				if msg, _ := r.Body["message"].(string); !strings.Contains(msg, c.wantInMsg) {
					t.Errorf("message %q does not mention %q", msg, c.wantInMsg)
				}
			})
		}
	})
}

// TestCredentialsOrder checks authentication comes before the method and
// the operation, authorisation before faults, and that control routes are
// never authenticated.
func TestCredentialsOrder(t *testing.T) {
	runAuthTest(t, func(t *testing.T, h *harness, _ *testClock) {
		if r := h.rawMethod(t, "GET", "/", "GetPolicyStore", ""); r.Type() != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned GET: %s", r.Raw)
		}
		if r := h.raw(t, "", `{}`); r.Type() != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned request without a target: %s", r.Raw)
		}
		req := signedRequest(t, h, "GetPolicyStore", "", "AKIDTEST", "secret")
		req.Method = http.MethodGet
		if r := h.do(t, req); r.Status != 400 || r.Type() != "InvalidSignatureException" {
			t.Errorf("method changed after signing: HTTP %d %s, want 400 InvalidSignatureException", r.Status, r.Raw)
		}

		if err := h.srv.InjectFault(fake.Fault{Operation: "*", Error: "ThrottlingException"}); err != nil {
			t.Fatal(err)
		}
		if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Type() != "MissingAuthenticationTokenException" {
			t.Errorf("unsigned, under a fault: %s", r.Raw)
		}
		if r := h.do(t, signedRequest(t, h, "DeletePolicyStore", `{"policyStoreId":"p"}`, "AKIDREADER", "reader-secret")); r.Type() != "AccessDeniedException" {
			t.Errorf("denied, under a fault: %s", r.Raw)
		}
		if r := h.do(t, signedRequest(t, h, "GetPolicyStore", `{"policyStoreId":"p"}`, "AKIDREADER", "reader-secret")); r.Type() != "ThrottlingException" {
			t.Errorf("allowed, under a fault: %s", r.Raw)
		}

		r := h.rawMethod(t, "GET", "/_vpfake/health", "", "")
		if r.Status != 200 || r.Body["authentication"] != true {
			t.Errorf("health without a signature: HTTP %d %s", r.Status, r.Raw)
		}
	})
}

// TestInjectedAccessDeniedNamesCaller checks an injected
// AccessDeniedException names the caller's access key when signatures are
// not verified.
func TestInjectedAccessDeniedNamesCaller(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		_ = h.srv.InjectFault(fake.Fault{Operation: "GetIdentitySource", Error: "AccessDeniedException"})
		_, err := h.vp.GetIdentitySource(context.Background(), &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: aws.String("PS1"), IdentitySourceId: aws.String("IS1"),
		})
		var denied *types.AccessDeniedException
		if !errors.As(err, &denied) || !strings.Contains(denied.ErrorMessage(), "User: arn:aws:iam::123456789012:user/") ||
			!strings.Contains(denied.ErrorMessage(), "verifiedpermissions:GetIdentitySource on resource: arn:aws:verifiedpermissions::123456789012:policy-store/PS1") {
			t.Errorf("got %v", err)
		}
	})
}

// TestCredentialChecks checks WithCredentials and ParseCredentials refuse
// the same lists with the same words (one check serves both), that
// ParseCredentials reads every member, and that it refuses what is not a
// strict JSON array of credentials.
func TestCredentialChecks(t *testing.T) {
	for _, c := range []struct{ name, doc, want string }{
		{"no credentials", `[]`, "no credentials: give at least one"},
		{"no access key id", `[{"secretAccessKey":"s"}]`, "credential 0 has no accessKeyId"},
		{"no secret", `[{"accessKeyId":"A"}]`, "credential 0 (A) has no secretAccessKey"},
		{"access key id twice", `[{"accessKeyId":"A","secretAccessKey":"s"},{"accessKeyId":"A","secretAccessKey":"t"}]`,
			"credential 1: accessKeyId A is given twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := fake.ParseCredentials([]byte(c.doc)); err == nil || err.Error() != c.want {
				t.Errorf("ParseCredentials(%s) = %v, want the error %q", c.doc, err, c.want)
			}
			var creds []fake.Credential
			if err := json.Unmarshal([]byte(c.doc), &creds); err != nil {
				t.Fatal(err)
			}
			want := "fake.NewServer: WithCredentials: " + c.want
			defer func() {
				if got := recover(); got != want {
					t.Errorf("WithCredentials(%s) panicked with %v, want %q", c.doc, got, want)
				}
			}()
			fake.NewServer(fake.WithoutListener(), fake.WithCredentials(creds...)).Close()
		})
	}
	for _, c := range []struct{ name, doc, want string }{
		{"not JSON", `{not json`, "not a JSON array"},
		{"an object", `{"accessKeyId":"A","secretAccessKey":"s"}`, "not a JSON array"},
		{"unknown member", `[{"accessKeyId":"A","secretAccessKey":"s","deny":["*"]}]`, `unknown field "deny"`},
		{"trailing data", `[{"accessKeyId":"A","secretAccessKey":"s"}] []`, "data after the JSON array"},
	} {
		if _, err := fake.ParseCredentials([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ParseCredentials(%s) = %v, want an error mentioning %q", c.name, c.doc, err, c.want)
		}
	}
	got, err := fake.ParseCredentials([]byte(`[{"accessKeyId":"A","secretAccessKey":"s","sessionToken":"tok",` +
		`"principal":"arn:aws:iam::123456789012:role/r","allow":["verifiedpermissions:Get*"]},{"accessKeyId":"B","secretAccessKey":"t"}]`))
	want := []fake.Credential{
		{AccessKeyID: "A", SecretAccessKey: "s", SessionToken: "tok", Principal: "arn:aws:iam::123456789012:role/r", Allow: []string{"verifiedpermissions:Get*"}},
		{AccessKeyID: "B", SecretAccessKey: "t"},
	}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("ParseCredentials = %+v, %v; want %+v", got, err, want)
	}
}
