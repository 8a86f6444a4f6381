package schemas_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// TestStringFunctions checks the package's functions from one string to
// another on their tables of inputs and wanted results: the operation an
// X-Amz-Target names, the error shape a __type or X-Amzn-ErrorType names,
// and a violation's member path (member names, list indexes, escapes).
func TestStringFunctions(t *testing.T) {
	for name, c := range map[string]struct {
		f     func(string) string
		cases map[string]string
	}{
		"OperationFromTarget": {schemas.OperationFromTarget, map[string]string{
			"VerifiedPermissions.GetIdentitySource":    "GetIdentitySource",
			"VerifiedPermissions.UpdateIdentitySource": "UpdateIdentitySource",
			"VerifiedPermissions.CreatePolicy":         "CreatePolicy", // an operation, even without a schema
			"":                                         "",
			"VerifiedPermissions.":                     "",
			"VerifiedPermissions":                      "",
			"GetIdentitySource":                        "",
			"verifiedpermissions.GetIdentitySource":    "",
			"DynamoDB_20120810.GetItem":                "",
			"VerifiedPermissions.Get.IdentitySource":   "",
			"VerifiedPermissions.Get IdentitySource":   "",
			"VerifiedPermissions.../GetIdentitySource": "",
			"VerifiedPermissions./GetIdentitySource":   "",
		}},
		"SanitizeErrorType": {schemas.SanitizeErrorType, map[string]string{
			"ResourceNotFoundException":                                                                       "ResourceNotFoundException",
			"com.amazonaws.verifiedpermissions#ResourceNotFoundException":                                     "ResourceNotFoundException",
			"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/":                 "ValidationException",
			"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/": "FooError",
			"a#b#ThrottlingException":                                                                         "ThrottlingException",
			"  ConflictException  ":                                                                           "ConflictException",
			"":                                                                                                "",
			"#":                                                                                               "",
			":suffix":                                                                                         "",
		}},
		"MemberPath": {schemas.MemberPath, map[string]string{
			"":               "",
			"/":              "",
			"/policyStoreId": "policyStoreId",
			"/updateConfiguration/cognitoUserPoolConfiguration/userPoolArn": "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn",
			"/updateConfiguration/cognitoUserPoolConfiguration/clientIds/0": "updateConfiguration.cognitoUserPoolConfiguration.clientIds[0]",
			"/filters/10/principalEntityType":                               "filters[10].principalEntityType",
			"/a/0/1":                                                        "a[0][1]",
			"/tags/cost~1center":                                            "tags.cost/center",
			"/tags/a~0b":                                                    "tags.a~b",
			"/tags/~01":                                                     "tags.~1", // "~01" is "~" then "1", not "/"
			"/tags/~10":                                                     "tags./0",
			"/0":                                                            "0", // a leading numeric token is a member name
			"/a~1b/c~0d":                                                    "a/b.c~d",
			"/clientIds/10":                                                 "clientIds[10]",
			"/10":                                                           "10",
			"/tags/~01/x":                                                   "tags.~1.x",
			"/a/-1":                                                         "a[-1]",
			"/filters/0/name":                                               "filters[0].name",
			"/filters/00/name":                                              "filters[00].name",
		}},
	} {
		for in, want := range c.cases {
			if got := c.f(in); got != want {
				t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
			}
		}
	}
}

