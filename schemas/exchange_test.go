package schemas_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

func TestErrorShape(t *testing.T) {
	h := func(kv ...string) http.Header {
		hd := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			hd.Set(kv[i], kv[i+1])
		}
		return hd
	}
	for _, c := range []struct {
		name   string
		header http.Header
		body   string
		want   string
	}{
		{"header wins", h("X-Amzn-ErrorType", "ResourceNotFoundException"), "ConflictException", "ResourceNotFoundException"},
		{"header sanitized", h("X-Amzn-Errortype", "ConflictException:http://internal.amazon.com/"), "", "ConflictException"},
		{"body when no header", h(), "com.amazonaws.verifiedpermissions#ThrottlingException", "ThrottlingException"},
		{"nil header", nil, "ValidationException", "ValidationException"},
		{"neither", h("Content-Type", schemas.ContentType), "", ""},
	} {
		if got := schemas.ErrorShape(c.header, c.body); got != c.want {
			t.Errorf("%s: ErrorShape = %q, want %q", c.name, got, c.want)
		}
	}
}

func jsonHeader(kv ...string) http.Header {
	hd := http.Header{"Content-Type": {schemas.ContentType}}
	for i := 0; i < len(kv); i += 2 {
		hd.Set(kv[i], kv[i+1])
	}
	return hd
}

func TestCheckRequest(t *testing.T) {
	good := schemas.Exchange{Operation: "UpdateIdentitySource", RequestBody: []byte(bases["UpdateIdentitySource.input/cognito"].doc)}
	if err := good.CheckRequest(); err != nil {
		t.Errorf("valid request: %v", err)
	}

	bad := good
	bad.RequestBody = apply(t, string(good.RequestBody), del("updateConfiguration"))
	err := bad.CheckRequest()
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("invalid request: %v, want a *schemas.ValidationError", err)
	}
	if len(ve.Violations) != 1 || ve.Violations[0].Path() != "updateConfiguration" || ve.Violations[0].Keyword != "required" {
		t.Errorf("violations %s", describe(ve.Violations))
	}
	if !strings.Contains(err.Error(), "request of UpdateIdentitySource") {
		t.Errorf("error does not name the operation: %v", err)
	}

	notJSON := good
	notJSON.RequestBody = []byte(`policyStoreId=C7v5xMplfFH3i3e4Jrzb1a`)
	if err := notJSON.CheckRequest(); !errors.As(err, &ve) || ve.Violations[0].Keyword != "json" {
		t.Errorf("non-JSON request: %v", err)
	}

	for _, op := range []string{unservedOperation(t), ""} {
		x := schemas.Exchange{Operation: op, RequestBody: []byte(`{}`)}
		if err := x.CheckRequest(); !errors.Is(err, schemas.ErrNoSchema) {
			t.Errorf("operation %q: %v, want ErrNoSchema", op, err)
		}
	}
}

