package fake_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
)

// TestFaultErrors injects each error a Fault can declare and checks the SDK
// decodes it as the model's typed error, with the members the fault implies,
// and the wire status is the shape's (its httpError trait in the model).
func TestFaultErrors(t *testing.T) {
	cases := []struct {
		name       string
		fault      fake.Fault
		wantStatus int
		check      func(t *testing.T, err error, storeID, sourceID string)
	}{
		{"throttling with codes", fake.Fault{Error: "ThrottlingException", ServiceCode: "verifiedpermissions", QuotaCode: "L-1234"}, 429,
			func(t *testing.T, err error, _, _ string) {
				var e *types.ThrottlingException
				if !errors.As(err, &e) || aws.ToString(e.ServiceCode) != "verifiedpermissions" || aws.ToString(e.QuotaCode) != "L-1234" {
					t.Errorf("got %v, want ThrottlingException with serviceCode and quotaCode", err)
				}
			}},
		{"internal server error", fake.Fault{Error: "InternalServerException"}, 500,
			func(t *testing.T, err error, _, _ string) {
				var e *types.InternalServerException
				if !errors.As(err, &e) || !strings.Contains(e.ErrorMessage(), "fault-1") {
					t.Errorf("got %v, want InternalServerException whose default message names fault-1", err)
				}
			}},
		{"conflict names the identity source", fake.Fault{Error: "ConflictException"}, 409,
			func(t *testing.T, err error, _, sourceID string) {
				var e *types.ConflictException
				if !errors.As(err, &e) {
					t.Fatalf("got %v, want ConflictException", err)
				}
				want := []types.ResourceConflict{{ResourceId: aws.String(sourceID), ResourceType: types.ResourceTypeIdentitySource}}
				if diff := cmp.Diff(want, e.Resources, cmpResourceConflicts); diff != "" {
					t.Errorf("resources (-want +got):\n%s", diff)
				}
			}},
		{"conflict with declared resources", fake.Fault{Error: "ConflictException", Resources: []fake.ResourceConflict{{ResourceID: "PS1", ResourceType: fake.ResourceTypePolicyStore}}}, 409,
			func(t *testing.T, err error, _, _ string) {
				var e *types.ConflictException
				if !errors.As(err, &e) || len(e.Resources) != 1 || aws.ToString(e.Resources[0].ResourceId) != "PS1" || e.Resources[0].ResourceType != types.ResourceTypePolicyStore {
					t.Errorf("got %v, want ConflictException naming PS1", err)
				}
			}},
		{"access denied", fake.Fault{Error: "AccessDeniedException"}, 403,
			func(t *testing.T, err error, storeID, _ string) {
				var e *types.AccessDeniedException
				if !errors.As(err, &e) || !strings.Contains(e.ErrorMessage(), "verifiedpermissions:UpdateIdentitySource on resource: arn:aws:verifiedpermissions::123456789012:policy-store/"+storeID) {
					t.Errorf("got %v, want AccessDeniedException naming the action and the policy store", err)
				}
			}},
		{"service quota (undeclared by UpdateIdentitySource, so untyped)", fake.Fault{Error: "ServiceQuotaExceededException", QuotaCode: "L-Q"}, 402,
			func(t *testing.T, err error, _, _ string) {
				var e *types.ServiceQuotaExceededException
				if errors.As(err, &e) || errorCode(err) != "ServiceQuotaExceededException" {
					t.Errorf("got %v, want a generic API error with code ServiceQuotaExceededException", err)
				}
			}},
		{"not found", fake.Fault{Error: "ResourceNotFoundException"}, 404,
			func(t *testing.T, err error, _, sourceID string) {
				var e *types.ResourceNotFoundException
				if !errors.As(err, &e) || aws.ToString(e.ResourceId) != sourceID || e.ResourceType != types.ResourceTypeIdentitySource {
					t.Errorf("got %v, want ResourceNotFoundException naming the identity source", err)
				}
			}},
		{"validation with a message", fake.Fault{Error: "ValidationException", Message: "custom words"}, 400,
			func(t *testing.T, err error, _, _ string) {
				var e *types.ValidationException
				if !errors.As(err, &e) || e.ErrorMessage() != "custom words" {
					t.Errorf("got %v, want ValidationException with the fault's message", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runServersTest(t, func(t *testing.T, h *harness) {
				store := h.mustCreatePolicyStore(t)
				source := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn))
				f := c.fault
				f.Operation, f.Count = "UpdateIdentitySource", 2
				if err := h.srv.InjectFault(f); err != nil {
					t.Fatal(err)
				}
				_, err := h.vp.UpdateIdentitySource(context.Background(), updateInput(store, source))
				c.check(t, err, store, source)
				r := h.raw(t, "UpdateIdentitySource", updateBody(cognito("")))
				if r.Status != c.wantStatus || r.Type() != f.Error {
					t.Errorf("raw: HTTP %d %s, want %d %s", r.Status, r.Type(), c.wantStatus, f.Error)
				}
				if _, err := h.vp.UpdateIdentitySource(context.Background(), updateInput(store, source)); err != nil {
					t.Errorf("third call, after the fault's count: %v", err)
				}
			})
		})
	}
}