func TestViolationPathAndString(t *testing.T) {
	v := schemas.Violation{Pointer: "/updateConfiguration/cognitoUserPoolConfiguration/clientIds/3", Keyword: "maxLength", Message: "too long"}
	if got, want := v.Path(), "updateConfiguration.cognitoUserPoolConfiguration.clientIds[3]"; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
	if got, want := v.String(), "updateConfiguration.cognitoUserPoolConfiguration.clientIds[3]: maxLength: too long"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	doc := schemas.Violation{Keyword: "json", Message: "bad"}
	if got, want := doc.String(), "(document): json: bad"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestOperations(t *testing.T) {
	want := []string{
		"BatchIsAuthorizedWithToken", "CreateIdentitySource", "CreatePolicy", "CreatePolicyStore",
		"DeleteIdentitySource", "DeletePolicy", "DeletePolicyStore", "GetIdentitySource", "GetPolicy",
		"GetPolicyStore", "IsAuthorizedWithToken", "ListIdentitySources", "ListPolicies",
		"UpdateIdentitySource", "UpdatePolicy",
	}
	if got := schemas.Operations(); !slices.Equal(got, want) {
		t.Errorf("Operations() = %q, want %q", got, want)
	}
	for _, op := range want {
		for _, dir := range []schemas.Direction{schemas.Input, schemas.Output} {
			if !schemas.Has(op, dir) {
				t.Errorf("Has(%s, %s) = false", op, dir)
			}
		}
	}
	if schemas.Has("CreatePolicyTemplate", schemas.Input) || schemas.Has("IsAuthorized", schemas.Output) || schemas.Has("GetIdentitySource", "both") {
		t.Error("Has reports a schema that does not exist")
	}
}

func TestErrorShapes(t *testing.T) {
	want := []string{
		"AccessDeniedException", "ConflictException", "IncompleteSignatureException",
		"InternalServerException", "InvalidSignatureException", "InvalidStateException",
		"MissingAuthenticationTokenException", "NotImplementedException",
		"ResourceNotFoundException", "SerializationException", "ServiceQuotaExceededException",
		"ThrottlingException", "UnknownOperationException", "UnrecognizedClientException",
		"ValidationException",
	}
	if got := schemas.ErrorShapes(); !slices.Equal(got, want) {
		t.Errorf("ErrorShapes() = %q, want %q", got, want)
	}
	for _, s := range want {
		if !schemas.HasError(s) {
			t.Errorf("HasError(%s) = false", s)
		}
	}
	if schemas.HasError("com.amazonaws.verifiedpermissions#ResourceNotFoundException") {
		t.Error("HasError takes a shape name, not a qualified __type")
	}
}

func TestFilesAndSource(t *testing.T) {
	files := schemas.Files()
	if !slices.IsSorted(files) {
		t.Errorf("Files() is not sorted: %q", files)
	}
	want := []string{"common.schema.json"}
	for _, op := range schemas.Operations() {
		want = append(want, schemas.FileName(op, schemas.Input), schemas.FileName(op, schemas.Output))
	}
	for _, s := range schemas.ErrorShapes() {
		want = append(want, schemas.ErrorFileName(s))
	}
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("Files() = %q\nwant %q", files, want)
	}
	for _, f := range files {
		b, err := schemas.Source(f)
		if err != nil {
			t.Fatalf("Source(%s): %v", f, err)
		}
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("Source(%s) is not JSON: %v", f, err)
		}
		if doc.ID != schemas.BaseID+f {
			t.Errorf("%s: $id = %q, want %q", f, doc.ID, schemas.BaseID+f)
		}
		if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %q, want draft 2020-12", f, doc.Schema)
		}
	}
	if _, err := schemas.Source("nope.schema.json"); err == nil {
		t.Error("Source of a missing file returned no error")
	}
	if got, want := schemas.FileName("GetIdentitySource", schemas.Output), "GetIdentitySource.output.schema.json"; got != want {
		t.Errorf("FileName = %q, want %q", got, want)
	}
	if got, want := schemas.ErrorFileName("ConflictException"), "errors/ConflictException.schema.json"; got != want {
		t.Errorf("ErrorFileName = %q, want %q", got, want)
	}
}

