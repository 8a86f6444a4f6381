package specs

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	"github.com/vpconform/vpconform/schemas"
)

// The assertions of the scenarios. Each fails the spec through failWith
// with one line saying what was expected and what came back, and, when the
// answer of an operation is at fault, records that answer as the root
// cause.

// expectAPIError asserts that err is an API error (smithy.APIError, found
// with errors.As) whose ErrorCode is code, naming the operation of the
// newest exchange and recording, on failure, its answer as the root cause.
func (s *session) expectAPIError(err error, code string) {
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
	if st, ok := schemas.ErrorStatus(code); ok {
		want = fmt.Sprintf("HTTP %d %s", st, code)
	}
	cause := a.cause(op)
	if err == nil {
		cause += " where " + code + " was expected"
	}
	failWith(cause, fmt.Sprintf("%s: expected %s, got %s", op, want, a))
}

// expectWireError is the wire expectation of an error, checked on the newest
// recorded exchange: its HTTP status is the shape's (schemas.ErrorStatus) and
// it names the shape, in X-Amzn-ErrorType or in the body's __type, bare or in
// any form awsJson1_0 allows (namespace#Name, Name:uri). That it carries an
// x-amzn-RequestId header is advisory.
func (s *session) expectWireError(shape string) {
	GinkgoHelper()
	x := s.transport.last()
	if x == nil {
		failWith("", "expected an answer naming "+shape+", but no exchange was recorded")
		return
	}
	want, ok := schemas.ErrorStatus(shape)
	if !ok {
		failWith("", "scenario bug: the registry (schemas) knows no HTTP status for "+shape)
		return
	}
	got := recordedAnswer(x)
	if got.status != want || got.code != shape {
		failWith(got.cause(x.Operation), fmt.Sprintf("%s: expected HTTP %d %s, got %s (body %s)",
			x.Operation, want, shape, got, clip(string(x.ResponseBody), maxBodyInMessage)))
	}
	s.advisory(x.Header.Get("X-Amzn-Requestid") != "",
		"the %s error answer carries an x-amzn-RequestId header: expected one, got none", x.Operation)
}

// expectError asserts that err is the API error code and that the newest
// exchange carries it on the wire (expectWireError).
func (s *session) expectError(err error, code string) {
	GinkgoHelper()
	s.expectAPIError(err, code)
	s.expectWireError(code)
}

// expectResourceNotFound asserts err is a *types.ResourceNotFoundException,
// 404 on the wire, and, as advisory expectations (evidence I), that it names
// resourceType and resourceID, the id asked for.
func (s *session) expectResourceNotFound(err error, resourceType types.ResourceType, resourceID string) {
	GinkgoHelper()
	s.expectError(err, resourceNotFoundException)
	nf := typedError[*types.ResourceNotFoundException](err)
	s.advisory(nf.ResourceType == resourceType,
		"ResourceNotFoundException.resourceType: expected %s, got %q", resourceType, nf.ResourceType)
	s.advisory(aws.ToString(nf.ResourceId) == resourceID,
		"ResourceNotFoundException.resourceId: expected the id asked for, %q, got %q", resourceID, aws.ToString(nf.ResourceId))
}

// expectValidationError asserts that the newest exchange, an SDK call that
// returned err, was refused with a *types.ValidationException (model, hard)
// whose fieldList names member path. The fieldList is optional in the model
// and whether AWS fills it for these operations is not confirmed, so that
// part is advisory (see session.advisory).
func (s *session) expectValidationError(err error, path string) {
	GinkgoHelper()
	s.markDeliberate()
	s.expectError(err, validationException)
	ve := typedError[*types.ValidationException](err)
	var paths []string
	for _, f := range ve.FieldList {
		if f.Path != nil {
			paths = append(paths, *f.Path)
		}
	}
	s.expectFieldListNames(paths, path)
}

// expectRawValidationError asserts that r, the answer to the newest (raw)
// request, is a ValidationException (400), that the request really breaks
// the input schema, and (advisory, as in expectValidationError) that the
// fieldList names member path.
func (s *session) expectRawValidationError(r *rawResponse, path string) {
	GinkgoHelper()
	s.markDeliberate()
	s.expectWireError(validationException)
	s.expectFieldListNames(fieldListPaths(r.JSON), path)
}