var cmpResourceConflicts = cmp.Comparer(func(a, b types.ResourceConflict) bool {
	return aws.ToString(a.ResourceId) == aws.ToString(b.ResourceId) && a.ResourceType == b.ResourceType
})

// TestFaultDefaultResources checks what an injected ConflictException names
// when the fault declares no resources: the identity source, else the
// policy store, else nothing.
func TestFaultDefaultResources(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		if err := h.srv.InjectFault(fake.Fault{Operation: "*", Error: "ConflictException"}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			op, body string
			want     []any
		}{
			{"GetIdentitySource", `{"policyStoreId":"PS1","identitySourceId":"IS1"}`, []any{map[string]any{"resourceId": "IS1", "resourceType": "IDENTITY_SOURCE"}}},
			{"CreateIdentitySource", `{"policyStoreId":"PS1"}`, []any{map[string]any{"resourceId": "PS1", "resourceType": "POLICY_STORE"}}},
			{"CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`, []any{}},
			{"GetPolicyStore", `not json`, []any{}},
		}
		for _, c := range cases {
			r := h.raw(t, c.op, c.body)
			if r.Status != 409 {
				t.Fatalf("%s: HTTP %d %s", c.op, r.Status, r.Raw)
			}
			if diff := cmp.Diff(c.want, r.Body["resources"]); diff != "" {
				t.Errorf("%s resources (-want +got):\n%s", c.op, diff)
			}
		}

		// The first resource is what a ResourceNotFoundException or a
		// ServiceQuotaExceededException names.
		h.srv.ClearFaults()
		for _, e := range []string{"ResourceNotFoundException", "ServiceQuotaExceededException"} {
			if err := h.srv.InjectFault(fake.Fault{Operation: "*", Error: e, Count: 2}); err != nil {
				t.Fatal(err)
			}
			r := h.raw(t, "GetIdentitySource", `{"policyStoreId":"PS1","identitySourceId":"IS1"}`)
			if r.Type() != e || r.Body["resourceId"] != "IS1" || r.Body["resourceType"] != "IDENTITY_SOURCE" {
				t.Errorf("%s: %s", e, r.Raw)
			}
			r = h.raw(t, "CreatePolicyStore", `{}`)
			if r.Type() != e || r.Body["resourceType"] != "POLICY_STORE" {
				t.Errorf("%s of CreatePolicyStore: %s", e, r.Raw)
			}
		}
	})
}

