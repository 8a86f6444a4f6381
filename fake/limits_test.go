package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
)

// TestPolicyStoreQuota checks a CreatePolicyStore beyond the quota is
// answered as AWS answers its quota of policy stores per Region per
// account: ServiceQuotaExceededException, HTTP 402, with serviceCode
// verifiedpermissions and quotaCode L-919F2C9C; that a replayed
// clientToken still answers; and that deleting a store makes room.
func TestPolicyStoreQuota(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		first, err := h.createPolicyStore("token-1")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := h.createPolicyStore(""); err != nil {
				t.Fatal(err)
			}
		}
		_, err = h.createPolicyStore("")
		var q *types.ServiceQuotaExceededException
		if !errors.As(err, &q) {
			t.Fatalf("fourth CreatePolicyStore: %v, want ServiceQuotaExceededException", err)
		}
		if aws.ToString(q.QuotaCode) != "L-919F2C9C" || aws.ToString(q.ServiceCode) != "verifiedpermissions" || q.ResourceType != types.ResourceTypePolicyStore {
			t.Errorf("quota error: quotaCode %q serviceCode %q resourceType %q", aws.ToString(q.QuotaCode), aws.ToString(q.ServiceCode), q.ResourceType)
		}
		if !strings.Contains(q.ErrorMessage(), "3 policy stores") {
			t.Errorf("message %q does not name the quota", q.ErrorMessage())
		}
		r := h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`)
		if r.Status != http.StatusPaymentRequired || r.Type() != "ServiceQuotaExceededException" {
			t.Errorf("raw: HTTP %d %s", r.Status, r.Raw)
		}

		again, err := h.createPolicyStore("token-1") // a replay creates nothing: it answers
		if err != nil || aws.ToString(again.PolicyStoreId) != aws.ToString(first.PolicyStoreId) {
			t.Errorf("replay at the quota: %v, %v", again, err)
		}
		if _, err := h.vp.DeletePolicyStore(context.Background(), &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: first.PolicyStoreId}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.createPolicyStore(""); err != nil {
			t.Errorf("after a deletion: %v", err)
		}
		if n := len(h.srv.State().PolicyStores); n != 3 {
			t.Errorf("%d policy stores, want 3", n)
		}
	}, fake.WithMaxPolicyStores(3))
}

// TestSetStateRespectsLimits checks SetState refuses a state beyond the
// limits, and changes nothing then.
func TestSetStateRespectsLimits(t *testing.T) {
	store := func(id string, ctx map[string]string) fake.PolicyStoreState {
		ps := fake.PolicyStoreState{
			PolicyStoreID: id, Arn: "arn:aws:verifiedpermissions::123456789012:policy-store/" + id,
			ValidationSettings: fake.ValidationSettings{Mode: "OFF"},
			CreatedDate:        "2024-08-12T18:20:50Z", LastUpdatedDate: "2024-08-12T18:20:50Z",
		}
		if ctx != nil {
			b, _ := json.Marshal(map[string]any{"kmsEncryptionState": map[string]any{"key": "arn:aws:kms:us-east-1:123456789012:key/k", "encryptionContext": ctx}})
			ps.EncryptionState = b
		}
		return ps
	}
	cases := []struct {
		name string
		opt  fake.Option
		st   fake.State
		want string
	}{
		{"policy stores", fake.WithMaxPolicyStores(1), fake.State{FormatVersion: 1, PolicyStores: []fake.PolicyStoreState{store("PSa", nil), store("PSb", nil)}}, "L-919F2C9C"},
		{"encryption context", fake.WithMaxEncryptionContextBytes(4), fake.State{FormatVersion: 1, PolicyStores: []fake.PolicyStoreState{store("PSa", map[string]string{"abc": "de"})}}, "encryptionContext"},
		{"state bytes", fake.WithMaxStateBytes(100), fake.State{FormatVersion: 1, PolicyStores: []fake.PolicyStoreState{store("PSa", nil)}}, "L-VPFAKE-STATE-BYTES"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fake.NewServer(fake.WithoutListener(), c.opt)
			defer srv.Close()
			if err := srv.SetState(c.st); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("SetState: %v, want an error mentioning %q", err, c.want)
			}
			if n := len(srv.State().PolicyStores); n != 0 {
				t.Errorf("%d policy stores after a refused SetState", n)
			}
		})
	}
}

// encryptionContextBody is a CreatePolicyStore body whose encryptionContext
// has keys and values of size bytes in total.
func encryptionContextBody(size int) string {
	return fmt.Sprintf(`{"validationSettings":{"mode":"OFF"},"encryptionSettings":{"kmsEncryptionSettings":{"key":"arn:aws:kms:us-east-1:123456789012:key/k","encryptionContext":{"k":%q}}}}`,
		strings.Repeat("v", size-1))
}

// TestEncryptionContextLimit checks an encryptionContext over the size the
// model documents (8,192 bytes of keys and values) is a ValidationException
// naming the member, and one at the limit is accepted.
func TestEncryptionContextLimit(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		if r := h.raw(t, "CreatePolicyStore", encryptionContextBody(8192)); r.Status != http.StatusOK {
			t.Errorf("8192 bytes: HTTP %d %s", r.Status, r.Raw)
		}
		r := h.raw(t, "CreatePolicyStore", encryptionContextBody(8193))
		if r.Status != http.StatusBadRequest || r.Type() != "ValidationException" {
			t.Fatalf("8193 bytes: HTTP %d %s", r.Status, r.Raw)
		}
		if diff := cmp.Diff([]string{"encryptionSettings.kmsEncryptionSettings.encryptionContext"}, r.FieldPaths()); diff != "" {
			t.Errorf("fieldList (-want +got):\n%s", diff)
		}
		if msg, _ := r.Body["message"].(string); !strings.Contains(msg, "8192 bytes") {
			t.Errorf("message %q does not give the limit", msg)
		}
		if n := len(h.srv.State().PolicyStores); n != 1 {
			t.Errorf("%d policy stores, want 1", n)
		}
	})
	t.Run("lowered", func(t *testing.T) {
		h := rawHarness(t, fake.WithMaxEncryptionContextBytes(16))
		if r := h.raw(t, "CreatePolicyStore", encryptionContextBody(17)); r.Type() != "ValidationException" {
			t.Errorf("17 bytes over a limit of 16: HTTP %d %s", r.Status, r.Raw)
		}
	})
}

// TestStateBytesLimit checks a create or update that would take the state
// over WithMaxStateBytes is a ServiceQuotaExceededException with the fake's
// own quota code, and changes nothing.
func TestStateBytesLimit(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		store := h.mustCreatePolicyStore(t)
		big := make([]string, 20)
		for i := range big {
			big[i] = fmt.Sprintf("%0255d", i)
		}
		_, err := h.vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
			PolicyStoreId: aws.String(store), Configuration: cognitoConfiguration(userPoolArn, big...),
		})
		var q *types.ServiceQuotaExceededException
		if !errors.As(err, &q) || aws.ToString(q.QuotaCode) != "L-VPFAKE-STATE-BYTES" || q.ResourceType != types.ResourceTypeIdentitySource {
			t.Fatalf("CreateIdentitySource over the limit: %v", err)
		}
		id := h.mustCreateIdentitySource(t, store, cognitoConfiguration(userPoolArn, clientID))
		_, err = h.vp.UpdateIdentitySource(ctx, updateInput(store, id, big...))
		if errorCode(err) != "ServiceQuotaExceededException" { // not declared by UpdateIdentitySource
			t.Fatalf("UpdateIdentitySource over the limit: %v", err)
		}
		got := h.mustGetIdentitySource(t, store, id)
		if ids, ok := cognitoClientIDs(got.Configuration); !ok || len(ids) != 1 {
			t.Errorf("the refused update changed the identity source: %#v", got.Configuration)
		}
		if u := h.srv.Usage(); u.StateBytes <= 0 || u.StateBytes > 4096 || u.PolicyStores != 1 || u.IdentitySources != 1 {
			t.Errorf("usage %+v", u)
		}
	}, fake.WithMaxStateBytes(4096))
}

// TestFaultCountLimit checks the number of faults held is bounded, on
// InjectFault and on the control route, and that faults used up make room.
func TestFaultCountLimit(t *testing.T) {
	h := rawHarness(t, fake.WithMaxFaults(2))
	srv := h.srv
	for range 2 {
		if err := srv.InjectFault(fake.Fault{Operation: "GetPolicyStore", Error: "ThrottlingException", Count: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.InjectFault(fake.Fault{Operation: "*", Error: "ThrottlingException"}); err == nil || !strings.Contains(err.Error(), "WithMaxFaults") {
		t.Errorf("third fault: %v", err)
	}
	r := h.rawMethod(t, "POST", "/_vpfake/faults", "", `{"operation":"*","error":"ThrottlingException"}`)
	if msg, _ := r.Body["message"].(string); r.Status != http.StatusBadRequest || !strings.Contains(msg, "-max-faults") {
		t.Errorf("third fault over the control route: HTTP %d %s", r.Status, r.Raw)
	}
	r = h.rawMethod(t, "POST", "/_vpfake/faults", "", `{"operation":"*","error":"ThrottlingException","message":"`+strings.Repeat("x", 4097)+`"}`)
	if msg, _ := r.Body["message"].(string); r.Status != http.StatusBadRequest || !strings.Contains(msg, "4096") {
		t.Errorf("long message over the control route: HTTP %d %s", r.Status, r.Raw)
	}
	h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`) // uses up the first
	if err := srv.InjectFault(fake.Fault{Operation: "*", Error: "ThrottlingException"}); err != nil {
		t.Errorf("after one was used up: %v", err)
	}
	if u := srv.Usage(); u.Faults != 2 {
		t.Errorf("usage: %d faults, want 2", u.Faults)
	}
}

