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

// ContentTypeError is a response whose Content-Type is not the awsJson1_0
// media type.
type ContentTypeError struct {
	// Operation is the operation answered.
	Operation string
	// Got is the Content-Type received ("" when absent).
	Got string
}

// Error says what was expected and what came back.
func (e *ContentTypeError) Error() string {
	return fmt.Sprintf("response of %s: Content-Type is %q, want %q", e.Operation, e.Got, ContentType)
}

// ErrorShapeError is an error response that names no error shape, or one
// that is not an error shape of this API.
type ErrorShapeError struct {
	// Operation is the operation answered.
	Operation string
	// Status is the HTTP status of the answer.
	Status int
	// Shape is the shape named, "" for none.
	Shape string
}

// Error says what the answer named.
func (e *ErrorShapeError) Error() string {
	if e.Shape == "" {
		return fmt.Sprintf("error response of %s (HTTP %d) names no error shape: no X-Amzn-ErrorType header and no __type member", e.Operation, e.Status)
	}
	return fmt.Sprintf("error response of %s (HTTP %d) names %q, which is not an error shape of this API", e.Operation, e.Status, e.Shape)
}

// CheckResponse validates the response: its Content-Type must be the
// awsJson1_0 media type, a 2xx body must conform to the operation's output
// schema, and any other body must name an error shape (in X-Amzn-ErrorType or
// __type) and conform to that shape's schema. It returns nil when everything
// conforms and otherwise every problem found, joined: a *ContentTypeError, a
// *ErrorShapeError, a *ValidationError (wrapped).
func (x Exchange) CheckResponse() error {
	var errs []error
	mt, _, err := mime.ParseMediaType(x.Header.Get("Content-Type"))
	if err != nil || mt != ContentType {
		errs = append(errs, &ContentTypeError{Operation: x.Operation, Got: x.Header.Get("Content-Type")})
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
	case shape == "" || !HasError(shape):
		errs = append(errs, &ErrorShapeError{Operation: x.Operation, Status: x.Status, Shape: shape})
	default:
		if err := ValidateError(shape, x.ResponseBody); err != nil {
			errs = append(errs, fmt.Errorf("error response of %s (HTTP %d): %w", x.Operation, x.Status, err))
		}
	}
	return errors.Join(errs...)
}
