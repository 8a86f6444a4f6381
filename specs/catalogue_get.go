package specs

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
)

const opGet = "GetIdentitySource"

// getInput is the GetIdentitySource input for the identity source.
func getInput(policyStoreID, identitySourceID string) *verifiedpermissions.GetIdentitySourceInput {
	return &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: aws.String(policyStoreID), IdentitySourceId: aws.String(identitySourceID),
	}
}

// getIdentitySource calls GetIdentitySource once, without polling.
func (s *session) getIdentitySource(ctx context.Context, policyStoreID, identitySourceID string) (*verifiedpermissions.GetIdentitySourceOutput, error) {
	return s.client.GetIdentitySource(ctx, getInput(policyStoreID, identitySourceID))
}

// getDateScenarios are the GetIdentitySource scenarios of the form of its
// dates.
func getDateScenarios() []Scenario {
	return []Scenario{
		happy("GetIdentitySource/Dates/RFC3339Strings", EvidenceModel,
			"GetIdentitySource MUST return createdDate and lastUpdatedDate as RFC 3339 date-time strings.",
			func(ctx context.Context, s *session, f Fixtures) {
				s.setUpAndGet(ctx, s.defaultCognito(), nil)
				body := s.lastResponse(opGet)
				for _, member := range []string{"createdDate", "lastUpdatedDate"} {
					v, ok := body[member].(string)
					if _, err := time.Parse(time.RFC3339Nano, v); !ok || err != nil {
						failWith("", fmt.Sprintf("%s: expected an RFC 3339 date-time string, got %s", member, jsonText(body[member])))
					}
				}
			}),
	}
}