// TestControlToken checks WithControlToken: every control route but
// health requires the token, in either header, and answers 401 with a
// message without it.
func TestControlToken(t *testing.T) {
	srv := fake.NewServer(fake.WithControlToken("s3cret"))
	defer srv.Close()
	h := &harness{srv: srv, http: http.DefaultClient}
	for _, route := range [][2]string{{"GET", "/_vpfake/faults"}, {"POST", "/_vpfake/reset"}, {"GET", "/_vpfake/state"}, {"DELETE", "/_vpfake/faults"}, {"GET", "/_vpfake/nothing"}} {
		for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"X-Vpfake-Control-Token", "wrong"}, {"Authorization", "Basic s3cret"}} {
			r := h.rawMethod(t, route[0], route[1], "", "", hdr...)
			if msg, _ := r.Body["message"].(string); r.Status != http.StatusUnauthorized || !strings.Contains(msg, "Authorization: Bearer") ||
				r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %v: HTTP %d %s", route[0], route[1], hdr, r.Status, r.Raw)
			}
		}
	}
	for _, hdr := range [][]string{{"Authorization", "Bearer s3cret"}, {"Authorization", "bearer s3cret"}, {"X-Vpfake-Control-Token", "s3cret"}} {
		if r := h.rawMethod(t, "GET", "/_vpfake/faults", "", "", hdr...); r.Status != http.StatusOK {
			t.Errorf("with %v: HTTP %d %s", hdr, r.Status, r.Raw)
		}
	}
	r := h.rawMethod(t, "GET", "/_vpfake/health", "", "")
	if r.Status != http.StatusOK || r.Body["controlToken"] != true {
		t.Errorf("health without the token: HTTP %d %s", r.Status, r.Raw)
	}
	// The API is not concerned.
	if r := h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`); r.Status != http.StatusNotFound {
		t.Errorf("API call: HTTP %d %s", r.Status, r.Raw)
	}

	if r := rawHarness(t).rawMethod(t, "GET", "/_vpfake/faults", "", ""); r.Status != http.StatusOK {
		t.Errorf("without WithControlToken: HTTP %d %s", r.Status, r.Raw)
	}
}

// TestHealthListsLimits checks GET /_vpfake/health lists the limits, the
// usage and the heap.
func TestHealthListsLimits(t *testing.T) {
	h := rawHarness(t, fake.WithMaxPolicyStores(7), fake.WithReadTimeout(3*time.Second))
	h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"},"clientToken":"t"}`)
	r := h.rawMethod(t, "GET", "/_vpfake/health?gc=1", "", "")
	want := map[string]any{
		"policyStores": 7.0, "identitySourcesPerPolicyStore": 1.0, "encryptionContextBytes": 8192.0,
		"stateBytes": float64(256 << 20), "faults": 1000.0, "faultMessageBytes": 4096.0, "clientTokenWindowSeconds": 28800.0,
		"requestBodyBytes": float64(4 << 20), "readHeaderTimeoutMs": 10000.0, "readTimeoutMs": 3000.0, "idleTimeoutMs": 60000.0,
		"maxHeaderBytes": 65536.0,
	}
	if diff := cmp.Diff(want, r.Body["limits"]); diff != "" {
		t.Errorf("limits (-want +got):\n%s", diff)
	}
	usage, _ := r.Body["usage"].(map[string]any)
	if usage["policyStores"] != 1.0 || usage["clientTokens"] != 1.0 || usage["faults"] != 0.0 || usage["stateBytes"].(float64) <= 0 {
		t.Errorf("usage %v", usage)
	}
	if n, _ := r.Body["heapAllocBytes"].(float64); n <= 0 {
		t.Errorf("heapAllocBytes %v", r.Body["heapAllocBytes"])
	}
	if r := h.rawMethod(t, "GET", "/_vpfake/health?heap=1", "", ""); r.Body["heapAllocBytes"] == nil {
		t.Errorf("?heap=1 gives no heapAllocBytes: %s", r.Raw)
	}
	if r := h.rawMethod(t, "GET", "/_vpfake/health", "", ""); r.Body["heapAllocBytes"] != nil {
		t.Errorf("heapAllocBytes without asking: %s", r.Raw)
	}
	hs := h.srv.NewHTTPServer(http.NotFoundHandler())
	if hs.ReadTimeout != 3*time.Second || hs.ReadHeaderTimeout != fake.DefaultReadHeaderTimeout || hs.IdleTimeout != fake.DefaultIdleTimeout || hs.MaxHeaderBytes != fake.DefaultMaxHeaderBytes {
		t.Errorf("NewHTTPServer: %+v", hs)
	}
}

