package specs

import (
	"context"
)

const opDeletePolicyStore = "DeletePolicyStore"

func policyStoreScenarios() []Scenario {
	return []Scenario{
		happy("DeletePolicyStore/Missing/Succeeds", EvidenceDocs,
			"DeletePolicyStore MUST answer HTTP 200 with an empty object for a policy store that does not exist: an id never issued, or a store already deleted.",
			func(ctx context.Context, s *session, f Fixtures) {
				s.expectDeletePolicyStoreSucceeds(ctx, s.unknownID(), "a policy store never created")
				store := s.mustCreatePolicyStore(ctx)
				s.awaitPolicyStore(ctx, store) // so that the first deletion finds it on an eventually consistent target
				s.expectDeletePolicyStoreSucceeds(ctx, store, "an existing policy store")
				s.expectDeletePolicyStoreSucceeds(ctx, store, "a policy store already deleted")
			}),
	}
}