// TestFaultOrderAndCount checks that faults match in the order injected,
// that a counted fault is used up, and that one for "*" matches every
// operation while one for another operation does not.
func TestFaultOrderAndCount(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		for _, f := range []fake.Fault{
			{Operation: "GetPolicyStore", Error: "ThrottlingException", Count: 2},
			{Operation: "*", Error: "InternalServerException", Count: 1},
			{Operation: "GetPolicyStore", Error: "AccessDeniedException"},
			{Operation: "DeleteIdentitySource", Error: "ValidationException"},
		} {
			if err := h.srv.InjectFault(f); err != nil {
				t.Fatal(err)
			}
		}
		get := func() string {
			_, err := h.vp.GetPolicyStore(context.Background(), &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(unknownStoreID)})
			return errorCode(err)
		}
		var got []string
		for range 5 {
			got = append(got, get())
		}
		want := []string{"ThrottlingException", "ThrottlingException", "InternalServerException", "AccessDeniedException", "AccessDeniedException"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetPolicyStore errors (-want +got):\n%s", diff)
		}
		// The unlimited GetPolicyStore fault does not touch other operations.
		if _, err := h.vp.CreatePolicyStore(context.Background(), sdktest.PolicyStoreInput("")); err != nil {
			t.Errorf("CreatePolicyStore: %v", err)
		}
		r := h.rawMethod(t, "GET", "/_vpfake/faults", "", "")
		faults, _ := r.Body["faults"].([]any)
		if len(faults) != 2 {
			t.Fatalf("want the two unlimited faults left, got %s", r.Raw)
		}
		if f := faults[0].(map[string]any); f["id"] != "fault-3" || f["remaining"] != float64(0) || f["count"] != float64(0) {
			t.Errorf("first fault left: %v", f)
		}
	})
}

// TestFaultHasNoEffect checks a faulted write changes nothing, and that a
// fault fires before schema validation.
func TestFaultHasNoEffect(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		store := h.mustCreatePolicyStore(t)
		if err := h.srv.InjectFault(fake.Fault{Operation: "CreateIdentitySource", Error: "InternalServerException", Count: 1}); err != nil {
			t.Fatal(err)
		}
		_, err := h.vp.CreateIdentitySource(context.Background(), &verifiedpermissions.CreateIdentitySourceInput{
			PolicyStoreId: aws.String(store), Configuration: cognitoConfiguration(userPoolArn),
		})
		if errorCode(err) != "InternalServerException" {
			t.Fatalf("got %v", err)
		}
		list, err := h.vp.ListIdentitySources(context.Background(), &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(store)})
		if err != nil || len(list.IdentitySources) != 0 {
			t.Errorf("faulted create left %d identity sources (%v)", len(list.IdentitySources), err)
		}

		if err := h.srv.InjectFault(fake.Fault{Operation: "GetIdentitySource", Error: "ThrottlingException", Count: 1}); err != nil {
			t.Fatal(err)
		}
		if r := h.raw(t, "GetIdentitySource", `{"policyStoreId":""}`); r.Type() != "ThrottlingException" {
			t.Errorf("invalid body with a fault: HTTP %d %s, want the fault before validation", r.Status, r.Type())
		}
		if r := h.raw(t, "GetIdentitySource", `{"policyStoreId":""}`); r.Type() != "ValidationException" {
			t.Errorf("invalid body after the fault: HTTP %d %s", r.Status, r.Type())
		}
	})
}

// TestFaultNotForUnservedOperations checks an unserved operation still
// answers NotImplementedException under a fault for "*".
func TestFaultNotForUnservedOperations(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		_ = h.srv.InjectFault(fake.Fault{Operation: "*", Error: "ThrottlingException"})
		op := unservedOperation(t)
		if r := h.raw(t, op, `{}`); r.Type() != "NotImplementedException" {
			t.Errorf("%s: HTTP %d %s, want NotImplementedException", op, r.Status, r.Type())
		}
	})
}

