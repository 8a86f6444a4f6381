package specs

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const opList = "ListIdentitySources"

// AwaitIdentitySources polls ListIdentitySources (the first page, of the
// default size; every 100 ms, for at most DefaultConsistencyTimeout) until
// it succeeds and the page lists every identity source of ids, and returns
// that page. The raw body of that answer is
// LastResponse("ListIdentitySources").
func (s *Session) AwaitIdentitySources(ctx context.Context, policyStoreID string, ids ...string) *verifiedpermissions.ListIdentitySourcesOutput {
	GinkgoHelper()
	var got *verifiedpermissions.ListIdentitySourcesOutput
	Eventually(ctx, polled(s, func() error {
		out, err := s.Client.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(policyStoreID)})
		if err != nil {
			return fmt.Errorf("ListIdentitySources: %s", describeErr(err))
		}
		listed := identitySourceIDs(out)
		for _, id := range ids {
			if !slices.Contains(listed, id) {
				return fmt.Errorf("ListIdentitySources does not list %s yet (it lists %v)", id, listed)
			}
		}
		got = out
		return nil
	})).WithTimeout(s.consistency).WithPolling(pollInterval).Should(Succeed(),
		"ListIdentitySources %s after a write", policyStoreID)
	return got
}

// identitySourceIDs are the ids of the identity sources a page lists, in
// its order.
func identitySourceIDs(out *verifiedpermissions.ListIdentitySourcesOutput) []string {
	ids := []string{}
	for _, it := range out.IdentitySources {
		ids = append(ids, aws.ToString(it.IdentitySourceId))
	}
	return ids
}

func listIdentitySourcesScenarios() []Scenario {
	return []Scenario{
		{
			ID:          "ListIdentitySources/Cognito/ItemMatchesGet",
			Description: "ListIdentitySources MUST list a policy store's one Cognito identity source as an item whose ids, dates, principal entity type and configuration equal what GetIdentitySource returns.",
			Operation:   opList, Kind: Happy, Evidence: EvidenceModel,
			Run: func(ctx context.Context, s *Session) {
				f := s.Fixtures()
				store := s.MustCreatePolicyStore(ctx)
				src := s.MustCreateIdentitySource(ctx, store, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], "MyCorp::UserGroup"), aws.String("MyCorp::User"))
				get := s.AwaitIdentitySource(ctx, store, src, nil)
				getConfiguration, ok := s.LastResponse(opGet)["configuration"]
				Expect(ok).To(BeTrue(), "GetIdentitySource returns a configuration")
				list := s.AwaitIdentitySources(ctx, store, src)
				Expect(identitySourceIDs(list)).To(Equal([]string{src}), "ListIdentitySources lists exactly the one identity source")
				item := list.IdentitySources[0]
				Expect(aws.ToString(item.PolicyStoreId)).To(Equal(store), "policyStoreId")
				Expect(aws.ToString(item.PrincipalEntityType)).To(Equal(aws.ToString(get.PrincipalEntityType)), "principalEntityType")
				Expect(item.CreatedDate).NotTo(BeNil(), "createdDate")
				Expect(item.LastUpdatedDate).NotTo(BeNil(), "lastUpdatedDate")
				Expect(*item.CreatedDate).To(BeTemporally("==", *get.CreatedDate), "createdDate")
				Expect(*item.LastUpdatedDate).To(BeTemporally("==", *get.LastUpdatedDate), "lastUpdatedDate")
				_, ok = item.Configuration.(*types.ConfigurationItemMemberCognitoUserPoolConfiguration)
				Expect(ok).To(BeTrue(), "the item's configuration is cognitoUserPoolConfiguration, got %T", item.Configuration)
				items, _ := s.LastResponse(opList)["identitySources"].([]any)
				Expect(items).To(HaveLen(1), "identitySources in the ListIdentitySources answer")
				itemBody, _ := items[0].(map[string]any)
				Expect(itemBody["configuration"]).To(Equal(getConfiguration), "the item's configuration (ConfigurationItem) mirrors GetIdentitySource's (ConfigurationDetail)")
			},
		},
		{
			ID:          "ListIdentitySources/NotFound/UnknownPolicyStore",
			Description: "ListIdentitySources MUST fail with ResourceNotFoundException (404, resourceType POLICY_STORE, resourceId the store asked) for a policy store that does not exist.",
			Operation:   opList, Kind: Negative, Evidence: EvidenceInferred,
			Run: func(ctx context.Context, s *Session) {
				missing := s.unknownID()
				_, err := s.Client.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(missing)})
				s.ExpectResourceNotFound(err, types.ResourceTypePolicyStore, missing)
			},
		},
	}
}
