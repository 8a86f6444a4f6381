package schemas_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// examples lists every file under testdata/examples with where its content
// comes from; the file name gives the operation and direction.
var examples = []struct {
	file    string
	_source string
}{
	{"CreateIdentitySource.input.cognito-example.json", "model doc: Cognito configuration example, as CreateIdentitySource configuration"},
	{"CreateIdentitySource.input.oidc-example.json", "model doc: OIDC configuration example, as CreateIdentitySource configuration"},
	{"UpdateIdentitySource.input.cognito-example.json", "model doc: Cognito configuration example, as UpdateIdentitySource updateConfiguration"},
	{"UpdateIdentitySource.input.oidc-example.json", "model doc: OIDC configuration example, as UpdateIdentitySource updateConfiguration"},
	{"GetIdentitySource.output.details-example.json", "model example output of GetIdentitySource: only the deprecated details"},
	{"UpdateIdentitySource.output.example.json", "model example output of UpdateIdentitySource"},
	{"GetIdentitySource.input.request-syntax.json", "get_identity_source request syntax, filled in"},
	{"UpdateIdentitySource.input.request-syntax.json", "update_identity_source request syntax (Cognito userPoolArn, clientIds; principalEntityType), filled in"},
	{"GetIdentitySource.output.response-syntax-cognito.json", "get_identity_source response syntax: details and the Cognito configuration"},
	{"GetIdentitySource.output.response-syntax-oidc-access-token.json", "get_identity_source response syntax: OIDC configuration, accessTokenOnly"},
	{"GetIdentitySource.output.response-syntax-oidc-identity-token.json", "get_identity_source response syntax: OIDC configuration, identityTokenOnly"},
}

const examplesDir = "testdata/examples"

func readExample(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, file))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	return b
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
	return parts[0], dir
}

func TestExamples(t *testing.T) {
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk, listed []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			onDisk = append(onDisk, e.Name())
		}
	}
	for _, ex := range examples {
		listed = append(listed, ex.file)
		if ex._source == "" {
			t.Errorf("%s: no source", ex.file)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(onDisk, listed) {
		t.Errorf("examples on disk %q\ndiffer from the table %q", onDisk, listed)
	}
	readme, err := os.ReadFile(filepath.Join(examplesDir, "README.md"))
	if err != nil {
		t.Fatalf("the examples need their note: %v", err)
	}
	for _, ex := range examples {
		t.Run(ex.file, func(t *testing.T) {
			if !strings.Contains(string(readme), "`"+ex.file+"`") {
				t.Errorf("README.md does not say where %s comes from", ex.file)
			}
			op, dir := exampleTarget(t, ex.file)
			mustValidate(t, op, dir, readExample(t, ex.file))
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