// expectFieldListNames is the advisory check that a ValidationException's
// fieldList paths include path.
func (s *session) expectFieldListNames(paths []string, path string) {
	GinkgoHelper()
	got := "no fieldList path"
	if len(paths) > 0 {
		got = jsonText(paths)
	}
	s.advisory(slices.Contains(paths, path),
		"ValidationException.fieldList: expected a path %s, got %s", path, got)
}

// expectRefusal asserts that r, the answer to the newest request (what the
// request did wrong), has an HTTP status within [lo, hi] and names an error
// shape, in X-Amzn-ErrorType or __type.
func (s *session) expectRefusal(r *rawResponse, what string, lo, hi int) {
	GinkgoHelper()
	op := "the request"
	if x := s.transport.last(); x != nil {
		op = x.Operation
	}
	want := fmt.Sprintf("HTTP %d", lo)
	if hi != lo {
		want = fmt.Sprintf("an HTTP status from %d to %d", lo, hi)
	}
	got := fmt.Sprintf("HTTP %d %s (body %s)", r.Status, shapeOrNone(r.errorShape()), clip(string(r.Body), maxBodyInMessage))
	switch {
	case r.Status < lo || r.Status > hi:
		failWith(recordedAnswer(&exchangeRecord{Exchange: schemas.Exchange{Status: r.Status, Header: r.Header, ResponseBody: r.Body}}).cause(op),
			fmt.Sprintf("%s with %s: expected %s naming an error shape, got %s", op, what, want, got))
	case r.errorShape() == "":
		failWith(fmt.Sprintf("%s answers HTTP %d naming no error code", op, r.Status),
			fmt.Sprintf("%s with %s: expected %s naming an error shape in X-Amzn-ErrorType or __type, got %s", op, what, want, got))
	}
}

// expectUnknownMemberRefused is the advisory expectation that a request with
// a member the model does not define is refused with ValidationException
// (400) naming that member.
func (s *session) expectUnknownMemberRefused(r *rawResponse, path string) {
	GinkgoHelper()
	got := fmt.Sprintf("HTTP %d %s (body %s)", r.Status, r.errorShape(), clip(string(r.Body), maxBodyInMessage))
	s.advisory(r.Status == 400 && r.errorShape() == validationException && slices.Contains(fieldListPaths(r.JSON), path),
		"a request with the unknown member %s: expected HTTP 400 ValidationException naming it in fieldList, got %s", path, got)
}

// typedError returns the SDK's typed error T found in err (errors.As),
// failing the spec when there is none.
func typedError[T error](err error) T {
	GinkgoHelper()
	var e T
	if !errors.As(err, &e) {
		failWith("", fmt.Sprintf("expected the SDK's %T, got %T: %v", e, err, err))
	}
	return e
}

// expectInjectedError asserts err is the SDK's typed error of shape
// carrying the injected message msg and the members a fault scenario
// injects (see injectedErrorScenario): a ResourceNotFoundException or
// ConflictException naming the identity source src, a ThrottlingException
// the injected codes. A shape it has no check for fails the spec, saying
// where to add one.
func expectInjectedError(err error, shape, msg, src string) {
	GinkgoHelper()
	message := func(m *string) { expectEqual(aws.ToString(m), msg, "%s message", shape) }
	switch shape {
	case validationException:
		message(typedError[*types.ValidationException](err).Message)
	case accessDeniedException:
		message(typedError[*types.AccessDeniedException](err).Message)
	case internalServerException:
		message(typedError[*types.InternalServerException](err).Message)
	case resourceNotFoundException:
		e := typedError[*types.ResourceNotFoundException](err)
		message(e.Message)
		expectEqual(aws.ToString(e.ResourceId), src, "resourceId")
		expectEqual(e.ResourceType, types.ResourceTypeIdentitySource, "resourceType")
	case throttlingException:
		e := typedError[*types.ThrottlingException](err)
		message(e.Message)
		expectEqual(aws.ToString(e.ServiceCode), injectedServiceCode, "serviceCode")
		expectEqual(aws.ToString(e.QuotaCode), injectedQuotaCode, "quotaCode")
	case conflictException:
		e := typedError[*types.ConflictException](err)
		message(e.Message)
		want := string(types.ResourceTypeIdentitySource) + " " + src
		if named := resourcesNamed(e.Resources); !slices.Contains(named, want) {
			failWith("", fmt.Sprintf("ConflictException.resources: expected %s among them, got %s", want, jsonText(named)))
		}
	default:
		failWith("", fmt.Sprintf("scenario bug: no check of the SDK's typed error %s: add a case to expectInjectedError in specs/expect.go", shape))
	}
}

