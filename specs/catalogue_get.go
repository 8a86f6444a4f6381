package specs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const opGet = "GetIdentitySource"

// getIdentitySource calls GetIdentitySource once, without polling.
func (s *Session) getIdentitySource(ctx context.Context, policyStoreID, identitySourceID string) (*verifiedpermissions.GetIdentitySourceOutput, error) {
	return s.Client.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: aws.String(policyStoreID), IdentitySourceId: aws.String(identitySourceID),
	})
}

func getIdentitySourceScenarios() []Scenario {
	return []Scenario{
		{
			ID:          "GetIdentitySource/Cognito/AllMembers",
			Description: "GetIdentitySource MUST return the ids, both dates, the principal entity type and the Cognito configuration (user pool ARN, client ids, issuer) of the identity source.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				before := s.Target.now().Add(-time.Hour)
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), aws.String("MyCorp::User"))
				out := s.AwaitIdentitySource(ctx, store, src, nil)
				expectEqual(aws.ToString(out.PolicyStoreId), store, "policyStoreId")
				expectEqual(aws.ToString(out.IdentitySourceId), src, "identitySourceId")
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				Expect(out.CreatedDate).NotTo(BeNil(), "createdDate")
				Expect(out.LastUpdatedDate).NotTo(BeNil(), "lastUpdatedDate")
				expectAfter(*out.CreatedDate, before, "createdDate, recent")
				if out.LastUpdatedDate.Before(*out.CreatedDate) {
					failWith("", fmt.Sprintf("lastUpdatedDate: expected no earlier than createdDate %s, got %s", rfc3339(*out.CreatedDate), rfc3339(*out.LastUpdatedDate)))
				}
				c, err := cognitoDetail(out)
				Expect(err).NotTo(HaveOccurred())
				expectEqual(aws.ToString(c.UserPoolArn), f.UserPoolArn, "configuration.cognitoUserPoolConfiguration.userPoolArn")
				Expect(c.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "configuration.cognitoUserPoolConfiguration.clientIds")
				Expect(aws.ToString(c.Issuer)).To(HavePrefix("https://"), "configuration.cognitoUserPoolConfiguration.issuer")
				Expect(c.GroupConfiguration).To(BeNil(), "no groupConfiguration was given")
			},
		},
		{
			ID:          "GetIdentitySource/Cognito/IssuerDerivedFromUserPoolArn",
			Description: "GetIdentitySource MUST return as a Cognito configuration's issuer https://cognito-idp.<region of the user pool ARN>.amazonaws.com/<user pool id>.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.SecondUserPoolArn, f.ClientIds[:1], ""), nil)
				c, err := cognitoDetail(s.AwaitIdentitySource(ctx, store, src, nil))
				Expect(err).NotTo(HaveOccurred())
				expectEqual(aws.ToString(c.Issuer), CognitoIssuer(f.SecondUserPoolArn), "issuer derived from %s", f.SecondUserPoolArn)
			},
		},
		{
			ID:          "GetIdentitySource/Cognito/Details",
			Description: "GetIdentitySource MUST return for a Cognito identity source the deprecated details with the client ids, the user pool ARN, openIdIssuer COGNITO and a discoveryUrl in either documented form: the issuer, or the issuer followed by /.well-known/openid-configuration.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceDocs,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				out := s.AwaitIdentitySource(ctx, store, src, nil)
				if out.Details == nil {
					failWith("", "details: expected the deprecated details of a Cognito identity source, got none")
				}
				expectEqual(aws.ToString(out.Details.UserPoolArn), f.UserPoolArn, "details.userPoolArn")
				Expect(out.Details.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "details.clientIds")
				expectEqual(out.Details.OpenIdIssuer, types.OpenIdIssuerCognito, "details.openIdIssuer")
				Expect(aws.ToString(out.Details.DiscoveryUrl)).To(BeElementOf(discoveryURLs(f.UserPoolArn)), "details.discoveryUrl")
			},
		},
		{
			ID:          "GetIdentitySource/Cognito/DefaultPrincipalEntityType",
			Description: "GetIdentitySource MUST return principalEntityType AWS::Cognito for a Cognito identity source created without one.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceDocs,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				out := s.AwaitIdentitySource(ctx, store, src, nil)
				expectEqual(aws.ToString(out.PrincipalEntityType), "AWS::Cognito", "principalEntityType")
			},
		},
		{
			ID:          "GetIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			Description: "GetIdentitySource MUST return clientIds as an empty list for a Cognito identity source created without client ids.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(s.Fixtures().UserPoolArn, nil, ""), nil)
				s.AwaitIdentitySource(ctx, store, src, nil)
				expectEmptyList(s.LastResponse(opGet), "configuration.cognitoUserPoolConfiguration.clientIds")
			},
		},
		{
			ID:          "GetIdentitySource/Cognito/GroupConfiguration",
			Description: "GetIdentitySource MUST return the groupEntityType a Cognito identity source was created with.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil)
				c, err := cognitoDetail(s.AwaitIdentitySource(ctx, store, src, nil))
				Expect(err).NotTo(HaveOccurred())
				Expect(c.GroupConfiguration).NotTo(BeNil(), "groupConfiguration")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupEntityType), "MyCorp::UserGroup", "groupConfiguration.groupEntityType")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/AccessTokenOnly",
			Description: "GetIdentitySource MUST return an OpenID Connect configuration with accessTokenOnly token selection as created: issuer, entityIdPrefix, audiences and principalIdClaim.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
					Issuer:         aws.String(f.OIDCIssuer),
					EntityIdPrefix: aws.String("MyOIDCProvider"),
					TokenSelection: &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
						Audiences: []string{"https://myapp.example.com", "https://myapp2.example.com"}, PrincipalIdClaim: aws.String("email"),
					}},
				}}, aws.String("MyCorp::User"))
				out := s.AwaitIdentitySource(ctx, store, src, nil)
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				c, err := oidcDetail(out)
				Expect(err).NotTo(HaveOccurred())
				expectEqual(aws.ToString(c.Issuer), f.OIDCIssuer, "issuer")
				expectEqual(aws.ToString(c.EntityIdPrefix), "MyOIDCProvider", "entityIdPrefix")
				at, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberAccessTokenOnly)
				if !ok {
					failWith("", fmt.Sprintf("tokenSelection: expected accessTokenOnly, got %s", jsonText(c.TokenSelection)))
				}
				Expect(at.Value.Audiences).To(ConsistOf("https://myapp.example.com", "https://myapp2.example.com"), "audiences")
				expectEqual(aws.ToString(at.Value.PrincipalIdClaim), "email", "principalIdClaim")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/IdentityTokenOnly",
			Description: "GetIdentitySource MUST return an OpenID Connect configuration with identityTokenOnly token selection as created: client ids and principalIdClaim.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: f.ClientIds[:2], PrincipalIdClaim: aws.String("cognito:username"),
				}})
				c, err := oidcDetail(s.AwaitIdentitySource(ctx, store, src, nil))
				Expect(err).NotTo(HaveOccurred())
				expectEqual(aws.ToString(c.Issuer), f.OIDCIssuer, "issuer")
				it, ok := c.TokenSelection.(*types.OpenIdConnectTokenSelectionDetailMemberIdentityTokenOnly)
				if !ok {
					failWith("", fmt.Sprintf("tokenSelection: expected identityTokenOnly, got %s", jsonText(c.TokenSelection)))
				}
				Expect(it.Value.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "clientIds")
				expectEqual(aws.ToString(it.Value.PrincipalIdClaim), "cognito:username", "principalIdClaim")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/AccessTokenPrincipalIdClaimDefaultsToSub",
			Description: "GetIdentitySource MUST return principalIdClaim sub for an accessTokenOnly configuration created without one.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
					Audiences: []string{"https://myapp.example.com"},
				}})
				s.AwaitIdentitySource(ctx, store, src, nil)
				expectString(s.LastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.principalIdClaim", "sub")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/IdentityTokenPrincipalIdClaimDefaultsToSub",
			Description: "GetIdentitySource MUST return principalIdClaim sub for an identityTokenOnly configuration created without one.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: s.Fixtures().ClientIds[:1],
				}})
				s.AwaitIdentitySource(ctx, store, src, nil)
				expectString(s.LastResponse(opGet), "configuration.openIdConnectConfiguration.tokenSelection.identityTokenOnly.principalIdClaim", "sub")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/GroupConfiguration",
			Description: "GetIdentitySource MUST return the groupClaim and groupEntityType an OpenID Connect identity source was created with.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
					Issuer:             aws.String(f.OIDCIssuer),
					GroupConfiguration: &types.OpenIdConnectGroupConfiguration{GroupClaim: aws.String("groups"), GroupEntityType: aws.String("MyCorp::UserGroup")},
					TokenSelection:     &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{ClientIds: f.ClientIds[:1]}},
				}}, aws.String("MyCorp::User"))
				c, err := oidcDetail(s.AwaitIdentitySource(ctx, store, src, nil))
				Expect(err).NotTo(HaveOccurred())
				Expect(c.GroupConfiguration).NotTo(BeNil(), "groupConfiguration")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupClaim), "groups", "groupConfiguration.groupClaim")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupEntityType), "MyCorp::UserGroup", "groupConfiguration.groupEntityType")
			},
		},
		{
			ID:          "GetIdentitySource/OIDC/NoDetails",
			Description: "GetIdentitySource MUST NOT return the Cognito-only deprecated details for an OpenID Connect identity source.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceObserved,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateOIDCIdentitySource(ctx, store, &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{
					ClientIds: s.Fixtures().ClientIds[:1],
				}})
				out := s.AwaitIdentitySource(ctx, store, src, nil)
				_, err := oidcDetail(out)
				Expect(err).NotTo(HaveOccurred())
				_, has := s.LastResponse(opGet)["details"]
				s.Advisory(!has, "details of an OpenID Connect identity source: expected none (the shape is Cognito-only), got %s", jsonText(s.LastResponse(opGet)["details"]))
			},
		},
		{
			ID:          "GetIdentitySource/Dates/RFC3339Strings",
			Description: "GetIdentitySource MUST return createdDate and lastUpdatedDate as RFC 3339 date-time strings.",
			Operation:   opGet, Kind: Happy, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				s.AwaitIdentitySource(ctx, store, src, nil)
				body := s.LastResponse(opGet)
				for _, member := range []string{"createdDate", "lastUpdatedDate"} {
					v, ok := body[member].(string)
					if _, err := time.Parse(time.RFC3339Nano, v); !ok || err != nil {
						failWith("", fmt.Sprintf("%s: expected an RFC 3339 date-time string, got %s", member, jsonText(body[member])))
					}
				}
			},
		},
		{
			ID:          "GetIdentitySource/NotFound/UnknownIdentitySource",
			Description: "GetIdentitySource MUST fail with ResourceNotFoundException (404) and, advisory, resourceType IDENTITY_SOURCE and resourceId the id asked, for an identity source the policy store does not have.",
			Operation:   opGet, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				s.AwaitPolicyStore(ctx, store)
				missing := s.unknownID()
				_, err := s.getIdentitySource(ctx, store, missing)
				s.ExpectResourceNotFound(err, types.ResourceTypeIdentitySource, missing)
			},
		},
		{
			ID:          "GetIdentitySource/NotFound/UnknownPolicyStore",
			Description: "GetIdentitySource MUST fail with ResourceNotFoundException (404) and, advisory, resourceType POLICY_STORE and resourceId the store asked, for a policy store that does not exist.",
			Operation:   opGet, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				missing := s.unknownID()
				_, err := s.getIdentitySource(ctx, missing, s.unknownID())
				s.ExpectResourceNotFound(err, types.ResourceTypePolicyStore, missing)
			},
		},
		{
			ID:          "GetIdentitySource/NotFound/AfterDeleteIdentitySource",
			Description: "GetIdentitySource MUST fail with ResourceNotFoundException (404) once the identity source has been deleted.",
			Operation:   opGet, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateCognitoIdentitySource(ctx, store)
				_, err := s.Client.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
					PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(src),
				})
				s.mustSucceed(err, "DeleteIdentitySource", "the deletion")
				err = s.AwaitIdentitySourceGone(ctx, store, src)
				s.ExpectResourceNotFound(err, types.ResourceTypeIdentitySource, src)
			},
		},
		getInvalidID("PolicyStoreId/Empty", "policyStoreId", "empty", ""),
		getInvalidID("PolicyStoreId/TooLong", "policyStoreId", "201 characters long", strings.Repeat("a", 201)),
		getInvalidID("PolicyStoreId/BadCharacters", "policyStoreId", "has characters outside its pattern (a space, \"!\")", "bad store!id"),
		getInvalidID("IdentitySourceId/Empty", "identitySourceId", "empty", ""),
		getInvalidID("IdentitySourceId/TooLong", "identitySourceId", "201 characters long", strings.Repeat("a", 201)),
		getInvalidID("IdentitySourceId/BadCharacters", "identitySourceId", "has characters outside its pattern (\"_\", \"/\")", "bad_source/id"),
		{
			ID:          "GetIdentitySource/Validation/MissingIdentitySourceId",
			Description: "GetIdentitySource MUST fail with ValidationException (400) when the request leaves out the required member identitySourceId; its fieldList should name it (advisory).",
			Operation:   opGet, Kind: Negative, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				store := s.MustCreatePolicyStore(ctx)
				r := s.MustSendRaw(ctx, opGet, map[string]any{"policyStoreId": store})
				s.ExpectRawValidationError(r, "identitySourceId")
			},
		},
	}
}

