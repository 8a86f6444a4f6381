package specs

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// MustCreatePolicyStore creates a policy store (validation mode OFF,
// deletion protection off, tagged with Target.PolicyStoreTags) and returns
// its id. DeferCleanup deletes it after
// the spec, after whatever was created in it later.
func (s *Session) MustCreatePolicyStore(ctx context.Context) string {
	GinkgoHelper()
	var tags map[string]string
	if len(s.Target.PolicyStoreTags) > 0 {
		tags = make(map[string]string, len(s.Target.PolicyStoreTags))
		for k, v := range s.Target.PolicyStoreTags {
			tags[k] = v
		}
	}
	out, err := s.Client.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ClientToken:        aws.String(s.clientToken()),
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
		DeletionProtection: types.DeletionProtectionDisabled,
		Description:        aws.String(policyStoreDescription(s.Scenario.ID)),
		Tags:               tags,
	})
	Expect(err).NotTo(HaveOccurred(), "setup: CreatePolicyStore: %s", describeErr(err))
	Expect(out.PolicyStoreId).NotTo(BeNil(), "setup: CreatePolicyStore returned no policyStoreId")
	id := *out.PolicyStoreId
	Expect(id).NotTo(BeEmpty(), "setup: CreatePolicyStore returned an empty policyStoreId")
	DeferCleanup(func(ctx SpecContext) {
		_, err := s.Client.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(id)})
		Expect(err).NotTo(HaveOccurred(), "cleanup: DeletePolicyStore %s: %s", id, describeErr(err))
	})
	return id
}

// MustCreateIdentitySource creates an identity source with configuration cfg
// (and principalEntityType when not nil) in the policy store, waits until
// GetIdentitySource sees it, and returns its id. DeferCleanup deletes it
// after the spec unless the scenario already has.
func (s *Session) MustCreateIdentitySource(ctx context.Context, policyStoreID string, cfg types.Configuration, principalEntityType *string) string {
	GinkgoHelper()
	id := s.mustCreateIdentitySourceNoWait(ctx, policyStoreID, cfg, principalEntityType)
	s.AwaitIdentitySource(ctx, policyStoreID, id, nil)
	return id
}

// mustCreateIdentitySourceNoWait is MustCreateIdentitySource without waiting
// for GetIdentitySource to see the new source.
func (s *Session) mustCreateIdentitySourceNoWait(ctx context.Context, policyStoreID string, cfg types.Configuration, principalEntityType *string) string {
	GinkgoHelper()
	return s.mustCreateIdentitySourceWith(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		ClientToken:         aws.String(s.clientToken()),
		PolicyStoreId:       aws.String(policyStoreID),
		Configuration:       cfg,
		PrincipalEntityType: principalEntityType,
	}).id
}

// createdIdentitySource is what a successful CreateIdentitySource returned.
type createdIdentitySource struct {
	id  string
	out *verifiedpermissions.CreateIdentitySourceOutput
}

// mustCreateIdentitySourceWith calls CreateIdentitySource with in (its
// clientToken as given), fails the spec on any error and returns the new
// source's id and the output. DeferCleanup deletes the source after the
// spec unless the scenario already has.
func (s *Session) mustCreateIdentitySourceWith(ctx context.Context, in *verifiedpermissions.CreateIdentitySourceInput) createdIdentitySource {
	GinkgoHelper()
	policyStoreID := aws.ToString(in.PolicyStoreId)
	out, err := s.createIdentitySource(ctx, in)
	Expect(err).NotTo(HaveOccurred(), "setup: CreateIdentitySource in %s: %s", policyStoreID, describeErr(err))
	Expect(out.IdentitySourceId).NotTo(BeNil(), "setup: CreateIdentitySource returned no identitySourceId")
	id := *out.IdentitySourceId
	Expect(id).NotTo(BeEmpty(), "setup: CreateIdentitySource returned an empty identitySourceId")
	s.deferDeleteIdentitySource(policyStoreID, id)
	return createdIdentitySource{id: id, out: out}
}