func TestValidateNotJSON(t *testing.T) {
	for _, body := range []string{
		``,
		`{`,
		`{"policyStoreId":"C7v5xMplfFH3i3e4Jrzb1a",}`,
		`<html>500</html>`,
		`{} {}`,                        // trailing value
		`{"policyStoreId":"x"}garbage`, // trailing data
		`{}]`,
	} {
		err := schemas.Validate("GetIdentitySource", schemas.Input, []byte(body))
		var ve *schemas.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Validate(%q) = %v, want a *schemas.ValidationError", body, err)
			continue
		}
		if len(ve.Violations) != 1 || ve.Violations[0].Keyword != "json" || ve.Violations[0].Path() != "" {
			t.Errorf("Validate(%q) violations = %s, want one json violation on the document", body, describe(ve.Violations))
		}
		if ve.Schema != "GetIdentitySource.input.schema.json" {
			t.Errorf("Schema = %q", ve.Schema)
		}
	}
	// Surrounding white space is not trailing data.
	mustValidate(t, "GetIdentitySource", schemas.Input, []byte("\n "+bases["GetIdentitySource.input"].doc+"\n\t"))
}

func TestValidateNoSchema(t *testing.T) {
	for _, c := range []struct {
		op  string
		dir schemas.Direction
	}{
		{unservedOperation(t), schemas.Input},
		{unservedOperation(t), schemas.Output},
		{"", schemas.Input},
		{"GetIdentitySource", "both"},
		{"../GetIdentitySource", schemas.Input},
		{"common", "schema"},
	} {
		err := schemas.Validate(c.op, c.dir, []byte(`{}`))
		if !errors.Is(err, schemas.ErrNoSchema) {
			t.Errorf("Validate(%q, %q) = %v, want ErrNoSchema", c.op, c.dir, err)
		}
		var ve *schemas.ValidationError
		if errors.As(err, &ve) {
			t.Errorf("Validate(%q, %q) returned a ValidationError for a missing schema", c.op, c.dir)
		}
	}
	if err := schemas.ValidateError("NoSuchException", []byte(`{}`)); !errors.Is(err, schemas.ErrNoSchema) {
		t.Errorf("ValidateError(NoSuchException) = %v, want ErrNoSchema", err)
	}
}

// TestValidateReportsEveryViolationSorted: a body with several problems
// gets one violation each, sorted by member path, and Error lists them.
func TestValidateReportsEveryViolationSorted(t *testing.T) {
	body := `{"policyStoreId":"C7v5 xMpl","updateConfiguration":{"cognitoUserPoolConfiguration":` +
		`{"userPoolArn":"arn:aws:cognito-idp:us-east-1:12345678901:userpool/us-east-1_1a2b3c4d5","clientIds":["ok","bad\nid"]}},` +
		`"principalEntityType":"","clientToken":"x"}`
	err := schemas.Validate("UpdateIdentitySource", schemas.Input, []byte(body))
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want a *schemas.ValidationError", err)
	}
	type pk struct{ path, kw string }
	var got []pk
	for _, v := range ve.Violations {
		got = append(got, pk{v.Path(), v.Keyword})
	}
	want := []pk{
		{"clientToken", "additionalProperties"},
		{"identitySourceId", "required"},
		{"policyStoreId", "pattern"},
		{"principalEntityType", "minLength"},
		{"updateConfiguration.cognitoUserPoolConfiguration.clientIds[1]", "pattern"},
		{"updateConfiguration.cognitoUserPoolConfiguration.userPoolArn", "pattern"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v\nwant %v", got, want)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "schemas: body does not conform to UpdateIdentitySource.input.schema.json\n") {
		t.Errorf("Error() starts %q", msg)
	}
	if n := strings.Count(msg, "\n  "); n != len(want) {
		t.Errorf("Error() has %d violation lines, want %d:\n%s", n, len(want), msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, "\n  "+w.path+": "+w.kw+": ") {
			t.Errorf("Error() lacks %s: %s:\n%s", w.path, w.kw, msg)
		}
	}
}