// underRace returns size, or smaller under the race detector (see
// raceDetector), for a test whose size proves nothing about concurrency.
func underRace(size, smaller int) int {
	if raceDetector {
		return smaller
	}
	return size
}

// heapAfterGC is the heap in use after a garbage collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// maximalCreatePolicyStore is a CreatePolicyStore body as large as the
// limits allow: 200 tags of 128-character keys and 256-character values
// and a 150-character description, all of 4-byte characters, and an
// encryptionContext of 8,192 bytes in as many entries as fit. The tag keys
// start with n, so that each body is distinct. It is written out directly
// (no character of it needs escaping, TestMaximalCreatePolicyStoreIsJSON
// checks it decodes to what it says): json.Marshal of the maps took 13 ms
// a body under the race detector, a seventh of each loop of
// TestCreateDeleteLoopsKeepHeapFlat.
func maximalCreatePolicyStore(n int, token string) string {
	wide := "\U0001F600" // 4 bytes in UTF-8, 1 character
	var b strings.Builder
	b.Grow(330 << 10)
	b.WriteString(`{"validationSettings":{"mode":"STRICT"},"description":"` + strings.Repeat(wide, 150) + `","deletionProtection":"DISABLED","tags":{`)
	value := strings.Repeat(wide, 256)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		k := fmt.Sprintf("%d-%03d-", n, i)
		b.WriteString(`"` + k + strings.Repeat(wide, 128-len(k)) + `":"` + value + `"`)
	}
	b.WriteString(`},"encryptionSettings":{"kmsEncryptionSettings":{"key":"arn:aws:kms:us-east-1:123456789012:key/` + strings.Repeat("k", 36) + `","encryptionContext":{`)
	for i := range 2048 { // 4 bytes an entry: 8,192 in all
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%03x":"v"`, i)
	}
	b.WriteString(`}}}`)
	if token != "" {
		b.WriteString(`,"clientToken":` + jsonString(token))
	}
	b.WriteString(`}`)
	return b.String()
}