// TestFaultDelay checks a delayed fault waits, and that the wait ends with
// the request's context or the server's Close.
func TestFaultDelay(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		_ = h.srv.InjectFault(fake.Fault{Operation: "GetPolicyStore", Error: "ThrottlingException", Count: 1, Delay: 50 * time.Millisecond})
		start := time.Now()
		r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`)
		if r.Type() != "ThrottlingException" || time.Since(start) < 50*time.Millisecond {
			t.Errorf("got %s after %s, want ThrottlingException after 50ms", r.Type(), time.Since(start))
		}

		_ = h.srv.InjectFault(fake.Fault{Operation: "GetPolicyStore", Error: "ThrottlingException", Count: 1, Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start = time.Now()
		_, err := h.vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String("p")})
		if err == nil || time.Since(start) > 10*time.Second {
			t.Errorf("cancelled call: %v after %s", err, time.Since(start))
		}
	})
}

// TestFaultDelayEndsAtClose checks Close does not wait for a fault's delay.
func TestFaultDelayEndsAtClose(t *testing.T) {
	srv := fake.NewServer(fake.WithFault(fake.Fault{Operation: "GetPolicyStore", Error: "InternalServerException", Delay: time.Hour}))
	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig(), func(o *verifiedpermissions.Options) { o.RetryMaxAttempts = 1 })
	done := make(chan error, 1)
	go func() {
		_, err := vp.GetPolicyStore(context.Background(), &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String("p")})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case err := <-done:
		if errorCode(err) != "InternalServerException" {
			t.Errorf("got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the delayed call did not end at Close")
	}
	<-closed
}

// TestEndDelays checks EndDelays makes every call held by a fault's delay
// answer its fault at once, and later delayed calls too.
func TestEndDelays(t *testing.T) {
	srv := fake.NewServer(fake.WithFault(fake.Fault{Operation: "GetPolicyStore", Error: "ThrottlingException", Delay: time.Minute}))
	defer srv.Close()
	h := &harness{srv: srv, http: http.DefaultClient}
	const held = 4
	var wg sync.WaitGroup
	codes := make(chan string, held)
	for range held {
		wg.Go(func() { codes <- h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`).Type() })
	}
	time.Sleep(100 * time.Millisecond) // let them reach the delay
	start := time.Now()
	srv.EndDelays()
	wg.Wait()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("held calls answered %s after EndDelays", d)
	}
	close(codes)
	for c := range codes {
		if c != "ThrottlingException" {
			t.Errorf("held call answered %q", c)
		}
	}
	start = time.Now()
	if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Type() != "ThrottlingException" || time.Since(start) > 5*time.Second {
		t.Errorf("a later call: %s after %s", r.Raw, time.Since(start))
	}
}

// TestInjectFaultRejects checks InjectFault refuses a fault it cannot use,
// and injects nothing then.
func TestInjectFaultRejects(t *testing.T) {
	unserved := unservedOperation(t)
	cases := []struct {
		name  string
		fault fake.Fault
		want  string
	}{
		{"unserved operation", fake.Fault{Operation: unserved, Error: "ThrottlingException"}, unserved},
		{"empty operation", fake.Fault{Error: "ThrottlingException"}, "operation"},
		{"unknown error", fake.Fault{Operation: "*", Error: "TeapotException"}, "TeapotException"},
		{"empty error", fake.Fault{Operation: "*"}, "error"},
		{"negative count", fake.Fault{Operation: "*", Error: "ThrottlingException", Count: -1}, "count"},
		{"negative delay", fake.Fault{Operation: "*", Error: "ThrottlingException", Delay: -time.Second}, "delay"},
		{"resource without id", fake.Fault{Operation: "*", Error: "ConflictException", Resources: []fake.ResourceConflict{{ResourceType: "POLICY_STORE"}}}, "resourceId"},
		{"resource of unknown type", fake.Fault{Operation: "*", Error: "ConflictException", Resources: []fake.ResourceConflict{{ResourceID: "x", ResourceType: "TABLE"}}}, "TABLE"},
		{"message too long", fake.Fault{Operation: "*", Error: "ThrottlingException", Message: strings.Repeat("m", fake.DefaultMaxFaultMessageBytes+1)}, "WithMaxFaultMessageBytes"},
		{"service code too long", fake.Fault{Operation: "*", Error: "ThrottlingException", ServiceCode: strings.Repeat("s", 257)}, "serviceCode"},
		{"quota code too long", fake.Fault{Operation: "*", Error: "ThrottlingException", QuotaCode: strings.Repeat("q", 257)}, "quotaCode"},
		{"too many resources", fake.Fault{Operation: "*", Error: "ConflictException", Resources: slices.Repeat([]fake.ResourceConflict{{ResourceID: "x", ResourceType: "POLICY_STORE"}}, 11)}, "resources"},
		{"resource id too long", fake.Fault{Operation: "*", Error: "ConflictException", Resources: []fake.ResourceConflict{{ResourceID: strings.Repeat("x", 201), ResourceType: "POLICY_STORE"}}}, "resourceId"},
	}
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := srv.InjectFault(c.fault)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error mentioning %q", err, c.want)
			}
		})
	}
	h := newHarness(t, srv, false)
	if r := h.rawMethod(t, "GET", "/_vpfake/faults", "", ""); string(r.Raw) != `{"faults":[],"rateLimits":[]}` {
		t.Errorf("rejected faults were injected: %s", r.Raw)
	}
}

