package specs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
)

// getErrorScenarios are the GetIdentitySource scenarios that expect an
// error, besides those made from the registry (catalogue_faults.go): an
// identity source deleted, and requests breaking its input schema.
func getErrorScenarios() []Scenario {
	return []Scenario{
		negative("GetIdentitySource/NotFound/AfterDeleteIdentitySource", EvidenceModel,
			"GetIdentitySource MUST fail with ResourceNotFoundException (404) once the identity source has been deleted.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				_, err := s.client.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
					PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(src),
				})
				s.mustSucceed(err, "DeleteIdentitySource", "the deletion")
				err = s.awaitIdentitySourceGone(ctx, store, src)
				s.expectResourceNotFound(err, types.ResourceTypeIdentitySource, src)
			}),
		getInvalidID("PolicyStoreId/Empty", "policyStoreId", "empty", ""),
		getInvalidID("PolicyStoreId/TooLong", "policyStoreId", "201 characters long", strings.Repeat("a", 201)),
		getInvalidID("PolicyStoreId/BadCharacters", "policyStoreId", "has characters outside its pattern (a space, \"!\")", "bad store!id"),
		getInvalidID("IdentitySourceId/Empty", "identitySourceId", "empty", ""),
		getInvalidID("IdentitySourceId/TooLong", "identitySourceId", "201 characters long", strings.Repeat("a", 201)),
		getInvalidID("IdentitySourceId/BadCharacters", "identitySourceId", "has characters outside its pattern (\"_\", \"/\")", "bad_source/id"),
		negative("GetIdentitySource/Validation/MissingIdentitySourceId", EvidenceModel,
			"GetIdentitySource MUST fail with ValidationException (400) when the request leaves out the required member identitySourceId; its fieldList should name it (advisory).",
			func(ctx context.Context, s *session, f Fixtures) {
				store := s.mustCreatePolicyStore(ctx)
				r := s.mustSendRaw(ctx, opGet, map[string]any{"policyStoreId": store})
				s.expectRawValidationError(r, "identitySourceId")
			}),
	}
}

// getInvalidID is the scenario of a GetIdentitySource request whose member
// (policyStoreId or identitySourceId) is the invalid value; the other id is
// well formed, and for an invalid identitySourceId the policy store exists,
// so that the request breaks only that one constraint.
func getInvalidID(name, member, what, value string) Scenario {
	return negative("GetIdentitySource/Validation/"+name, EvidenceModel,
		"GetIdentitySource MUST fail with ValidationException (400) when "+member+" is "+what+"; its fieldList should name it (advisory).",
		func(ctx context.Context, s *session, f Fixtures) {
			var err error
			if member == "policyStoreId" {
				_, err = s.getIdentitySource(ctx, value, s.unknownID())
			} else {
				store := s.mustCreatePolicyStore(ctx)
				_, err = s.getIdentitySource(ctx, store, value)
			}
			s.expectValidationError(err, member)
		})
}
