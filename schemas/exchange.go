package schemas

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// TargetPrefix is the X-Amz-Target prefix of every Verified Permissions
// operation.
const TargetPrefix = "VerifiedPermissions."

// ContentType is the awsJson1_0 media type of every request and response.
const ContentType = "application/x-amz-json-1.0"

// OperationFromTarget returns the operation named by an X-Amz-Target value
// ("VerifiedPermissions.GetIdentitySource" gives "GetIdentitySource"), or
// "" when the value does not name a Verified Permissions operation.
func OperationFromTarget(target string) string {
	op, ok := strings.CutPrefix(target, TargetPrefix)
	if !ok || op == "" || strings.ContainsAny(op, ". /") {
		return ""
	}
	return op
}

// ErrorShape returns the error shape named by an awsJson1_0 error response:
// the X-Amzn-ErrorType header if set, else the body's "__type", with any
// "namespace#" prefix and ":suffix" removed, as clients do.
func ErrorShape(header http.Header, typeInBody string) string {
	t := header.Get("X-Amzn-ErrorType")
	if t == "" {
		t = typeInBody
	}
	return SanitizeErrorType(t)
}

// SanitizeErrorType drops a "namespace#" prefix and a ":suffix" from an
// awsJson error discriminator.
func SanitizeErrorType(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// Exchange is one request and its response, as seen on the wire.
type Exchange struct {
	// Operation is the operation from X-Amz-Target.
	Operation string
	// RequestBody is the request's body.
	RequestBody []byte
	// Status is the response's HTTP status code.
	Status int
	// Header is the response's header.
	Header http.Header
	// ResponseBody is the response's body.
	ResponseBody []byte
}

// CheckRequest validates the request body against the operation's input
// schema. A negative scenario expects an error here; any other expects nil.
func (x Exchange) CheckRequest() error {
	if !Has(x.Operation, Input) {
		return fmt.Errorf("schemas: request: operation %q: %w", x.Operation, ErrNoSchema)
	}
	if err := Validate(x.Operation, Input, x.RequestBody); err != nil {
		return fmt.Errorf("request of %s: %w", x.Operation, err)
	}
	return nil
}

// CheckResponse validates the response: its Content-Type must be the
// awsJson1_0 media type, a 2xx body must conform to the operation's output
// schema, and any other body to the schema of the error shape it names. It
// returns nil when everything conforms and otherwise every problem found.
func (x Exchange) CheckResponse() error {
	var errs []error
	mt, _, err := mime.ParseMediaType(x.Header.Get("Content-Type"))
	if err != nil || mt != ContentType {
		errs = append(errs, fmt.Errorf("response of %s: Content-Type is %q, want %q",
			x.Operation, x.Header.Get("Content-Type"), ContentType))
	}
	if x.Status >= 200 && x.Status < 300 {
		if err := Validate(x.Operation, Output, x.ResponseBody); err != nil {
			errs = append(errs, fmt.Errorf("response of %s: %w", x.Operation, err))
		}
		return errors.Join(errs...)
	}
	var envelope struct {
		Type string `json:"__type"`
	}
	_ = jsonUnmarshalLoose(x.ResponseBody, &envelope)
	shape := ErrorShape(x.Header, envelope.Type)
	switch {
	case shape == "":
		errs = append(errs, fmt.Errorf("error response of %s (HTTP %d) names no error shape: no X-Amzn-ErrorType header and no __type member", x.Operation, x.Status))
	case !HasError(shape):
		errs = append(errs, fmt.Errorf("error response of %s (HTTP %d) names %q, which is not an error shape of this API", x.Operation, x.Status, shape))
	default:
		if err := ValidateError(shape, x.ResponseBody); err != nil {
			errs = append(errs, fmt.Errorf("error response of %s (HTTP %d): %w", x.Operation, x.Status, err))
		}
	}
	return errors.Join(errs...)
}
