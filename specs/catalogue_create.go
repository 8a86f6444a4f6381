package specs

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/gomega"
)

const opCreate = "CreateIdentitySource"

// createCognitoInput is a CreateIdentitySource input, with clientToken, for
// a Cognito configuration of the fixtures' first user pool and clientIds.
func createCognitoInput(f Fixtures, clientToken, policyStoreID string, clientIds []string) *verifiedpermissions.CreateIdentitySourceInput {
	return &verifiedpermissions.CreateIdentitySourceInput{
		ClientToken:   aws.String(clientToken),
		PolicyStoreId: aws.String(policyStoreID),
		Configuration: cognitoConfiguration(f.UserPoolArn, clientIds, ""),
	}
}

// deleteIfCreated has DeferCleanup delete the identity source a create
// that was meant to be refused made all the same.
func (s *session) deleteIfCreated(policyStoreID string, out *verifiedpermissions.CreateIdentitySourceOutput) {
	if out != nil && aws.ToString(out.IdentitySourceId) != "" {
		s.deferDeleteIdentitySource(policyStoreID, *out.IdentitySourceId)
	}
}

func createIdentitySourceScenarios() []Scenario {
	return []Scenario{
		happy("CreateIdentitySource/ClientToken/SameInputSameResult", EvidenceDocs,
			"CreateIdentitySource MUST answer a repeated request with the same clientToken and the same input with the same identitySourceId and createdDate, creating a single identity source.",
			func(ctx context.Context, s *session, f Fixtures) {
				store := s.mustCreatePolicyStore(ctx)
				in := createCognitoInput(f, s.clientToken(), store, f.ClientIds[:1])
				first := s.mustCreateIdentitySourceWith(ctx, in)
				second, err := s.client.CreateIdentitySource(ctx, in)
				s.mustSucceed(err, opCreate, "the repeated CreateIdentitySource")
				if aws.ToString(second.IdentitySourceId) != first.id {
					s.deleteIfCreated(store, second)
				}
				expectEqual(aws.ToString(second.IdentitySourceId), first.id, "identitySourceId of the repeated create")
				Expect(second.CreatedDate).NotTo(BeNil(), "createdDate of the repeated create")
				expectSameTime(*second.CreatedDate, *first.out.CreatedDate, "createdDate of the repeated create")
				list := s.awaitIdentitySources(ctx, store, first.id)
				expectEqual(identitySourceIDs(list), []string{first.id}, "ListIdentitySources lists a single identity source")
			}),
		negative("CreateIdentitySource/ClientToken/OtherInputConflict", EvidenceDocs,
			"CreateIdentitySource MUST refuse a clientToken already used with other input with ConflictException (409) carrying resources and, advisory, naming the identity source the token created.",
			func(ctx context.Context, s *session, f Fixtures) {
				store := s.mustCreatePolicyStore(ctx)
				token := s.clientToken()
				first := s.mustCreateIdentitySourceWith(ctx, createCognitoInput(f, token, store, f.ClientIds[:1]))
				s.awaitIdentitySource(ctx, store, first.id, nil)
				out, err := s.client.CreateIdentitySource(ctx, createCognitoInput(f, token, store, f.ClientIds[1:2]))
				s.deleteIfCreated(store, out)
				s.expectError(err, conflictException)
				var ce *types.ConflictException
				Expect(errors.As(err, &ce)).To(BeTrue(), "want *types.ConflictException, got %T", err)
				if body := s.lastResponse(opCreate); body["resources"] == nil {
					failWith("CreateIdentitySource answers ConflictException without resources",
						"ConflictException: expected its required member resources, got a body without it: "+jsonText(body))
				}
				var named []string
				for _, r := range ce.Resources {
					named = append(named, string(r.ResourceType)+" "+aws.ToString(r.ResourceId))
				}
				want := string(types.ResourceTypeIdentitySource) + " " + first.id
				s.advisory(slices.Contains(named, want),
					"ConflictException.resources: expected the identity source the clientToken created, %s, got %s", want, jsonText(named))
			}),
		negative("CreateIdentitySource/Quota/SecondIdentitySource", EvidenceDocs,
			"CreateIdentitySource MUST refuse a second identity source in a policy store with an HTTP 4xx error and, advisory, ServiceQuotaExceededException (402) naming resourceType IDENTITY_SOURCE.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				out, err := s.client.CreateIdentitySource(ctx, createCognitoInput(f, s.clientToken(), store, f.ClientIds[1:2]))
				if err == nil {
					s.deleteIfCreated(store, out)
					failWith("CreateIdentitySource accepts a second identity source in a policy store",
						"a second CreateIdentitySource in one policy store: expected an HTTP 4xx refusal, got HTTP 200 creating identity source "+aws.ToString(out.IdentitySourceId))
				}
				x, _ := s.lastExchange(opCreate)
				s.expectRefusal(rawResponseOf(x), "a second identity source in the policy store", 400, 499)
				shape := errorShapeOf(x.Status, x.Header, x.ResponseBody)
				s.advisory(shape == serviceQuotaExceededException, "the refusal of a second identity source: expected %s, got %s", serviceQuotaExceededException, shapeOrNone(shape))
				var q *types.ServiceQuotaExceededException
				if errors.As(err, &q) {
					s.expectWireError(serviceQuotaExceededException)
					s.advisory(q.ResourceType == types.ResourceTypeIdentitySource,
						"ServiceQuotaExceededException.resourceType: expected %s, got %q", types.ResourceTypeIdentitySource, q.ResourceType)
				}
				list := s.awaitIdentitySources(ctx, store, src)
				expectEqual(identitySourceIDs(list), []string{src}, "ListIdentitySources lists only the first identity source")
			}),
	}
}
