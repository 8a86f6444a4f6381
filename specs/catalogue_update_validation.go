package specs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
)

// updateValidationScenarios are the UpdateIdentitySource scenarios of
// requests breaking its input schema, besides the generated ones
// (generated.go): each expects a ValidationException naming the member.
func updateValidationScenarios() []Scenario {
	return []Scenario{
		rawUpdateInvalid("BothUnionMembers", "both cognitoUserPoolConfiguration and openIdConnectConfiguration are set in updateConfiguration", "updateConfiguration",
			func(f Fixtures) map[string]any {
				return map[string]any{
					"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": f.UserPoolArn},
					"openIdConnectConfiguration": map[string]any{"issuer": f.OIDCIssuer, "tokenSelection": map[string]any{
						"identityTokenOnly": map[string]any{"clientIds": f.ClientIds[:1]},
					}},
				}
			}),
		rawUpdateInvalid("NoUnionMember", "updateConfiguration is an empty object", "updateConfiguration",
			func(Fixtures) map[string]any { return map[string]any{} }),
		rawUpdateInvalid("MissingUpdateConfiguration", "the request leaves out the required updateConfiguration", "updateConfiguration",
			func(Fixtures) map[string]any { return nil }),
		rawUpdateInvalid("MissingTokenSelection", "an openIdConnectConfiguration leaves out the required tokenSelection", "updateConfiguration.openIdConnectConfiguration.tokenSelection",
			func(f Fixtures) map[string]any {
				return map[string]any{"openIdConnectConfiguration": map[string]any{"issuer": f.OIDCIssuer}}
			}),
		sdkUpdateInvalid("MalformedUserPoolArn", "the user pool ARN does not match the UserPoolArn pattern", "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn",
			func(f Fixtures) types.UpdateConfiguration {
				return updateCognitoConfiguration("arn:aws:cognito-idp:us-east-1:123456789012:userpool/not-a-pool-id", f.ClientIds[:1], "")
			}),
		sdkUpdateInvalid("IssuerNotHTTPS", "the OpenID Connect issuer is not an https URL", "updateConfiguration.openIdConnectConfiguration.issuer",
			func(f Fixtures) types.UpdateConfiguration {
				return updateOIDCConfiguration("http://"+strings.TrimPrefix(f.OIDCIssuer, "https://"),
					&types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{ClientIds: f.ClientIds[:1]}})
			}),
		sdkUpdateInvalid("EmptyAudiences", "an accessTokenOnly token selection has an empty audiences list", "updateConfiguration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.audiences",
			func(f Fixtures) types.UpdateConfiguration {
				return updateOIDCConfiguration(f.OIDCIssuer,
					&types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.UpdateOpenIdConnectAccessTokenConfiguration{Audiences: []string{}}})
			}),
		sdkUpdateInvalid("TooManyClientIds", "a Cognito configuration has 1001 client ids", "updateConfiguration.cognitoUserPoolConfiguration.clientIds",
			func(f Fixtures) types.UpdateConfiguration {
				return updateCognitoConfiguration(f.UserPoolArn, manyClientIDs(1001), "")
			}),
		negative("UpdateIdentitySource/Validation/PolicyStoreIdBadCharacters", EvidenceModel,
			"UpdateIdentitySource MUST fail with ValidationException (400) when policyStoreId has a character outside its pattern (a space, \"!\"); its fieldList should name it (advisory).",
			func(ctx context.Context, s *session, f Fixtures) {
				_, err := s.client.UpdateIdentitySource(ctx, updateInput("bad store!id", s.unknownID(), updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.expectValidationError(err, "policyStoreId")
			}),
		negative("UpdateIdentitySource/Validation/IdentitySourceIdTooLong", EvidenceModel,
			"UpdateIdentitySource MUST fail with ValidationException (400) when identitySourceId is 201 characters long; its fieldList should name it (advisory).",
			func(ctx context.Context, s *session, f Fixtures) {
				store := s.mustCreatePolicyStore(ctx)
				_, err := s.client.UpdateIdentitySource(ctx, updateInput(store, strings.Repeat("a", 201), updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.expectValidationError(err, "identitySourceId")
			}),
		negative("UpdateIdentitySource/Validation/UnknownMember", EvidenceInferred,
			"UpdateIdentitySource MUST, advisory, refuse a request with a member the model does not define with ValidationException (400) naming it.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				r := s.mustSendRaw(ctx, opUpdate, map[string]any{
					"policyStoreId": store, "identitySourceId": src,
					"updateConfiguration": map[string]any{"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": f.UserPoolArn}},
					unknownMember:         true,
				})
				s.markDeliberate()
				s.markProtocolError()
				s.expectUnknownMemberRefused(r, unknownMember)
			}),
		negative("UpdateIdentitySource/Validation/MalformedBody", EvidenceModel,
			"UpdateIdentitySource MUST refuse a body that is not JSON with HTTP 400 naming an error shape (any: the model declares none for it) and, advisory, SerializationException.",
			func(ctx context.Context, s *session, f Fixtures) {
				r := s.mustSendRaw(ctx, opUpdate, []byte(`{"policyStoreId": "`+s.unknownID()+`", "updateConfiguration": {`))
				s.markDeliberate()
				s.markProtocolError()
				s.expectRefusal(r, "a body that is not JSON", 400, 400)
				s.advisory(r.errorShape() == serializationException,
					"the answer to a body that is not JSON: expected SerializationException, got %s", shapeOrNone(r.errorShape()))
			}),
	}
}

// updateInvalid is the scenario of an UpdateIdentitySource request, for an
// existing identity source, that send makes invalid as what says, and whose
// refusal it checks: ValidationException naming path.
func updateInvalid(name, what, path string, send func(ctx context.Context, s *session, f Fixtures, store, src string)) Scenario {
	return negative("UpdateIdentitySource/Validation/"+name, EvidenceModel,
		"UpdateIdentitySource MUST fail with ValidationException (400) when "+what+"; its fieldList should name "+path+" (advisory).",
		func(ctx context.Context, s *session, f Fixtures) {
			store, src := s.setUpCognitoSource(ctx)
			send(ctx, s, f, store, src)
		})
}

// rawUpdateInvalid is updateInvalid sending a raw request whose
// updateConfiguration is the one built (left out when nil).
func rawUpdateInvalid(name, what, path string, updateConfiguration func(Fixtures) map[string]any) Scenario {
	return updateInvalid(name, what, path, func(ctx context.Context, s *session, f Fixtures, store, src string) {
		body := map[string]any{"policyStoreId": store, "identitySourceId": src}
		if cfg := updateConfiguration(f); cfg != nil {
			body["updateConfiguration"] = cfg
		}
		r := s.mustSendRaw(ctx, opUpdate, body)
		s.expectRawValidationError(r, path)
	})
}

// sdkUpdateInvalid is updateInvalid calling UpdateIdentitySource through
// the SDK with the invalid configuration built.
func sdkUpdateInvalid(name, what, path string, updateConfiguration func(Fixtures) types.UpdateConfiguration) Scenario {
	return updateInvalid(name, what, path, func(ctx context.Context, s *session, f Fixtures, store, src string) {
		_, err := s.client.UpdateIdentitySource(ctx, updateInput(store, src, updateConfiguration(f), nil))
		s.expectValidationError(err, path)
	})
}