// resourcesNamed renders a ConflictException's resources as
// "<type> <id>".
func resourcesNamed(resources []types.ResourceConflict) []string {
	var named []string
	for _, r := range resources {
		named = append(named, string(r.ResourceType)+" "+aws.ToString(r.ResourceId))
	}
	return named
}

// expectDeletePolicyStoreSucceeds calls DeletePolicyStore for the store
// and asserts the answer is HTTP 200 with an empty object.
func (s *session) expectDeletePolicyStoreSucceeds(ctx context.Context, policyStoreID, what string) {
	GinkgoHelper()
	_, err := s.client.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(policyStoreID)})
	s.mustSucceed(err, opDeletePolicyStore, "DeletePolicyStore of "+what)
	x, _ := s.lastExchange(opDeletePolicyStore)
	if x.Status != 200 {
		failWith(fmt.Sprintf("%s answers HTTP %d on success", opDeletePolicyStore, x.Status),
			fmt.Sprintf("DeletePolicyStore of %s: expected HTTP 200, got HTTP %d", what, x.Status))
	}
	if body := s.lastResponse(opDeletePolicyStore); len(body) != 0 {
		failWith(opDeletePolicyStore+" answers a non-empty object on success",
			fmt.Sprintf("DeletePolicyStore of %s: expected {}, got %s", what, jsonText(body)))
	}
}

// expectEqual fails the spec unless got equals want (reflect.DeepEqual),
// saying what (format and args) was expected and what came back, both as
// JSON.
func expectEqual(got, want any, format string, args ...any) {
	GinkgoHelper()
	if reflect.DeepEqual(got, want) {
		return
	}
	failWith("", fmt.Sprintf("%s: expected %s, got %s", fmt.Sprintf(format, args...), jsonText(want), jsonText(got)))
}

// expectSameTime fails the spec unless got and want are the same instant.
func expectSameTime(got, want time.Time, format string, args ...any) {
	GinkgoHelper()
	if !got.Equal(want) {
		failWith("", fmt.Sprintf("%s: expected %s, got %s", fmt.Sprintf(format, args...), rfc3339(want), rfc3339(got)))
	}
}

// expectAfter fails the spec unless got is after than.
func expectAfter(got, than time.Time, format string, args ...any) {
	GinkgoHelper()
	if !got.After(than) {
		failWith("", fmt.Sprintf("%s: expected a time after %s, got %s", fmt.Sprintf(format, args...), rfc3339(than), rfc3339(got)))
	}
}

// expectAbsent fails the spec when the member at path of a decoded answer
// is present, saying what it holds.
func expectAbsent(body map[string]any, path, why string) {
	GinkgoHelper()
	if v, has := lookup(body, path); has {
		failWith("", fmt.Sprintf("%s: expected no such member (%s), got %s", path, why, jsonText(v)))
	}
}

// expectEmptyList asserts that the member at path of a decoded JSON body is
// present and an empty list.
func expectEmptyList(body map[string]any, path string) {
	GinkgoHelper()
	v, ok := lookup(body, path)
	if !ok {
		failWith("", fmt.Sprintf("%s: expected [], got no such member", path))
	}
	expectEqual(v, []any{}, "%s", path)
}

// expectString asserts that the member at path of a decoded JSON body is the
// string want.
func expectString(body map[string]any, path, want string) {
	GinkgoHelper()
	v, ok := lookup(body, path)
	if !ok {
		failWith("", fmt.Sprintf("%s: expected %q, got no such member", path, want))
	}
	expectEqual(v, want, "%s", path)
}
