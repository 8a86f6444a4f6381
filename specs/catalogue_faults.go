package specs

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/vpconform/vpconform/schemas"
)

// Injected ThrottlingException members.
const (
	injectedServiceCode = "verifiedpermissions"
	injectedQuotaCode   = "L-VPCONFORM1"
)

// oneAttempt is the per-call option that turns the SDK's retries off, so an
// injected retryable error surfaces.
func oneAttempt(o *verifiedpermissions.Options) { o.RetryMaxAttempts = 1 }

// opCall is how the scenarios made from the registry send one valid
// request of an operation, for the identity source src of the policy store
// store.
type opCall struct {
	// send sends it through client (the session's, or its denied one).
	send func(ctx context.Context, client *verifiedpermissions.Client, f Fixtures, store, src string, opts ...func(*verifiedpermissions.Options)) error
	// raw is the same request as a JSON body, for the signature scenarios.
	raw func(f Fixtures, store, src string) map[string]any
}

// opCalls holds the call of every operation the registry marks as a
// subject: each needs its entry here (see registryScenarios).
var opCalls = map[string]opCall{
	opGet: {
		send: func(ctx context.Context, client *verifiedpermissions.Client, _ Fixtures, store, src string, opts ...func(*verifiedpermissions.Options)) error {
			_, err := client.GetIdentitySource(ctx, getInput(store, src), opts...)
			return err
		},
		raw: func(_ Fixtures, store, src string) map[string]any {
			return map[string]any{"policyStoreId": store, "identitySourceId": src}
		},
	},
	opUpdate: {
		send: func(ctx context.Context, client *verifiedpermissions.Client, f Fixtures, store, src string, opts ...func(*verifiedpermissions.Options)) error {
			_, err := client.UpdateIdentitySource(ctx, updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil), opts...)
			return err
		},
		raw: func(f Fixtures, store, src string) map[string]any {
			return map[string]any{"policyStoreId": store, "identitySourceId": src, "updateConfiguration": map[string]any{
				"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": f.UserPoolArn, "clientIds": f.ClientIds[:1]},
			}}
		},
	},
}

// callOf returns the call of op, or an error naming op and where its call
// is to be added.
func callOf(op string) (opCall, error) {
	c, ok := opCalls[op]
	if !ok {
		return opCall{}, fmt.Errorf("specs has no call of %s for the scenarios made from the registry: add one to opCalls in specs/catalogue_faults.go", op)
	}
	return c, nil
}

// registryScenarios are the scenarios made from the registry for each
// operation reg marks as a subject: those of a policy store and of an
// identity source that do not exist, when it declares
// ResourceNotFoundException and names them; one injected-error scenario per
// error it declares; the AccessDenied one, when it declares
// AccessDeniedException; the three signature ones; and one retry scenario
// for each of ThrottlingException and InternalServerException it declares.
func registryScenarios(reg *schemas.Registry) []Scenario {
	var out []Scenario
	for _, op := range reg.Subjects() {
		facts, _ := reg.Facts(op)
		if facts.Declares(resourceNotFoundException) {
			if slices.Contains(facts.IDMembers, "policyStoreId") {
				out = append(out, unknownPolicyStoreScenario(op))
			}
			if slices.Contains(facts.IDMembers, "identitySourceId") {
				out = append(out, unknownIdentitySourceScenario(op))
			}
		}
		for _, shape := range facts.Errors {
			out = append(out, injectedErrorScenario(op, shape))
		}
		if facts.Declares(accessDeniedException) {
			out = append(out, deniedScenario(op))
		}
		out = append(out,
			authScenario(op, "Unsigned", "an unsigned request (no Authorization header)", missingAuthenticationTokenException,
				func(aws.Credentials) *aws.Credentials { return nil }),
			authScenario(op, "UnknownAccessKey", "a request signed with an access key it does not know", unrecognizedClientException,
				func(aws.Credentials) *aws.Credentials {
					return &aws.Credentials{AccessKeyID: "AKIDVPCONFORMUNKNOWN", SecretAccessKey: "vpconform-unknown-secret", Source: "vpconform"}
				}),
			authScenario(op, "WrongSecret", "a request signed with a known access key and the wrong secret", invalidSignatureException,
				func(c aws.Credentials) *aws.Credentials {
					return &aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey + "-wrong", SessionToken: c.SessionToken, Source: "vpconform"}
				}),
		)
		for _, shape := range []string{throttlingException, internalServerException} {
			if facts.Declares(shape) {
				out = append(out, retryScenario(op, shape))
			}
		}
	}
	return out
}

