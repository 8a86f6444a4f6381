package schemas

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestFlatAcceptsOnlyWhatConforms holds the flat shortcut to the whole
// validator: whatever body it accepts, the whole validator accepts too,
// over each flat schema's registry requests, random mutations of them and
// bodies made to test its edges; and it accepts the ordinary request, or
// it would be no shortcut.
func TestFlatAcceptsOnlyWhatConforms(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var flat []string
	for _, op := range Operations() {
		sch, ok := operationSchema(op, Input)
		if !ok || sch.flat == nil {
			continue
		}
		flat = append(flat, op)
		reqs, err := Requests(op, DefaultRequestValues())
		if err != nil {
			t.Fatal(err)
		}
		check := func(body []byte) bool {
			t.Helper()
			accepted := sch.flat.accepts(body)
			if err := validateBounded(sch.file, sch.node, body, 10); accepted && err != nil {
				t.Errorf("%s: the flat form accepted %s, which the whole validator refuses: %v", op, body, err)
			}
			return accepted
		}
		for _, req := range reqs {
			body, _ := json.Marshal(req)
			if !check(body) {
				t.Errorf("%s: the flat form does not accept the registry's valid request %s", op, body)
			}
			for range 300 {
				b, _ := json.Marshal(mutate(rng, cloneJSON(req), 1+rng.IntN(3)))
				check(b)
			}
			for _, edge := range []string{`{}`, `[]`, `{"a":"b"}`, `{} {}`, string(body) + " x", string(body[:len(body)-1]),
				fmt.Sprintf(`{"x":1,%s`, body[1:])} {
				check([]byte(edge))
			}
		}
	}
	for _, want := range []string{"GetIdentitySource", "DeleteIdentitySource", "DeletePolicyStore", "GetPolicy"} {
		found := false
		for _, op := range flat {
			found = found || op == want
		}
		if !found {
			t.Errorf("%s's input has no flat form (flat: %v): the shortcut is not taken where it should be", want, flat)
		}
	}
	for _, op := range []string{"UpdateIdentitySource", "CreateIdentitySource", "ListIdentitySources", "GetPolicyStore"} {
		if sch, _ := operationSchema(op, Input); sch.flat != nil {
			t.Errorf("%s's input has a flat form, but it has members that are not strings", op)
		}
	}
}

func TestConformsFast(t *testing.T) {
	good := `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111"}`
	for _, c := range []struct {
		op, body string
		want     bool
	}{
		{"GetIdentitySource", good, true},
		{"GetIdentitySource", `{"policyStoreId":"PSEXAMPLEabcdefg111111"}`, false},                               // a required member missing
		{"GetIdentitySource", `{"policyStoreId":"PS\u0041","identitySourceId":"ISEXAMPLEabcdefg111111"}`, false}, // an escape
		{"GetIdentitySource", `{"policyStoreId":["x"],"identitySourceId":"ISEXAMPLEabcdefg111111"}`, false},      // not a string
		{"UpdateIdentitySource", good, false},                                                                    // no flat form
		{"NoSuchOperation", good, false},
	} {
		if got := ConformsFast(c.op, Input, []byte(c.body)); got != c.want {
			t.Errorf("ConformsFast(%s, %s) = %v, want %v", c.op, c.body, got, c.want)
		}
		if got := ConformsFast(c.op, Input, []byte(c.body)); got && ValidateBounded(c.op, Input, []byte(c.body), 10) != nil {
			t.Errorf("ConformsFast(%s, %s) = true, but ValidateBounded refuses it", c.op, c.body)
		}
	}
}
