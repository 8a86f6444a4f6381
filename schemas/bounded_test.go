package schemas_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// boundedViolations runs ValidateBounded and returns its violations and
// how many it left out.
func boundedViolations(t testing.TB, op string, dir schemas.Direction, body []byte, limit int) ([]schemas.Violation, int) {
	t.Helper()
	err := schemas.ValidateBounded(op, dir, body, limit)
	if err == nil {
		return nil, 0
	}
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ValidateBounded(%s, %s): %v", op, dir, err)
	}
	return ve.Violations, ve.Omitted
}

func keys(vs []schemas.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Path()+":"+v.Keyword)
	}
	return out
}

// TestValidateBoundedMatchesValidate runs every row of the constraint
// table through both validators: the same verdict and the same
// violations, for inputs and outputs alike. The differences by design are
// an integer written with a fraction (2.0), which Validate accepts and
// ValidateBounded, reading as a deserialiser does, does not; and a Long
// beyond 64 bits, which Validate reports under its format "int64" and
// ValidateBounded, which cannot decode it, as a type violation.
func TestValidateBoundedMatchesValidate(t *testing.T) {
	for _, c := range constraintCases(t) {
		b := bases[c.base]
		for _, doc := range [][]byte{apply(t, b.doc, c.good...), apply(t, b.doc, c.bad...)} {
			want := keys(violations(t, c.op, c.dir, doc))
			got, omitted := boundedViolations(t, c.op, c.dir, doc, 100)
			if len(want) == 0 && len(got) == 1 && got[0].Keyword == "type" && strings.Contains(got[0].Message, "without a fraction") {
				continue
			}
			if len(want) == 1 && len(got) == 1 && want[0] == got[0].Path()+":format" && got[0].Keyword == "type" && strings.Contains(got[0].Message, "64-bit range") {
				continue
			}
			if !slices.Equal(keys(got), want) || omitted != 0 {
				t.Errorf("%s: ValidateBounded %v (+%d), Validate %v\nbody: %s", c.name(), keys(got), omitted, want, clip(doc))
			}
		}
	}
}

