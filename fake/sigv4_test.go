package fake_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

const amzDate = "20060102T150405Z"

// TestSignatureAge checks X-Amz-Date against the server's clock with AWS's
// 15-minute window and AWS's messages, in both directions.
func TestSignatureAge(t *testing.T) {
	const body = `{"policyStoreId":"` + unknownStoreID + `"}`
	runAuthTest(t, func(t *testing.T, h *harness, clock *testClock) {
		now := clock.Now()
		cases := []struct {
			name    string
			at      time.Time
			wantMsg string // "" when accepted
		}{
			{"20 minutes old", now.Add(-20 * time.Minute), fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
				now.Add(-20*time.Minute).Format(amzDate), now.Add(-15*time.Minute).Format(amzDate), now.Format(amzDate))},
			{"7 days old", now.Add(-7 * 24 * time.Hour), fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
				now.Add(-7*24*time.Hour).Format(amzDate), now.Add(-15*time.Minute).Format(amzDate), now.Format(amzDate))},
			{"1 day ahead", now.Add(24 * time.Hour), fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
				now.Add(24*time.Hour).Format(amzDate), now.Add(15*time.Minute).Format(amzDate), now.Format(amzDate))},
			{"16 minutes ahead", now.Add(16 * time.Minute), "Signature not yet current: "},
			{"14 minutes old", now.Add(-14 * time.Minute), ""},
			{"14 minutes ahead", now.Add(14 * time.Minute), ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := h.do(t, signRequest(t, h, "GetPolicyStore", body, signing{akid: "AKIDTEST", secret: "secret", at: c.at}))
				if c.wantMsg == "" {
					if r.Status != http.StatusNotFound {
						t.Fatalf("got HTTP %d %s, want the request accepted (404 for the unknown store)", r.Status, r.Raw)
					}
					return
				}
				msg, _ := r.Body["message"].(string)
				if r.Status != http.StatusBadRequest || r.Type() != "InvalidSignatureException" || !strings.HasPrefix(msg, c.wantMsg) {
					t.Fatalf("got HTTP %d %s, want 400 InvalidSignatureException %q", r.Status, r.Raw, c.wantMsg)
				}
			})
		}
	})
}

// TestReplayAfter20Minutes sends a signed request twice: accepted at once,
// refused 20 minutes later by the server's clock.
func TestReplayAfter20Minutes(t *testing.T) {
	const body = `{"validationSettings":{"mode":"OFF"}}`
	runAuthTest(t, func(t *testing.T, h *harness, clock *testClock) {
		req := signRequest(t, h, "CreatePolicyStore", body, signing{akid: "AKIDTEST", secret: "secret"})
		replay := resend(t, req, body)
		if r := h.do(t, req); r.Status != http.StatusOK {
			t.Fatalf("first send: HTTP %d %s", r.Status, r.Raw)
		}
		clock.Advance(20 * time.Minute)
		r := h.do(t, replay)
		if msg, _ := r.Body["message"].(string); r.Status != http.StatusBadRequest || r.Type() != "InvalidSignatureException" || !strings.HasPrefix(msg, "Signature expired: ") {
			t.Fatalf("replay 20 minutes later: HTTP %d %s, want 400 InvalidSignatureException Signature expired", r.Status, r.Raw)
		}
		clock.Advance(-20 * time.Minute)
	})
}

// TestTargetMustBeSigned checks that a request whose signature leaves
// X-Amz-Target out is refused, so that a GetIdentitySource signed that way
// cannot be resent as DeleteIdentitySource; and that resending a signed
// request under another target fails the signature.
func TestTargetMustBeSigned(t *testing.T) {
	runAuthTest(t, func(t *testing.T, h *harness, _ *testClock) {
		store := h.mustCreatePolicyStore(t)
		source := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
		body := `{"policyStoreId":"` + store + `","identitySourceId":"` + source + `"}`

		get := signRequest(t, h, "GetIdentitySource", body, signing{akid: "AKIDTEST", secret: "secret", targetUnsigned: true})
		asDelete := resend(t, get, body)
		asDelete.Header.Set("X-Amz-Target", "VerifiedPermissions.DeleteIdentitySource")
		for name, req := range map[string]*http.Request{"as signed": get, "resent as DeleteIdentitySource": asDelete} {
			r := h.do(t, req)
			if r.Status != http.StatusBadRequest || r.Type() != "IncompleteSignatureException" || !strings.Contains(string(r.Raw), "'X-Amz-Target' must be a 'SignedHeader'") {
				t.Errorf("X-Amz-Target not signed, %s: HTTP %d %s, want 400 IncompleteSignatureException", name, r.Status, r.Raw)
			}
		}

		signed := signRequest(t, h, "GetIdentitySource", body, signing{akid: "AKIDTEST", secret: "secret"})
		swapped := resend(t, signed, body)
		swapped.Header.Set("X-Amz-Target", "VerifiedPermissions.DeleteIdentitySource")
		if r := h.do(t, swapped); r.Status != http.StatusBadRequest || r.Type() != "InvalidSignatureException" {
			t.Errorf("signed GetIdentitySource resent as DeleteIdentitySource: HTTP %d %s, want 400 InvalidSignatureException", r.Status, r.Raw)
		}
		if r := h.do(t, signed); r.Status != http.StatusOK {
			t.Errorf("the identity source is gone, or the signed request is refused: HTTP %d %s", r.Status, r.Raw)
		}
	})
}

