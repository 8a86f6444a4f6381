package schemas_test

import (
	"errors"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// errorBodies holds a valid body per error shape, with every member the
// shape defines. TestErrorBodies fails on a shape without one.
var errorBodies = map[string]string{
	"IncompleteSignatureException":        `{"__type":"IncompleteSignatureException","message":"Authorization header requires 'Signature' parameter."}`,
	"InvalidSignatureException":           `{"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the signature you provided."}`,
	"MissingAuthenticationTokenException": `{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}`,
	"UnrecognizedClientException":         `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`,
	"AccessDeniedException":               `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: verifiedpermissions:GetIdentitySource"}`,
	"ConflictException":                   `{"__type":"ConflictException","message":"The identity source is being modified.","resources":[{"resourceId":"ISEXAMPLEabcdefg111111","resourceType":"IDENTITY_SOURCE"}]}`,
	"InternalServerException":             `{"__type":"InternalServerException","message":"Internal failure. Please try again."}`,
	"InvalidStateException":               `{"__type":"InvalidStateException","message":"Policy store has deletion protection enabled."}`,
	"NotImplementedException":             `{"__type":"NotImplementedException","message":"CreatePolicy is not served by the fake."}`,
	"ResourceNotFoundException":           `{"__type":"ResourceNotFoundException","message":"Identity source not found.","resourceId":"ISEXAMPLEabcdefg111111","resourceType":"IDENTITY_SOURCE"}`,
	"SerializationException":              `{"__type":"SerializationException","message":"Start of structure or map found where not expected."}`,
	"ServiceQuotaExceededException": `{"__type":"ServiceQuotaExceededException","message":"Identity sources per policy store exceeded.",` +
		`"resourceId":"C7v5xMplfFH3i3e4Jrzb1a","resourceType":"IDENTITY_SOURCE","serviceCode":"verifiedpermissions","quotaCode":"L-12345678"}`,
	"ThrottlingException":       `{"__type":"ThrottlingException","message":"Rate exceeded","serviceCode":"verifiedpermissions","quotaCode":"L-87654321"}`,
	"UnknownOperationException": `{"__type":"UnknownOperationException","message":"Unknown operation VerifiedPermissions.GetIdentitySources"}`,
	"ValidationException": `{"__type":"ValidationException","message":"1 validation error detected",` +
		`"fieldList":[{"path":"updateConfiguration.cognitoUserPoolConfiguration.userPoolArn","message":"Value at 'userPoolArn' failed to satisfy constraint"}]}`,
}

func errorViolations(t *testing.T, shape string, body []byte) []schemas.Violation {
	t.Helper()
	err := schemas.ValidateError(shape, body)
	if err == nil {
		return nil
	}
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ValidateError(%s) = %v (%T), want a *schemas.ValidationError", shape, err, err)
	}
	return ve.Violations
}

func wantOneErrorViolation(t *testing.T, shape string, body []byte, path, kw string) {
	t.Helper()
	vs := errorViolations(t, shape, body)
	if len(vs) != 1 || vs[0].Path() != path || vs[0].Keyword != kw {
		t.Errorf("%s: violations %s, want one (%q, %s)\nbody: %s", shape, describe(vs), path, kw, body)
	}
}

func TestErrorBodies(t *testing.T) {
	for _, shape := range schemas.ErrorShapes() {
		t.Run(shape, func(t *testing.T) {
			body, ok := errorBodies[shape]
			if !ok {
				t.Fatalf("no valid body for %s in errorBodies", shape)
			}
			if vs := errorViolations(t, shape, []byte(body)); len(vs) > 0 {
				t.Errorf("valid body: %s", describe(vs))
			}
			// __type is optional: awsJson1_0 lets the X-Amzn-ErrorType
			// header alone carry the code (Exchange.CheckResponse requires
			// one of the two).
			if vs := errorViolations(t, shape, apply(t, body, del("__type"))); len(vs) > 0 {
				t.Errorf("body without __type: %s", describe(vs))
			}
			// message is required on every shape.
			wantOneErrorViolation(t, shape, apply(t, body, del("message")), "message", "required")
			wantOneErrorViolation(t, shape, apply(t, body, set("message", 500)), "message", "type")
			// "" breaks minLength and, necessarily, the shape's pattern.
			if vs := errorViolations(t, shape, apply(t, body, set("__type", ""))); len(vs) != 2 ||
				vs[0].Path() != "__type" || vs[0].Keyword != "minLength" || vs[1].Path() != "__type" || vs[1].Keyword != "pattern" {
				t.Errorf("empty __type: %s, want minLength and pattern at __type", describe(vs))
			}
			wantOneErrorViolation(t, shape, apply(t, body, set("__type", 404)), "__type", "type")
			// Another shape's name is the wrong discriminator.
			for _, other := range schemas.ErrorShapes() {
				if other != shape {
					wantOneErrorViolation(t, shape, apply(t, body, set("__type", other)), "__type", "pattern")
				}
			}
			for _, bad := range []string{shape + "s", "X" + shape, "com.amazonaws verifiedpermissions#" + shape, "#" + shape} {
				wantOneErrorViolation(t, shape, apply(t, body, set("__type", bad)), "__type", "pattern")
			}
			// The qualified and suffixed forms clients accept.
			for _, good := range []string{
				"com.amazonaws.verifiedpermissions#" + shape,
				shape + ":http://internal.amazon.com/coral/com.amazon.coral.validate/",
				"com.amazonaws.verifiedpermissions#" + shape + ":suffix",
			} {
				if vs := errorViolations(t, shape, apply(t, body, set("__type", good))); len(vs) > 0 {
					t.Errorf("__type %q: %s", good, describe(vs))
				}
			}
			// Error bodies may carry members the model does not define.
			if vs := errorViolations(t, shape, apply(t, body, set("requestId", "5f1c4b4e-0000-4000-8000-000000000000"))); len(vs) > 0 {
				t.Errorf("extra diagnostic member: %s", describe(vs))
			}
			wantOneErrorViolation(t, shape, []byte(`["`+shape+`"]`), "", "type")
		})
	}
}

