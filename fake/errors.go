package fake

import (
	"fmt"
	"net/http"

	"github.com/vpconform/vpconform/schemas"
)

// ResourceType names the kind of resource an error is about, as in the
// model's ResourceType enum.
type ResourceType string

// The ResourceType values the fake uses.
const (
	ResourceTypePolicyStore    ResourceType = "POLICY_STORE"
	ResourceTypeIdentitySource ResourceType = "IDENTITY_SOURCE"
	ResourceTypePolicy         ResourceType = "POLICY"
	ResourceTypePolicyTemplate ResourceType = "POLICY_TEMPLATE"
)

// Error is implemented by every error the fake answers with. ErrorCode is the
// model's shape name, sent as "__type" and X-Amzn-ErrorType. The HTTP status
// is the shape's in the registry of package schemas (schemas.ErrorStatus):
// the model's httpError traits, and the statuses of the awsJson1_0 protocol
// errors, of the fake's own NotImplementedException and of the SigV4
// authentication errors (400, as AWS's Coral JSON services such as DynamoDB,
// Cognito and Kinesis answer them in public captures: evidence C for those
// services, I for Verified Permissions).
type Error interface {
	error
	ErrorCode() string
}

// httpStatus is the status the fake answers fe with: its shape's in the
// registry, or 500 for a shape the registry does not know (a bug of the
// fake, which TestErrorShapesHaveRegistryStatuses guards against).
func httpStatus(fe Error) int {
	if s, ok := schemas.ErrorStatus(fe.ErrorCode()); ok {
		return s
	}
	return http.StatusInternalServerError
}

// ValidationExceptionField names one member that failed validation.
type ValidationExceptionField struct {
	// Path is the dotted member path, such as
	// "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn".
	Path string `json:"path"`
	// Message says which constraint the member broke.
	Message string `json:"message"`
}

// ValidationException is the model's ValidationException: the request broke
// a constraint of the input shape. HTTP 400.
type ValidationException struct {
	Message   string                     `json:"message"`
	FieldList []ValidationExceptionField `json:"fieldList,omitempty"`
}

// AccessDeniedException is the model's AccessDeniedException: the caller's
// credential does not allow the action (see WithCredentials), or an injected
// fault. HTTP 403.
type AccessDeniedException struct {
	Message string `json:"message"`
}

// ResourceNotFoundException is the model's ResourceNotFoundException: the
// policy store, identity source, policy or policy template asked for does
// not exist. HTTP 404.
type ResourceNotFoundException struct {
	Message      string       `json:"message"`
	ResourceID   string       `json:"resourceId"`
	ResourceType ResourceType `json:"resourceType"`
}

// ResourceConflict names a resource a ConflictException is about.
type ResourceConflict struct {
	ResourceID   string       `json:"resourceId"`
	ResourceType ResourceType `json:"resourceType"`
}

// ConflictException is the model's ConflictException: a clientToken was
// reused with different input, or a policy name is another policy's.
// HTTP 409.
type ConflictException struct {
	Message   string             `json:"message"`
	Resources []ResourceConflict `json:"resources"`
}

// ServiceQuotaExceededException is the model's ServiceQuotaExceededException:
// for example a second identity source in one policy store. HTTP 402.
type ServiceQuotaExceededException struct {
	Message      string       `json:"message"`
	ResourceID   string       `json:"resourceId,omitempty"`
	ResourceType ResourceType `json:"resourceType"`
	ServiceCode  string       `json:"serviceCode,omitempty"`
	QuotaCode    string       `json:"quotaCode,omitempty"`
}

// ThrottlingException is the model's ThrottlingException: a rate limit (see
// WithRateLimit) was exceeded, or an injected fault. HTTP 429.
type ThrottlingException struct {
	Message     string `json:"message"`
	ServiceCode string `json:"serviceCode,omitempty"`
	QuotaCode   string `json:"quotaCode,omitempty"`
}

// InternalServerException is the model's InternalServerException. HTTP 500.
// The fake sends it for an injected fault, or if it has a bug (a recovered
// panic).
type InternalServerException struct {
	Message string `json:"message"`
}

// InvalidStateException is the model's InvalidStateException: deleting a
// policy store whose deletion protection is enabled. HTTP 406.
type InvalidStateException struct {
	Message string `json:"message"`
}

// SerializationException is the awsJson1_0 protocol error for a request the
// server cannot parse: wrong Content-Type, a body larger than 4 MiB, not
// valid UTF-8 or with a lone UTF-16 surrogate escape, not one JSON object,
// or with a member of the wrong JSON type (a number that is not a 32-bit
// integer written without fraction or exponent where the model says
// Integer, such as maxResults 5.0 or 2147483648). HTTP 400. Not in the
// model.
type SerializationException struct {
	Message string `json:"message"`
}

// UnknownOperationException is the awsJson1_0 protocol error for a request
// whose X-Amz-Target names no VerifiedPermissions operation: none at all,
// another service's, or a name that is not an operation of the model
// (names are case-sensitive). HTTP 400 (405 when the method is not POST).
// Not in the model.
type UnknownOperationException struct {
	Message string `json:"message"`
}

