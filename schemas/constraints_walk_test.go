package schemas_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// TestConstraintsMatchCoverageWalk checks the exported walk against the
// coverage test's own walker: the same constraints, "type" aside, for every
// input schema and the two outputs the kit centres on.
func TestConstraintsMatchCoverageWalk(t *testing.T) {
	type target struct {
		op  string
		dir schemas.Direction
	}
	var targets []target
	for _, op := range schemas.Operations() {
		targets = append(targets, target{op, schemas.Input})
	}
	targets = append(targets, target{"GetIdentitySource", schemas.Output}, target{"UpdateIdentitySource", schemas.Output})
	for _, tg := range targets {
		cs, err := schemas.Constraints(tg.op, tg.dir)
		if err != nil {
			t.Fatalf("Constraints(%s, %s): %v", tg.op, tg.dir, err)
		}
		got := map[string]int{}
		for _, c := range cs {
			p := strings.ReplaceAll(c.Path, "[0]", "[]")
			got[p+":"+c.Keyword]++
			if c.Pointer == "" && c.Path != "" || c.Pointer != "" && c.Path == "" {
				t.Errorf("%s.%s: %s: Pointer %q and Path disagree", tg.op, tg.dir, c, c.Pointer)
			}
		}
		w := constraintsOf(t, tg.op, tg.dir)
		for key := range w.keys {
			if strings.HasSuffix(key, ":type") {
				continue
			}
			want := 1
			if strings.HasSuffix(key, ":oneOf") {
				want = 2 // none and both
			}
			if got[key] != want {
				t.Errorf("%s.%s: constraint %s listed %d times, want %d", tg.op, tg.dir, key, got[key], want)
			}
		}
		for key := range got {
			if !w.keys[key] {
				t.Errorf("%s.%s: Constraints lists %s, which the coverage walk does not find", tg.op, tg.dir, key)
			}
		}
	}
}

func TestConstraintsDetails(t *testing.T) {
	cs, err := schemas.Constraints("UpdateIdentitySource", schemas.Input)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]schemas.Constraint{}
	for _, c := range cs {
		if c.Keyword == "type" {
			t.Errorf("%s: type is listed", c)
		}
		byName[c.String()] = c
	}
	for name, check := range map[string]func(schemas.Constraint) bool{
		"(document):additionalProperties": func(c schemas.Constraint) bool { return c.Pointer == "" && c.Value == false },
		"updateConfiguration.cognitoUserPoolConfiguration.clientIds[0]:maxLength": func(c schemas.Constraint) bool {
			return c.Pointer == "/updateConfiguration/cognitoUserPoolConfiguration/clientIds/-" && c.Value == int64(255)
		},
		"updateConfiguration:oneOf-none": func(c schemas.Constraint) bool { return c.Keyword == "oneOf" && c.Case == "none" },
		"updateConfiguration:oneOf-both": func(c schemas.Constraint) bool { return c.Name() == "oneOf-both" },
		"updateConfiguration.cognitoUserPoolConfiguration.userPoolArn:minLength": func(c schemas.Constraint) bool {
			return len(c.Implied) == 1 && c.Implied[0] == "pattern"
		},
		"policyStoreId:minLength": func(c schemas.Constraint) bool { return len(c.Implied) == 0 },
		"updateConfiguration.openIdConnectConfiguration.tokenSelection:required": func(c schemas.Constraint) bool {
			return c.Value == "tokenSelection" && c.Pointer == "/updateConfiguration/openIdConnectConfiguration/tokenSelection"
		},
	} {
		c, ok := byName[name]
		if !ok {
			t.Errorf("no constraint %s", name)
			continue
		}
		if !check(c) {
			t.Errorf("constraint %s is %+v", name, c)
		}
	}
	if _, ok := byName["updateConfiguration.cognitoUserPoolConfiguration.clientIds:minItems"]; ok {
		t.Error("the vacuous minItems 0 of clientIds is listed")
	}
	if _, err := schemas.Constraints("NoSuchOperation", schemas.Input); err == nil {
		t.Error("Constraints of an unknown operation succeeded")
	}
}

func TestCheckBreaks(t *testing.T) {
	c := schemas.Constraint{Pointer: "/policyStoreId", Path: "policyStoreId", Keyword: "pattern"}
	ok := `{"policyStoreId":"bad id!","identitySourceId":"ISEXAMPLEabcdefg111111"}`
	if err := schemas.CheckBreaks("GetIdentitySource", schemas.Input, []byte(ok), c, "policyStoreId"); err != nil {
		t.Errorf("CheckBreaks of a document breaking only the pattern: %v", err)
	}
	for name, body := range map[string]string{
		"conforms":      `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111"}`,
		"breaks more":   `{"policyStoreId":"bad id!","identitySourceId":"bad id!"}`,
		"breaks other":  `{"policyStoreId":"","identitySourceId":"ISEXAMPLEabcdefg111111"}`,
		"other keyword": `{"identitySourceId":"ISEXAMPLEabcdefg111111"}`,
	} {
		if err := schemas.CheckBreaks("GetIdentitySource", schemas.Input, []byte(body), c, "policyStoreId"); !errors.Is(err, schemas.ErrNotBrokenAlone) {
			t.Errorf("%s: CheckBreaks = %v, want ErrNotBrokenAlone", name, err)
		}
	}
	implied := schemas.Constraint{Pointer: "/x", Path: "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn", Keyword: "minLength", Implied: []string{"pattern"}}
	body := `{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":""}}}`
	if err := schemas.CheckBreaks("UpdateIdentitySource", schemas.Input, []byte(body), implied, implied.Path); err != nil {
		t.Errorf("CheckBreaks with an implied pattern: %v", err)
	}
}