func TestErrorShapeMembers(t *testing.T) {
	rnf := errorBodies["ResourceNotFoundException"]
	wantOneErrorViolation(t, "ResourceNotFoundException", apply(t, rnf, del("resourceType")), "resourceType", "required")
	wantOneErrorViolation(t, "ResourceNotFoundException", apply(t, rnf, del("resourceId")), "resourceId", "required")
	wantOneErrorViolation(t, "ResourceNotFoundException", apply(t, rnf, set("resourceType", "IdentitySource")), "resourceType", "enum")
	for _, rt := range []string{"IDENTITY_SOURCE", "POLICY_STORE", "POLICY", "POLICY_TEMPLATE", "SCHEMA", "POLICY_STORE_ALIAS"} {
		if vs := errorViolations(t, "ResourceNotFoundException", apply(t, rnf, set("resourceType", rt))); len(vs) > 0 {
			t.Errorf("resourceType %s: %s", rt, describe(vs))
		}
	}
	if vs := errorViolations(t, "ResourceNotFoundException",
		apply(t, rnf, set("__type", "com.amazonaws.verifiedpermissions#ResourceNotFoundException"))); len(vs) > 0 {
		t.Errorf("namespace-qualified __type: %s", describe(vs))
	}

	conflict := errorBodies["ConflictException"]
	wantOneErrorViolation(t, "ConflictException", apply(t, conflict, del("resources")), "resources", "required")
	wantOneErrorViolation(t, "ConflictException", apply(t, conflict, set("resources", map[string]any{})), "resources", "type")
	wantOneErrorViolation(t, "ConflictException", apply(t, conflict, del("resources[0].resourceType")), "resources[0].resourceType", "required")
	wantOneErrorViolation(t, "ConflictException", apply(t, conflict, del("resources[0].resourceId")), "resources[0].resourceId", "required")
	wantOneErrorViolation(t, "ConflictException", apply(t, conflict, set("resources[0].resourceType", "USER_POOL")), "resources[0].resourceType", "enum")
	if vs := errorViolations(t, "ConflictException", apply(t, conflict, set("resources", []any{}))); len(vs) > 0 {
		t.Errorf("empty resources: %s", describe(vs))
	}

	sq := errorBodies["ServiceQuotaExceededException"]
	wantOneErrorViolation(t, "ServiceQuotaExceededException", apply(t, sq, del("resourceType")), "resourceType", "required")
	if vs := errorViolations(t, "ServiceQuotaExceededException", apply(t, sq, del("resourceId"), del("serviceCode"), del("quotaCode"))); len(vs) > 0 {
		t.Errorf("optional members left out: %s", describe(vs))
	}

	th := errorBodies["ThrottlingException"]
	if vs := errorViolations(t, "ThrottlingException", apply(t, th, del("serviceCode"), del("quotaCode"))); len(vs) > 0 {
		t.Errorf("optional members left out: %s", describe(vs))
	}

	ve := errorBodies["ValidationException"]
	if vs := errorViolations(t, "ValidationException", apply(t, ve, del("fieldList"))); len(vs) > 0 {
		t.Errorf("fieldList is optional: %s", describe(vs))
	}
	wantOneErrorViolation(t, "ValidationException", apply(t, ve, del("fieldList[0].path")), "fieldList[0].path", "required")
	wantOneErrorViolation(t, "ValidationException", apply(t, ve, del("fieldList[0].message")), "fieldList[0].message", "required")
	wantOneErrorViolation(t, "ValidationException", apply(t, ve, set("fieldList", "userPoolArn")), "fieldList", "type")
}