// TestUnknownMemberNames: the path of an unknown member is the member's
// name as sent, whatever characters it holds (the fake puts this path in a
// ValidationException's fieldList).
func TestUnknownMemberNames(t *testing.T) {
	for _, name := range []string{
		"principalEntityTypes", "x/y", "a~b", "it's", `say "hi"`, "line\nbreak", "tab\there",
		"a, b", "ünïcode", "100%", "cost center", `back\slash`, "",
	} {
		body, err := json.Marshal(map[string]any{"policyStoreId": policyStoreID, name: true})
		if err != nil {
			t.Fatal(err)
		}
		vs := violations(t, "DeletePolicyStore", schemas.Input, body)
		if len(vs) != 1 || vs[0].Keyword != "additionalProperties" || vs[0].Path() != name {
			t.Errorf("unknown member %q: violations %s, want one additionalProperties at %q", name, describe(vs), name)
		}
	}
	// Nested, and inside a map whose keys are data.
	body := apply(t, bases["UpdateIdentitySource.input/cognito"].doc,
		set("updateConfiguration.cognitoUserPoolConfiguration.groupConfiguration.it's/x", 1))
	vs := violations(t, "UpdateIdentitySource", schemas.Input, body)
	want := "updateConfiguration.cognitoUserPoolConfiguration.groupConfiguration.it's/x"
	if len(vs) != 1 || vs[0].Path() != want || vs[0].Pointer != "/updateConfiguration/cognitoUserPoolConfiguration/groupConfiguration/it's~1x" {
		t.Errorf("nested unknown member: %s (pointer %q), want %q", describe(vs), vs[0].Pointer, want)
	}
	body = apply(t, bases["CreatePolicyStore.input/kms"].doc, set("tags.cost center/100%", 7))
	vs = violations(t, "CreatePolicyStore", schemas.Input, body)
	if len(vs) != 1 || vs[0].Path() != "tags.cost center/100%" || vs[0].Keyword != "type" {
		t.Errorf("map value: %s, want one type violation at %q", describe(vs), "tags.cost center/100%")
	}
}

// TestMissingRequiredMembers: several missing members give one violation
// each, pointing at the member.
func TestMissingRequiredMembers(t *testing.T) {
	vs := violations(t, "UpdateIdentitySource", schemas.Input, []byte(`{}`))
	var got []string
	for _, v := range vs {
		if v.Keyword != "required" {
			t.Errorf("unexpected %s", describe([]schemas.Violation{v}))
		}
		got = append(got, v.Path())
	}
	if want := []string{"identitySourceId", "policyStoreId", "updateConfiguration"}; !slices.Equal(got, want) {
		t.Errorf("paths = %q, want %q", got, want)
	}
}

// TestUnionMessages: the two ways to break a union say which.
func TestUnionMessages(t *testing.T) {
	b := bases["UpdateIdentitySource.input/cognito"].doc
	none := violations(t, "UpdateIdentitySource", schemas.Input, apply(t, b, set("updateConfiguration", map[string]any{})))
	both := violations(t, "UpdateIdentitySource", schemas.Input, apply(t, b, set("updateConfiguration.openIdConnectConfiguration", raw(t, oidcAccess))))
	if len(none) != 1 || !strings.Contains(none[0].Message, "none") {
		t.Errorf("no member: %s", describe(none))
	}
	if len(both) != 1 || !strings.Contains(both[0].Message, "more than one") {
		t.Errorf("two members: %s", describe(both))
	}
}

func TestValidateConcurrently(t *testing.T) {
	good := []byte(bases["UpdateIdentitySource.input/oidc-identity"].doc)
	bad := apply(t, string(good), del("updateConfiguration.openIdConnectConfiguration.issuer"))
	errs := make(chan error, 64)
	for i := 0; i < cap(errs); i++ {
		go func(i int) {
			if i%2 == 0 {
				errs <- schemas.Validate("UpdateIdentitySource", schemas.Input, good)
				return
			}
			err := schemas.Validate("UpdateIdentitySource", schemas.Input, bad)
			if err == nil {
				err = errors.New("invalid body passed")
			} else {
				err = nil
			}
			errs <- err
		}(i)
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
