package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// agree checks one body against the package's validator and the reference
// (oracle_test.go): Validate, and ValidateBounded at limits 1 and 10, must
// give the same results.
func agree(t *testing.T, what, op string, dir Direction, body []byte) {
	t.Helper()
	file := FileName(op, dir)
	odd := bytes.ContainsRune(body, '\\')
	compare(t, what+" Validate", Validate(op, dir, body), refValidateFile(file, body), odd)
	for _, limit := range []int{1, 10} {
		compare(t, fmt.Sprintf("%s ValidateBounded(limit %d)", what, limit),
			ValidateBounded(op, dir, body, limit), refValidateBounded(op, dir, body, limit), odd)
	}
}

// agreeError is agree for the schema of an error shape.
func agreeError(t *testing.T, what, shape string, body []byte) {
	t.Helper()
	compare(t, what+" ValidateError", ValidateError(shape, body), refValidateFile(ErrorFileName(shape), body), bytes.ContainsRune(body, '\\'))
}

// compare fails t unless got and want are both nil, or the same
// *ValidationError, or other errors with the same text. With escapes set
// (the body has a backslash), missing and unknown members are left out of
// the comparison: the reference read their names back out of its
// validator's messages, and lost or garbled names holding an escape, at
// random (TestValidatorReportsOddMemberNames shows the validator does not).
func compare(t *testing.T, what string, got, want error, escapes bool) {
	t.Helper()
	var gv, wv *ValidationError
	switch {
	case got == nil && want == nil:
		return
	case errors.As(got, &gv) && errors.As(want, &wv):
		if escapes {
			wv, gv = withoutMemberNames(wv), withoutMemberNames(gv)
		}
		if d := cmp.Diff(wv, gv); d != "" {
			t.Errorf("%s: the validator and the reference disagree (-reference +validator):\n%s", what, d)
		}
	case got == nil || want == nil || got.Error() != want.Error():
		t.Errorf("%s: validator returned %v, reference returned %v", what, got, want)
	}
}

// withoutMemberNames drops the violations of missing and unknown members.
func withoutMemberNames(e *ValidationError) *ValidationError {
	out := *e
	out.Violations = nil
	for _, v := range e.Violations {
		if v.Keyword != "additionalProperties" && v.Keyword != "required" {
			out.Violations = append(out.Violations, v)
		}
	}
	return &out
}

func TestValidatorReportsOddMemberNames(t *testing.T) {
	body := `{"policyStoreId":"ps1","identitySourceId":"is1","\"q\\":4,"a\\'b":5}`
	err := Validate("GetIdentitySource", Input, []byte(body))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate(%s): want a *ValidationError, got %v", body, err)
	}
	want := []Violation{
		{Pointer: `/"q\`, Keyword: "additionalProperties", Message: "member is not allowed here"},
		{Pointer: `/a\'b`, Keyword: "additionalProperties", Message: "member is not allowed here"},
	}
	if d := cmp.Diff(want, ve.Violations); d != "" {
		t.Errorf("Validate(%s): violations (-want +got):\n%s", body, d)
	}
}

func TestValidatorAgreesOnRegistryRequests(t *testing.T) {
	for _, op := range Operations() {
		reqs, err := Requests(op, DefaultRequestValues())
		if err != nil {
			t.Fatalf("Requests(%s): %v", op, err)
		}
		for i, req := range reqs {
			body, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			agree(t, fmt.Sprintf("%s request %d", op, i), op, Input, body)
			if err := Validate(op, Input, body); err != nil {
				t.Errorf("%s request %d: want it valid, got %v", op, i, err)
			}
		}
	}
}

