package specs

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// updateOutcomeScenarios are the UpdateIdentitySource scenarios of what an
// update sets, keeps and answers besides the configuration: the principal
// entity type, the dates, the answer's members, a repeated update.
func updateOutcomeScenarios() []Scenario {
	return []Scenario{
		happy("UpdateIdentitySource/PrincipalEntityType/Given", EvidenceModel,
			"UpdateIdentitySource MUST set the principal entity type given.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::User"))
				s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::Employee"), func(out *verifiedpermissions.GetIdentitySourceOutput) error {
					if got := aws.ToString(out.PrincipalEntityType); got != "MyCorp::Employee" {
						return fmt.Errorf("principalEntityType: expected \"MyCorp::Employee\", got %q", got)
					}
					return nil
				})
			}),
		happy("UpdateIdentitySource/PrincipalEntityType/Omitted", EvidenceModel,
			"UpdateIdentitySource MUST, when principalEntityType is left out, keep a principal entity type, and advisory, reset it to AWS::Cognito.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String("MyCorp::User"))
				out := s.updateAndAwait(ctx, store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:2], ""), nil, withClientIds(f.ClientIds[1:2]))
				Expect(aws.ToString(out.PrincipalEntityType)).NotTo(BeEmpty(), "principalEntityType is required in the output")
				s.advisory(aws.ToString(out.PrincipalEntityType) == "AWS::Cognito",
					"principalEntityType after an update that leaves it out: expected AWS::Cognito, got %q", aws.ToString(out.PrincipalEntityType))
			}),
		happy("UpdateIdentitySource/Dates/CreatedDateKept", EvidenceObserved,
			"UpdateIdentitySource MUST keep the identity source's createdDate, in its output and in GetIdentitySource.",
			func(ctx context.Context, s *session, f Fixtures) {
				before, out, after := updateClientIdsLater(ctx, s)
				expectUpdatedDate("createdDate", before.CreatedDate, out.CreatedDate, after.CreatedDate, expectSameTime)
			}),
		happy("UpdateIdentitySource/Dates/LastUpdatedDateAdvances", EvidenceObserved,
			"UpdateIdentitySource MUST advance lastUpdatedDate past its previous value, in its output and in GetIdentitySource.",
			func(ctx context.Context, s *session, f Fixtures) {
				before, out, after := updateClientIdsLater(ctx, s)
				expectUpdatedDate("lastUpdatedDate", before.LastUpdatedDate, out.LastUpdatedDate, after.LastUpdatedDate, expectAfter)
				expectAfter(*after.LastUpdatedDate, *after.CreatedDate, "lastUpdatedDate after the update, against createdDate")
			}),
		happy("UpdateIdentitySource/Output/ExactlyFourMembers", EvidenceModel,
			"UpdateIdentitySource MUST answer with exactly createdDate, identitySourceId, lastUpdatedDate and policyStoreId, naming the source updated, and no configuration.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				s.mustUpdateIdentitySource(ctx, updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], "MyCorp::UserGroup"), aws.String("MyCorp::User")))
				body := s.lastResponse(opUpdate)
				var keys []string
				for k := range body {
					keys = append(keys, k)
				}
				Expect(keys).To(ConsistOf("createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId"), "members of the UpdateIdentitySource answer")
				expectEqual(body["policyStoreId"], store, "policyStoreId")
				expectEqual(body["identitySourceId"], src, "identitySourceId")
			}),
		happy("UpdateIdentitySource/Idempotent/SameUpdateTwice", EvidenceObserved,
			"UpdateIdentitySource MUST succeed when the same update is sent twice, leaving the configuration as updated.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpCognitoSource(ctx)
				in := updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:], ""), nil)
				first := s.mustUpdateIdentitySource(ctx, in)
				second := s.mustUpdateIdentitySource(ctx, in)
				expectEqual(aws.ToString(second.IdentitySourceId), aws.ToString(first.IdentitySourceId), "identitySourceId")
				s.awaitIdentitySource(ctx, store, src, withClientIds(f.ClientIds[1:]))
			}),
	}
}

// updateClientIdsLater creates a Cognito identity source, reads it, waits a
// little so that a clock with coarse ticks moves, updates its client ids and
// reads it again once the update shows. The wait is longer than the
// target's date precision (see dateTick), so that a target writing whole
// seconds shows the update as later too. It returns the first read, the
// update's output and the second read, for the date scenarios.
func updateClientIdsLater(ctx context.Context, s *session) (before *verifiedpermissions.GetIdentitySourceOutput, out *verifiedpermissions.UpdateIdentitySourceOutput, after *verifiedpermissions.GetIdentitySourceOutput) {
	GinkgoHelper()
	f := s.fixtures()
	store, src, before := s.setUpAndGet(ctx, s.defaultCognito(), nil)
	time.Sleep(s.dateTick() + 20*time.Millisecond)
	out = s.mustUpdateIdentitySource(ctx, updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:2], ""), nil))
	after = s.awaitIdentitySource(ctx, store, src, withClientIds(f.ClientIds[1:2]))
	return before, out, after
}

// expectUpdatedDate checks the date member of an update's output (out),
// which it requires, and of the read once the update shows (after) against
// the read before it (before), with expect (expectSameTime, expectAfter).
func expectUpdatedDate(member string, before, out, after *time.Time, expect func(got, want time.Time, format string, args ...any)) {
	GinkgoHelper()
	Expect(out).NotTo(BeNil(), member+" in the output")
	expect(*out, *before, member+" in the output of the update")
	expect(*after, *before, member+" after the update")
}