// TestScopeErrorsConsistent checks that a credential scope naming another
// service, another Region or another date gets one error shape and one
// status, with AWS's wording.
func TestScopeErrorsConsistent(t *testing.T) {
	const body = `{"policyStoreId":"` + unknownStoreID + `"}`
	runAuthTest(t, func(t *testing.T, h *harness, _ *testClock) {
		valid := signedRequest(t, h, "GetPolicyStore", body, "AKIDTEST", "secret")
		day := valid.Header.Get("X-Amz-Date")[:8]
		cases := []struct {
			name, from, to, want string
		}{
			{"service", "/us-east-1/verifiedpermissions/", "/us-east-1/dynamodb/", "Credential should be scoped to correct service: 'verifiedpermissions'. "},
			{"region", "/us-east-1/verifiedpermissions/", "/eu-west-1/verifiedpermissions/", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
			{"date", "/" + day + "/", "/19991231/", fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '19991231' != '%s', from '%s'.",
				day, valid.Header.Get("X-Amz-Date"))},
		}
		for _, c := range cases {
			req := resend(t, valid, body)
			req.Header.Set("Authorization", strings.Replace(valid.Header.Get("Authorization"), c.from, c.to, 1))
			r := h.do(t, req)
			if msg, _ := r.Body["message"].(string); r.Status != http.StatusBadRequest || r.Type() != "InvalidSignatureException" || msg != c.want {
				t.Errorf("scope with another %s: HTTP %d %s, want 400 InvalidSignatureException %q", c.name, r.Status, r.Raw, c.want)
			}
		}
	})
}

// TestSDKCorrectsClockSkew checks that the fake sends its clock in Date, so
// that the AWS SDK's clock-skew correction lets a client with its default
// retries work against a server whose clock is far from the real time.
func TestSDKCorrectsClockSkew(t *testing.T) {
	clock := newTestClock() // 2024-08-12
	srv := fake.NewServer(fake.WithoutListener(), withCredentials, fake.WithClock(clock.Now))
	defer srv.Close()
	cfg := srv.AWSConfig()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	vp := verifiedpermissions.NewFromConfig(cfg)
	in := sdktest.PolicyStoreInput("")
	if _, err := vp.CreatePolicyStore(context.Background(), in); err != nil {
		t.Fatalf("CreatePolicyStore against a server clock of %s, default retries: %v", clock.Now().Format(time.RFC3339), err)
	}
	cfg.RetryMaxAttempts = 1
	_, err := verifiedpermissions.NewFromConfig(cfg).CreatePolicyStore(context.Background(), in)
	if errorCode(err) != "InvalidSignatureException" || !strings.Contains(err.Error(), "Signature not yet current") {
		t.Errorf("one attempt, a new client: %v, want InvalidSignatureException Signature not yet current", err)
	}
}

// TestSetSigningClock checks that a server with a fixed clock can check
// signatures against another clock: the real time here.
func TestSetSigningClock(t *testing.T) {
	clock := newTestClock() // 2024-08-12, fixed
	srv := fake.NewServer(fake.WithoutListener(), withCredentials, fake.WithClock(clock.Now))
	defer srv.Close()
	srv.SetSigningClock(time.Now)
	cfg := srv.AWSConfig()
	cfg.RetryMaxAttempts = 1
	in := sdktest.PolicyStoreInput("")
	out, err := verifiedpermissions.NewFromConfig(cfg).CreatePolicyStore(context.Background(), in)
	if err != nil {
		t.Fatalf("signed by the real time, checked against it: %v", err)
	}
	if !out.CreatedDate.Equal(clock.Now().Truncate(time.Microsecond)) {
		t.Errorf("createdDate %s, want the server's clock %s", out.CreatedDate, clock.Now())
	}

	srv.SetSigningClock(nil)
	_, err = verifiedpermissions.NewFromConfig(cfg).CreatePolicyStore(context.Background(), in)
	if errorCode(err) != "InvalidSignatureException" {
		t.Errorf("signing clock back to the server's: %v, want InvalidSignatureException", err)
	}
}