// TestRateLimit drives a token bucket with the fake clock.
func TestRateLimit(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		if err := h.srv.SetRateLimit("GetPolicyStore", 1, 2); err != nil {
			t.Fatal(err)
		}
		get := func() error {
			_, err := h.vp.GetPolicyStore(context.Background(), &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(unknownStoreID)})
			return err
		}
		for i := range 2 {
			if code := errorCode(get()); code != "ResourceNotFoundException" {
				t.Fatalf("call %d within the burst: %s", i+1, code)
			}
		}
		err := get()
		var te *types.ThrottlingException
		if !errors.As(err, &te) || aws.ToString(te.ServiceCode) != "verifiedpermissions" || aws.ToString(te.QuotaCode) != "L-RATE-GETPOLICYSTORE" {
			t.Fatalf("third call: %v, want ThrottlingException with serviceCode and quotaCode", err)
		}
		if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Status != http.StatusTooManyRequests {
			t.Errorf("raw call over the limit: HTTP %d", r.Status)
		}
		h.clock.Advance(500 * time.Millisecond)
		if errorCode(get()) != "ThrottlingException" {
			t.Error("half a token is not enough")
		}
		h.clock.Advance(500 * time.Millisecond)
		if code := errorCode(get()); code != "ResourceNotFoundException" {
			t.Errorf("after a second: %s", code)
		}
		if r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"p"}`); r.Type() == "ThrottlingException" {
			t.Error("another operation was throttled")
		}

		// "*" is one bucket for every operation.
		if err := h.srv.SetRateLimit("*", 0, 1); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Hour)
		if r := h.raw(t, "ListIdentitySources", `{"policyStoreId":"p"}`); r.Type() != "ResourceNotFoundException" {
			t.Errorf("first call under *: %s", r.Raw)
		}
		r := h.raw(t, "GetIdentitySource", `{"policyStoreId":"p","identitySourceId":"i"}`)
		if r.Type() != "ThrottlingException" || r.Body["quotaCode"] != "L-RATE-ALL" {
			t.Errorf("second call under *: %s", r.Raw)
		}

		h.srv.ClearFaults()
		for range 3 {
			if code := errorCode(get()); code != "ResourceNotFoundException" {
				t.Fatalf("after ClearFaults: %s", code)
			}
		}
	}, fake.WithRateLimit("DeletePolicyStore", 1, 1))
}

// TestSetRateLimitRejects checks SetRateLimit refuses what it cannot use.
func TestSetRateLimitRejects(t *testing.T) {
	cases := []struct {
		name      string
		op        string
		perSecond float64
		burst     int
		want      string
	}{
		{"unknown operation", "Nope", 1, 1, "Nope"},
		{"negative rate", "GetPolicyStore", -1, 1, "perSecond"},
		{"zero burst", "GetPolicyStore", 1, 0, "burst"},
	}
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	for _, c := range cases {
		if err := srv.SetRateLimit(c.op, c.perSecond, c.burst); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

// TestResetClearsFaults checks Reset removes faults and rate limits, those
// given as options included.
func TestResetClearsFaults(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Type() != "InternalServerException" {
			t.Fatalf("WithFault: %s", r.Raw)
		}
		h.srv.Reset()
		if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Type() != "ResourceNotFoundException" {
			t.Errorf("after Reset: %s", r.Raw)
		}
		r := h.rawMethod(t, "GET", "/_vpfake/faults", "", "")
		if string(r.Raw) != `{"faults":[],"rateLimits":[]}` {
			t.Errorf("after Reset: %s", r.Raw)
		}
	}, fake.WithFault(fake.Fault{Operation: "GetPolicyStore", Error: "InternalServerException"}), fake.WithRateLimit("*", 1, 1))
}

// TestInvalidOptionsPanic checks NewServer panics, naming the option, on a
// fault, rate limit, delay or limit it cannot use (TestCredentialChecks
// checks credential lists).
func TestInvalidOptionsPanic(t *testing.T) {
	cases := []struct {
		name string
		opt  fake.Option
		want string
	}{
		{"fault", fake.WithFault(fake.Fault{Operation: "Nope", Error: "ThrottlingException"}), "WithFault"},
		{"rate limit", fake.WithRateLimit("GetPolicyStore", 1, 0), "WithRateLimit"},
		{"negative delay", fake.WithPropagationDelay(-time.Second), "WithPropagationDelay"},
		{"policy stores", fake.WithMaxPolicyStores(0), "WithMaxPolicyStores"},
		{"encryption context", fake.WithMaxEncryptionContextBytes(0), "WithMaxEncryptionContextBytes"},
		{"state bytes", fake.WithMaxStateBytes(-1), "WithMaxStateBytes"},
		{"faults", fake.WithMaxFaults(0), "WithMaxFaults"},
		{"fault message", fake.WithMaxFaultMessageBytes(0), "WithMaxFaultMessageBytes"},
		{"read header timeout", fake.WithReadHeaderTimeout(0), "WithReadHeaderTimeout"},
		{"read timeout", fake.WithReadTimeout(-time.Second), "WithReadTimeout"},
		{"idle timeout", fake.WithIdleTimeout(0), "WithIdleTimeout"},
		{"header bytes", fake.WithMaxHeaderBytes(0), "WithMaxHeaderBytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				v := recover()
				if s, _ := v.(string); !strings.Contains(s, c.want) {
					t.Errorf("recovered %v, want a panic mentioning %q", v, c.want)
				}
			}()
			srv := fake.NewServer(fake.WithoutListener(), c.opt)
			srv.Close()
		})
	}
}

// TestFaultControlRoutes drives faults and rate limits over the control
// routes, and checks every malformed request is a 400 with a message.
func TestFaultControlRoutes(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.rawMethod(t, "POST", "/_vpfake/faults", "", `{"operation":"UpdateIdentitySource","error":"ConflictException","count":1,"delayMs":0,"message":"","serviceCode":"","quotaCode":"","resources":[{"resourceId":"IS1","resourceType":"IDENTITY_SOURCE"}]}`)
		if r.Status != 200 || r.Body["id"] != "fault-1" {
			t.Fatalf("POST faults: HTTP %d %s", r.Status, r.Raw)
		}
		r = h.rawMethod(t, "POST", "/_vpfake/faults", "", `{"operation":"*","error":"ThrottlingException","delayMs":5,"quotaCode":"Q"}`)
		if r.Status != 200 || r.Body["id"] != "fault-2" {
			t.Fatalf("POST faults: HTTP %d %s", r.Status, r.Raw)
		}
		r = h.rawMethod(t, "POST", "/_vpfake/ratelimits", "", `{"operation":"GetIdentitySource","perSecond":5,"burst":5}`)
		if r.Status != 200 || string(r.Raw) != `{}` {
			t.Fatalf("POST ratelimits: HTTP %d %s", r.Status, r.Raw)
		}
		r = h.rawMethod(t, "GET", "/_vpfake/faults", "", "")
		want := map[string]any{
			"faults": []any{
				map[string]any{"id": "fault-1", "remaining": 1.0, "operation": "UpdateIdentitySource", "error": "ConflictException", "count": 1.0, "delayMs": 0.0,
					"message": "", "serviceCode": "", "quotaCode": "", "resources": []any{map[string]any{"resourceId": "IS1", "resourceType": "IDENTITY_SOURCE"}}},
				map[string]any{"id": "fault-2", "remaining": 0.0, "operation": "*", "error": "ThrottlingException", "count": 0.0, "delayMs": 5.0,
					"message": "", "serviceCode": "", "quotaCode": "Q", "resources": []any{}},
			},
			"rateLimits": []any{map[string]any{"operation": "GetIdentitySource", "perSecond": 5.0, "burst": 5.0}},
		}
		if diff := cmp.Diff(want, r.Body); diff != "" {
			t.Errorf("GET faults (-want +got):\n%s", diff)
		}
		if g := h.raw(t, "UpdateIdentitySource", updateBody(cognito(""))); g.Type() != "ConflictException" {
			t.Errorf("first injected fault did not fire: %s", g.Raw)
		}
		if g := h.raw(t, "UpdateIdentitySource", updateBody(cognito(""))); g.Type() != "ThrottlingException" || g.Body["quotaCode"] != "Q" {
			t.Errorf("second injected fault did not fire: %s", g.Raw)
		}
		r = h.rawMethod(t, "DELETE", "/_vpfake/faults", "", "")
		if r.Status != 200 || string(r.Raw) != `{}` {
			t.Fatalf("DELETE faults: HTTP %d %s", r.Status, r.Raw)
		}
		if r = h.rawMethod(t, "GET", "/_vpfake/faults", "", ""); string(r.Raw) != `{"faults":[],"rateLimits":[]}` {
			t.Errorf("after DELETE: %s", r.Raw)
		}
		if g := h.raw(t, "UpdateIdentitySource", updateBody(cognito(""))); g.Type() != "ResourceNotFoundException" {
			t.Errorf("after DELETE: %s", g.Raw)
		}

		bad := []struct{ name, path, body, want string }{
			{"not JSON", "/_vpfake/faults", `{`, "JSON"},
			{"array", "/_vpfake/faults", `[]`, "JSON"},
			{"unknown member", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException","probability":0.5}`, "probability"},
			{"trailing data", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException"} {}`, "after"},
			{"unknown operation", "/_vpfake/faults", `{"operation":"Nope","error":"ThrottlingException"}`, "Nope"},
			{"unknown error", "/_vpfake/faults", `{"operation":"*","error":"Nope"}`, "Nope"},
			{"negative count", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException","count":-1}`, "count"},
			{"fractional count", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException","count":1.5}`, "count"},
			{"negative delay", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException","delayMs":-1}`, "delayMs"},
			{"huge delay", "/_vpfake/faults", `{"operation":"*","error":"ThrottlingException","delayMs":99999999999}`, "delayMs"},
			{"bad resource type", "/_vpfake/faults", `{"operation":"*","error":"ConflictException","resources":[{"resourceId":"x","resourceType":"X"}]}`, "resourceType"},
			{"empty body", "/_vpfake/faults", ``, "JSON"},
			{"rate limit of unknown operation", "/_vpfake/ratelimits", `{"operation":"Nope","perSecond":1,"burst":1}`, "Nope"},
			{"rate limit without burst", "/_vpfake/ratelimits", `{"operation":"*","perSecond":1}`, "burst"},
			{"rate limit not JSON", "/_vpfake/ratelimits", `x`, "JSON"},
		}
		for _, c := range bad {
			r := h.rawMethod(t, "POST", c.path, "", c.body)
			msg, _ := r.Body["message"].(string)
			if r.Status != http.StatusBadRequest || !strings.Contains(msg, c.want) {
				t.Errorf("%s: HTTP %d %s, want 400 with a message mentioning %q", c.name, r.Status, r.Raw, c.want)
			}
		}
		if r = h.rawMethod(t, "GET", "/_vpfake/faults", "", ""); string(r.Raw) != `{"faults":[],"rateLimits":[]}` {
			t.Errorf("rejected requests injected something: %s", r.Raw)
		}
	})
}

