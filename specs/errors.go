package specs

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
)

// Error shape names, as ErrorCode() and X-Amzn-ErrorType give them. Their
// HTTP statuses, and which operation declares which, are the registry's
// (schemas.Error, schemas.Facts).
const (
	validationException           = "ValidationException"
	accessDeniedException         = "AccessDeniedException"
	resourceNotFoundException     = "ResourceNotFoundException"
	conflictException             = "ConflictException"
	serviceQuotaExceededException = "ServiceQuotaExceededException"
	throttlingException           = "ThrottlingException"
	internalServerException       = "InternalServerException"
	serializationException        = "SerializationException"
	// The SigV4 authentication errors, which no operation declares.
	missingAuthenticationTokenException = "MissingAuthenticationTokenException"
	unrecognizedClientException         = "UnrecognizedClientException"
	invalidSignatureException           = "InvalidSignatureException"
)

// markDeliberate marks the newest exchange as a request sent to break the
// input schema, and asserts that it does: otherwise the scenario would not
// be negative at all.
func (s *session) markDeliberate() {
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
func (s *session) markProtocolError() {
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