// createIdentitySource calls CreateIdentitySource with in. A policy store
// just created may take a moment to be seen by other operations (the
// service is eventually consistent): it retries, with the same clientToken,
// while the store is not found, and returns the last answer.
func (s *Session) createIdentitySource(ctx context.Context, in *verifiedpermissions.CreateIdentitySourceInput) (*verifiedpermissions.CreateIdentitySourceOutput, error) {
	GinkgoHelper()
	var out *verifiedpermissions.CreateIdentitySourceOutput
	var err error
	Eventually(ctx, polled(s, func() bool {
		out, err = s.Client.CreateIdentitySource(ctx, in)
		var nf *types.ResourceNotFoundException
		return !errors.As(err, &nf)
	})).WithTimeout(s.consistency).WithPolling(pollInterval).Should(BeTrue(), func() string {
		return fmt.Sprintf("CreateIdentitySource in %s keeps failing with ResourceNotFoundException: %s", aws.ToString(in.PolicyStoreId), describeErr(err))
	})
	return out, err
}

// deferDeleteIdentitySource has DeferCleanup delete the identity source
// after the spec, unless the scenario already has.
func (s *Session) deferDeleteIdentitySource(policyStoreID, id string) {
	DeferCleanup(func(ctx SpecContext) {
		_, err := s.Client.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
			PolicyStoreId: aws.String(policyStoreID), IdentitySourceId: aws.String(id),
		})
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return // the scenario deleted it
		}
		Expect(err).NotTo(HaveOccurred(), "cleanup: DeleteIdentitySource %s/%s: %s", policyStoreID, id, describeErr(err))
	})
}

// AwaitPolicyStore polls GetPolicyStore (every 100 ms, for at most
// DefaultConsistencyTimeout) until it finds the policy store, so that reads
// that depend on the store see it.
func (s *Session) AwaitPolicyStore(ctx context.Context, policyStoreID string) {
	GinkgoHelper()
	Eventually(ctx, polled(s, func() error {
		_, err := s.Client.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(policyStoreID)})
		if err != nil {
			return fmt.Errorf("GetPolicyStore: %s", describeErr(err))
		}
		return nil
	})).WithTimeout(s.consistency).WithPolling(pollInterval).Should(Succeed(),
		"GetPolicyStore %s after CreatePolicyStore", policyStoreID)
}

// AwaitIdentitySourceGone polls GetIdentitySource until it fails with
// ResourceNotFoundException, and returns that error: the deletion has
// propagated.
func (s *Session) AwaitIdentitySourceGone(ctx context.Context, policyStoreID, identitySourceID string) error {
	GinkgoHelper()
	var last error
	Eventually(ctx, polled(s, func() error {
		_, err := s.getIdentitySource(ctx, policyStoreID, identitySourceID)
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			last = err
			return nil
		}
		if err == nil {
			return errors.New("GetIdentitySource still finds the identity source")
		}
		return fmt.Errorf("GetIdentitySource: %s", describeErr(err))
	})).WithTimeout(s.consistency).WithPolling(pollInterval).Should(Succeed(),
		"GetIdentitySource %s/%s after DeleteIdentitySource", policyStoreID, identitySourceID)
	return last
}

// policyStoreDescription is the description of a policy store a scenario
// creates, at most 150 characters.
func policyStoreDescription(scenarioID string) string {
	d := "vpconform " + scenarioID
	if r := []rune(d); len(r) > 150 {
		d = string(r[:150])
	}
	return d
}

// MustCreateCognitoIdentitySource creates an identity source for the
// fixtures' first user pool and first client id, with no group
// configuration and no principalEntityType, and returns its id.
func (s *Session) MustCreateCognitoIdentitySource(ctx context.Context, policyStoreID string) string {
	GinkgoHelper()
	f := s.Fixtures()
	return s.MustCreateIdentitySource(ctx, policyStoreID, CognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), nil)
}