// TestValidatorAgreesOnMutations breaks every registry request in many
// random ways (members removed, added, retyped, emptied, lengthened, lists
// grown or repeated, numbers written otherwise) and compares each result.
func TestValidatorAgreesOnMutations(t *testing.T) {
	rounds := 150
	if testing.Short() || raceDetector {
		rounds = 30 // the same mutations, fewer of them: make test runs -race
	}
	rng := rand.New(rand.NewPCG(12, 34))
	invalid := 0
	for _, op := range Operations() {
		reqs, err := Requests(op, DefaultRequestValues())
		if err != nil {
			t.Fatalf("Requests(%s): %v", op, err)
		}
		for _, req := range reqs {
			for r := range rounds {
				doc := mutate(rng, cloneJSON(req), 1+rng.IntN(4))
				body, err := json.Marshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				agree(t, fmt.Sprintf("%s mutation %d %s", op, r, body), op, Input, body)
				if Validate(op, Input, body) != nil {
					invalid++
				}
			}
		}
	}
	if invalid == 0 {
		t.Fatal("no mutation was invalid: the mutations test nothing")
	}
}

// TestValidatorAgreesOnGoldenExchanges validates every request, answer and
// error of the golden recordings both ways.
func TestValidatorAgreesOnGoldenExchanges(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "fixtures", "testdata", "*", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files under ../fixtures/testdata (err %v)", err)
	}
	checked := 0
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			Exchanges []struct {
				Operation string            `json:"operation"`
				Request   json.RawMessage   `json:"request"`
				Status    int               `json:"status"`
				Headers   map[string]string `json:"headers"`
				Response  json.RawMessage   `json:"response"`
			} `json:"exchanges"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			continue // not a recording
		}
		for i, x := range g.Exchanges {
			what := fmt.Sprintf("%s exchange %d", filepath.Base(p), i)
			if Has(x.Operation, Input) && len(x.Request) > 0 {
				agree(t, what+" request", x.Operation, Input, x.Request)
				checked++
			}
			if len(x.Response) == 0 {
				continue
			}
			if x.Status == http.StatusOK && Has(x.Operation, Output) {
				agree(t, what+" response", x.Operation, Output, x.Response)
				checked++
				continue
			}
			h := http.Header{}
			for k, v := range x.Headers {
				h.Set(k, v)
			}
			var env struct {
				Type string `json:"__type"`
			}
			_ = json.Unmarshal(x.Response, &env)
			if shape := ErrorShape(h, env.Type); HasError(shape) {
				agreeError(t, what+" error", shape, x.Response)
				checked++
			}
		}
	}
	if checked < 100 {
		t.Fatalf("checked %d bodies of the golden recordings, want at least 100", checked)
	}
}

// TestValidatorAgreesOnEdgeCases covers what random mutations rarely
// reach: number forms, dates, enums, unions, unique lists, odd member names
// and bodies that are not objects or not JSON.
func TestValidatorAgreesOnEdgeCases(t *testing.T) {
	cases := []struct {
		op   string
		dir  Direction
		body string
	}{
		{"GetIdentitySource", Input, `[]`},
		{"GetIdentitySource", Input, `"x"`},
		{"GetIdentitySource", Input, `{`},
		{"GetIdentitySource", Input, `{} {}`},
		{"GetIdentitySource", Input, `{}`},
		{"GetIdentitySource", Input, `{"policyStoreId":"ps1","identitySourceId":"is1","a/b~c":1,"%41":2,"it's":3,"\"q\\":4}`},
		{"GetIdentitySource", Input, `{"policyStoreId":"","identitySourceId":"ü"}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":5.0}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":1e2}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":0}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":-1}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":2147483648}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":0.5}`},
		{"ListIdentitySources", Input, `{"policyStoreId":"ps1","maxResults":"5"}`},
		{"CreatePolicyStore", Input, `{"validationSettings":{"mode":"off"}}`},
		{"CreatePolicyStore", Input, `{"validationSettings":{"mode":"OFF"},"deletionProtection":"X"}`},
		{"UpdateIdentitySource", Input, `{"policyStoreId":"ps1","identitySourceId":"is1","updateConfiguration":{}}`},
		{"UpdateIdentitySource", Input, `{"policyStoreId":"ps1","identitySourceId":"is1","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"x"},"openIdConnectConfiguration":{"issuer":"https://a"}}}`},
		{"GetIdentitySource", Output, `{"createdDate":"2024-01-01T00:00:00Z","lastUpdatedDate":"2024-02-30T00:00:00Z"}`},
		{"GetIdentitySource", Output, `{"createdDate":"2024-01-01T23:59:60Z","lastUpdatedDate":"2024-01-01T12:59:60+01:00"}`},
		{"GetIdentitySource", Output, `{"createdDate":"2024-01-01t00:00:00.5-00:30","lastUpdatedDate":"2024-01-01T00:00:00."}`},
		{"GetIdentitySource", Output, `{"createdDate":5,"lastUpdatedDate":"2024-01-01 00:00:00Z"}`},
	}
	for _, c := range cases {
		agree(t, fmt.Sprintf("%s %s %s", c.op, c.dir, c.body), c.op, c.dir, []byte(c.body))
	}
	for _, op := range []string{"IsAuthorizedWithToken", "BatchIsAuthorizedWithToken"} {
		body := `{"decision":"ALLOW","determiningPolicies":[{"policyId":"p1"},{"policyId":"p1"}],"errors":[],"principal":{"entityType":"A","entityId":"b"}}`
		agree(t, op+" output with a repeated item", op, Output, []byte(body))
	}
}