// NotImplementedException is the fake's own error for an operation of the
// Verified Permissions model it does not serve (IsAuthorized, CreatePolicyTemplate,
// …). HTTP 501. Not in the model: real AWS serves those operations.
type NotImplementedException struct {
	Message string `json:"message"`
}

// MissingAuthenticationTokenException is the AWS authentication error for a
// request without an Authorization header, when the server verifies
// signatures (WithCredentials). HTTP 400. Not in the model.
type MissingAuthenticationTokenException struct {
	Message string `json:"message"`
}

// IncompleteSignatureException is the AWS authentication error for an
// Authorization header that is not a complete SigV4 header, one whose
// SignedHeaders leave out Host, X-Amz-Date or X-Amz-Target or name a header
// the request lacks, or a missing or malformed X-Amz-Date. HTTP 400. Not in
// the model.
type IncompleteSignatureException struct {
	Message string `json:"message"`
}

// UnrecognizedClientException is the AWS authentication error for an access
// key id the server does not know, or an X-Amz-Security-Token that is not
// the credential's session token (or sent for a credential without one).
// HTTP 400. Not in the model.
type UnrecognizedClientException struct {
	Message string `json:"message"`
}

// InvalidSignatureException is the AWS authentication error for a SigV4
// signature that does not match the request, a credential scope for another
// service, Region or date than the request's, or an X-Amz-Date more than 15
// minutes from the server's clock (see SetSigningClock). HTTP 400. Not in the
// model.
type InvalidSignatureException struct {
	Message string `json:"message"`
}

// Error returns the shape name and the message.
func (e *ValidationException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *AccessDeniedException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *ResourceNotFoundException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *ConflictException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *ServiceQuotaExceededException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *ThrottlingException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *InternalServerException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *InvalidStateException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *SerializationException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *UnknownOperationException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *NotImplementedException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *MissingAuthenticationTokenException) Error() string {
	return errorText(e.ErrorCode(), e.Message)
}

// Error returns the shape name and the message.
func (e *IncompleteSignatureException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *UnrecognizedClientException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// Error returns the shape name and the message.
func (e *InvalidSignatureException) Error() string { return errorText(e.ErrorCode(), e.Message) }

// ErrorCode returns "ValidationException".
func (e *ValidationException) ErrorCode() string { return "ValidationException" }

// ErrorCode returns "AccessDeniedException".
func (e *AccessDeniedException) ErrorCode() string { return "AccessDeniedException" }

// ErrorCode returns "ResourceNotFoundException".
func (e *ResourceNotFoundException) ErrorCode() string { return "ResourceNotFoundException" }

// ErrorCode returns "ConflictException".
func (e *ConflictException) ErrorCode() string { return "ConflictException" }

// ErrorCode returns "ServiceQuotaExceededException".
func (e *ServiceQuotaExceededException) ErrorCode() string { return "ServiceQuotaExceededException" }

// ErrorCode returns "ThrottlingException".
func (e *ThrottlingException) ErrorCode() string { return "ThrottlingException" }

// ErrorCode returns "InternalServerException".
func (e *InternalServerException) ErrorCode() string { return "InternalServerException" }

// ErrorCode returns "InvalidStateException".
func (e *InvalidStateException) ErrorCode() string { return "InvalidStateException" }

// ErrorCode returns "SerializationException".
func (e *SerializationException) ErrorCode() string { return "SerializationException" }

// ErrorCode returns "UnknownOperationException".
func (e *UnknownOperationException) ErrorCode() string { return "UnknownOperationException" }

// ErrorCode returns "NotImplementedException".
func (e *NotImplementedException) ErrorCode() string { return "NotImplementedException" }

// ErrorCode returns "MissingAuthenticationTokenException".
func (e *MissingAuthenticationTokenException) ErrorCode() string {
	return "MissingAuthenticationTokenException"
}

// ErrorCode returns "IncompleteSignatureException".
func (e *IncompleteSignatureException) ErrorCode() string { return "IncompleteSignatureException" }

// ErrorCode returns "UnrecognizedClientException".
func (e *UnrecognizedClientException) ErrorCode() string { return "UnrecognizedClientException" }

// ErrorCode returns "InvalidSignatureException".
func (e *InvalidSignatureException) ErrorCode() string { return "InvalidSignatureException" }

func errorText(shape, msg string) string {
	return fmt.Sprintf("%s: %s", shape, msg)
}

// notFoundPolicyStore is the error for an unknown policy store. Its message
// is AWS's own wording, as observed on IsAuthorized.
func notFoundPolicyStore(id string) error {
	return &ResourceNotFoundException{
		Message:      fmt.Sprintf("Policy store with id '%s' not found", id),
		ResourceID:   id,
		ResourceType: ResourceTypePolicyStore,
	}
}

func notFoundIdentitySource(policyStoreID, id string) error {
	return &ResourceNotFoundException{
		Message:      fmt.Sprintf("identity source %s not found in policy store %s", id, policyStoreID),
		ResourceID:   id,
		ResourceType: ResourceTypeIdentitySource,
	}
}
