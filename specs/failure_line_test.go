package specs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
)

// gomegaFailure runs assert with a Gomega whose failures are captured, and
// returns the first failure message, as Ginkgo would record it.
func gomegaFailure(t *testing.T, assert func(g gomega.Gomega)) string {
	t.Helper()
	var messages []string
	g := gomega.NewGomega(func(message string, _ ...int) { messages = append(messages, message) })
	assert(g)
	if len(messages) == 0 {
		t.Fatal("the assertion did not fail")
	}
	return messages[0]
}

// recordedDetail is a struct big enough for Gomega to print on several
// lines.
type recordedDetail struct {
	Operation string
	Status    int
	Members   []string
	Body      map[string]string
}

// bigError is an error whose dump Gomega truncates.
type bigError struct {
	Service string
	Headers []string
}

func (e *bigError) Error() string {
	return "operation error VerifiedPermissions: GetIdentitySource, https response error StatusCode: 429, api error UnknownError: Rate exceeded"
}

// TestFailureLineGomega condenses real Gomega failure messages: one line,
// the annotation first, the values kept.
func TestFailureLineGomega(t *testing.T) {
	opErr := fmt.Errorf("specs: cannot reach VPCONFORM_ENDPOINT=http://127.0.0.1:1: %w",
		&url.Error{Op: "Get", URL: "http://127.0.0.1:1/_vpfake/health", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}})
	long := recordedDetail{Operation: "GetIdentitySource", Status: 400, Members: []string{"policyStoreId", "identitySourceId"},
		Body: map[string]string{"message": strings.Repeat("too long ", 12)}}
	for _, tc := range []struct {
		name   string
		assert func(g gomega.Gomega)
		want   string
	}{
		{"Equal int", func(g gomega.Gomega) {
			g.Expect(400).To(gomega.Equal(404), "HTTP status of the %s answer (%s)", "GetIdentitySource", "ResourceNotFoundException")
		}, "HTTP status of the GetIdentitySource answer (ResourceNotFoundException): expected 404, got 400"},
		{"Equal string", func(g gomega.Gomega) {
			g.Expect("ValidationException").To(gomega.Equal("ResourceNotFoundException"), "error shape named by X-Amzn-ErrorType / __type")
		}, "error shape named by X-Amzn-ErrorType / __type: expected ResourceNotFoundException, got ValidationException"},
		{"Equal without annotation", func(g gomega.Gomega) {
			g.Expect(1).To(gomega.Equal(2))
		}, "expected 2, got 1"},
		{"Equal empty string", func(g gomega.Gomega) {
			g.Expect("").To(gomega.Equal("us-east-1"), "region")
		}, `region: expected us-east-1, got ""`},
		{"Equal multi-line struct", func(g gomega.Gomega) {
			other := long
			other.Status = 404
			g.Expect(long).To(gomega.Equal(other), "recorded detail")
		}, `recorded detail: expected {Operation: "GetIdentitySource", Status: 404, Members: ["policyStoreId", "identitySourceId"], Body: {"message": "` + strings.Repeat("too long ", 12) + `"}}, got {Operation: "GetIdentitySource", Status: 400, Members: ["policyStoreId", "identitySourceId"], Body: {"message": "` + strings.Repeat("too long ", 12) + `"}}`},
		{"Equal long strings, which Gomega itself shortens around the difference", func(g gomega.Gomega) {
			g.Expect("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1").
				To(gomega.Equal("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform2"), "userPoolArn")
		}, `userPoolArn: expected "...nform2", got "...nform1"`},
		{"Equal long strings, format.TruncatedDiff off", func(g gomega.Gomega) {
			format.TruncatedDiff = false
			defer func() { format.TruncatedDiff = true }()
			g.Expect("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1").
				To(gomega.Equal("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform2"), "userPoolArn")
		}, `userPoolArn: expected arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform2, got arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1`},
		{"BeTrue", func(g gomega.Gomega) {
			g.Expect(false).To(gomega.BeTrue(), "no HTTP status known for %s", "FooException")
		}, "no HTTP status known for FooException: expected to be true, got false"},
		{"BeNumerically", func(g gomega.Gomega) {
			g.Expect(3).To(gomega.BeNumerically(">=", 5), "attempts of the throttled call")
		}, "attempts of the throttled call: expected to be >= 5, got 3"},
		{"ConsistOf", func(g gomega.Gomega) {
			g.Expect([]string{"policyStoreId", "name"}).To(gomega.ConsistOf("policyStoreId", "identitySourceId"), "fieldList paths")
		}, `fieldList paths: expected to consist of ["policyStoreId", "identitySourceId"], got ["policyStoreId", "name"]; the missing elements were ["identitySourceId"]; the extra elements were ["name"]`},
		{"BeNil", func(g gomega.Gomega) {
			g.Expect(&recordedDetail{Operation: "X"}).To(gomega.BeNil(), "no answer")
		}, `no answer: expected to be nil, got {Operation: "X", Status: 0, Members: nil, Body: nil}`},
		{"NotTo BeEmpty", func(g gomega.Gomega) {
			g.Expect("").NotTo(gomega.BeEmpty(), "setup: CreatePolicyStore returned an empty policyStoreId")
		}, `setup: CreatePolicyStore returned an empty policyStoreId: expected not to be empty, got ""`},
		{"HaveKey", func(g gomega.Gomega) {
			g.Expect(map[string]int{"message": 1}).To(gomega.HaveKey("resourceId"), "body members")
		}, `body members: expected to have key resourceId, got {"message": 1}`},
		{"MatchError", func(g gomega.Gomega) {
			g.Expect(errors.New("HTTP 400")).To(gomega.MatchError("HTTP 404"), "the error")
		}, "the error: expected to match error HTTP 404, got HTTP 400"},
		{"HaveOccurred, error with a multi-line dump", func(g gomega.Gomega) {
			g.Expect(opErr).NotTo(gomega.HaveOccurred(), "the endpoint target")
		}, `the endpoint target: unexpected error: specs: cannot reach VPCONFORM_ENDPOINT=http://127.0.0.1:1: Get "http://127.0.0.1:1/_vpfake/health": dial tcp: connect: connection refused`},
		{"HaveOccurred, a dump Gomega truncated", func(g gomega.Gomega) {
			saved := format.MaxLength
			format.MaxLength = 200
			defer func() { format.MaxLength = saved }()
			headers := make([]string, 40)
			for i := range headers {
				headers[i] = fmt.Sprintf("X-Header-%d: value", i)
			}
			g.Expect(&bigError{Service: "VerifiedPermissions", Headers: headers}).NotTo(gomega.HaveOccurred(), "GetIdentitySource after one injected ThrottlingException")
		}, "GetIdentitySource after one injected ThrottlingException: unexpected error: operation error VerifiedPermissions: GetIdentitySource, https response error StatusCode: 429, api error UnknownError: Rate exceeded"},
		{"HaveOccurred, error text on several lines", func(g gomega.Gomega) {
			g.Expect(fmt.Errorf("setup: %w", errors.Join(errors.New("first"), errors.New("second")))).NotTo(gomega.HaveOccurred())
		}, "unexpected error: setup: first second"},
		{"HaveOccurred, no error", func(g gomega.Gomega) {
			g.Expect(error(nil)).To(gomega.HaveOccurred(), "want %s, the call succeeded", "ValidationException")
		}, "want ValidationException, the call succeeded: expected an error, got nil"},
		{"Succeed", func(g gomega.Gomega) {
			g.Expect(errors.New("boom")).To(gomega.Succeed(), "cleanup: DeletePolicyStore")
		}, "cleanup: DeletePolicyStore: unexpected error: boom"},
		{"Eventually, a function returning an error", func(g gomega.Gomega) {
			g.Eventually(func() error { return errors.New("GetIdentitySource still answers the old clientIds") }).
				WithTimeout(60*time.Millisecond).WithPolling(10*time.Millisecond).Should(gomega.Succeed(), "GetIdentitySource shows the update")
		}, "GetIdentitySource shows the update (timed out after <duration>): GetIdentitySource still answers the old clientIds"},
		{"Eventually, a function returning a value and an error", func(g gomega.Gomega) {
			g.Eventually(func() (int, error) { return 0, errors.New("HTTP 503") }).
				WithTimeout(60*time.Millisecond).WithPolling(10*time.Millisecond).Should(gomega.Equal(200), "the policy store shows up")
		}, "the policy store shows up (timed out after <duration>): HTTP 503"},
		{"Eventually, a description function and a bool", func(g gomega.Gomega) {
			g.Eventually(func() bool { return false }).WithTimeout(60*time.Millisecond).WithPolling(10*time.Millisecond).
				Should(gomega.BeTrue(), func() string { return "ListIdentitySources lists the new source" })
		}, "ListIdentitySources lists the new source (timed out after <duration>): expected to be true, got false"},
		{"Eventually, a function taking a Gomega", func(g gomega.Gomega) {
			g.Eventually(func(g gomega.Gomega) { g.Expect(400).To(gomega.Equal(200), "HTTP status") }).
				WithTimeout(60*time.Millisecond).WithPolling(10*time.Millisecond).Should(gomega.Succeed(), "the update is visible")
		}, "the update is visible (timed out after <duration>): HTTP status: expected 200, got 400"},
		{"Eventually, the context cancelled", func(g gomega.Gomega) {
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
			defer cancel()
			g.Eventually(ctx, func() error { return errors.New("not yet") }).WithPolling(10*time.Millisecond).Should(gomega.Succeed(), "the deletion")
		}, "the deletion (context was cancelled (cause: context deadline exceeded) after <duration>): not yet"},
		{"Consistently", func(g gomega.Gomega) {
			g.Consistently(func() int { return 3 }).WithTimeout(60*time.Millisecond).WithPolling(10*time.Millisecond).Should(gomega.Equal(4), "the count stays")
		}, "the count stays (failed after <duration>): expected 4, got 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := gomegaFailure(t, tc.assert)
			got := failureLine(msg)
			if strings.Contains(tc.want, "<duration>") {
				got = maskVolatile(got)
			}
			if got != tc.want {
				t.Errorf("failureLine of\n%s\n= %s\nwant %s", msg, got, tc.want)
			}
			if strings.Contains(got, "\n") {
				t.Errorf("failureLine has several lines: %q", got)
			}
		})
	}
}

