package schemas

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// flatRecorder keeps the members the flat form hands on, the last of a
// name written twice, as encoding/json decodes it.
type flatRecorder map[string]string

func (r *flatRecorder) SetFlat(name string, value []byte) bool {
	if *r == nil {
		*r = flatRecorder{}
	}
	(*r)[name] = string(value)
	return true
}

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
			var got flatRecorder
			accepted := sch.flat.accepts(body, &got)
			if accepted != sch.flat.accepts(body, nil) {
				t.Errorf("%s: the flat form accepted %s with a setter: %v, without: %v; want the same", op, body, accepted, !accepted)
			}
			if !accepted {
				return false
			}
			if err := validateBounded(sch.file, sch.node, body, 10); err != nil {
				t.Errorf("%s: the flat form accepted %s, which the whole validator refuses: %v", op, body, err)
			}
			var want map[string]string
			if err := json.Unmarshal(body, &want); err != nil {
				t.Errorf("%s: the flat form accepted %s, which encoding/json cannot decode into strings: %v", op, body, err)
			}
			if d := cmp.Diff(want, map[string]string(got)); d != "" {
				t.Errorf("%s: the members the flat form handed on from %s differ from encoding/json's (-want +got):\n%s", op, body, d)
			}
			return true
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
			spaced := strings.NewReplacer(`{`, " {\t", `:`, "\n:\r", `,`, " , ", `}`, "} ").Replace(string(body))
			if !check([]byte(spaced)) {
				t.Errorf("%s: the flat form does not accept the registry's valid request with whitespace, %q", op, spaced)
			}
			for _, edge := range []string{`{}`, `[]`, `{"a":"b"}`, `{} {}`, string(body) + " x", string(body[:len(body)-1]),
				fmt.Sprintf(`{"x":1,%s`, body[1:]), strings.Replace(string(body), `":"`, "\":\"\x01", 1),
				strings.Replace(string(body), `":"`, "\":\"\x7f", 1), strings.Replace(string(body), `":"`, "\":\"\u00e9", 1),
				strings.Replace(string(body), `,`, `,,`, 1), strings.Replace(string(body), `:`, `::`, 1), string(body[:len(body)-1]) + "," + string(body[1:])} {
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
