package specs

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
)

// updateCognitoScenarios are the UpdateIdentitySource scenarios of Cognito
// configurations: client ids replaced, user pool changed, group
// configuration added and dropped.
func updateCognitoScenarios() []Scenario {
	return []Scenario{
		happy("UpdateIdentitySource/Cognito/ReplaceClientIds", EvidenceObserved,
			"UpdateIdentitySource MUST replace a Cognito configuration's client ids with the list given, not merge the lists.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				want := f.ClientIds[len(f.ClientIds)-1:]
				s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, want, ""), nil, withClientIds(want))
			}),
		happy("UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows", EvidenceObserved,
			"UpdateIdentitySource MUST change a Cognito configuration's user pool, and GetIdentitySource MUST then derive the issuer (and, advisory, the details) from the new user pool ARN.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil)
				out := s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.SecondUserPoolArn, f.ClientIds[:1], ""), nil, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return aws.ToString(c.UserPoolArn) == f.SecondUserPoolArn
				}))
				c, _ := cognitoDetail(out)
				expectEqual(aws.ToString(c.Issuer), cognitoIssuer(f.SecondUserPoolArn), "issuer follows the new user pool")
				var detailsArn string
				if out.Details != nil {
					detailsArn = aws.ToString(out.Details.UserPoolArn)
				}
				s.advisory(detailsArn == f.SecondUserPoolArn,
					"details.userPoolArn follows the new user pool: expected %s, got %q", f.SecondUserPoolArn, detailsArn)
				var discoveryURL string
				if out.Details != nil {
					discoveryURL = aws.ToString(out.Details.DiscoveryUrl)
				}
				s.advisory(slices.Contains(discoveryURLs(f.SecondUserPoolArn), discoveryURL),
					"details.discoveryUrl follows the new user pool: expected one of %s, got %q", jsonText(discoveryURLs(f.SecondUserPoolArn)), discoveryURL)
			}),
		happy("UpdateIdentitySource/Cognito/AddGroupConfiguration", EvidenceObserved,
			"UpdateIdentitySource MUST add a group configuration to a Cognito configuration that had none.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil)
				s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return c.GroupConfiguration != nil && aws.ToString(c.GroupConfiguration.GroupEntityType) == "MyCorp::UserGroup"
				}))
			}),
		happy("UpdateIdentitySource/Cognito/DropGroupConfiguration", EvidenceObserved,
			"UpdateIdentitySource MUST replace the whole configuration, so an update without groupConfiguration MUST drop the group configuration the source had.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil)
				s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil, withClientIds(f.ClientIds[:2]))
				expectAbsent(s.lastResponse(opGet), "configuration.cognitoUserPoolConfiguration.groupConfiguration", "the update left it out")
			}),
		happy("UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList", EvidenceObserved,
			"UpdateIdentitySource MUST leave a Cognito configuration with an empty client id list when the update leaves clientIds out.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, nil, ""), nil, withClientIds(nil))
				expectEmptyList(s.lastResponse(opGet), "configuration.cognitoUserPoolConfiguration.clientIds")
			}),
	}
}