// FuzzControlRoutes posts odd bodies to the fault and rate-limit routes: the
// answer must be 200 or 400, always a JSON object, never a panic or a 5xx.
func FuzzControlRoutes(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `"s"`, `{"operation":"*","error":"ThrottlingException"}`,
		`{"operation":"*","error":"ThrottlingException","count":1e400}`, `{"operation":"*","error":"ConflictException","resources":null}`,
		`{"operation":"*","error":"ConflictException","resources":[null]}`, `{"operation":"GetPolicyStore","perSecond":1e308,"burst":1}`,
		`{"operation":"*","perSecond":-0,"burst":9223372036854775807}`, "\x00\xff", `{"delayMs":9223372036854775807}`,
	} {
		f.Add(seed)
	}
	h := rawHarness(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/_vpfake/faults", "/_vpfake/ratelimits"} {
			r := h.rawMethod(t, "POST", path, "", body)
			if r.Status != 200 && r.Status != 400 {
				t.Errorf("POST %s %q: HTTP %d %s", path, body, r.Status, r.Raw)
			}
		}
		if r := h.rawMethod(t, "GET", "/_vpfake/faults", "", ""); r.Status != 200 {
			t.Errorf("GET faults: HTTP %d %s", r.Status, r.Raw)
		}
		h.srv.ClearFaults()
	})
}

