package specs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/aws/smithy-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/schemas"
)

// Error shape names of the API, as ErrorCode() and X-Amzn-ErrorType give
// them.
const (
	ValidationException           = "ValidationException"
	AccessDeniedException         = "AccessDeniedException"
	ResourceNotFoundException     = "ResourceNotFoundException"
	ConflictException             = "ConflictException"
	ServiceQuotaExceededException = "ServiceQuotaExceededException"
	ThrottlingException           = "ThrottlingException"
	InternalServerException       = "InternalServerException"
	InvalidStateException         = "InvalidStateException"
	SerializationException        = "SerializationException"
)

// ErrorStatus is the HTTP status of each error shape: the model's httpError
// traits, 400 for client errors without one.
var ErrorStatus = map[string]int{
	ValidationException:           400,
	AccessDeniedException:         403,
	ResourceNotFoundException:     404,
	ConflictException:             409,
	ServiceQuotaExceededException: 402,
	ThrottlingException:           429,
	InternalServerException:       500,
	InvalidStateException:         406,
	SerializationException:        400,
}

// ExpectAPIError asserts that err is an API error (smithy.APIError, found
// with errors.As) whose ErrorCode is code.
func ExpectAPIError(err error, code string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "want %s, the call succeeded", code)
	var apiErr smithy.APIError
	Expect(errors.As(err, &apiErr)).To(BeTrue(), "want %s, got an error that is not an API error: %v", code, err)
	Expect(apiErr.ErrorCode()).To(Equal(code), "error code; the error: %v", err)
}

// ExpectWireError is the wire expectation of an error, checked on the newest
// recorded exchange: its HTTP status is the shape's (ErrorStatus) and it names
// the shape (X-Amzn-ErrorType, else the body's __type). That the
// X-Amzn-ErrorType header itself is present, and x-amzn-RequestId, is
// advisory.
func (s *Session) ExpectWireError(shape string) {
	GinkgoHelper()
	x := s.transport.last()
	Expect(x).NotTo(BeNil(), "no exchange was recorded")
	want, ok := ErrorStatus[shape]
	Expect(ok).To(BeTrue(), "no HTTP status known for %s", shape)
	Expect(x.Status).To(Equal(want), "HTTP status of the %s answer (%s); body: %s", x.Operation, shape, x.ResponseBody)
	var typeInBody string
	if m, err := decodeJSONObject(x.ResponseBody); err == nil {
		typeInBody, _ = m["__type"].(string)
	}
	Expect(schemas.ErrorShape(x.Header, typeInBody)).To(Equal(shape), "error shape named by X-Amzn-ErrorType / __type")
	s.Advisory(schemas.SanitizeErrorType(x.Header.Get("X-Amzn-ErrorType")) == shape,
		"error answer of %s carries header X-Amzn-ErrorType: %s (got %q)", x.Operation, shape, x.Header.Get("X-Amzn-ErrorType"))
	s.Advisory(x.Header.Get("X-Amzn-Requestid") != "", "error answer of %s carries an x-amzn-RequestId header", x.Operation)
}

// ExpectError is ExpectAPIError followed by ExpectWireError.
func (s *Session) ExpectError(err error, code string) {
	GinkgoHelper()
	ExpectAPIError(err, code)
	s.ExpectWireError(code)
}

// ExpectResourceNotFound asserts err is a *types.ResourceNotFoundException,
// 404 on the wire, and, as advisory expectations (evidence I), that it names
// resourceType and resourceID, the id asked for.
func (s *Session) ExpectResourceNotFound(err error, resourceType types.ResourceType, resourceID string) {
	GinkgoHelper()
	s.ExpectError(err, ResourceNotFoundException)
	var nf *types.ResourceNotFoundException
	Expect(errors.As(err, &nf)).To(BeTrue(), "want *types.ResourceNotFoundException, got %T", err)
	Expect(nf.ResourceId).NotTo(BeNil(), "resourceId is required in ResourceNotFoundException")
	s.Advisory(nf.ResourceType == resourceType, "ResourceNotFoundException.resourceType is %s (got %q)", resourceType, nf.ResourceType)
	s.Advisory(*nf.ResourceId == resourceID, "ResourceNotFoundException.resourceId is the id asked for, %q (got %q)", resourceID, *nf.ResourceId)
}

// ExpectValidationError asserts that the newest exchange, an SDK call that
// returned err, was refused with a *types.ValidationException (model, hard)
// whose fieldList names member path. The fieldList is optional in the model
// and whether AWS fills it for these operations is not confirmed, so that
// part is advisory (see Advisory).
func (s *Session) ExpectValidationError(err error, path string) {
	GinkgoHelper()
	s.markDeliberate()
	s.ExpectError(err, ValidationException)
	var ve *types.ValidationException
	Expect(errors.As(err, &ve)).To(BeTrue(), "want *types.ValidationException, got %T", err)
	var paths []string
	for _, f := range ve.FieldList {
		if f.Path != nil {
			paths = append(paths, *f.Path)
		}
	}
	s.expectFieldListNames(paths, path, ptrString(ve.Message))
}

// ExpectRawValidationError asserts that r, the answer to the newest (raw)
// request, is a ValidationException (400), that the request really breaks
// the input schema, and (advisory, as in ExpectValidationError) that the
// fieldList names member path.
func (s *Session) ExpectRawValidationError(r *RawResponse, path string) {
	GinkgoHelper()
	s.markDeliberate()
	s.ExpectWireError(ValidationException)
	Expect(r.JSON).NotTo(BeNil(), "ValidationException body is a JSON object; got %s", r.Body)
	s.expectFieldListNames(fieldListPaths(r.JSON), path, string(r.Body))
}

// expectFieldListNames is the advisory check that a ValidationException's
// fieldList paths include path.
func (s *Session) expectFieldListNames(paths []string, path, context string) {
	GinkgoHelper()
	s.Advisory(slices.Contains(paths, path),
		"ValidationException.fieldList names %s (its paths: %q; %s)", path, paths, context)
}

// markDeliberate marks the newest exchange as a request sent to break the
// input schema, and asserts that it does: otherwise the scenario would not
// be negative at all.
func (s *Session) markDeliberate() {
	GinkgoHelper()
	x := s.transport.last()
	Expect(x).NotTo(BeNil(), "no exchange was recorded")
	x.deliberate = true
	Expect(x.CheckRequest()).To(HaveOccurred(),
		"scenario bug: the request %s meant to be invalid conforms to the input schema: %s", x.Operation, x.RequestBody)
}

// fieldListPaths returns the path of every member of a ValidationException
// body's fieldList.
func fieldListPaths(body map[string]any) []string {
	list, _ := body["fieldList"].([]any)
	var out []string
	for _, f := range list {
		if m, ok := f.(map[string]any); ok {
			if p, ok := m["path"].(string); ok {
				out = append(out, p)
			}
		}
	}
	return out
}

func ptrString(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// describeErr renders err for failure messages, naming its API error code.
func describeErr(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%s: %s", apiErr.ErrorCode(), strings.TrimSpace(apiErr.ErrorMessage()))
	}
	return fmt.Sprint(err)
}
