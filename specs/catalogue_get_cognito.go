package specs

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/gomega"
)

// getCognitoScenarios are the GetIdentitySource scenarios of Cognito identity
// sources: every member as created, the issuer derived from the user pool, the
// deprecated details and the defaults.
func getCognitoScenarios() []Scenario {
	return []Scenario{
		happy("GetIdentitySource/Cognito/AllMembers", EvidenceObserved,
			"GetIdentitySource MUST return the ids, both dates, the principal entity type and the Cognito configuration (user pool ARN, client ids, issuer) of the identity source.",
			func(ctx context.Context, s *session, f Fixtures) {
				before := s.target.now().Add(-time.Hour)
				store, src, out := s.setUpAndGet(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), aws.String("MyCorp::User"))
				expectEqual(aws.ToString(out.PolicyStoreId), store, "policyStoreId")
				expectEqual(aws.ToString(out.IdentitySourceId), src, "identitySourceId")
				expectEqual(aws.ToString(out.PrincipalEntityType), "MyCorp::User", "principalEntityType")
				Expect(out.CreatedDate).NotTo(BeNil(), "createdDate")
				Expect(out.LastUpdatedDate).NotTo(BeNil(), "lastUpdatedDate")
				expectAfter(*out.CreatedDate, before, "createdDate, recent")
				if out.LastUpdatedDate.Before(*out.CreatedDate) {
					failWith("", fmt.Sprintf("lastUpdatedDate: expected no earlier than createdDate %s, got %s", rfc3339(*out.CreatedDate), rfc3339(*out.LastUpdatedDate)))
				}
				c := expectDetail(cognitoDetail, out)
				expectEqual(aws.ToString(c.UserPoolArn), f.UserPoolArn, "configuration.cognitoUserPoolConfiguration.userPoolArn")
				Expect(c.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "configuration.cognitoUserPoolConfiguration.clientIds")
				Expect(aws.ToString(c.Issuer)).To(HavePrefix("https://"), "configuration.cognitoUserPoolConfiguration.issuer")
				Expect(c.GroupConfiguration).To(BeNil(), "no groupConfiguration was given")
			}),
		happy("GetIdentitySource/Cognito/IssuerDerivedFromUserPoolArn", EvidenceObserved,
			"GetIdentitySource MUST return as a Cognito configuration's issuer https://cognito-idp.<region of the user pool ARN>.amazonaws.com/<user pool id>.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, cognitoConfiguration(f.SecondUserPoolArn, f.ClientIds[:1], ""), nil)
				c := expectDetail(cognitoDetail, out)
				expectEqual(aws.ToString(c.Issuer), cognitoIssuer(f.SecondUserPoolArn), "issuer derived from %s", f.SecondUserPoolArn)
			}),
		happy("GetIdentitySource/Cognito/Details", EvidenceDocs,
			"GetIdentitySource MUST return for a Cognito identity source the deprecated details with the client ids, the user pool ARN, openIdIssuer COGNITO and a discoveryUrl in either documented form: the issuer, or the issuer followed by /.well-known/openid-configuration.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), nil)
				if out.Details == nil {
					failWith("", "details: expected the deprecated details of a Cognito identity source, got none")
				}
				expectEqual(aws.ToString(out.Details.UserPoolArn), f.UserPoolArn, "details.userPoolArn")
				Expect(out.Details.ClientIds).To(ConsistOf(f.ClientIds[0], f.ClientIds[1]), "details.clientIds")
				expectEqual(out.Details.OpenIdIssuer, types.OpenIdIssuerCognito, "details.openIdIssuer")
				Expect(aws.ToString(out.Details.DiscoveryUrl)).To(BeElementOf(discoveryURLs(f.UserPoolArn)), "details.discoveryUrl")
			}),
		happy("GetIdentitySource/Cognito/DefaultPrincipalEntityType", EvidenceDocs,
			"GetIdentitySource MUST return principalEntityType AWS::Cognito for a Cognito identity source created without one.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, s.defaultCognito(), nil)
				expectEqual(aws.ToString(out.PrincipalEntityType), "AWS::Cognito", "principalEntityType")
			}),
		happy("GetIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList", EvidenceObserved,
			"GetIdentitySource MUST return clientIds as an empty list for a Cognito identity source created without client ids.",
			func(ctx context.Context, s *session, f Fixtures) {
				s.setUpAndGet(ctx, cognitoConfiguration(f.UserPoolArn, nil, ""), nil)
				expectEmptyList(s.lastResponse(opGet), "configuration.cognitoUserPoolConfiguration.clientIds")
			}),
		happy("GetIdentitySource/Cognito/GroupConfiguration", EvidenceObserved,
			"GetIdentitySource MUST return the groupEntityType a Cognito identity source was created with.",
			func(ctx context.Context, s *session, f Fixtures) {
				_, _, out := s.setUpAndGet(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "MyCorp::UserGroup"), nil)
				c := expectDetail(cognitoDetail, out)
				Expect(c.GroupConfiguration).NotTo(BeNil(), "groupConfiguration")
				expectEqual(aws.ToString(c.GroupConfiguration.GroupEntityType), "MyCorp::UserGroup", "groupConfiguration.groupEntityType")
			}),
	}
}
