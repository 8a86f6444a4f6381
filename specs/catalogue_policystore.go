package specs

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	. "github.com/onsi/ginkgo/v2"
)

const opDeletePolicyStore = "DeletePolicyStore"

// expectDeletePolicyStoreSucceeds calls DeletePolicyStore for the store
// and asserts the answer is HTTP 200 with an empty object.
func (s *Session) expectDeletePolicyStoreSucceeds(ctx context.Context, policyStoreID, what string) {
	GinkgoHelper()
	_, err := s.Client.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(policyStoreID)})
	s.mustSucceed(err, opDeletePolicyStore, "DeletePolicyStore of "+what)
	x, _ := s.LastExchange(opDeletePolicyStore)
	if x.Status != 200 {
		failWith(fmt.Sprintf("%s answers HTTP %d on success", opDeletePolicyStore, x.Status),
			fmt.Sprintf("DeletePolicyStore of %s: expected HTTP 200, got HTTP %d", what, x.Status))
	}
	if body := s.LastResponse(opDeletePolicyStore); len(body) != 0 {
		failWith(opDeletePolicyStore+" answers a non-empty object on success",
			fmt.Sprintf("DeletePolicyStore of %s: expected {}, got %s", what, jsonText(body)))
	}
}

func policyStoreScenarios() []Scenario {
	return []Scenario{
		{
			ID:          "DeletePolicyStore/Missing/Succeeds",
			Description: "DeletePolicyStore MUST answer HTTP 200 with an empty object for a policy store that does not exist: an id never issued, or a store already deleted.",
			Operation:   opDeletePolicyStore, Kind: Happy, Evidence: EvidenceDocs,
			Run: func(ctx context.Context, s *Session) {
				s.expectDeletePolicyStoreSucceeds(ctx, s.unknownID(), "a policy store never created")
				store := s.MustCreatePolicyStore(ctx)
				s.AwaitPolicyStore(ctx, store) // so that the first deletion finds it on an eventually consistent target
				s.expectDeletePolicyStoreSucceeds(ctx, store, "an existing policy store")
				s.expectDeletePolicyStoreSucceeds(ctx, store, "a policy store already deleted")
			},
		},
	}
}
