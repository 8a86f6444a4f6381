package specs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/gomega"
)

// getOIDCScenarios are the GetIdentitySource scenarios of OpenID Connect
// identity sources: each token selection as created, the claims it defaults,
// the group configuration, and no Cognito details.
func getOIDCScenarios() []Scenario {
	return []Scenario{
		happy("GetIdentitySource/OIDC/AccessTokenOnly", EvidenceObserved,
			"GetIdentitySource MUST return an OpenID Connect configuration with accessTokenOnly token selection as created: issuer, entityIdPrefix, audiences and principalIdClaim.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
					Issuer:         aws.String(f.OIDCIssuer),
					EntityIdPrefix: aws.String("MyOIDCProvider"),
					TokenSelection: &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp.example.com", "https://myapp2.example.com"}, PrincipalIdClaim: aws.String("email"),
					}},
				}}, aws.String("MyCorp::User"))
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				c := expectDetail(oidcDetail, out)
				expectEqual(aws.ToString(c.Issuer), f.OIDCIssuer, "issuer")
				expectEqual(aws.ToString(c.EntityIdPrefix), "MyOIDCProvider", "entityIdPrefix")
				at := expectTokenSelection[*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly](c, "accessTokenOnly")
				Expect(at.Value.Audiences).To(ConsistOf("https://myapp.example.com", "https://myapp2.example.com"), "audiences")
				expectEqual(aws.ToString(at.Value.PrincipalIdClaim), "email", "principalIdClaim")
			}),
		happy("GetIdentitySource/OIDC/IdentityTokenOnly", EvidenceObserved,
			"GetIdentitySource MUST return an OpenID Connect configuration with identityTokenOnly token selection as created: client ids and principalIdClaim.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpOIDCSource(ctx, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: f.ClientIds[:2], PrincipalIdClaim: aws.String("cognito:username"),
				}})
				c := expectDetail(oidcDetail, s.awaitIdentitySource(ctx, store, src, nil))
				expectEqual(aws.ToString(c.Issuer), f.OIDCIssuer, "issuer")
				it := expectTokenSelection[*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly](c, "identityTokenOnly")
				Expect(it.Value.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "clientIds")
				expectEqual(aws.ToString(it.Value.PrincipalIdClaim), "cognito:username", "principalIdClaim")
			}),
		getPrincipalIdClaimDefault("accessTokenOnly", func(Fixtures) types.OpenIdConnectTokenSelection {
			return &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
				Audiences: []string{"https://myapp.example.com"},
			}}
		}),
		getPrincipalIdClaimDefault("identityTokenOnly", func(f Fixtures) types.OpenIdConnectTokenSelection {
			return &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
				ClientIds: f.ClientIds[:1],
			}}
		}),
		happy("GetIdentitySource/OIDC/GroupConfiguration", EvidenceObserved,
			"GetIdentitySource MUST return the groupClaim and groupEntityType an OpenID Connect identity source was created with.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
					Issuer:             aws.String(f.OIDCIssuer),
					GroupConfiguration: &types.OpenIdConnectGroupConfiguration{GroupClaim: aws.String("groups"), GroupEntityType: aws.String("MyCorp::UserGroup")},
					TokenSelection:     &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{ClientIds: f.ClientIds[:1]}},
				}}, aws.String("MyCorp::User"))
				c := expectDetail(oidcDetail, out)
				Expect(c.GroupConfiguration).NotTo(BeNil(), "groupConfiguration")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupClaim), "groups", "groupConfiguration.groupClaim")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupEntityType), "MyCorp::UserGroup", "groupConfiguration.groupEntityType")
			}),
		happy("GetIdentitySource/OIDC/NoDetails", EvidenceObserved,
			"GetIdentitySource MUST NOT return the Cognito-only deprecated details for an OpenID Connect identity source.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpOIDCSource(ctx, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: f.ClientIds[:1],
				}})
				expectDetail(oidcDetail, s.awaitIdentitySource(ctx, store, src, nil))
				_, has := s.lastResponse(opGet)["details"]
				s.advisory(!has, "details of an OpenID Connect identity source: expected none (the shape is Cognito-only), got %s", jsonText(s.lastResponse(opGet)["details"]))
			}),
	}
}

// getPrincipalIdClaimDefault is the scenario of an OpenID Connect identity
// source created with the token selection tokenSelection builds, named
// selection ("accessTokenOnly", "identityTokenOnly"), without a
// principalIdClaim: GetIdentitySource returns sub.
func getPrincipalIdClaimDefault(selection string, tokenSelection func(Fixtures) types.OpenIdConnectTokenSelection) Scenario {
	name := strings.ToUpper(selection[:1]) + strings.TrimSuffix(selection[1:], "Only")
	return happy("GetIdentitySource/OIDC/"+name+"PrincipalIdClaimDefaultsToSub", EvidenceObserved,
		"GetIdentitySource MUST return principalIdClaim sub for an "+selection+" configuration created without one.",
		func(ctx context.Context, s *session, f Fixtures) {
			store, src := s.setUpOIDCSource(ctx, tokenSelection(f))
			s.awaitIdentitySource(ctx, store, src, nil)
			expectString(s.lastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection."+selection+".principalIdClaim", "sub")
		})
}
