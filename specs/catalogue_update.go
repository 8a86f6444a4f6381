package specs

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const opUpdate = "UpdateIdentitySource"

// updateInput is an UpdateIdentitySource input for the identity source.
func updateInput(policyStoreID, identitySourceID string, cfg types.UpdateConfiguration, principalEntityType *string) *verifiedpermissions.UpdateIdentitySourceInput {
	return &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId:       aws.String(policyStoreID),
		IdentitySourceId:    aws.String(identitySourceID),
		UpdateConfiguration: cfg,
		PrincipalEntityType: principalEntityType,
	}
}

// updateOIDCConfiguration is an UpdateConfiguration for the fixtures' OIDC
// issuer with the given token selection.
func updateOIDCConfiguration(issuer string, tokenSelection types.UpdateOpenIdConnectTokenSelection) types.UpdateConfiguration {
	return &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
		Issuer: aws.String(issuer), TokenSelection: tokenSelection,
	}}
}

// withCognito returns a ready function accepting an output whose Cognito
// configuration satisfies match.
func withCognito(match func(types.CognitoUserPoolConfigurationDetail) bool) func(*verifiedpermissions.GetIdentitySourceOutput) error {
	return func(out *verifiedpermissions.GetIdentitySourceOutput) error {
		c, err := cognitoDetail(out)
		if err != nil {
			return err
		}
		if !match(c) {
			return fmt.Errorf("the cognito configuration not as updated: %s", describeCognito(c))
		}
		return nil
	}
}

// withOIDC returns a ready function accepting an output with an OpenID
// Connect configuration satisfying match.
func withOIDC(match func(types.OpenIdConnectConfigurationDetail) bool) func(*verifiedpermissions.GetIdentitySourceOutput) error {
	return func(out *verifiedpermissions.GetIdentitySourceOutput) error {
		c, err := oidcDetail(out)
		if err != nil {
			return err
		}
		if !match(c) {
			return fmt.Errorf("an openIdConnectConfiguration not as updated: %s", jsonText(c))
		}
		return nil
	}
}

func describeCognito(c types.CognitoUserPoolConfigurationDetail) string {
	g := "none"
	if c.GroupConfiguration != nil {
		g = aws.ToString(c.GroupConfiguration.GroupEntityType)
	}
	return fmt.Sprintf("{userPoolArn %s, clientIds %v, group %s}", aws.ToString(c.UserPoolArn), c.ClientIds, g)
}

// sameSet reports whether got and want hold the same strings in any order.
func sameSet(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// updateClientIdsLater creates a Cognito identity source, reads it, waits a
// little so that a clock with coarse ticks moves, updates its client ids and
// reads it again once the update shows. The wait is longer than the
// target's date precision (see dateTick), so that a target writing whole
// seconds shows the update as later too. It returns the first read, the
// update's output and the second read, for the date scenarios.
func updateClientIdsLater(ctx context.Context, s *Session) (before *verifiedpermissions.GetIdentitySourceOutput, out *verifiedpermissions.UpdateIdentitySourceOutput, after *verifiedpermissions.GetIdentitySourceOutput) {
	GinkgoHelper()
	f := s.Fixtures()
	store := s.MustCreatePolicyStore(ctx)
	src := s.MustCreateCognitoIdentitySource(ctx, store)
	before = s.AwaitIdentitySource(ctx, store, src, nil)
	time.Sleep(s.dateTick() + 20*time.Millisecond)
	out = s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:2], ""), nil))
	after = s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
		return sameSet(c.ClientIds, f.ClientIds[1:2])
	}))
	return before, out, after
}

