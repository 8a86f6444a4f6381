package specs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/gomega"
)

// The SigV4 authentication error shapes.
const (
	MissingAuthenticationTokenException = "MissingAuthenticationTokenException"
	UnrecognizedClientException         = "UnrecognizedClientException"
	InvalidSignatureException           = "InvalidSignatureException"
)

// Injected ThrottlingException members.
const (
	injectedServiceCode = "verifiedpermissions"
	injectedQuotaCode   = "L-VPCONFORM1"
)

// oneAttempt is the per-call option that turns the SDK's retries off, so an
// injected retryable error surfaces.
func oneAttempt(o *verifiedpermissions.Options) { o.RetryMaxAttempts = 1 }

// callOp calls op (GetIdentitySource, or UpdateIdentitySource with a valid
// Cognito update) for the identity source through client.
func (s *Session) callOp(ctx context.Context, client *verifiedpermissions.Client, op, store, src string, opts ...func(*verifiedpermissions.Options)) error {
	switch op {
	case opGet:
		_, err := client.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(src),
		}, opts...)
		return err
	default:
		f := s.Fixtures()
		_, err := client.UpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil), opts...)
		return err
	}
}

// faultScenarios are the exception, authentication and retry scenarios of
// op. Update declares ConflictException; Get does not.
func faultScenarios(op string) []Scenario {
	shapes := []string{ValidationException, AccessDeniedException, ResourceNotFoundException, ThrottlingException, InternalServerException}
	if op == opUpdate {
		shapes = append(shapes, ConflictException)
	}
	var out []Scenario
	for _, shape := range shapes {
		out = append(out, injectedErrorScenario(op, shape))
	}
	out = append(out,
		deniedScenario(op),
		authScenario(op, "Unsigned", "an unsigned request (no Authorization header)", MissingAuthenticationTokenException,
			func(aws.Credentials) *aws.Credentials { return nil }),
		authScenario(op, "UnknownAccessKey", "a request signed with an access key it does not know", UnrecognizedClientException,
			func(c aws.Credentials) *aws.Credentials {
				return &aws.Credentials{AccessKeyID: "AKIDVPCONFORMUNKNOWN", SecretAccessKey: "vpconform-unknown-secret", Source: "vpconform"}
			}),
		authScenario(op, "WrongSecret", "a request signed with a known access key and the wrong secret", InvalidSignatureException,
			func(c aws.Credentials) *aws.Credentials {
				return &aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey + "-wrong", SessionToken: c.SessionToken, Source: "vpconform"}
			}),
		retryScenario(op, ThrottlingException, 429),
		retryScenario(op, InternalServerException, 500),
	)
	return out
}

// injectedErrorScenario injects one shape into op and expects the SDK's
// typed error with the injected members, and the shape's status on the wire.
func injectedErrorScenario(op, shape string) Scenario {
	what := "its message"
	switch shape {
	case ThrottlingException:
		what = "its message, serviceCode and quotaCode"
	case ConflictException:
		what = "its message and resources naming the identity source"
	case ResourceNotFoundException:
		what = "its message, resourceId and resourceType"
	}
	return Scenario{
		ID:          op + "/Fault/" + shape,
		Description: fmt.Sprintf("%s MUST answer an injected %s with HTTP %d naming %s, which the SDK surfaces, retries off, as *types.%s with %s.", op, shape, ErrorStatus[shape], shape, shape, what),
		Operation:   op, Kind: Fault, Evidence: EvidenceModel, Needs: []Capability{FaultInjection},
		Run: func(ctx context.Context, s *Session) {
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			msg := "vpconform injected " + shape + " " + s.uniqueName("fault")
			f := InjectedFault{Operation: op, Error: shape, Count: 1, Message: msg}
			switch shape {
			case ThrottlingException:
				f.ServiceCode, f.QuotaCode = injectedServiceCode, injectedQuotaCode
			case ConflictException, ResourceNotFoundException:
				f.Resources = []FaultResource{{ResourceID: src, ResourceType: string(types.ResourceTypeIdentitySource)}}
			}
			s.MustInjectFault(ctx, f)
			err := s.callOp(ctx, s.Client, op, store, src, oneAttempt)
			s.ExpectError(err, shape)
			expectTypedError(err, shape, msg, src)
		},
	}
}

// expectTypedError asserts err is the SDK's typed error of shape carrying the
// injected message and members.
func expectTypedError(err error, shape, msg, src string) {
	message := func(m *string) {
		ExpectWithOffset(2, aws.ToString(m)).To(Equal(msg), "%s message", shape)
	}
	switch shape {
	case ValidationException:
		var e *types.ValidationException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.ValidationException, got %T", err)
		message(e.Message)
	case AccessDeniedException:
		var e *types.AccessDeniedException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.AccessDeniedException, got %T", err)
		message(e.Message)
	case ResourceNotFoundException:
		var e *types.ResourceNotFoundException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.ResourceNotFoundException, got %T", err)
		message(e.Message)
		ExpectWithOffset(1, aws.ToString(e.ResourceId)).To(Equal(src), "resourceId")
		ExpectWithOffset(1, e.ResourceType).To(Equal(types.ResourceTypeIdentitySource), "resourceType")
	case ThrottlingException:
		var e *types.ThrottlingException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.ThrottlingException, got %T", err)
		message(e.Message)
		ExpectWithOffset(1, aws.ToString(e.ServiceCode)).To(Equal(injectedServiceCode), "serviceCode")
		ExpectWithOffset(1, aws.ToString(e.QuotaCode)).To(Equal(injectedQuotaCode), "quotaCode")
	case InternalServerException:
		var e *types.InternalServerException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.InternalServerException, got %T", err)
		message(e.Message)
	case ConflictException:
		var e *types.ConflictException
		ExpectWithOffset(1, errors.As(err, &e)).To(BeTrue(), "want *types.ConflictException, got %T", err)
		message(e.Message)
		var named []string
		for _, r := range e.Resources {
			named = append(named, string(r.ResourceType)+" "+aws.ToString(r.ResourceId))
		}
		ExpectWithOffset(1, named).To(ContainElement(string(types.ResourceTypeIdentitySource)+" "+src), "resources")
	}
}

