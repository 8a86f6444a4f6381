package specs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

const opDeletePolicyStore = "DeletePolicyStore"

// expectDeletePolicyStoreSucceeds calls DeletePolicyStore for the store
// and asserts the answer is HTTP 200 with an empty object.
func (s *Session) expectDeletePolicyStoreSucceeds(ctx context.Context, policyStoreID, what string) {
	GinkgoHelper()
	_, err := s.Client.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(policyStoreID)})
	Expect(err).NotTo(HaveOccurred(), "DeletePolicyStore of %s %s: %s", what, policyStoreID, describeErr(err))
	x, _ := s.LastExchange(opDeletePolicyStore)
	Expect(x.Status).To(Equal(200), "HTTP status of DeletePolicyStore of %s", what)
	Expect(s.LastResponse(opDeletePolicyStore)).To(BeEmpty(), "DeletePolicyStore of %s answers {}", what)
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