func updateIdentitySourceScenarios() []Scenario {
	return []Scenario{
		{
			ID:          "UpdateIdentitySource/Cognito/ReplaceClientIds",
			Description: "UpdateIdentitySource MUST replace a Cognito configuration's client ids with the list given, not merge the lists.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				want := f.ClientIds[len(f.ClientIds)-1:]
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, want, ""), nil))
				s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return sameSet(c.ClientIds, want)
				}))
			},
		},
		{
			ID:          "UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
			Description: "UpdateIdentitySource MUST change a Cognito configuration's user pool, and GetIdentitySource MUST then derive the issuer (and, advisory, the details) from the new user pool ARN.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.SecondUserPoolArn, f.ClientIds[:1], ""), nil))
				out := s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return aws.ToString(c.UserPoolArn) == f.SecondUserPoolArn
				}))
				c, _ := cognitoDetail(out)
				expectEqual(aws.ToString(c.Issuer), CognitoIssuer(f.SecondUserPoolArn), "issuer follows the new user pool")
				var detailsArn string
				if out.Details != nil {
					detailsArn = aws.ToString(out.Details.UserPoolArn)
				}
				s.Advisory(detailsArn == f.SecondUserPoolArn,
					"details.userPoolArn follows the new user pool: expected %s, got %q", f.SecondUserPoolArn, detailsArn)
				var discoveryURL string
				if out.Details != nil {
					discoveryURL = aws.ToString(out.Details.DiscoveryUrl)
				}
				s.Advisory(slices.Contains(discoveryURLs(f.SecondUserPoolArn), discoveryURL),
					"details.discoveryUrl follows the new user pool: expected one of %s, got %q", jsonText(discoveryURLs(f.SecondUserPoolArn)), discoveryURL)
			},
		},
		{
			ID:          "UpdateIdentitySource/Cognito/AddGroupConfiguration",
			Description: "UpdateIdentitySource MUST add a group configuration to a Cognito configuration that had none.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil))
				s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return c.GroupConfiguration != nil && aws.ToString(c.GroupConfiguration.GroupEntityType) == "MyCorp::UserGroup"
				}))
			},
		},
		{
			ID:          "UpdateIdentitySource/Cognito/DropGroupConfiguration",
			Description: "UpdateIdentitySource MUST replace the whole configuration, so an update without groupConfiguration MUST drop the group configuration the source had.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil))
				s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return sameSet(c.ClientIds, f.ClientIds[:2])
				}))
				expectAbsent(s.LastResponse(opGet), "configuration.cognitoUserPoolConfiguration.groupConfiguration", "the update left it out")
			},
		},
		{
			ID:          "UpdateIdentitySource/Switch/CognitoToOIDC",
			Description: "UpdateIdentitySource MUST turn a Cognito identity source into an OpenID Connect one, leaving no Cognito configuration behind.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
					Issuer:         aws.String(f.OIDCIssuer),
					EntityIdPrefix: aws.String("MyOIDCProvider"),
					TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.UpdateOpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp.example.com"}, PrincipalIdClaim: aws.String("email"),
					}},
				}}, aws.String("MyCorp::User")))
				out := s.AwaitIdentitySource(ctx, store, src, withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					return aws.ToString(c.Issuer) == f.OIDCIssuer
				}))
				c, _ := oidcDetail(out)
				expectEqual(aws.ToString(c.EntityIdPrefix), "MyOIDCProvider", "entityIdPrefix")
				at, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly)
				if !ok {
					failWith("", fmt.Sprintf("tokenSelection: expected accessTokenOnly, got %s", jsonText(c.TokenSelection)))
				}
				Expect(at.Value.Audiences).To(ConsistOf("https://myapp.example.com"), "audiences")
				expectEqual(aws.ToString(at.Value.PrincipalIdClaim), "email", "principalIdClaim")
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				body := s.LastResponse(opGet)
				expectAbsent(body, "configuration.cognitoUserPoolConfiguration", "the source is OpenID Connect now")
				_, hasDetails := body["details"]
				s.Advisory(!hasDetails, "details once the source is OpenID Connect: expected none (the shape is Cognito-only), got %s", jsonText(body["details"]))
			},
		},
		{
			ID:          "UpdateIdentitySource/Switch/OIDCToCognito",
			Description: "UpdateIdentitySource MUST turn an OpenID Connect identity source into a Cognito one, leaving no OpenID Connect configuration behind.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: f.ClientIds[:1],
				}})
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), aws.String("MyCorp::User")))
				out := s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return aws.ToString(c.UserPoolArn) == f.UserPoolArn
				}))
				c, _ := cognitoDetail(out)
				Expect(c.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "clientIds")
				expectEqual(aws.ToString(c.Issuer), CognitoIssuer(f.UserPoolArn), "issuer derived from the user pool")
				expectAbsent(s.LastResponse(opGet), "configuration.openIdConnectConfiguration", "the source is Cognito now")
			},
		},
		{
			ID:          "UpdateIdentitySource/OIDC/AccessTokenToIdentityToken",
			Description: "UpdateIdentitySource MUST switch an OpenID Connect configuration from accessTokenOnly to identityTokenOnly token selection.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
					Audiences: []string{"https://myapp.example.com"},
				}})
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, updateOIDCConfiguration(f.OIDCIssuer,
					&types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{
						ClientIds: f.ClientIds[:2], PrincipalIdClaim: aws.String("email"),
					}}), aws.String("MyCorp::User")))
				out := s.AwaitIdentitySource(ctx, store, src, withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					_, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly)
					return ok
				}))
				c, _ := oidcDetail(out)
				it := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly)
				Expect(it.Value.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "identityTokenOnly.clientIds")
				expectEqual(aws.ToString(it.Value.PrincipalIdClaim), "email", "identityTokenOnly.principalIdClaim")
				expectAbsent(s.LastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.accessTokenOnly", "the update chose identityTokenOnly")
			},
		},
		{
			ID:          "UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
			Description: "UpdateIdentitySource MUST set principalIdClaim to sub when the new token selection leaves it out, even if the source had another claim.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
					Audiences: []string{"https://myapp.example.com"}, PrincipalIdClaim: aws.String("email"),
				}})
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, updateOIDCConfiguration(f.OIDCIssuer,
					&types.UpdateOpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.UpdateOpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp2.example.com"},
					}}), aws.String("MyCorp::User")))
				s.AwaitIdentitySource(ctx, store, src, withOIDC(func(c types.OpenIdConnectConfigurationDetail) bool {
					at, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly)
					return ok && sameSet(at.Value.Audiences, []string{"https://myapp2.example.com"})
				}))
				expectString(s.LastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.principalIdClaim", "sub")
			},
		},
		{
			ID:          "UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			Description: "UpdateIdentitySource MUST leave a Cognito configuration with an empty client id list when the update leaves clientIds out.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, nil, ""), nil))
				s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return len(c.ClientIds) == 0
				}))
				expectEmptyList(s.LastResponse(opGet), "configuration.cognitoUserPoolConfiguration.clientIds")
			},
		},
		{
			ID:          "UpdateIdentitySource/PrincipalEntityType/Given",
			Description: "UpdateIdentitySource MUST set the principal entity type given.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::User"))
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::Employee")))
				s.AwaitIdentitySource(ctx, store, src, func(out *verifiedpermissions.GetIdentitySourceOutput) error {
					if got := aws.ToString(out.PrincipalEntityType); got != "MyCorp::Employee" {
						return fmt.Errorf("principalEntityType: expected \"MyCorp::Employee\", got %q", got)
					}
					return nil
				})
			},
		},
		{
			ID:          "UpdateIdentitySource/PrincipalEntityType/Omitted",
			Description: "UpdateIdentitySource MUST, when principalEntityType is left out, keep a principal entity type, and advisory, reset it to AWS::Cognito.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::User"))
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:2], ""), nil))
				out := s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return sameSet(c.ClientIds, f.ClientIds[1:2])
				}))
				Expect(aws.ToString(out.PrincipalEntityType)).NotTo(BeEmpty(), "principalEntityType is required in the output")
				s.Advisory(aws.ToString(out.PrincipalEntityType) == "AWS::Cognito",
					"principalEntityType after an update that leaves it out: expected AWS::Cognito, got %q", aws.ToString(out.PrincipalEntityType))
			},
		},
		{
			ID:          "UpdateIdentitySource/Dates/CreatedDateKept",
			Description: "UpdateIdentitySource MUST keep the identity source's createdDate, in its output and in GetIdentitySource.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				before, out, after := updateClientIdsLater(ctx, s)
				Expect(out.CreatedDate).NotTo(BeNil(), "createdDate in the output")
				expectSameTime(*out.CreatedDate, *before.CreatedDate, "createdDate in the output of the update")
				expectSameTime(*after.CreatedDate, *before.CreatedDate, "createdDate after the update")
			},
		},
		{
			ID:          "UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
			Description: "UpdateIdentitySource MUST advance lastUpdatedDate past its previous value, in its output and in GetIdentitySource.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				before, out, after := updateClientIdsLater(ctx, s)
				Expect(out.LastUpdatedDate).NotTo(BeNil(), "lastUpdatedDate in the output")
				expectAfter(*out.LastUpdatedDate, *before.LastUpdatedDate, "lastUpdatedDate in the output of the update")
				expectAfter(*after.LastUpdatedDate, *before.LastUpdatedDate, "lastUpdatedDate after the update")
				expectAfter(*after.LastUpdatedDate, *after.CreatedDate, "lastUpdatedDate after the update, against createdDate")
			},
		},
		{
			ID:          "UpdateIdentitySource/Output/ExactlyFourMembers",
			Description: "UpdateIdentitySource MUST answer with exactly createdDate, identitySourceId, lastUpdatedDate and policyStoreId, naming the source updated, and no configuration.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				s.MustUpdateIdentitySource(ctx, updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], "MyCorp::UserGroup"), aws.String("MyCorp::User")))
				body := s.LastResponse(opUpdate)
				var keys []string
				for k := range body {
					keys = append(keys, k)
				}
				Expect(keys).To(ConsistOf("createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId"), "members of the UpdateIdentitySource answer: %v", body)
				expectEqual(body["policyStoreId"], store, "policyStoreId")
				expectEqual(body["identitySourceId"], src, "identitySourceId")
			},
		},
		{
			ID:          "UpdateIdentitySource/Idempotent/SameUpdateTwice",
			Description: "UpdateIdentitySource MUST succeed when the same update is sent twice, leaving the configuration as updated.",
			Operation:   opUpdate, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				in := updateInput(store, src, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:], ""), nil)
				first := s.MustUpdateIdentitySource(ctx, in)
				second := s.MustUpdateIdentitySource(ctx, in)
				expectEqual(aws.ToString(second.IdentitySourceId), aws.ToString(first.IdentitySourceId), "identitySourceId")
				s.AwaitIdentitySource(ctx, store, src, withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool {
					return sameSet(c.ClientIds, f.ClientIds[1:])
				}))
			},
		},
		{
			ID:          "UpdateIdentitySource/NotFound/UnknownIdentitySource",
			Description: "UpdateIdentitySource MUST fail with ResourceNotFoundException (404) and, advisory, resourceType IDENTITY_SOURCE and resourceId the id asked, for an identity source the policy store does not have.",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				s.AwaitPolicyStore(ctx, store)
				missing := s.unknownID()
				_, err := s.Client.UpdateIdentitySource(ctx, updateInput(store, missing, UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.ExpectResourceNotFound(err, types.ResourceTypeIdentitySource, missing)
			},
		},
		{
			ID:          "UpdateIdentitySource/NotFound/UnknownPolicyStore",
			Description: "UpdateIdentitySource MUST fail with ResourceNotFoundException (404) and, advisory, resourceType POLICY_STORE and resourceId the store asked, for a policy store that does not exist.",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				missing := s.unknownID()
				_, err := s.Client.UpdateIdentitySource(ctx, updateInput(missing, s.unknownID(), UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.ExpectResourceNotFound(err, types.ResourceTypePolicyStore, missing)
			},
		},
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
				return UpdateCognitoConfiguration("arn:aws:cognito-idp:us-east-1:123456789012:userpool/not-a-pool-id", f.ClientIds[:1], "")
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
				return UpdateCognitoConfiguration(f.UserPoolArn, manyClientIDs(1001), "")
			}),
		{
			ID:          "UpdateIdentitySource/Validation/PolicyStoreIdBadCharacters",
			Description: "UpdateIdentitySource MUST fail with ValidationException (400) when policyStoreId has a character outside its pattern (a space, \"!\"); its fieldList should name it (advisory).",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				_, err := s.Client.UpdateIdentitySource(ctx, updateInput("bad store!id", s.unknownID(), UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.ExpectValidationError(err, "policyStoreId")
			},
		},
		{
			ID:          "UpdateIdentitySource/Validation/IdentitySourceIdTooLong",
			Description: "UpdateIdentitySource MUST fail with ValidationException (400) when identitySourceId is 201 characters long; its fieldList should name it (advisory).",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				_, err := s.Client.UpdateIdentitySource(ctx, updateInput(store, strings.Repeat("a", 201), UpdateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil))
				s.ExpectValidationError(err, "identitySourceId")
			},
		},
		{
			ID:          "UpdateIdentitySource/Validation/UnknownMember",
			Description: "UpdateIdentitySource MUST, advisory, refuse a request with a member the model does not define with ValidationException (400) naming it.",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceInferred,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				r := s.MustSendRaw(ctx, opUpdate, map[string]any{
					"policyStoreId": store, "identitySourceId": src,
					"updateConfiguration": map[string]any{"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": f.UserPoolArn}},
					UnknownMember:         true,
				})
				s.markDeliberate()
				s.markProtocolError()
				s.expectUnknownMemberRefused(r, UnknownMember)
			},
		},
		{
			ID:          "UpdateIdentitySource/Validation/MalformedBody",
			Description: "UpdateIdentitySource MUST refuse a body that is not JSON with HTTP 400 naming an error shape (any: the model declares none for it) and, advisory, SerializationException.",
			Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				r := s.MustSendRaw(ctx, opUpdate, []byte(`{"policyStoreId": "`+s.unknownID()+`", "updateConfiguration": {`))
				s.markDeliberate()
				s.markProtocolError()
				s.expectRefusal(r, "a body that is not JSON", 400, 400)
				s.Advisory(r.ErrorShape() == SerializationException,
					"the answer to a body that is not JSON: expected SerializationException, got %s", shapeOrNone(r.ErrorShape()))
			},
		},
	}
}

