package fake_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

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