// getInvalidID is the scenario of a GetIdentitySource request whose member
// (policyStoreId or identitySourceId) is the invalid value; the other id is
// well formed, and for an invalid identitySourceId the policy store exists,
// so that the request breaks only that one constraint.
func getInvalidID(name, member, what, value string) Scenario {
	return Scenario{
		ID:          "GetIdentitySource/Validation/" + name,
		Description: "GetIdentitySource MUST fail with ValidationException (400) when " + member + " is " + what + "; its fieldList should name it (advisory).",
		Operation:   opGet, Kind: Negative, Evidence: EvidenceModel,
		Run: func(ctx context.Context, s *Session) {
			var err error
			if member == "policyStoreId" {
				_, err = s.getIdentitySource(ctx, value, s.unknownID())
			} else {
				store := s.MustCreatePolicyStore(ctx)
				_, err = s.getIdentitySource(ctx, store, value)
			}
			s.ExpectValidationError(err, member)
		},
	}
}

// expectEmptyList asserts that the member at path of a decoded JSON body is
// present and an empty list.
func expectEmptyList(body map[string]any, path string) {
	GinkgoHelper()
	v, ok := lookup(body, path)
	if !ok {
		failWith("", fmt.Sprintf("%s: expected [], got no such member", path))
	}
	expectEqual(v, []any{}, "%s", path)
}

// expectString asserts that the member at path of a decoded JSON body is the
// string want.
func expectString(body map[string]any, path, want string) {
	GinkgoHelper()
	v, ok := lookup(body, path)
	if !ok {
		failWith("", fmt.Sprintf("%s: expected %q, got no such member", path, want))
	}
	expectEqual(v, want, "%s", path)
}