// rawUpdateInvalid is the scenario of a raw UpdateIdentitySource request,
// for an existing identity source, whose updateConfiguration is the one
// built (left out when nil), expecting ValidationException naming path.
func rawUpdateInvalid(name, what, path string, updateConfiguration func(Fixtures) map[string]any) Scenario {
	return Scenario{
		ID:          "UpdateIdentitySource/Validation/" + name,
		Description: "UpdateIdentitySource MUST fail with ValidationException (400) when " + what + "; its fieldList should name " + path + " (advisory).",
		Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
		Run: func(ctx context.Context, s *Session) {
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			body := map[string]any{"policyStoreId": store, "identitySourceId": src}
			if cfg := updateConfiguration(s.Fixtures()); cfg != nil {
				body["updateConfiguration"] = cfg
			}
			r := s.MustSendRaw(ctx, opUpdate, body)
			s.ExpectRawValidationError(r, path)
		},
	}
}

// sdkUpdateInvalid is the scenario of an UpdateIdentitySource call through
// the SDK, for an existing identity source, with the invalid configuration
// built, expecting ValidationException naming path.
func sdkUpdateInvalid(name, what, path string, updateConfiguration func(Fixtures) types.UpdateConfiguration) Scenario {
	return Scenario{
		ID:          "UpdateIdentitySource/Validation/" + name,
		Description: "UpdateIdentitySource MUST fail with ValidationException (400) when " + what + "; its fieldList should name " + path + " (advisory).",
		Operation:   opUpdate, Kind: Negative, Evidence: EvidenceModel,
		Run: func(ctx context.Context, s *Session) {
			store := s.MustCreatePolicyStore(ctx)
			src := s.MustCreateCognitoIdentitySource(ctx, store)
			_, err := s.Client.UpdateIdentitySource(ctx, updateInput(store, src, updateConfiguration(s.Fixtures()), nil))
			s.ExpectValidationError(err, path)
		},
	}
}