func TestCheckResponse(t *testing.T) {
	getOut := bases["GetIdentitySource.output/cognito"].doc
	rnf := errorBodies["ResourceNotFoundException"]
	for _, c := range []struct {
		name string
		x    schemas.Exchange
		want []string // substrings of the error; none: the response conforms
		ve   bool     // the error wraps a *schemas.ValidationError
	}{
		{name: "200 valid", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200, Header: jsonHeader(), ResponseBody: []byte(getOut)}},
		{name: "200 empty output", x: schemas.Exchange{Operation: "DeleteIdentitySource", Status: 200, Header: jsonHeader(), ResponseBody: []byte(`{}`)}},
		{name: "Content-Type with parameters", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0; charset=utf-8"}}, ResponseBody: []byte(getOut)}},
		{name: "404 valid", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404,
			Header: jsonHeader("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/"), ResponseBody: []byte(rnf)}},
		{name: "400 qualified __type, no header", x: schemas.Exchange{Operation: "UpdateIdentitySource", Status: 400, Header: jsonHeader(),
			ResponseBody: []byte(`{"__type":"com.amazonaws.verifiedpermissions#ValidationException","message":"1 validation error detected"}`)}},

		{name: "wrong Content-Type", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200,
			Header: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(getOut)},
			want: []string{`Content-Type is "application/json"`, schemas.ContentType}},
		{name: "no Content-Type", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200, Header: http.Header{}, ResponseBody: []byte(getOut)},
			want: []string{`Content-Type is ""`}},
		{name: "awsJson1_1 Content-Type", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, ResponseBody: []byte(getOut)},
			want: []string{"Content-Type"}},
		{name: "200 invalid body", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200, Header: jsonHeader(),
			ResponseBody: apply(t, getOut, del("principalEntityType"))},
			want: []string{"response of GetIdentitySource", "principalEntityType: required"}, ve: true},
		{name: "200 epoch timestamp", x: schemas.Exchange{Operation: "UpdateIdentitySource", Status: 200, Header: jsonHeader(),
			ResponseBody: apply(t, bases["UpdateIdentitySource.output"].doc, set("createdDate", 1684528228))},
			want: []string{"createdDate: type"}, ve: true},
		{name: "200 not JSON", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200, Header: jsonHeader(), ResponseBody: []byte(`<html></html>`)},
			want: []string{"json"}, ve: true},
		{name: "200 for an operation without schema", x: schemas.Exchange{Operation: unservedOperation(t), Status: 200, Header: jsonHeader(), ResponseBody: []byte(`{}`)},
			want: []string{"no schema"}},
		{name: "wrong Content-Type and invalid body", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 200,
			Header: http.Header{"Content-Type": {"text/plain"}}, ResponseBody: []byte(`{}`)},
			want: []string{"Content-Type", "createdDate: required"}, ve: true},
		{name: "error of unknown shape", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 400, Header: jsonHeader(),
			ResponseBody: []byte(`{"__type":"InvalidParameterException","message":"bad"}`)},
			want: []string{`names "InvalidParameterException", which is not an error shape`}},
		{name: "error without __type or header", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404, Header: jsonHeader(),
			ResponseBody: []byte(`{"message":"Identity source not found."}`)},
			want: []string{"names no error shape"}},
		{name: "error code in the header only", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404,
			Header: jsonHeader("X-Amzn-ErrorType", "ResourceNotFoundException"), ResponseBody: apply(t, rnf, del("__type"))}},
		{name: "error code in the header only, URI form", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404,
			Header:       jsonHeader("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.verifiedpermissions/"),
			ResponseBody: apply(t, rnf, del("__type"))}},
		{name: "error code in the header only, body breaks its shape", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404,
			Header: jsonHeader("X-Amzn-ErrorType", "ResourceNotFoundException"), ResponseBody: apply(t, rnf, del("__type"), del("resourceId"))},
			want: []string{"resourceId: required"}, ve: true},
		{name: "header wins over body", x: schemas.Exchange{Operation: "UpdateIdentitySource", Status: 409,
			Header: jsonHeader("X-Amzn-ErrorType", "ResourceNotFoundException"), ResponseBody: []byte(errorBodies["ConflictException"])},
			want: []string{"ResourceNotFoundException.schema.json", "__type: pattern"}, ve: true},
		{name: "error body breaks its shape", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 404, Header: jsonHeader(),
			ResponseBody: apply(t, rnf, del("resourceType"))},
			want: []string{"HTTP 404", "resourceType: required"}, ve: true},
		{name: "error body not JSON", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 500,
			Header: jsonHeader("X-Amzn-ErrorType", "InternalServerException"), ResponseBody: []byte(`Internal Server Error`)},
			want: []string{"json"}, ve: true},
		{name: "error body not JSON, no header", x: schemas.Exchange{Operation: "GetIdentitySource", Status: 502, Header: jsonHeader(),
			ResponseBody: []byte(`<html>Bad Gateway</html>`)},
			want: []string{"names no error shape"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.x.CheckResponse()
			if len(c.want) == 0 {
				if err != nil {
					t.Errorf("CheckResponse = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckResponse = nil, want an error with %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("CheckResponse error lacks %q:\n%v", w, err)
				}
			}
			var ve *schemas.ValidationError
			if got := errors.As(err, &ve); got != c.ve {
				t.Errorf("errors.As(*ValidationError) = %v, want %v: %v", got, c.ve, err)
			}
		})
	}
}
