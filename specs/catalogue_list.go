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

// awaitIdentitySources polls ListIdentitySources (the first page, of the
// default size; every 100 ms, for at most the consistency timeout) while the
// policy store is not found or the page does not list every identity source
// of ids yet, and returns the first page that does. Any other error fails
// the spec at once. The raw body of that answer is
// lastResponse("ListIdentitySources").
func (s *session) awaitIdentitySources(ctx context.Context, policyStoreID string, ids ...string) *verifiedpermissions.ListIdentitySourcesOutput {
	GinkgoHelper()
	var got *verifiedpermissions.ListIdentitySourcesOutput
	s.await(ctx, "ListIdentitySources after a write", "HTTP 200 listing every identity source written", func() attempt {
		out, err := s.client.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(policyStoreID)})
		if a, failed := s.failedRead(opList, err, "the policy store just written"); failed {
			return a
		}
		listed := identitySourceIDs(out)
		for _, id := range ids {
			if !slices.Contains(listed, id) {
				return pending(fmt.Sprintf("HTTP 200 listing %s, without %s", jsonText(listed), id),
					"ListIdentitySources does not list the identity source just created")
			}
		}
		got = out
		return attempt{done: true}
	})
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
		happy("ListIdentitySources/Cognito/ItemMatchesGet", EvidenceModel,
			"ListIdentitySources MUST list a policy store's one Cognito identity source as an item whose ids, dates and principal entity type equal what GetIdentitySource returns, and whose configuration, when the item carries one (it is optional in the model), equals GetIdentitySource's, lists compared as sets.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src, get := s.setUpAndGet(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], "MyCorp::UserGroup"), aws.String("MyCorp::User"))
				getConfiguration, getHas := s.lastResponse(opGet)["configuration"]
				list := s.awaitIdentitySources(ctx, store, src)
				expectEqual(identitySourceIDs(list), []string{src}, "ListIdentitySources lists exactly the one identity source")
				item := list.IdentitySources[0]
				expectEqual(aws.ToString(item.PolicyStoreId), store, "policyStoreId")
				expectEqual(aws.ToString(item.PrincipalEntityType), aws.ToString(get.PrincipalEntityType), "principalEntityType")
				Expect(item.CreatedDate).NotTo(BeNil(), "createdDate")
				Expect(item.LastUpdatedDate).NotTo(BeNil(), "lastUpdatedDate")
				expectSameTime(*item.CreatedDate, *get.CreatedDate, "the item's createdDate, as GetIdentitySource's")
				expectSameTime(*item.LastUpdatedDate, *get.LastUpdatedDate, "the item's lastUpdatedDate, as GetIdentitySource's")
				items, _ := s.lastResponse(opList)["identitySources"].([]any)
				Expect(items).To(HaveLen(1), "identitySources in the ListIdentitySources answer")
				itemBody, _ := items[0].(map[string]any)
				itemConfiguration, itemHas := itemBody["configuration"]
				if !itemHas {
					return // optional in the model
				}
				if !getHas {
					failWith("", "GetIdentitySource: expected a configuration, as the ListIdentitySources item carries one, got none; the item's: "+jsonText(itemConfiguration))
				}
				expectEqual(unorderedLists(itemConfiguration), unorderedLists(getConfiguration),
					"the item's configuration (ConfigurationItem) mirrors GetIdentitySource's (ConfigurationDetail): item %s, GetIdentitySource %s", jsonText(itemConfiguration), jsonText(getConfiguration))
			}),
		negative("ListIdentitySources/NotFound/UnknownPolicyStore", EvidenceModel,
			"ListIdentitySources MUST fail with ResourceNotFoundException (404) and, advisory, resourceType POLICY_STORE and resourceId the store asked, for a policy store that does not exist.",
			func(ctx context.Context, s *session, f Fixtures) {
				missing := s.unknownID()
				_, err := s.client.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(missing)})
				s.expectResourceNotFound(err, types.ResourceTypePolicyStore, missing)
			}),
	}
}
