package fake_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// hotpathCredential is the credential BenchmarkServeGetIdentitySource signs
// with when credentials are on.
var hotpathCredential = fake.Credential{
	AccessKeyID: "AKIDHOTPATHEXAMPLE", SecretAccessKey: "hotpath-secret",
	Allow: []string{"verifiedpermissions:*"},
}

// hotpathRequest is one API request, built once and served many times:
// its headers (signed or not) and its body.
type hotpathRequest struct {
	req  *http.Request
	body []byte
	rd   *bytes.Reader
}

// newHotpathRequest builds a request for op, signed with cred at now when
// cred is not nil, the way the AWS SDK for Go v2 signs it.
func newHotpathRequest(tb testing.TB, op, body string, cred *fake.Credential, now time.Time) *hotpathRequest {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, "http://vpfake.invalid/", nil)
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	req.Header.Set("User-Agent", "aws-sdk-go-v2/1.0 hotpath")
	req.ContentLength = int64(len(body))
	if cred != nil {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey},
			req, hex.EncodeToString(sum[:]), "verifiedpermissions", "us-east-1", now)
		if err != nil {
			tb.Fatalf("sign %s: %v", op, err)
		}
	}
	h := &hotpathRequest{req: req, body: []byte(body), rd: bytes.NewReader(nil)}
	return h
}

// serve serves the request again through handler, with a fresh body and
// recorder.
func (h *hotpathRequest) serve(handler http.Handler) *httptest.ResponseRecorder {
	h.rd.Reset(h.body)
	h.req.Body = io.NopCloser(h.rd)
	w := httptest.NewRecorder()
	handler.ServeHTTP(w, h.req)
	return w
}

// hotpathCall serves op once and returns its output, failing unless the
// answer is HTTP 200.
func hotpathCall(tb testing.TB, srv *fake.Server, op, body string, cred *fake.Credential) map[string]any {
	tb.Helper()
	w := newHotpathRequest(tb, op, body, cred, time.Now()).serve(srv.Handler())
	if w.Code != http.StatusOK {
		tb.Fatalf("%s: HTTP %d %s, want 200", op, w.Code, w.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		tb.Fatalf("%s: answer %s does not decode: %v", op, w.Body, err)
	}
	return out
}

// BenchmarkServeGetIdentitySource serves GetIdentitySource through
// Server.Handler with httptest recorders, in memory: the request path of
// the fake alone, without a socket or an SDK. "anonymous" is a server that
// does not verify signatures; "signed" one WithCredentials, with requests
// signed by the AWS SDK for Go v2's SigV4 signer (signed once: the same
// request is served again and again, well within its 15 minutes).
func BenchmarkServeGetIdentitySource(b *testing.B) {
	for _, signed := range []bool{false, true} {
		name, opts, cred := "anonymous", []fake.Option{fake.WithoutListener()}, (*fake.Credential)(nil)
		if signed {
			name, cred = "signed", &hotpathCredential
			opts = append(opts, fake.WithCredentials(hotpathCredential))
		}
		b.Run(name, func(b *testing.B) {
			srv := fake.NewServer(opts...)
			defer srv.Close()
			store := hotpathCall(b, srv, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`, cred)["policyStoreId"].(string)
			source := hotpathCall(b, srv, "CreateIdentitySource", `{"policyStoreId":"`+store+`","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`","clientIds":["`+clientID+`"]}}}`, cred)["identitySourceId"].(string)
			req := newHotpathRequest(b, "GetIdentitySource", `{"policyStoreId":"`+store+`","identitySourceId":"`+source+`"}`, cred, time.Now())
			handler := srv.Handler()
			if w := req.serve(handler); w.Code != http.StatusOK {
				b.Fatalf("GetIdentitySource: HTTP %d %s, want 200", w.Code, w.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				if w := req.serve(handler); w.Code != http.StatusOK {
					b.Fatalf("GetIdentitySource: HTTP %d %s, want 200", w.Code, w.Body)
				}
			}
		})
	}
}

// TestReusedBodiesLeaveNothingBehind checks that what the fake keeps from a
// request (the resources it creates, the clientToken it remembers, the
// answers it gives) does not point into the request's body, whose buffer
// the next requests reuse: after requests whose bodies overwrite those
// buffers with other bytes, the resources read back and replay as created.
func TestReusedBodiesLeaveNothingBehind(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	storeBody := `{"clientToken":"keep-store-token","validationSettings":{"mode":"STRICT"},"description":"kept description"}`
	store := hotpathCall(t, srv, "CreatePolicyStore", storeBody, nil)
	id := store["policyStoreId"].(string)
	sourceBody := `{"clientToken":"keep-source-token","policyStoreId":"` + id + `","principalEntityType":"Keep::Me",` +
		`"configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn + `","clientIds":["keepclient"],"groupConfiguration":{"groupEntityType":"Keep::Group"}}}}`
	source := hotpathCall(t, srv, "CreateIdentitySource", sourceBody, nil)
	getBody := `{"policyStoreId":"` + id + `","identitySourceId":"` + source["identitySourceId"].(string) + `"}`
	want := hotpathCall(t, srv, "GetIdentitySource", getBody, nil)
	wantStore := hotpathCall(t, srv, "GetPolicyStore", `{"policyStoreId":"`+id+`"}`, nil)

	// Bodies of the same lengths, of other bytes, refused or not.
	for i := range 50 {
		for _, b := range []string{storeBody, sourceBody, getBody} {
			filler := strings.Repeat(string(rune('a'+i%26)), len(b))
			newHotpathRequest(t, "GetIdentitySource", filler, nil, time.Now()).serve(srv.Handler())
			newHotpathRequest(t, "GetIdentitySource", `{"policyStoreId":"`+filler[:22]+`","identitySourceId":"`+filler[:22]+`"}`, nil, time.Now()).serve(srv.Handler())
		}
	}

	if got := hotpathCall(t, srv, "GetIdentitySource", getBody, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("GetIdentitySource after other requests = %v, want as before, %v", got, want)
	}
	if got := hotpathCall(t, srv, "GetPolicyStore", `{"policyStoreId":"`+id+`"}`, nil); !reflect.DeepEqual(got, wantStore) {
		t.Errorf("GetPolicyStore after other requests = %v, want as before, %v", got, wantStore)
	}
	if got := hotpathCall(t, srv, "CreateIdentitySource", sourceBody, nil); got["identitySourceId"] != source["identitySourceId"] {
		t.Errorf("CreateIdentitySource replayed with its clientToken = %v, want the identity source it created, %v", got, source)
	}
	if got := hotpathCall(t, srv, "CreatePolicyStore", storeBody, nil); got["policyStoreId"] != id {
		t.Errorf("CreatePolicyStore replayed with its clientToken = %v, want the policy store it created, %s", got, id)
	}
}