// TestValidateBoundedTypes checks the deserialiser's reading of types:
// "integer" is a 32-bit integer literal, and a body with a value of the
// wrong type is reported with its type violations only.
func TestValidateBoundedTypes(t *testing.T) {
	list := func(extra string) []byte {
		return []byte(`{"policyStoreId":"` + policyStoreID + `"` + extra + `}`)
	}
	for _, c := range []struct {
		body     string
		wantType bool
		inMsg    string
	}{
		{`,"maxResults":5`, false, ""},
		{`,"maxResults":2147483647`, false, ""},
		{`,"maxResults":5.0`, true, "without a fraction or an exponent"},
		{`,"maxResults":1e2`, true, "without a fraction or an exponent"},
		{`,"maxResults":1.5`, true, "number 1.5"},
		{`,"maxResults":2147483648`, true, "32-bit range"},
		{`,"maxResults":-2147483649`, true, "32-bit range"},
		{`,"maxResults":"5"`, true, "expected integer, but got string"},
		{`,"maxResults":` + strings.Repeat("9", 1000) + `.5`, true, "…"},
	} {
		got, _ := boundedViolations(t, "ListIdentitySources", schemas.Input, list(c.body), 10)
		isType := len(got) == 1 && got[0].Keyword == "type" && got[0].Path() == "maxResults"
		if isType != c.wantType || (c.wantType && !strings.Contains(got[0].Message, c.inMsg)) {
			t.Errorf("%s: %s", c.body, describe(got))
		}
		if c.wantType && len(got[0].Message) > 200 {
			t.Errorf("%s: message of %d bytes", c.body[:20], len(got[0].Message))
		}
	}

	// A Long (format int64) takes the 64-bit range.
	for _, c := range []struct {
		long     string
		wantType bool
	}{
		{"3000000000", false}, {"-9223372036854775808", false}, {"9223372036854775807", false},
		{"9223372036854775808", true}, {"2.5", true},
	} {
		body := []byte(`{"policyStoreId":"` + policyStoreID + `","identityToken":"a.b.c","context":{"contextMap":{"n":{"long":` + c.long + `}}}}`)
		got, _ := boundedViolations(t, "IsAuthorizedWithToken", schemas.Input, body, 10)
		if isType := len(got) == 1 && got[0].Keyword == "type"; isType != c.wantType || (!c.wantType && len(got) > 0) {
			t.Errorf("long %s: expected a type violation %v, got %s", c.long, c.wantType, describe(got))
		}
	}

	// Types come first: the unknown member and the bad pattern are not
	// reported beside the wrong type, even one in an item past maxItems.
	ids := `"` + strings.Repeat(`a","`, 1000) + `a",5`
	body := []byte(`{"policyStoreId":"bad!","identitySourceId":"` + identitySourceID + `","bogus":1,` +
		`"updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn + `","clientIds":[` + ids + `]}}}`)
	got, _ := boundedViolations(t, "UpdateIdentitySource", schemas.Input, body, 10)
	if want := []string{"updateConfiguration.cognitoUserPoolConfiguration.clientIds[1001]:type"}; !slices.Equal(keys(got), want) {
		t.Errorf("type past maxItems: %v, want %v", keys(got), want)
	}
}

// TestValidateBoundedLimit checks the limit, the count of the others, the
// order (list items by index) and that items past maxItems and unknown
// members' values are not examined.
func TestValidateBoundedLimit(t *testing.T) {
	update := func(clientIDs string) []byte {
		return []byte(`{"policyStoreId":"` + policyStoreID + `","identitySourceId":"` + identitySourceID +
			`","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn + `","clientIds":[` + clientIDs + `]}}}`)
	}
	const cup = "updateConfiguration.cognitoUserPoolConfiguration.clientIds"
	empty := func(n int) string { return strings.TrimSuffix(strings.Repeat(`"",`, n), ",") }

	got, omitted := boundedViolations(t, "UpdateIdentitySource", schemas.Input, update(empty(12)), 10)
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("%s[%d]:minLength", cup, i))
	}
	if !slices.Equal(keys(got), want) || omitted != 2 {
		t.Errorf("12 empty clientIds, limit 10: %v (+%d), want %v (+2)", keys(got), omitted, want)
	}

	// Validate orders list items by index too.
	all := violations(t, "UpdateIdentitySource", schemas.Input, update(empty(12)))
	if len(all) != 12 || all[2].Path() != cup+"[2]" || all[11].Path() != cup+"[11]" {
		t.Errorf("Validate order: %s", describe(all))
	}

	// 2,000 empty items: the list's maxItems, then the first 1,000 items
	// only.
	got, omitted = boundedViolations(t, "UpdateIdentitySource", schemas.Input, update(empty(2000)), 3)
	if want := []string{cup + ":maxItems", cup + "[0]:minLength", cup + "[1]:minLength"}; !slices.Equal(keys(got), want) || omitted != 998 {
		t.Errorf("2000 empty clientIds: %v (+%d), want %v (+998)", keys(got), omitted, want)
	}

	// Unknown members: every one counted, the first by name listed, none
	// of their values looked at (this one nests 5,000 deep).
	var b strings.Builder
	b.WriteString(`{"policyStoreId":"` + policyStoreID + `","identitySourceId":"` + identitySourceID + `"`)
	for i := range 500 {
		fmt.Fprintf(&b, `,"x%d":1`, i)
	}
	b.WriteString(`,"deep":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`)
	got, omitted = boundedViolations(t, "GetIdentitySource", schemas.Input, []byte(b.String()), 3)
	if want := []string{"deep:additionalProperties", "x0:additionalProperties", "x1:additionalProperties"}; !slices.Equal(keys(got), want) || omitted != 498 {
		t.Errorf("501 unknown members: %v (+%d), want %v (+498)", keys(got), omitted, want)
	}

	// A map past maxProperties: that, and its first 200 members (by name).
	var tags []string
	for i := range 300 {
		tags = append(tags, fmt.Sprintf(`"k%03d":""`, i))
	}
	tags = append(tags, `"":""`) // breaks propertyNames, and sorts first
	got, omitted = boundedViolations(t, "CreatePolicyStore", schemas.Input,
		[]byte(`{"validationSettings":{"mode":"OFF"},"tags":{`+strings.Join(tags, ",")+`}}`), 10)
	if want := []string{"tags:maxProperties", "tags:minLength"}; !slices.Equal(keys(got), want) || omitted != 0 {
		t.Errorf("301 tags: %v (+%d), want %v", keys(got), omitted, want)
	}
}

// TestValidateBoundedCost checks that refusing a huge body costs in
// proportion to the schema's bounds: 1.2 million empty clientIds (3.6 MB)
// are refused quickly with ten violations listed. The bound asserted is
// generous, for a loaded machine and the race detector.
func TestValidateBoundedCost(t *testing.T) {
	body := `{"policyStoreId":"` + policyStoreID + `","identitySourceId":"` + identitySourceID +
		`","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"` + userPoolArn +
		`","clientIds":[` + strings.TrimSuffix(strings.Repeat(`"",`, 1_200_000), ",") + `]}}}`
	start := time.Now()
	got, omitted := boundedViolations(t, "UpdateIdentitySource", schemas.Input, []byte(body), 10)
	took := time.Since(start)
	t.Logf("1.2 million empty clientIds: %d violations listed, %d more, in %s", len(got), omitted, took)
	if len(got) != 10 || omitted != 991 {
		t.Errorf("got %d violations (+%d), want 10 (+991)", len(got), omitted)
	}
	if took > 10*time.Second {
		t.Errorf("took %s", took)
	}
}