// TestMaximalCreatePolicyStoreIsJSON checks maximalCreatePolicyStore is
// valid JSON holding what its comment says: 200 distinct tags of 128 and
// 256 characters, a 150-character description, an encryptionContext of
// 8,192 bytes and the clientToken.
func TestMaximalCreatePolicyStoreIsJSON(t *testing.T) {
	var in struct {
		ValidationSettings struct{ Mode string }
		Description        string
		DeletionProtection string
		Tags               map[string]string
		EncryptionSettings struct {
			KmsEncryptionSettings struct {
				Key               string
				EncryptionContext map[string]string
			}
		}
		ClientToken string
	}
	body := maximalCreatePolicyStore(7, "token-7")
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("maximalCreatePolicyStore(7, \"token-7\") is not JSON: %v", err)
	}
	ctxBytes := 0
	for k, v := range in.EncryptionSettings.KmsEncryptionSettings.EncryptionContext {
		ctxBytes += len(k) + len(v)
	}
	chars := func(s string) int { return utf8.RuneCountInString(s) }
	if in.ValidationSettings.Mode != "STRICT" || chars(in.Description) != 150 || in.DeletionProtection != "DISABLED" ||
		len(in.Tags) != 200 || ctxBytes != 8192 || in.ClientToken != "token-7" ||
		!strings.HasPrefix(in.EncryptionSettings.KmsEncryptionSettings.Key, "arn:aws:kms:") {
		t.Errorf("got mode %s, a %d-character description, protection %s, %d tags, an encryptionContext of %d bytes, clientToken %q, key %s; "+
			"want STRICT, 150, DISABLED, 200, 8192, \"token-7\", a KMS key ARN",
			in.ValidationSettings.Mode, chars(in.Description), in.DeletionProtection, len(in.Tags), ctxBytes, in.ClientToken, in.EncryptionSettings.KmsEncryptionSettings.Key)
	}
	for k, v := range in.Tags {
		if !strings.HasPrefix(k, "7-") || chars(k) != 128 || chars(v) != 256 {
			t.Errorf("tag %.20q… of %d characters with a value of %d: want a key starting 7- of 128, a value of 256", k, chars(k), chars(v))
			break
		}
	}
	if other := maximalCreatePolicyStore(8, ""); strings.Contains(other, "clientToken") || !strings.Contains(other, `"8-000-`) || strings.Contains(other, `"7-`) {
		t.Errorf("maximalCreatePolicyStore(8, \"\"): want no clientToken and tag keys starting 8-, not 7-; got %.700s…", other)
	}
}

