package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"

	"github.com/vpconform/vpconform/fake"
)

// BenchmarkGetIdentitySource measures GetIdentitySource against the fake
// over loopback HTTP ("fake") next to a bare net/http handler that answers
// every request with the fake's own response bytes ("canned"), through the
// same SDK client and HTTP client. `make bench` prints both and their ratio;
// the difference is what the fake itself costs per call.
func BenchmarkGetIdentitySource(b *testing.B) {
	srv := fake.NewServer()
	defer srv.Close()

	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer httpClient.CloseIdleConnections()
	vp := verifiedpermissions.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDBENCHEXAMPLE", "bench-secret", ""),
		BaseEndpoint: aws.String(srv.URL()),
		HTTPClient:   httpClient,
	})
	ctx := context.Background()
	ps, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	})
	if err != nil {
		b.Fatal(err)
	}
	is, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: ps.PolicyStoreId,
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"),
			ClientIds:   []string{"a1b2c3d4e5f6g7h8i9j0kalbmc"},
		}},
	})
	if err != nil {
		b.Fatal(err)
	}
	in := &verifiedpermissions.GetIdentitySourceInput{PolicyStoreId: ps.PolicyStoreId, IdentitySourceId: is.IdentitySourceId}

	// The canned handler replays the fake's own answer, headers and body.
	body, header := rawGetIdentitySource(b, httpClient, srv.URL(), *ps.PolicyStoreId, *is.IdentitySourceId)
	canned := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		_, _ = w.Write(body)
	}))
	defer canned.Close()
	b.Logf("response body: %d bytes", len(body))

	for _, target := range []struct{ name, url string }{{"canned", canned.URL}, {"fake", srv.URL()}} {
		b.Run(target.name, func(b *testing.B) {
			endpoint := func(o *verifiedpermissions.Options) { o.BaseEndpoint = aws.String(target.url) }
			if _, err := vp.GetIdentitySource(ctx, in, endpoint); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := vp.GetIdentitySource(ctx, in, endpoint); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func rawGetIdentitySource(b *testing.B, c *http.Client, url, policyStoreID, identitySourceID string) ([]byte, http.Header) {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader([]byte(
		`{"policyStoreId":"`+policyStoreID+`","identitySourceId":"`+identitySourceID+`"}`)))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetIdentitySource")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("raw GetIdentitySource: status %d, err %v, body %s", resp.StatusCode, err, body)
	}
	h := resp.Header.Clone()
	h.Del("Content-Length")
	h.Del("Date")
	return body, h
}

// BenchmarkCreateWithHistory measures creating a policy store and an
// identity source (in a store created earlier, once it is visible) under a
// propagation delay of 1s, through Handler, with the clock advancing 1ms a
// pair, so that about a thousand pairs are always inside the delay. The
// sub-benchmarks start from 1,000 and from 50,000 existing policy stores,
// each with an identity source: the time per pair must not grow with them.
func BenchmarkCreateWithHistory(b *testing.B) {
	for _, existing := range []int{1000, 50000} {
		b.Run(fmt.Sprintf("existing=%d", existing), func(b *testing.B) {
			const delay = time.Second
			const step = time.Millisecond
			lag := int(delay/step) + 1 // a store this many pairs old is visible
			var mu sync.Mutex
			now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			st := benchState(existing, lag, now)
			srv := fake.NewServer(fake.WithoutListener(), fake.WithClock(clock), fake.WithPropagationDelay(delay),
				fake.WithMaxPolicyStores(1<<30), fake.WithMaxStateBytes(1<<40), fake.WithState(st))
			defer srv.Close()
			h := srv.Handler()
			// The stores waiting for an identity source, oldest first.
			var pending []string
			for _, ps := range st.PolicyStores[existing:] {
				pending = append(pending, ps.PolicyStoreID)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				mu.Lock()
				now = now.Add(step)
				mu.Unlock()
				out := benchCall(b, h, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`)
				pending = append(pending, out["policyStoreId"].(string))
				id := pending[0]
				pending = pending[1:]
				benchCall(b, h, "CreateIdentitySource", `{"policyStoreId":"`+id+`","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"`+benchUserPool+`"}}}`)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

const benchUserPool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"

// benchState is a state of n policy stores with an identity source each,
// and empty ones more, created at t.
func benchState(n, empty int, t time.Time) fake.State {
	st := fake.State{FormatVersion: fake.StateFormatVersion}
	date := t.Format(time.RFC3339)
	for i := range n + empty {
		id := fmt.Sprintf("PSbench%015d", i)
		ps := fake.PolicyStoreState{
			PolicyStoreID: id, Arn: "arn:aws:verifiedpermissions::123456789012:policy-store/" + id,
			ValidationSettings: fake.ValidationSettings{Mode: "OFF"}, CreatedDate: date, LastUpdatedDate: date,
		}
		if i < n {
			ps.IdentitySources = []fake.IdentitySourceState{{
				IdentitySourceID: fmt.Sprintf("ISbench%015d", i), PrincipalEntityType: "AWS::Cognito",
				Configuration: []byte(`{"cognitoUserPoolConfiguration":{"userPoolArn":"` + benchUserPool + `"}}`),
				CreatedDate:   date, LastUpdatedDate: date,
			}}
		}
		st.PolicyStores = append(st.PolicyStores, ps)
	}
	return st
}

// benchCall calls an operation through h and returns its decoded output.
func benchCall(b *testing.B, h http.Handler, op, body string) map[string]any {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "VerifiedPermissions."+op)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: HTTP %d %s", op, w.Code, w.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		b.Fatalf("%s: %v", op, err)
	}
	return out
}