// TestFailureLineText condenses the messages vpconform writes itself and
// those of Ginkgo.
func TestFailureLineText(t *testing.T) {
	for _, tc := range []struct{ name, message, want string }{
		{"one line", "compare: no golden file /g/C.json", "compare: no golden file /g/C.json"},
		{"empty", " \n ", ""},
		{"list", "schema violations in the recorded exchanges:\n  - exchange 2 (GetIdentitySource) response: at '/configuration': missing property 'cognitoUserPoolConfiguration'\n  - exchange 3 (UpdateIdentitySource) error ValidationException:\n    at '': missing property 'message'\n",
			"schema violations in the recorded exchanges: exchange 2 (GetIdentitySource) response: at '/configuration': missing property 'cognitoUserPoolConfiguration'; exchange 3 (UpdateIdentitySource) error ValidationException: at '': missing property 'message'"},
		{"anything else", "compare: golden file /g/B.json: exchange 1 GetIdentitySource:\n\tresponse body:\n\t  - {\"a\": 1}\n\t  + {\"a\": 2}\n",
			"compare: golden file /g/B.json: exchange 1 GetIdentitySource: response body: - {\"a\": 1} + {\"a\": 2}"},
		{"Ginkgo timeout", "A spec timeout occurred", "A spec timeout occurred"},
		{"CRLF", "first\r\nsecond", "first second"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := failureLine(tc.message); got != tc.want {
				t.Errorf("failureLine(%q)\n= %s\nwant %s", tc.message, got, tc.want)
			}
		})
	}
}

