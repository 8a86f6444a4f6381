package specs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/gomega"
)

// updateOIDCScenarios are the UpdateIdentitySource scenarios of OpenID Connect
// configurations, and of switching a source between Cognito and OpenID
// Connect.
func updateOIDCScenarios() []Scenario {
	return []Scenario{
		happy("UpdateIdentitySource/Switch/CognitoToOIDC", EvidenceObserved,
			"UpdateIdentitySource MUST turn a Cognito identity source into an OpenID Connect one, leaving no Cognito configuration behind.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				out := s.updateAndAwait(ctx, store, src, &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
					Issuer:         aws.String(f.OIDCIssuer),
					EntityIdPrefix: aws.String("MyOIDCProvider"),
					TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.UpdateOpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp.example.com"}, PrincipalIdClaim: aws.String("email"),
					}},
				}}, aws.String("MyCorp::User"), withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					return aws.ToString(c.Issuer) == f.OIDCIssuer
				}))
				c, _ := oidcDetail(out)
				expectEqual(aws.ToString(c.EntityIdPrefix), "MyOIDCProvider", "entityIdPrefix")
				at := expectTokenSelection[*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly](c, "accessTokenOnly")
				Expect(at.Value.Audiences).To(ConsistOf("https://myapp.example.com"), "audiences")
				expectEqual(aws.ToString(at.Value.PrincipalIdClaim), "email", "principalIdClaim")
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				body := s.lastResponse(opGet)
				expectAbsent(body, "configuration.cognitoUserPoolConfiguration", "the source is OpenID Connect now")
				_, hasDetails := body["details"]
				s.advisory(!hasDetails, "details once the source is OpenID Connect: expected none (the shape is Cognito-only), got %s", jsonText(body["details"]))
			}),
		happy("UpdateIdentitySource/Switch/OIDCToCognito", EvidenceObserved,
			"UpdateIdentitySource MUST turn an OpenID Connect identity source into a Cognito one, leaving no OpenID Connect configuration behind.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpOIDCSource(ctx, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: f.ClientIds[:1],
				}})
				out := s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), aws.String("MyCorp::User"), withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return aws.ToString(c.UserPoolArn) == f.UserPoolArn
				}))
				c, _ := cognitoDetail(out)
				Expect(c.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "clientIds")
				expectEqual(aws.ToString(c.Issuer), cognitoIssuer(f.UserPoolArn), "issuer derived from the user pool")
				expectAbsent(s.lastResponse(opGet), "configuration.openIdConnectConfiguration", "the source is Cognito now")
			}),
		happy("UpdateIdentitySource/OIDC/AccessTokenToIdentityToken", EvidenceObserved,
			"UpdateIdentitySource MUST switch an OpenID Connect configuration from accessTokenOnly to identityTokenOnly token selection.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpOIDCSource(ctx, &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
					Audiences: []string{"https://myapp.example.com"},
				}})
				out := s.updateAndAwait(ctx, store, src, updateOIDCConfiguration(f.OIDCIssuer,
					&types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{
						ClientIds: f.ClientIds[:2], PrincipalIdClaim: aws.String("email"),
					}}), aws.String("MyCorp::User"), withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					_, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly)
					return ok
				}))
				c, _ := oidcDetail(out)
				it := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly)
				Expect(it.Value.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "identityTokenOnly.clientIds")
				expectEqual(aws.ToString(it.Value.PrincipalIdClaim), "email", "identityTokenOnly.principalIdClaim")
				expectAbsent(s.lastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.accessTokenOnly", "the update chose identityTokenOnly")
			}),
		happy("UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub", EvidenceObserved,
			"UpdateIdentitySource MUST set principalIdClaim to sub when the new token selection leaves it out, even if the source had another claim.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpOIDCSource(ctx, &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
					Audiences: []string{"https://myapp.example.com"}, PrincipalIdClaim: aws.String("email"),
				}})
				s.updateAndAwait(ctx, store, src, updateOIDCConfiguration(f.OIDCIssuer,
					&types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.UpdateOpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp2.example.com"},
					}}), aws.String("MyCorp::User"), withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					at, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly)
					return ok && sameSet(at.Value.Audiences, []string{"https://myapp2.example.com"})
				}))
				expectString(s.lastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.principalIdClaim", "sub")
			}),
	}
}
