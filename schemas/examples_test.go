package schemas_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// examples lists every file under fixtures/testdata/examples; each file
// states where its content comes from (source), the operation and the
// direction, and holds the payload as body.
var examples = []string{
	"CreateIdentitySource.input.cognito-example.json",
	"CreateIdentitySource.input.oidc-example.json",
	"UpdateIdentitySource.input.cognito-example.json",
	"UpdateIdentitySource.input.oidc-example.json",
	"GetIdentitySource.output.details-example.json",
	"UpdateIdentitySource.output.example.json",
	"GetIdentitySource.input.request-syntax.json",
	"UpdateIdentitySource.input.request-syntax.json",
	"GetIdentitySource.output.response-syntax-cognito.json",
	"GetIdentitySource.output.response-syntax-oidc-access-token.json",
	"GetIdentitySource.output.response-syntax-oidc-identity-token.json",
}

// examplesDir holds the documented example payloads, beside the golden sets.
const examplesDir = "../fixtures/testdata/examples"

// example is one example file: where it comes from and the payload.
type example struct {
	Source    string          `json:"source"`
	Operation string          `json:"operation"`
	Direction string          `json:"direction"`
	Body      json.RawMessage `json:"body"`
}

func loadExample(t *testing.T, file string) example {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, file))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ex example
	if err := dec.Decode(&ex); err != nil {
		t.Fatalf("example %s is not {source, operation, direction, body}: %v", file, err)
	}
	return ex
}

// readExample returns the payload of an example file.
func readExample(t *testing.T, file string) []byte {
	t.Helper()
	return loadExample(t, file).Body
}

func exampleTarget(t *testing.T, file string) (string, schemas.Direction) {
	t.Helper()
	parts := strings.SplitN(file, ".", 3)
	if len(parts) != 3 || !strings.HasSuffix(file, ".json") {
		t.Fatalf("example %s is not named <Operation>.<direction>.<what>.json", file)
	}
	dir := schemas.Direction(parts[1])
	if !schemas.Has(parts[0], dir) {
		t.Fatalf("example %s names %s %s, which has no schema", file, parts[0], dir)
	}
	ex := loadExample(t, file)
	if ex.Operation != parts[0] || ex.Direction != parts[1] {
		t.Fatalf("example %s says operation %q, direction %q; its name says %s, %s", file, ex.Operation, ex.Direction, parts[0], parts[1])
	}
	return parts[0], dir
}

func TestExamples(t *testing.T) {
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			onDisk = append(onDisk, e.Name())
		}
	}
	listed := slices.Clone(examples)
	slices.Sort(listed)
	if !slices.Equal(onDisk, listed) {
		t.Errorf("examples on disk %q\ndiffer from the list %q", onDisk, listed)
	}
	readme, err := os.ReadFile(filepath.Join(examplesDir, "README.md"))
	if err != nil {
		t.Fatalf("the examples need their note: %v", err)
	}
	for _, file := range examples {
		t.Run(file, func(t *testing.T) {
			if !strings.Contains(string(readme), "`"+file+"`") {
				t.Errorf("README.md does not list %s", file)
			}
			if ex := loadExample(t, file); strings.TrimSpace(ex.Source) == "" {
				t.Errorf("%s: no source", file)
			}
			op, dir := exampleTarget(t, file)
			mustValidate(t, op, dir, readExample(t, file))
		})
	}
}

// member decodes a JSON document and returns one top-level member.
func member(t *testing.T, doc []byte, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	v, ok := m[name]
	if !ok {
		t.Fatalf("no member %q", name)
	}
	return v
}

// TestExampleConfigurationsAreShared: the model's two configuration
// examples are sent unchanged by CreateIdentitySource and
// UpdateIdentitySource (the Update shapes mirror the plain ones), and the
// request form is not a valid response form (the output requires issuer).
func TestExampleConfigurationsAreShared(t *testing.T) {
	for _, kind := range []string{"cognito", "oidc"} {
		create := member(t, readExample(t, "CreateIdentitySource.input."+kind+"-example.json"), "configuration")
		update := member(t, readExample(t, "UpdateIdentitySource.input."+kind+"-example.json"), "updateConfiguration")
		if !reflect.DeepEqual(create, update) {
			t.Errorf("%s: configuration %v differs from updateConfiguration %v", kind, create, update)
		}
	}
	conf := member(t, readExample(t, "CreateIdentitySource.input.cognito-example.json"), "configuration")
	b, _ := json.Marshal(conf)
	body := apply(t, bases["GetIdentitySource.output/cognito"].doc, set("configuration", raw(t, string(b))))
	vs := violations(t, "GetIdentitySource", schemas.Output, body)
	if len(vs) != 1 || vs[0].Path() != "configuration.cognitoUserPoolConfiguration.issuer" || vs[0].Keyword != "required" {
		t.Errorf("the Cognito request configuration as a response: %s, want issuer required", describe(vs))
	}
}

// TestExampleDetailsOnly: the model's GetIdentitySource example returns
// only the deprecated details; that is a valid response, and so is one
// with neither details nor configuration (both optional).
func TestExampleDetailsOnly(t *testing.T) {
	b := readExample(t, "GetIdentitySource.output.details-example.json")
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["configuration"]; ok {
		t.Fatal("the details example must not carry configuration")
	}
	if m["principalEntityType"] != "AWS::Cognito" {
		t.Errorf("principalEntityType = %v", m["principalEntityType"])
	}
	mustValidate(t, "GetIdentitySource", schemas.Output, apply(t, string(b), del("details")))
}
