package specs

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
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
// with errors.As) whose ErrorCode is code. A Session's ExpectError also
// checks the wire and records the root cause of a failure.
func ExpectAPIError(err error, code string) {
	GinkgoHelper()
	a := answerOf(err)
	if err == nil || a.code != code {
		failWith("", fmt.Sprintf("expected error %s, got %s", code, a))
	}
}

// expectAPIError is ExpectAPIError naming the operation of the newest
// exchange and recording, on failure, its answer as the root cause.
func (s *Session) expectAPIError(err error, code string) {
	GinkgoHelper()
	a := answerOf(err)
	if err != nil && a.code == code {
		return
	}
	op := "the call"
	if x := s.transport.last(); x != nil {
		op = x.Operation
		if a.transport == nil && a.unreadable == "" {
			a = recordedAnswer(x)
		}
	}
	want := code
	if st, ok := ErrorStatus[code]; ok {
		want = fmt.Sprintf("HTTP %d %s", st, code)
	}
	cause := a.cause(op)
	if err == nil {
		cause += " where " + code + " was expected"
	}
	failWith(cause, fmt.Sprintf("%s: expected %s, got %s", op, want, a))
}

// ExpectWireError is the wire expectation of an error, checked on the newest
// recorded exchange: its HTTP status is the shape's (ErrorStatus) and it names
// the shape, in X-Amzn-ErrorType or in the body's __type, bare or in any form
// awsJson1_0 allows (namespace#Name, Name:uri). That it carries an
// x-amzn-RequestId header is advisory.
func (s *Session) ExpectWireError(shape string) {
	GinkgoHelper()
	x := s.transport.last()
	if x == nil {
		failWith("", "expected an answer naming "+shape+", but no exchange was recorded")
		return
	}
	want, ok := ErrorStatus[shape]
	if !ok {
		failWith("", "scenario bug: no HTTP status known for "+shape)
		return
	}
	got := recordedAnswer(x)
	if got.status != want || got.code != shape {
		failWith(got.cause(x.Operation), fmt.Sprintf("%s: expected HTTP %d %s, got %s (body %s)",
			x.Operation, want, shape, got, clip(string(x.ResponseBody), maxBodyInMessage)))
	}
	s.Advisory(x.Header.Get("X-Amzn-Requestid") != "",
		"the %s error answer carries an x-amzn-RequestId header: expected one, got none", x.Operation)
}

// ExpectError asserts that err is the API error code and that the newest
// exchange carries it on the wire (ExpectWireError).
func (s *Session) ExpectError(err error, code string) {
	GinkgoHelper()
	s.expectAPIError(err, code)
	s.ExpectWireError(code)
}

// ExpectResourceNotFound asserts err is a *types.ResourceNotFoundException,
// 404 on the wire, and, as advisory expectations (evidence I), that it names
// resourceType and resourceID, the id asked for.
func (s *Session) ExpectResourceNotFound(err error, resourceType types.ResourceType, resourceID string) {
	GinkgoHelper()
	s.ExpectError(err, ResourceNotFoundException)
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		failWith("", fmt.Sprintf("expected the SDK's *types.ResourceNotFoundException, got %T: %v", err, err))
	}
	s.Advisory(nf.ResourceType == resourceType,
		"ResourceNotFoundException.resourceType: expected %s, got %q", resourceType, nf.ResourceType)
	s.Advisory(aws.ToString(nf.ResourceId) == resourceID,
		"ResourceNotFoundException.resourceId: expected the id asked for, %q, got %q", resourceID, aws.ToString(nf.ResourceId))
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
	if !errors.As(err, &ve) {
		failWith("", fmt.Sprintf("expected the SDK's *types.ValidationException, got %T: %v", err, err))
	}
	var paths []string
	for _, f := range ve.FieldList {
		if f.Path != nil {
			paths = append(paths, *f.Path)
		}
	}
	s.expectFieldListNames(paths, path)
}

// ExpectRawValidationError asserts that r, the answer to the newest (raw)
// request, is a ValidationException (400), that the request really breaks
// the input schema, and (advisory, as in ExpectValidationError) that the
// fieldList names member path.
func (s *Session) ExpectRawValidationError(r *RawResponse, path string) {
	GinkgoHelper()
	s.markDeliberate()
	s.ExpectWireError(ValidationException)
	s.expectFieldListNames(fieldListPaths(r.JSON), path)
}

// expectFieldListNames is the advisory check that a ValidationException's
// fieldList paths include path.
func (s *Session) expectFieldListNames(paths []string, path string) {
	GinkgoHelper()
	got := "no fieldList path"
	if len(paths) > 0 {
		got = jsonText(paths)
	}
	s.Advisory(slices.Contains(paths, path),
		"ValidationException.fieldList: expected a path %s, got %s", path, got)
}

// markDeliberate marks the newest exchange as a request sent to break the
// input schema, and asserts that it does: otherwise the scenario would not
// be negative at all.
func (s *Session) markDeliberate() {
	GinkgoHelper()
	x := s.transport.last()
	if x == nil {
		failWith("", "expected a recorded exchange, got none")
		return
	}
	x.deliberate = true
	if x.CheckRequest() == nil {
		failWith("", fmt.Sprintf("scenario bug: the %s request meant to be invalid conforms to the input schema: %s", x.Operation, x.RequestBody))
	}
}

// markProtocolError marks the newest exchange as a request the model
// declares no error for (a body that is not JSON, an unknown member, a
// missing or wrong signature): its answer may name an error shape outside
// this API, which the schema check then tolerates, as long as it names one.
func (s *Session) markProtocolError() {
	if x := s.transport.last(); x != nil {
		x.protocolError = true
	}
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