// TestSigV4RefusalsAreSmall checks that what an Authorization header names
// is echoed clipped, over the in-memory transport, which has no header
// limit of its own.
func TestSigV4RefusalsAreSmall(t *testing.T) {
	const body = `{"policyStoreId":"` + unknownStoreID + `"}`
	long := strings.Repeat("x", 1<<20)
	srv := fake.NewServer(fake.WithoutListener(), withCredentials)
	defer srv.Close()
	h := newHarness(t, srv, false)
	for name, mutate := range map[string]func(*http.Request){
		"signed header name": func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=", "SignedHeaders="+long+";", 1))
		},
		"region": func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/"+long+"/", 1))
		},
		"access key": func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Credential=", "Credential="+long, 1))
		},
		"target": func(r *http.Request) { r.Header.Set("X-Amz-Target", long) },
		"date":   func(r *http.Request) { r.Header.Set("X-Amz-Date", long) },
		"token":  func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", long) },
	} {
		req := signedRequest(t, h, "GetPolicyStore", body, adminCredential.AccessKeyID, adminCredential.SecretAccessKey)
		mutate(req)
		if r := h.do(t, req); r.Status < 400 || len(r.Raw) > 1<<10 {
			t.Errorf("%s of 1 MiB: HTTP %d, %d bytes: %.200s", name, r.Status, len(r.Raw), r.Raw)
		}
	}
}

// FuzzSigV4 signs a request for GetPolicyStore with a known key, then
// replaces its Authorization, X-Amz-Date, X-Amz-Security-Token and
// X-Amz-Target headers with fuzzed values (an empty one is left alone).
// Each answer must conform to the schemas, never be a 5xx, and a refusal
// must stay under refusalBudget. And no request that changed what the
// signature covers may get past authentication: another target or another
// date, or a session token the key does not have.
func FuzzSigV4(f *testing.F) {
	f.Add("", "", "", "")
	f.Add("", "", "forged", "")
	f.Add("", "", "", "VerifiedPermissions.DeletePolicyStore")
	f.Add("", "20200101T000000Z", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDTEST/20200101/us-east-1/verifiedpermissions/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64), "", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDTEST/20200101/"+strings.Repeat("r", 3000)+"/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature="+strings.Repeat("0", 64), "", "", "")
	f.Add("Bearer x", "yesterday", "", "")
	clock := sdktest.NewClock(time.Time{})
	srv := fake.NewServer(fake.WithoutListener(), withCredentials, fake.WithClock(clock.Now))
	defer srv.Close()
	const body = `{"policyStoreId":"` + unknownStoreID + `"}`
	authErrors := map[string]bool{"MissingAuthenticationTokenException": true, "IncompleteSignatureException": true,
		"UnrecognizedClientException": true, "InvalidSignatureException": true}
	canon := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	f.Fuzz(func(t *testing.T, authorization, date, token, target string) {
		for _, v := range []string{authorization, date, token, target} {
			if !utf8.ValidString(v) {
				t.Skip("header values are text")
			}
		}
		h := newHarness(t, srv, false)
		req := signedRequest(t, h, "GetPolicyStore", body, adminCredential.AccessKeyID, adminCredential.SecretAccessKey)
		clock.Set(mustParseAmzDate(t, req.Header.Get("X-Amz-Date")))
		signedTarget, signedDate := req.Header.Get("X-Amz-Target"), req.Header.Get("X-Amz-Date")
		for name, v := range map[string]string{"Authorization": authorization, "X-Amz-Date": date, "X-Amz-Security-Token": token, "X-Amz-Target": target} {
			if v != "" {
				req.Header.Set(name, v)
			}
		}
		r := h.do(t, req)
		checkAnswer(t, fmt.Sprintf("Authorization %q, X-Amz-Date %q, X-Amz-Security-Token %q, X-Amz-Target %q", authorization, date, token, target), r)
		if authErrors[r.Type()] {
			return
		}
		switch {
		case token != "":
			t.Errorf("a session token for a key without one got past authentication: %s", r.Raw)
		case target != "" && canon(target) != canon(signedTarget):
			t.Errorf("X-Amz-Target %q, signed as %q, got past authentication: %s", target, signedTarget, r.Raw)
		case date != "" && canon(date) != canon(signedDate):
			t.Errorf("X-Amz-Date %q, signed as %q, got past authentication: %s", date, signedDate, r.Raw)
		}
	})
}

// mustParseAmzDate reads an X-Amz-Date.
func mustParseAmzDate(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(amzDate, s)
	if err != nil {
		t.Fatalf("X-Amz-Date %q: %v", s, err)
	}
	return at
}