// deniedScenario calls op with credentials the target denies.
func deniedScenario(op string) Scenario {
	action := "verifiedpermissions:" + op
	return Scenario{
		ID:          op + "/Auth/AccessDenied",
		Description: op + " MUST refuse a caller whose credentials lack permission for " + action + " with AccessDeniedException (403).",
		Operation:   op, Kind: Negative, Evidence: EvidenceModel, Needs: []Capability{DeniedCredentials},
		Run: func(ctx context.Context, s *Session) {
			if s.DeniedClient == nil {
				failWith("", fmt.Sprintf("target setup: the target declares %s but has no DeniedAWSConfig", DeniedCredentials))
			}
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			err := s.callOp(ctx, s.DeniedClient, op, store, src)
			s.ExpectError(err, AccessDeniedException)
		},
	}
}

// authScenario sends a valid op request signed with the credentials sign
// derives from the target's (nil: unsigned) and expects a 4xx naming shape.
func authScenario(op, name, what, shape string, sign func(aws.Credentials) *aws.Credentials) Scenario {
	return Scenario{
		ID:          op + "/Auth/" + name,
		Description: op + " MUST refuse " + what + " with an HTTP 4xx error naming an error shape (any: the model declares none for it) and, advisory, " + shape + ".",
		Operation:   op, Kind: Negative, Evidence: EvidenceModel, Needs: []Capability{DeniedCredentials},
		Run: func(ctx context.Context, s *Session) {
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			body := map[string]any{"policyStoreId": store, "identitySourceId": src}
			if op == opUpdate {
				f := s.Fixtures()
				body["updateConfiguration"] = map[string]any{"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": f.UserPoolArn, "clientIds": f.ClientIds[:1]}}
			}
			creds, err := s.Target.AWSConfig.Credentials.Retrieve(ctx)
			if err != nil {
				failWith("", fmt.Sprintf("target setup: retrieve the target's credentials: %v", err))
			}
			r, err := s.SendRawAs(ctx, op, body, sign(creds))
			if err != nil {
				failWith(fmt.Sprintf("%s gets no answer: %s", op, transportReason(err)), fmt.Sprintf("raw %s request: expected an answer, got none: %v", op, err))
			}
			s.markProtocolError()
			s.expectRefusal(r, what, 400, 499)
			s.Advisory(r.ErrorShape() == shape, "the answer to %s: expected %s, got %s", what, shape, shapeOrNone(r.ErrorShape()))
		},
	}
}

// retryScenario injects one retryable error into op and expects the SDK's
// default retryer to survive it: the call succeeds, and the recorded
// exchanges show the failed attempt, then the success.
func retryScenario(op, shape string, status int) Scenario {
	return Scenario{
		ID:          op + "/Retry/" + strings.TrimSuffix(shape, "Exception") + "Survived",
		Description: fmt.Sprintf("%s MUST answer a single injected %s so that the SDK's default retryer retries and the call succeeds on the second attempt.", op, shape),
		Operation:   op, Kind: Fault, Evidence: EvidenceModel, Needs: []Capability{FaultInjection},
		Run: func(ctx context.Context, s *Session) {
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			s.MustInjectFault(ctx, InjectedFault{Operation: op, Error: shape, Count: 1})
			before := len(s.Exchanges())
			err := s.callOp(ctx, s.Client, op, store, src, defaultRetryer)
			s.mustSucceed(err, op, fmt.Sprintf("%s after one injected %s, with the SDK's default retries", op, shape))
			var attempts []string
			for _, x := range s.Exchanges()[before:] {
				if x.Operation == op {
					attempts = append(attempts, fmt.Sprintf("%d %s", x.Status, errorShapeOf(x.Status, x.Header, x.ResponseBody)))
				}
			}
			expectEqual(attempts, []string{fmt.Sprintf("%d %s", status, shape), "200 "}, "the attempts of %s: the failed one, then the success", op)
		},
	}
}

// errorShapeOf names the error shape of a recorded answer, "" for success.
func errorShapeOf(status int, header http.Header, body []byte) string {
	if status < 300 {
		return ""
	}
	var typeInBody string
	if m, err := decodeJSONObject(body); err == nil {
		typeInBody, _ = m["__type"].(string)
	}
	r := &RawResponse{Header: header, JSON: map[string]any{"__type": typeInBody}}
	return r.ErrorShape()
}
