package schemas

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestEverySchemaCompiles compiles every embedded schema, as the first use
// of each does, so that a broken file fails here rather than in a program
// at its first request of that operation.
func TestEverySchemaCompiles(t *testing.T) {
	s := loadSchemas()
	if len(s.names) == 0 {
		t.Fatal("no embedded schema")
	}
	if s.names[commonFile] {
		t.Errorf("%s holds only definitions, yet is listed as a schema", commonFile)
	}
	for name := range s.names {
		if sch, ok := s.schema(name); !ok || sch == nil {
			t.Errorf("%s: expected a compiled schema, got %v, %v", name, sch, ok)
		}
	}
	if _, ok := s.schema("Missing.input.schema.json"); ok {
		t.Error("a file that is not embedded has a schema")
	}
}

// TestSchemaCompiledOnceUnderConcurrency asks for the same schemas from
// many goroutines at once: each is compiled once and every caller gets that
// one (run with -race).
func TestSchemaCompiledOnceUnderConcurrency(t *testing.T) {
	s := loadSchemas()
	const file = "UpdateIdentitySource.input.schema.json"
	var wg sync.WaitGroup
	got := make([]any, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sch, _ := s.schema(file)
			got[i] = sch
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g == nil || g != got[0] {
			t.Fatalf("caller %d got schema %p, caller 0 got %p: expected the same compiled schema", i, g, got[0])
		}
	}
}

// TestCompiledSchemasKeepNoDocuments checks that the decoded schema files
// do not outlive a compile, as they would as live heap every GC cycle
// marks, while the compiled nodes, which later files share, stay; a file
// compiled after others, which decodes its documents again, validates as
// one compiled first does.
func TestCompiledSchemasKeepNoDocuments(t *testing.T) {
	s := loadSchemas()
	const later = "UpdateIdentitySource.input.schema.json"
	for name := range s.names {
		if name == later {
			continue
		}
		if _, ok := s.schema(name); !ok {
			t.Fatalf("%s: expected a compiled schema", name)
		}
		if n, m := len(s.compiler.docs), len(s.compiler.defs); n != 0 || m != 0 {
			t.Fatalf("after compiling %s the compiler keeps %d decoded document(s) and the definitions of %d file(s), expected none", name, n, m)
		}
	}
	if len(s.compiler.nodes) == 0 {
		t.Fatal("the compiler keeps no compiled nodes, expected those of the files compiled")
	}
	first := loadSchemas()
	fresh, _ := first.schema(later)
	reused, _ := s.schema(later)
	bodies := []string{
		`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abcdefghi"}}}`,
		`{"policyStoreId":"PS!","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{}}`,
		`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{"openIdConnectConfiguration":{"issuer":"http://x","tokenSelection":{}}}}`,
		`{"identitySourceId":3}`,
	}
	for i, b := range bodies {
		want, got := validateNode(t, fresh, b), validateNode(t, reused, b)
		if (want == "") != (i == 0) {
			t.Errorf("%s compiled first answers %q for %s; expected only the first body to conform", later, want, b)
		}
		if got != want {
			t.Errorf("%s compiled after the others' documents were dropped answers %q for %s, compiled first %q", later, got, b, want)
		}
	}
}

// validateNode is the whole validator's answer for body against n, as
// text: "" when it conforms.
func validateNode(t *testing.T, n *node, body string) string {
	t.Helper()
	if err := validateBounded("schema", n, []byte(body), 100); err != nil {
		return err.Error()
	}
	return ""
}

// TestLocatedDefsDecodeAsTheWholeFile holds each definition of
// common.schema.json, decoded alone from where locateDefs found it, to the
// same definition in the file decoded whole.
func TestLocatedDefsDecodeAsTheWholeFile(t *testing.T) {
	b, err := Source(commonFile)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := decodeSchemaFile(b)
	if err != nil {
		t.Fatal(err)
	}
	want := whole.(map[string]any)["$defs"].(map[string]any)
	defs, err := locateDefs(b)
	if err != nil {
		t.Fatalf("locateDefs(%s): %v", commonFile, err)
	}
	var wantNames, gotNames []string
	for name := range want {
		wantNames = append(wantNames, name)
	}
	for name := range defs {
		gotNames = append(gotNames, name)
	}
	slices.Sort(wantNames)
	slices.Sort(gotNames)
	if !slices.Equal(gotNames, wantNames) {
		t.Fatalf("locateDefs found %v, the whole file has %v", gotNames, wantNames)
	}
	for name, raw := range defs {
		got, err := decodeSchemaFile(raw)
		if err != nil {
			t.Fatalf("definition %s (%s) does not decode: %v", name, raw, err)
		}
		if !reflect.DeepEqual(got, want[name]) {
			t.Errorf("definition %s decoded alone = %v, in the whole file %v", name, got, want[name])
		}
	}
}

// TestLocateDefsRefuses checks the documents locateDefs cannot read, and
// that a $ref to a definition a located file does not have does not
// resolve.
func TestLocateDefsRefuses(t *testing.T) {
	for _, doc := range []string{`[]`, `{"$defs":[]}`, `{"$defs":{"a":}}`, `{"$defs":{"a":{}}`, `{"x":1,`} {
		if defs, err := locateDefs([]byte(doc)); err == nil {
			t.Errorf("locateDefs(%s) = %v, expected an error", doc, defs)
		}
	}
	defs, err := locateDefs([]byte(`{"title":"t","$defs":{"A":{"type":"string"},"B~1C":{"$ref":"#/$defs/A"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(defs["A"]); got != `{"type":"string"}` {
		t.Errorf("definition A located as %q, expected {\"type\":\"string\"}", got)
	}
	if got := string(defs["B~1C"]); len(defs) != 2 || got != `{"$ref":"#/$defs/A"}` {
		t.Errorf("located %d definitions, B~1C as %q; expected 2, B~1C as {\"$ref\":\"#/$defs/A\"}", len(defs), got)
	}
	c := newCompiler()
	c.defs["defs.json"] = defs
	if _, err := c.compileRef("x.schema.json", "defs.json#/$defs/Missing"); err == nil || !strings.Contains(err.Error(), "does not resolve") {
		t.Errorf("a $ref to a missing definition: error %v, expected one saying it does not resolve", err)
	}
	n, err := c.compileRef("x.schema.json", "defs.json#/$defs/A")
	if err != nil || !slices.Equal(n.types, []string{"string"}) {
		t.Errorf("a $ref to definition A compiled to %+v, %v; expected a node of type string", n, err)
	}
}