// TestDefaultRetriesHideCountOneFaults backs what AWSConfig documents: with
// the SDK's default retries (here without the backoff, to be quick), an
// injected retryable error with Count 1 is retried away, a non-retryable
// one is not, and a client making one attempt sees both.
func TestDefaultRetriesHideCountOneFaults(t *testing.T) {
	noBackoff := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	for _, c := range []struct {
		errorShape string
		retried    bool
	}{
		{"ThrottlingException", true},
		{"InternalServerException", true},
		{"ConflictException", false},
	} {
		t.Run(c.errorShape, func(t *testing.T) {
			srv := fake.NewServer(fake.WithoutListener())
			defer srv.Close()
			fault := fake.Fault{Operation: "CreatePolicyStore", Error: c.errorShape, Count: 1}
			in := sdktest.PolicyStoreInput("")
			ctx := context.Background()

			if err := srv.InjectFault(fault); err != nil {
				t.Fatal(err)
			}
			cfg := srv.AWSConfig()
			cfg.Retryer = noBackoff
			_, err := verifiedpermissions.NewFromConfig(cfg).CreatePolicyStore(ctx, in)
			if c.retried && err != nil {
				t.Errorf("default retries: %v, want the fault retried away", err)
			}
			if !c.retried && errorCode(err) != c.errorShape {
				t.Errorf("default retries: %v, want %s", err, c.errorShape)
			}

			if err := srv.InjectFault(fault); err != nil {
				t.Fatal(err)
			}
			cfg = srv.AWSConfig()
			cfg.RetryMaxAttempts = 1
			if _, err := verifiedpermissions.NewFromConfig(cfg).CreatePolicyStore(ctx, in); errorCode(err) != c.errorShape {
				t.Errorf("RetryMaxAttempts 1: %v, want %s", err, c.errorShape)
			}
		})
	}
}