// callScenario declares a scenario of op made from the registry: its run
// resolves op's call first, so that an operation without one fails at
// once, before it sends anything.
func callScenario(kind Kind, id, op, description string, needs []Capability, run func(ctx context.Context, s *session, call opCall)) Scenario {
	return Scenario{
		ID: id, Description: description, Operation: op, Kind: kind, Evidence: EvidenceModel, Needs: needs,
		run: func(ctx context.Context, s *session) {
			call, err := callOf(op)
			if err != nil {
				failWith("", "scenario bug: "+err.Error())
			}
			run(ctx, s, call)
		},
	}
}

// faultScenario is callScenario needing a capability, run on a policy
// store with a Cognito identity source set up.
func faultScenario(kind Kind, id, op, description string, needs Capability, run func(ctx context.Context, s *session, call opCall, store, src string)) Scenario {
	return callScenario(kind, id, op, description, []Capability{needs}, func(ctx context.Context, s *session, call opCall) {
		store, src := s.setUpCognitoSource(ctx)
		run(ctx, s, call, store, src)
	})
}

// unknownPolicyStoreScenario calls op for a policy store that does not
// exist.
func unknownPolicyStoreScenario(op string) Scenario {
	return callScenario(KindNegative, op+"/NotFound/UnknownPolicyStore", op,
		op+" MUST fail with ResourceNotFoundException (404) and, advisory, resourceType POLICY_STORE and resourceId the store asked, for a policy store that does not exist.",
		nil, func(ctx context.Context, s *session, call opCall) {
			missing := s.unknownID()
			err := call.send(ctx, s.client, s.fixtures(), missing, s.unknownID())
			s.expectResourceNotFound(err, types.ResourceTypePolicyStore, missing)
		})
}

// unknownIdentitySourceScenario calls op for an identity source that an
// existing policy store does not have.
func unknownIdentitySourceScenario(op string) Scenario {
	return callScenario(KindNegative, op+"/NotFound/UnknownIdentitySource", op,
		op+" MUST fail with ResourceNotFoundException (404) and, advisory, resourceType IDENTITY_SOURCE and resourceId the id asked, for an identity source the policy store does not have.",
		nil, func(ctx context.Context, s *session, call opCall) {
			store := s.mustCreatePolicyStore(ctx)
			s.awaitPolicyStore(ctx, store)
			missing := s.unknownID()
			err := call.send(ctx, s.client, s.fixtures(), store, missing)
			s.expectResourceNotFound(err, types.ResourceTypeIdentitySource, missing)
		})
}

// injectedErrorScenario injects one shape into op and expects the SDK's
// typed error with the injected members, and the shape's status on the wire.
func injectedErrorScenario(op, shape string) Scenario {
	what := "its message"
	switch shape {
	case throttlingException:
		what = "its message, serviceCode and quotaCode"
	case conflictException:
		what = "its message and resources naming the identity source"
	case resourceNotFoundException:
		what = "its message, resourceId and resourceType"
	}
	status, _ := schemas.ErrorStatus(shape)
	return faultScenario(KindFault, op+"/Fault/"+shape, op,
		fmt.Sprintf("%s MUST answer an injected %s with HTTP %d naming %s, which the SDK surfaces, retries off, as *types.%s with %s.", op, shape, status, shape, shape, what),
		FaultInjection, func(ctx context.Context, s *session, call opCall, store, src string) {
			msg := "vpconform injected " + shape + " " + s.uniqueName("fault")
			f := InjectedFault{Operation: op, Error: shape, Count: 1, Message: msg}
			switch shape {
			case throttlingException:
				f.ServiceCode, f.QuotaCode = injectedServiceCode, injectedQuotaCode
			case conflictException, resourceNotFoundException:
				f.Resources = []FaultResource{{ResourceID: src, ResourceType: string(types.ResourceTypeIdentitySource)}}
			}
			s.mustInjectFault(ctx, f)
			err := call.send(ctx, s.client, s.fixtures(), store, src, oneAttempt)
			s.expectError(err, shape)
			expectInjectedError(err, shape, msg, src)
		})
}