// TestFailureLineCapped: a very long line is cut near failureLineMax and
// ends in "…"; the cut never splits a rune.
func TestFailureLineCapped(t *testing.T) {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = "clienté"
	}
	msg := gomegaFailure(t, func(g gomega.Gomega) {
		g.Expect(ids).To(gomega.BeEmpty(), "clientIds")
	})
	got := failureLine(msg)
	if !strings.HasSuffix(got, "…") || len(got) > failureLineMax+len("…") || len(got) < failureLineMax-10 || !strings.HasPrefix(got, "clientIds: expected to be empty, got [\"clienté\", ") {
		t.Errorf("failureLine of a long message = %q (%d bytes)", got, len(got))
	}
	if !strings.Contains(got, "clienté") {
		t.Errorf("the cut line lost the expected value: %q", got)
	}
	for _, r := range got {
		if r == '\uFFFD' {
			t.Fatalf("the cut split a rune: %q", got)
		}
	}
}

// TestMaskVolatile: the values that differ from scenario to scenario are
// masked, the others kept.
func TestMaskVolatile(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`GetIdentitySource answers HTTP 404 for PSm1a2b3c4d5e6f7g8h9 in 10.001s`, `GetIdentitySource answers HTTP 404 for <id> in <duration>`},
		{`policyStoreId "ps-0123456789abcdef0" unknown`, `policyStoreId <id> unknown`},
		{`request 3f2a9c1e-0b4d-4e6f-9a8b-7c6d5e4f3a2b failed`, `request <id> failed`},
		{`request deadbeef-cafe-babe-feed-facefacefeed failed`, `request <id> failed`},
		{`exchange 3 (GetIdentitySource): at '/x'`, `exchange <n> (GetIdentitySource): at '/x'`},
		{`timed out after 2m0.5s, retried after 250ms`, `timed out after <duration>, retried after <duration>`},
		{`<*url.Error | 0x357cd3f086f0>`, `<*url.Error | <addr>>`},
		// Kept: short ids, words without digits, ARNs' account and region.
		{`arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1`, `arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1`},
		{`X-Amzn-ErrorType names ResourceNotFoundException, want HTTP 400`, `X-Amzn-ErrorType names ResourceNotFoundException, want HTTP 400`},
	} {
		if got := maskVolatile(tc.in); got != tc.want {
			t.Errorf("maskVolatile(%q)\n= %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// One fault in two scenarios: one cause.
	a := maskVolatile(failureLine(gomegaFailure(t, func(g gomega.Gomega) {
		g.Eventually(func() error { return fmt.Errorf("identity source %s not listed", "IS0a1b2c3d4e5f6g7h8i") }).
			WithTimeout(30 * time.Millisecond).WithPolling(10 * time.Millisecond).Should(gomega.Succeed())
	})))
	b := maskVolatile(failureLine(gomegaFailure(t, func(g gomega.Gomega) {
		g.Eventually(func() error { return fmt.Errorf("identity source %s not listed", "ISzz99yy88xx77ww66v") }).
			WithTimeout(50 * time.Millisecond).WithPolling(10 * time.Millisecond).Should(gomega.Succeed())
	})))
	if a != b || !regexp.MustCompile(`^\(timed out after <duration>\): identity source <id> not listed$`).MatchString(a) {
		t.Errorf("one fault, two causes: %q and %q", a, b)
	}
}