// FuzzValidator holds the validator to the reference on any body, for the
// input schemas of the identity-source operations.
func FuzzValidator(f *testing.F) {
	ops := []string{"GetIdentitySource", "UpdateIdentitySource", "CreateIdentitySource", "IsAuthorizedWithToken"}
	for i, op := range ops {
		reqs, err := Requests(op, DefaultRequestValues())
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range reqs {
			b, _ := json.Marshal(r)
			f.Add(i, b)
		}
	}
	f.Fuzz(func(t *testing.T, i int, body []byte) {
		if i < 0 {
			i = -i
		}
		agree(t, "fuzzed body", ops[i%len(ops)], Input, body)
	})
}

// cloneJSON copies a decoded JSON value.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}

// mutate applies n random changes somewhere in v and returns it.
func mutate(rng *rand.Rand, v any, n int) any {
	for range n {
		v = mutateOnce(rng, v)
	}
	return v
}

var oddStrings = []string{"", " ", "x", "ü", "a/b", "~", "PSabc", "0123456789abcdefghij", strings.Repeat("a", 300),
	strings.Repeat("é", 2049), "https://issuer.example", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc",
	"ALLOW", "OFF", "STRICT", "ENABLED", "Namespace::Type", "\x00", "name/x"}

var oddValues = []any{nil, true, false, json.Number("0"), json.Number("1"), json.Number("5.0"), json.Number("1e2"),
	json.Number("-3"), json.Number("2147483648"), json.Number("9223372036854775808"), json.Number("0.25"),
	map[string]any{}, []any{}, []any{"a", "a"}, map[string]any{"x": "y"}}

func mutateOnce(rng *rand.Rand, v any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 || rng.IntN(5) == 0 {
			switch rng.IntN(3) {
			case 0:
				x[oddStrings[rng.IntN(len(oddStrings))]] = oddValue(rng)
			case 1:
				return oddValue(rng)
			default:
				for k := range x {
					delete(x, k)
					break
				}
			}
			return x
		}
		keys := sortedNames(x)
		k := keys[rng.IntN(len(keys))]
		x[k] = mutateOnce(rng, x[k])
		return x
	case []any:
		if len(x) == 0 || rng.IntN(4) == 0 {
			switch rng.IntN(4) {
			case 0:
				return append(x, oddValue(rng))
			case 1:
				if len(x) > 0 {
					return append(x, cloneJSON(x[0]))
				}
			case 2:
				return x[:0]
			}
			return oddValue(rng)
		}
		i := rng.IntN(len(x))
		x[i] = mutateOnce(rng, x[i])
		return x
	default:
		return oddValue(rng)
	}
}

func oddValue(rng *rand.Rand) any {
	if rng.IntN(2) == 0 {
		return oddStrings[rng.IntN(len(oddStrings))]
	}
	return cloneJSON(oddValues[rng.IntN(len(oddValues))])
}