// MustCreateOIDCIdentitySource creates an identity source for the fixtures'
// OIDC issuer with the given token selection and returns its id.
func (s *Session) MustCreateOIDCIdentitySource(ctx context.Context, policyStoreID string, tokenSelection types.OpenIdConnectTokenSelection) string {
	GinkgoHelper()
	cfg := &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
		Issuer:         aws.String(s.Fixtures().OIDCIssuer),
		TokenSelection: tokenSelection,
	}}
	return s.MustCreateIdentitySource(ctx, policyStoreID, cfg, aws.String("MyCorp::User"))
}

// MustUpdateIdentitySource calls UpdateIdentitySource and fails the spec on
// any error.
func (s *Session) MustUpdateIdentitySource(ctx context.Context, in *verifiedpermissions.UpdateIdentitySourceInput) *verifiedpermissions.UpdateIdentitySourceOutput {
	GinkgoHelper()
	out, err := s.Client.UpdateIdentitySource(ctx, in)
	Expect(err).NotTo(HaveOccurred(), "UpdateIdentitySource %s/%s: %s", ptrString(in.PolicyStoreId), ptrString(in.IdentitySourceId), describeErr(err))
	return out
}

// AwaitIdentitySource polls GetIdentitySource (every 100 ms, for at most
// DefaultConsistencyTimeout) until it succeeds and ready, when not nil,
// accepts the output, and returns that output. The raw body of that answer
// is LastResponse("GetIdentitySource").
func (s *Session) AwaitIdentitySource(ctx context.Context, policyStoreID, identitySourceID string, ready func(*verifiedpermissions.GetIdentitySourceOutput) error) *verifiedpermissions.GetIdentitySourceOutput {
	GinkgoHelper()
	var got *verifiedpermissions.GetIdentitySourceOutput
	Eventually(ctx, polled(s, func() error {
		out, err := s.Client.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: aws.String(policyStoreID), IdentitySourceId: aws.String(identitySourceID),
		})
		if err != nil {
			return fmt.Errorf("GetIdentitySource: %s", describeErr(err))
		}
		if ready != nil {
			if err := ready(out); err != nil {
				return fmt.Errorf("GetIdentitySource does not show the write yet: %w", err)
			}
		}
		got = out
		return nil
	})).WithTimeout(s.consistency).WithPolling(pollInterval).Should(Succeed(),
		"GetIdentitySource %s/%s after a write", policyStoreID, identitySourceID)
	return got
}

// LastResponse returns the body of the newest recorded answer to operation,
// decoded as a JSON object, failing the spec if there is none or it is not a
// JSON object.
func (s *Session) LastResponse(operation string) map[string]any {
	GinkgoHelper()
	x, ok := s.LastExchange(operation)
	Expect(ok).To(BeTrue(), "no %s exchange was recorded", operation)
	m, err := decodeJSONObject(x.ResponseBody)
	Expect(err).NotTo(HaveOccurred(), "body of the %s answer: %s", operation, x.ResponseBody)
	return m
}

// CognitoConfiguration is a CreateIdentitySource configuration for the user
// pool with clientIds (left out when nil) and, when groupEntityType is not
// empty, a group configuration.
func CognitoConfiguration(userPoolArn string, clientIds []string, groupEntityType string) types.Configuration {
	c := types.CognitoUserPoolConfiguration{UserPoolArn: aws.String(userPoolArn), ClientIds: clientIds}
	if groupEntityType != "" {
		c.GroupConfiguration = &types.CognitoGroupConfiguration{GroupEntityType: aws.String(groupEntityType)}
	}
	return &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: c}
}

// UpdateCognitoConfiguration is the UpdateConfiguration counterpart of
// CognitoConfiguration.
func UpdateCognitoConfiguration(userPoolArn string, clientIds []string, groupEntityType string) types.UpdateConfiguration {
	c := types.UpdateCognitoUserPoolConfiguration{UserPoolArn: aws.String(userPoolArn), ClientIds: clientIds}
	if groupEntityType != "" {
		c.GroupConfiguration = &types.UpdateCognitoGroupConfiguration{GroupEntityType: aws.String(groupEntityType)}
	}
	return &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: c}
}