// maximalStores is how many maximal policy stores
// TestMaximalPolicyStoresHeap creates: 100, or 25 under the race detector,
// where each call costs about 80 ms of validating and decoding a 318 KiB
// body. The bound is per store (1 MiB each, heap before included), so the
// smaller count checks the same budget.
var maximalStores = underRace(100, 25)

// TestMaximalPolicyStoresHeap checks maximalStores CreatePolicyStore calls
// as large as the limits allow leave the heap under 1 MiB per store (100
// stores, 100 MiB).
func TestMaximalPolicyStoresHeap(t *testing.T) {
	h := rawHarness(t)
	n := maximalStores
	before := heapAfterGC()
	for i := range n {
		r := h.raw(t, "CreatePolicyStore", maximalCreatePolicyStore(i, fmt.Sprintf("token-%03d", i)))
		if r.Status != http.StatusOK {
			t.Fatalf("CreatePolicyStore %d: HTTP %d %s", i, r.Status, r.Raw)
		}
	}
	after := heapAfterGC()
	t.Logf("heap: %d KiB before, %d KiB after %d maximal policy stores; the fake estimates %d KiB", before>>10, after>>10, n, h.srv.Usage().StateBytes>>10)
	if limit := uint64(n) << 20; after >= limit {
		t.Errorf("heap after %d maximal policy stores: %d KiB, want under %d MiB (1 MiB per store)", n, after>>10, limit>>20)
	}
	if u := h.srv.Usage(); u.PolicyStores != n || u.ClientTokens != n {
		t.Errorf("usage %+v, want %d policy stores and %d client tokens", u, n, n)
	}
}

// flatLoops is N of TestCreateDeleteLoopsKeepHeapFlat: 10, or 4 under the
// race detector, where each loop costs about 90 ms of validating and
// decoding a 318 KiB body. The margin the heap may grow by scales with N
// (a quarter of what keeping the input of each of the 9N later loops would
// take), so the smaller N still fails on such a leak: 36 inputs of 318
// KiB kept is 11 MiB against a margin of 2.8 MiB (90 kept, 28 MiB against
// 7.2 MiB, for N = 10); the heap measured grows by a few KiB.
var flatLoops = underRace(10, 4)

