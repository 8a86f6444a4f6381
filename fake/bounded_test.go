package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// refusalBudget bounds the size of any refusal the fake sends, whatever
// the request: the ValidationException of a body with a million broken
// items, or of a 4 MiB member name, stays under it.
const refusalBudget = 64 << 10

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

// hugeClientIDs is an UpdateIdentitySource body with n empty clientIds:
// 3.6 MB for n = 1,200,000, each item breaking minLength and the list
// breaking maxItems.
func hugeClientIDs(n int) string {
	var b strings.Builder
	b.Grow(3*n + 300)
	b.WriteString(`{` + ids + `,"updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":` + jsonString(userPoolArn) + `,"clientIds":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`""`)
	}
	b.WriteString(`]}}}`)
	return b.String()
}

// manyUnknownMembers is a GetIdentitySource body with n unknown members:
// 1.1 MB for n = 100,000.
func manyUnknownMembers(n int) string {
	var b strings.Builder
	b.Grow(12*n + 100)
	b.WriteString(`{` + ids)
	for i := range n {
		fmt.Fprintf(&b, `,"m%d":0`, i)
	}
	b.WriteString(`}`)
	return b.String()
}

// TestHugeRefusalsAreBounded sends the two bodies that used to take 27 s
// and 361 MB (1.2 million empty clientIds) and 16 MB (100,000 unknown
// members) to the handler, and checks each is refused with a
// ValidationException that lists ten violations, counts the others, and
// stays under refusalBudget. The time is logged; the bound asserted is
// generous, for a loaded machine and the race detector (it took 0.2 s to
// 0.6 s on a 2-core machine, against 27 s before).
func TestHugeRefusalsAreBounded(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	cases := []struct {
		name, op, body string
		wantFirst      string // the first fieldList path
		wantMore       string
	}{
		{"1.2 million empty clientIds", "UpdateIdentitySource", hugeClientIDs(1_200_000),
			"updateConfiguration.cognitoUserPoolConfiguration.clientIds", "and 991 more, not listed"},
		{"100,000 unknown members", "GetIdentitySource", manyUnknownMembers(100_000),
			"m0", "and 99990 more, not listed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, took := serveOnce(t, srv, c.op, c.body)
			t.Logf("%s: %d-byte request refused in %s with a %d-byte response", c.name, len(c.body), took, w.Body.Len())
			if w.Code != http.StatusBadRequest || w.Header().Get("X-Amzn-ErrorType") != "ValidationException" {
				t.Fatalf("HTTP %d %s, want 400 ValidationException", w.Code, w.Header().Get("X-Amzn-ErrorType"))
			}
			if w.Body.Len() > refusalBudget {
				t.Errorf("response is %d bytes, more than %d", w.Body.Len(), refusalBudget)
			}
			if took > 10*time.Second {
				t.Errorf("refused in %s; it should take well under a second", took)
			}
			x := schemas.Exchange{Operation: c.op, Status: w.Code, Header: w.Header(), ResponseBody: w.Body.Bytes()}
			if err := x.CheckResponse(); err != nil {
				t.Errorf("response does not conform: %v", err)
			}
			var ve fake.ValidationException
			if err := json.Unmarshal(w.Body.Bytes(), &ve); err != nil {
				t.Fatal(err)
			}
			if len(ve.FieldList) != 10 || ve.FieldList[0].Path != c.wantFirst {
				t.Errorf("fieldList has %d entries, first %+v; want 10, first %s", len(ve.FieldList), ve.FieldList[:min(1, len(ve.FieldList))], c.wantFirst)
			}
			if !strings.HasSuffix(ve.Message, c.wantMore) || strings.Count(ve.Message, "failed to satisfy constraint") != 10 {
				t.Errorf("message %q: want ten clauses, then %q", ve.Message, c.wantMore)
			}
		})
	}
}

// TestValidationExceptionCap checks the cap at its edge: ten violations
// are all listed, eleven are ten listed and one counted, in member order
// (list items by index).
func TestValidationExceptionCap(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		for _, c := range []struct {
			n        int
			wantMore bool
		}{{10, false}, {11, true}} {
			r := h.raw(t, "UpdateIdentitySource", updateBody(cognito(`"clientIds":`+jsonStrings(c.n, ""))))
			paths := r.FieldPaths()
			msg, _ := r.Body["message"].(string)
			if r.Type() != "ValidationException" || len(paths) != 10 {
				t.Fatalf("%d empty clientIds: %s, want a ValidationException listing 10", c.n, r.Raw)
			}
			for i, p := range paths {
				if want := fmt.Sprintf("%sclientIds[%d]", cup, i); p != want {
					t.Errorf("%d empty clientIds: fieldList[%d] = %s, want %s", c.n, i, p, want)
				}
			}
			want := fmt.Sprintf("%d validation errors detected: ", c.n)
			if !strings.HasPrefix(msg, want) || strings.HasSuffix(msg, "and 1 more, not listed") != c.wantMore {
				t.Errorf("%d empty clientIds: message %q", c.n, msg)
			}
		}
	})
}

// TestLongEchoesAreClipped checks that what a request names is echoed
// clipped: a 1 MiB unknown member name, a 1 MiB policy store id in an
// injected error, a long X-Amz-Target, a long Content-Type. (Header
// values stay under net/http's 1 MiB limit on all headers, past which
// net/http answers 431 in plain text before the fake sees the request.)
func TestLongEchoesAreClipped(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	longHeader := strings.Repeat("x", 32<<10)
	runServersTest(t, func(t *testing.T, h *harness) {
		for name, r := range map[string]rawResponse{
			"unknown member": h.raw(t, "GetIdentitySource", `{`+ids+`,"`+long+`":1}`),
			"target":         h.raw(t, "", `{}`, "X-Amz-Target", "VerifiedPermissions."+longHeader),
			"foreign target": h.raw(t, "", `{}`, "X-Amz-Target", longHeader),
			"content type":   h.raw(t, "GetIdentitySource", getBody(ids), "Content-Type", "text/"+longHeader),
			"wrong type":     h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"},"tags":{"`+long+`":5}}`),
			"long tag key":   h.raw(t, "CreatePolicyStore", `{"validationSettings":{"mode":"OFF"},"tags":{"`+long+`":"v"}}`),
		} {
			if len(r.Raw) > 4<<10 || r.Status != http.StatusBadRequest {
				t.Errorf("%s: HTTP %d, %d bytes: %.300s", name, r.Status, len(r.Raw), r.Raw)
			}
		}
		if err := h.srv.InjectFault(fake.Fault{Operation: "GetIdentitySource", Error: "ResourceNotFoundException"}); err != nil {
			t.Fatal(err)
		}
		r := h.raw(t, "GetIdentitySource", `{"policyStoreId":"`+long+`","identitySourceId":"`+long+`"}`)
		if r.Status != http.StatusNotFound || len(r.Raw) > 4<<10 {
			t.Errorf("injected error naming a 1 MiB id: HTTP %d, %d bytes", r.Status, len(r.Raw))
		}
		h.srv.ClearFaults()
		if err := h.srv.InjectFault(fake.Fault{Operation: "GetIdentitySource", Error: "AccessDeniedException"}); err != nil {
			t.Fatal(err)
		}
		r = h.raw(t, "GetIdentitySource", `{"policyStoreId":"`+long+`","identitySourceId":"i"}`,
			"Authorization", "AWS4-HMAC-SHA256 Credential="+longHeader+"/20240812/us-east-1/verifiedpermissions/aws4_request")
		if r.Status != http.StatusForbidden || len(r.Raw) > 4<<10 {
			t.Errorf("injected AccessDeniedException naming a 1 MiB store and a 32 KiB key: HTTP %d, %d bytes", r.Status, len(r.Raw))
		}
	})
}

// BenchmarkRefuseHugeClientIDs measures refusing 1.2 million empty
// clientIds (3.6 MB).
func BenchmarkRefuseHugeClientIDs(b *testing.B) {
	benchmarkRefusal(b, "UpdateIdentitySource", hugeClientIDs(1_200_000))
}

// BenchmarkRefuseUnknownMembers measures refusing 100,000 unknown members
// (1.1 MB).
func BenchmarkRefuseUnknownMembers(b *testing.B) {
	benchmarkRefusal(b, "GetIdentitySource", manyUnknownMembers(100_000))
}

func benchmarkRefusal(b *testing.B, op, body string) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	b.SetBytes(int64(len(body)))
	var size int
	for b.Loop() {
		w, _ := serveOnce(b, srv, op, body)
		if w.Code != http.StatusBadRequest {
			b.Fatalf("HTTP %d", w.Code)
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "response-bytes")
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