// deniedScenario calls op with credentials the target denies.
func deniedScenario(op string) Scenario {
	action := "verifiedpermissions:" + op
	sc := faultScenario(KindNegative, op+"/Auth/AccessDenied", op,
		op+" MUST refuse a caller whose credentials lack permission for "+action+" with AccessDeniedException (403).",
		DeniedCredentials, func(ctx context.Context, s *session, call opCall, store, src string) {
			err := call.send(ctx, s.deniedClient, s.fixtures(), store, src)
			s.expectError(err, accessDeniedException)
		})
	setUpAndRun := sc.run
	sc.run = func(ctx context.Context, s *session) {
		if s.deniedClient == nil {
			failWith("", fmt.Sprintf("target setup: the target declares %s but has no DeniedAWSConfig", DeniedCredentials))
		}
		setUpAndRun(ctx, s)
	}
	return sc
}

// authScenario sends a valid op request signed with the credentials sign
// derives from the target's (nil: unsigned) and expects a 4xx naming shape.
func authScenario(op, name, what, shape string, sign func(aws.Credentials) *aws.Credentials) Scenario {
	return faultScenario(KindNegative, op+"/Auth/"+name, op,
		op+" MUST refuse "+what+" with an HTTP 4xx error naming an error shape (any: the model declares none for it) and, advisory, "+shape+".",
		DeniedCredentials, func(ctx context.Context, s *session, call opCall, store, src string) {
			creds, err := s.target.AWSConfig.Credentials.Retrieve(ctx)
			if err != nil {
				failWith("", fmt.Sprintf("target setup: retrieve the target's credentials: %v", err))
			}
			r, err := s.sendRawAs(ctx, op, call.raw(s.fixtures(), store, src), sign(creds))
			if err != nil {
				failWith(fmt.Sprintf("%s gets no answer: %s", op, transportReason(err)), fmt.Sprintf("raw %s request: expected an answer, got none: %v", op, err))
			}
			s.markProtocolError()
			s.expectRefusal(r, what, 400, 499)
			s.advisory(r.errorShape() == shape, "the answer to %s: expected %s, got %s", what, shape, shapeOrNone(r.errorShape()))
		})
}

// retryScenario injects one retryable error into op and expects the SDK's
// default retryer to survive it: the call succeeds, and the recorded
// exchanges show the failed attempt, then the success.
func retryScenario(op, shape string) Scenario {
	status, _ := schemas.ErrorStatus(shape)
	return faultScenario(KindFault, op+"/Retry/"+strings.TrimSuffix(shape, "Exception")+"Survived", op,
		fmt.Sprintf("%s MUST answer a single injected %s so that the SDK's default retryer retries and the call succeeds on the second attempt.", op, shape),
		FaultInjection, func(ctx context.Context, s *session, call opCall, store, src string) {
			s.mustInjectFault(ctx, InjectedFault{Operation: op, Error: shape, Count: 1})
			before := len(s.exchanges())
			err := call.send(ctx, s.client, s.fixtures(), store, src, defaultRetryer)
			s.mustSucceed(err, op, fmt.Sprintf("%s after one injected %s, with the SDK's default retries", op, shape))
			var attempts []string
			for _, x := range s.exchanges()[before:] {
				if x.Operation == op {
					attempts = append(attempts, fmt.Sprintf("%d %s", x.Status, errorShapeOf(x.Status, x.Header, x.ResponseBody)))
				}
			}
			expectEqual(attempts, []string{fmt.Sprintf("%d %s", status, shape), "200 "}, "the attempts of %s: the failed one, then the success", op)
		})
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
	r := &rawResponse{Header: header, JSON: map[string]any{"__type": typeInBody}}
	return r.errorShape()
}