// TestCreateDeleteLoopsKeepHeapFlat checks create-and-delete loops with
// clientTokens leave nothing behind: no tokens, no state, no history, and
// a heap after 10N iterations no larger than after N (within a margin far
// below what keeping the inputs would take), with and without a
// propagation delay.
func TestCreateDeleteLoopsKeepHeapFlat(t *testing.T) {
	for _, delay := range []time.Duration{0, time.Millisecond} {
		t.Run(fmt.Sprintf("delay=%s", delay), func(t *testing.T) {
			var opts []fake.Option
			if delay > 0 {
				opts = append(opts, fake.WithPropagationDelay(delay))
			}
			h := rawHarness(t, opts...)
			i := 0
			loop := func(n int) {
				for range n {
					i++
					r := h.raw(t, "CreatePolicyStore", maximalCreatePolicyStore(i, fmt.Sprintf("token-%06d", i)))
					if r.Status != http.StatusOK {
						t.Fatalf("CreatePolicyStore: HTTP %d %s", r.Status, r.Raw)
					}
					id, _ := r.Body["policyStoreId"].(string)
					if delay > 0 {
						time.Sleep(delay) // a source is created in a visible store
					}
					r = h.raw(t, "CreateIdentitySource", `{"policyStoreId":"`+id+`","clientToken":"`+fmt.Sprintf("source-%06d", i)+
						`","configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"`+userPoolArn+`"}}}`)
					if r.Status != http.StatusOK {
						t.Fatalf("CreateIdentitySource: HTTP %d %s", r.Status, r.Raw)
					}
					if r := h.raw(t, "DeletePolicyStore", `{"policyStoreId":"`+id+`"}`); r.Status != http.StatusOK {
						t.Fatalf("DeletePolicyStore: HTTP %d %s", r.Status, r.Raw)
					}
				}
			}
			n := flatLoops
			loop(n)
			time.Sleep(2 * delay)
			h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`) // reads prune too
			afterN := heapAfterGC()
			loop(9 * n)
			time.Sleep(2 * delay)
			h.raw(t, "GetPolicyStore", `{"policyStoreId":"p"}`)
			after10N := heapAfterGC()
			t.Logf("heap after %d loops: %d KiB; after %d: %d KiB (each input is about %d KiB)", n, afterN>>10, 10*n, after10N>>10,
				len(maximalCreatePolicyStore(0, "t"))>>10)
			// Keeping each input, or each store, would add 9N × ~318 KiB;
			// a quarter of that is allowed.
			margin := uint64(9*n*len(maximalCreatePolicyStore(0, "t"))) / 4
			if after10N > afterN+margin {
				t.Errorf("heap grew from %d KiB to %d KiB between %d and %d loops, want at most %d KiB more", afterN>>10, after10N>>10, n, 10*n, margin>>10)
			}
			if u := h.srv.Usage(); u != (fake.Usage{}) {
				t.Errorf("usage after the loops: %+v, want nothing held", u)
			}
		})
	}
}

// TestStateBytesLimitCountsHistory checks that under a propagation delay
// the versions an update replaces count against WithMaxStateBytes until no
// read can see them, and stop counting once the delay has passed.
func TestStateBytesLimitCountsHistory(t *testing.T) {
	clock := newTestClock()
	h := rawHarness(t, fake.WithClock(clock.Now), fake.WithPropagationDelay(time.Second), fake.WithMaxStateBytes(8000))
	srv := h.srv
	r := h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"}}`)
	store, _ := r.Body["policyStoreId"].(string)
	clock.Advance(2 * time.Second)
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = fmt.Sprintf("%0200d", i)
	}
	cfg, _ := json.Marshal(map[string]any{"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": userPoolArn, "clientIds": ids}})
	r = h.raw(t, "CreateIdentitySource", `{"policyStoreId":"`+store+`","configuration":`+string(cfg)+`}`)
	source, _ := r.Body["identitySourceId"].(string)
	if r.Status != http.StatusOK {
		t.Fatalf("CreateIdentitySource: HTTP %d %s", r.Status, r.Raw)
	}
	clock.Advance(2 * time.Second)
	update := func() rawResponse {
		clock.Advance(time.Millisecond)
		return h.raw(t, "UpdateIdentitySource", `{"policyStoreId":"`+store+`","identitySourceId":"`+source+`","updateConfiguration":`+string(cfg)+`}`)
	}
	if r := update(); r.Status != http.StatusOK {
		t.Fatalf("first update: HTTP %d %s (usage %+v)", r.Status, r.Raw, srv.Usage())
	}
	r = update()
	if r.Type() != "ServiceQuotaExceededException" || !strings.Contains(string(r.Raw), "L-VPFAKE-STATE-BYTES") {
		t.Fatalf("second update within the delay: HTTP %d %s (usage %+v)", r.Status, r.Raw, srv.Usage())
	}
	clock.Advance(2 * time.Second)
	if r := update(); r.Status != http.StatusOK {
		t.Errorf("update after the delay: HTTP %d %s (usage %+v)", r.Status, r.Raw, srv.Usage())
	}
}
