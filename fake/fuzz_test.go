package fake_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// checkAnswer fails t for a 5xx other than a NotImplementedException, and
// for a refusal larger than refusalBudget.
func checkAnswer(t *testing.T, what string, r rawResponse) {
	t.Helper()
	if r.Status >= 500 && !(r.Status == http.StatusNotImplemented && r.Type() == "NotImplementedException") {
		t.Errorf("%s: HTTP %d %.500s", what, r.Status, r.Raw)
	}
	if r.Status >= 400 && len(r.Raw) > refusalBudget {
		t.Errorf("%s: refused with %d bytes, more than %d", what, len(r.Raw), refusalBudget)
	}
}

// FuzzRequestAmplified repeats a fuzzed fragment up to 5,000 times in the
// places where a body can grow: a list item (clientIds), an unknown member
// (of GetIdentitySource), a map entry (tags). Each answer must conform to
// the schemas, never be a 5xx, and a refusal must stay under
// refusalBudget however large the body.
func FuzzRequestAmplified(f *testing.F) {
	for _, seed := range []struct {
		item, name string
		n          uint16
	}{
		{`""`, "m", 1200}, {`"c"`, "x", 1001}, {`5`, "", 20}, {`null`, "~1/", 11}, {`{}`, "\u0000", 3},
		{`"` + strings.Repeat("a", 250) + `"`, strings.Repeat("n", 200), 50}, {`"\ud800"`, "é", 2}, {`[[[]]]`, "k", 300},
	} {
		f.Add(seed.item, seed.name, seed.n)
	}
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	f.Fuzz(func(t *testing.T, item, name string, n uint16) {
		if len(item) > 256 || len(name) > 256 {
			t.Skip("fragment too long: the repetition is what grows the body")
		}
		n %= 5001
		h := newHarness(t, srv, false)
		repeat := func(format func(i int) string) string {
			parts := make([]string, n)
			for i := range parts {
				parts[i] = format(i)
			}
			return strings.Join(parts, ",")
		}
		key := func(i int) string { return jsonString(fmt.Sprintf("%s%d", name, i)) }
		for _, c := range []struct{ op, body string }{
			{"UpdateIdentitySource", updateBody(cognito(`"clientIds":[` + repeat(func(int) string { return item }) + `]`))},
			{"GetIdentitySource", `{` + ids + `,` + repeat(func(i int) string { return key(i) + ":" + item }) + `}`},
			{"CreatePolicyStore", `{"validationSettings":{"mode":"OFF"},"tags":{` + repeat(func(i int) string { return key(i) + ":" + item }) + `}}`},
		} {
			checkAnswer(t, fmt.Sprintf("%s of %d bytes", c.op, len(c.body)), h.raw(t, c.op, c.body))
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
	clock := &testClock{}
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
		clock.mu.Lock()
		clock.now = mustParseAmzDate(t, req.Header.Get("X-Amz-Date"))
		clock.mu.Unlock()
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
