package specs

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
)

// mustCreatePolicyStore creates a policy store (validation mode OFF,
// deletion protection off, tagged with Target.PolicyStoreTags) and returns
// its id. DeferCleanup deletes it after
// the spec, after whatever was created in it later.
func (s *session) mustCreatePolicyStore(ctx context.Context) string {
	GinkgoHelper()
	var tags map[string]string
	if len(s.target.PolicyStoreTags) > 0 {
		tags = make(map[string]string, len(s.target.PolicyStoreTags))
		for k, v := range s.target.PolicyStoreTags {
			tags[k] = v
		}
	}
	out, err := s.client.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ClientToken:        aws.String(s.clientToken()),
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
		DeletionProtection: types.DeletionProtectionDisabled,
		Description:        aws.String(policyStoreDescription(s.scenario.ID)),
		Tags:               tags,
	})
	s.mustSucceed(err, "CreatePolicyStore", "setup")
	id := aws.ToString(out.PolicyStoreId)
	s.mustHave(id != "", "CreatePolicyStore", "a policyStoreId", "setup")
	DeferCleanup(func(ctx SpecContext) {
		_, err := s.client.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String(id)})
		s.mustSucceed(err, "DeletePolicyStore", "cleanup of policy store "+id)
	})
	return id
}

// setUpSource is the set-up of most scenarios: it creates a policy store
// and, in it, an identity source with configuration cfg and
// principalEntityType (nil: none), waits until GetIdentitySource sees the
// source, and returns both ids. The cleanups delete both after the spec,
// the source unless the scenario already has.
func (s *session) setUpSource(ctx context.Context, cfg types.Configuration, principalEntityType *string) (store, src string) {
	GinkgoHelper()
	store = s.mustCreatePolicyStore(ctx)
	src = s.mustCreateIdentitySourceWith(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		ClientToken:         aws.String(s.clientToken()),
		PolicyStoreId:       aws.String(store),
		Configuration:       cfg,
		PrincipalEntityType: principalEntityType,
	}).id
	s.awaitIdentitySource(ctx, store, src, nil)
	return store, src
}

// setUpAndGet is setUpSource followed by one more GetIdentitySource
// (awaitIdentitySource without a ready condition), the read most scenarios
// then check: it returns both ids and that read's output, whose raw body is
// lastResponse("GetIdentitySource").
func (s *session) setUpAndGet(ctx context.Context, cfg types.Configuration, principalEntityType *string) (store, src string, out *verifiedpermissions.GetIdentitySourceOutput) {
	GinkgoHelper()
	store, src = s.setUpSource(ctx, cfg, principalEntityType)
	return store, src, s.awaitIdentitySource(ctx, store, src, nil)
}

// setUpCognitoSource is setUpSource with the default Cognito
// configuration and no principalEntityType.
func (s *session) setUpCognitoSource(ctx context.Context) (store, src string) {
	GinkgoHelper()
	return s.setUpSource(ctx, s.defaultCognito(), nil)
}

// defaultCognito is the Cognito configuration of most set-ups: the
// fixtures' first user pool and first client id, no group configuration.
func (s *session) defaultCognito() types.Configuration {
	f := s.fixtures()
	return cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], "")
}

// setUpOIDCSource is setUpSource with an OpenID Connect configuration of the
// fixtures' issuer with the token selection, and principalEntityType
// MyCorp::User.
func (s *session) setUpOIDCSource(ctx context.Context, tokenSelection types.OpenIdConnectTokenSelection) (store, src string) {
	GinkgoHelper()
	cfg := &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
		Issuer:         aws.String(s.fixtures().OIDCIssuer),
		TokenSelection: tokenSelection,
	}}
	return s.setUpSource(ctx, cfg, aws.String("MyCorp::User"))
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
func (s *session) mustCreateIdentitySourceWith(ctx context.Context, in *verifiedpermissions.CreateIdentitySourceInput) createdIdentitySource {
	GinkgoHelper()
	policyStoreID := aws.ToString(in.PolicyStoreId)
	out, err := s.createIdentitySource(ctx, in)
	s.mustSucceed(err, "CreateIdentitySource", "setup")
	id := aws.ToString(out.IdentitySourceId)
	s.mustHave(id != "", "CreateIdentitySource", "an identitySourceId", "setup")
	s.deferDeleteIdentitySource(policyStoreID, id)
	return createdIdentitySource{id: id, out: out}
}

// createIdentitySource calls CreateIdentitySource with in. A policy store
// just created may take a moment to be seen by other operations, writes
// included (AWS answers ResourceNotFoundException meanwhile; Terraform
// retries for a minute): while the store is not found, it sends the same
// request again, same clientToken, as a careful client does, and returns the
// last answer.
func (s *session) createIdentitySource(ctx context.Context, in *verifiedpermissions.CreateIdentitySourceInput) (*verifiedpermissions.CreateIdentitySourceOutput, error) {
	GinkgoHelper()
	var out *verifiedpermissions.CreateIdentitySourceOutput
	var err error
	s.await(ctx, "CreateIdentitySource in the policy store just created", "an answer other than ResourceNotFoundException", func() attempt {
		out, err = s.client.CreateIdentitySource(ctx, in)
		if a := s.answerOf(opCreate, err); a.code == resourceNotFoundException {
			return pending(a.String(), a.cause(opCreate)+" for the policy store just created")
		}
		return attempt{done: true}
	})
	return out, err
}

// deferDeleteIdentitySource has DeferCleanup delete the identity source
// after the spec, unless the scenario already has.
func (s *session) deferDeleteIdentitySource(policyStoreID, id string) {
	DeferCleanup(func(ctx SpecContext) {
		_, err := s.client.DeleteIdentitySource(ctx, &verifiedpermissions.DeleteIdentitySourceInput{
			PolicyStoreId: aws.String(policyStoreID), IdentitySourceId: aws.String(id),
		})
		if s.answerOf("DeleteIdentitySource", err).code == resourceNotFoundException {
			return // the scenario deleted it
		}
		s.mustSucceed(err, "DeleteIdentitySource", "cleanup of identity source "+id)
	})
}

// awaitPolicyStore polls GetPolicyStore (every 100 ms, for at most the
// consistency timeout) while it answers ResourceNotFoundException, until it
// finds the policy store, so that reads that depend on the store see it.
// Any other error fails the spec at once.
func (s *session) awaitPolicyStore(ctx context.Context, policyStoreID string) {
	GinkgoHelper()
	s.await(ctx, "GetPolicyStore after CreatePolicyStore", "HTTP 200 finding the policy store", func() attempt {
		_, err := s.client.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(policyStoreID)})
		if a, failed := s.failedRead("GetPolicyStore", err, "the policy store just created"); failed {
			return a
		}
		return attempt{done: true}
	})
}

// awaitIdentitySourceGone polls GetIdentitySource while it still finds the
// identity source, until it fails with ResourceNotFoundException, and
// returns that error: the deletion has propagated. Any other error fails
// the spec at once.
func (s *session) awaitIdentitySourceGone(ctx context.Context, policyStoreID, identitySourceID string) error {
	GinkgoHelper()
	var last error
	s.await(ctx, "GetIdentitySource after DeleteIdentitySource", "HTTP 404 ResourceNotFoundException", func() attempt {
		_, err := s.getIdentitySource(ctx, policyStoreID, identitySourceID)
		a := s.answerOf(opGet, err)
		switch {
		case a.code == resourceNotFoundException:
			last = err
			return attempt{done: true}
		case err == nil:
			return pending("HTTP 200 still finding the identity source", "GetIdentitySource still finds an identity source after DeleteIdentitySource")
		default:
			return settledBy(a.String(), a.cause(opGet))
		}
	})
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

// mustUpdateIdentitySource calls UpdateIdentitySource and fails the spec on
// any error.
func (s *session) mustUpdateIdentitySource(ctx context.Context, in *verifiedpermissions.UpdateIdentitySourceInput) *verifiedpermissions.UpdateIdentitySourceOutput {
	GinkgoHelper()
	out, err := s.client.UpdateIdentitySource(ctx, in)
	s.mustSucceed(err, opUpdate, "the update")
	return out
}

// awaitIdentitySource polls GetIdentitySource (every 100 ms, for at most the
// consistency timeout) while the identity source is not found or ready, when
// not nil, does not accept the output yet, and returns the first output
// accepted. Any error but ResourceNotFoundException fails the spec at once.
// The raw body of that answer is lastResponse("GetIdentitySource").
func (s *session) awaitIdentitySource(ctx context.Context, policyStoreID, identitySourceID string, ready readyFunc) *verifiedpermissions.GetIdentitySourceOutput {
	GinkgoHelper()
	var got *verifiedpermissions.GetIdentitySourceOutput
	s.await(ctx, "GetIdentitySource after a write", "HTTP 200 showing the write", func() attempt {
		out, err := s.getIdentitySource(ctx, policyStoreID, identitySourceID)
		if a, failed := s.failedRead(opGet, err, "the identity source just written"); failed {
			return a
		}
		if ready != nil {
			if err := ready(out); err != nil {
				return pending("HTTP 200 ("+err.Error()+")", "GetIdentitySource does not show the write")
			}
		}
		got = out
		return attempt{done: true}
	})
	return got
}

// lastResponse returns the body of the newest recorded answer to operation,
// decoded as a JSON object, failing the spec if there is none or it is not a
// JSON object.
func (s *session) lastResponse(operation string) map[string]any {
	GinkgoHelper()
	x, ok := s.lastExchange(operation)
	if !ok {
		failWith("", fmt.Sprintf("expected a recorded %s exchange, got none", operation))
	}
	m, err := decodeJSONObject(x.ResponseBody)
	if err != nil {
		failWith(fmt.Sprintf("%s answers HTTP %d with a body that is not a JSON object", operation, x.Status),
			fmt.Sprintf("expected the %s answer to be a JSON object, got %s", operation, clip(string(x.ResponseBody), maxBodyInMessage)))
	}
	return m
}

// cognitoConfiguration is a CreateIdentitySource configuration for the user
// pool with clientIds (left out when nil) and, when groupEntityType is not
// empty, a group configuration.
func cognitoConfiguration(userPoolArn string, clientIds []string, groupEntityType string) types.Configuration {
	c := types.CognitoUserPoolConfiguration{UserPoolArn: aws.String(userPoolArn), ClientIds: clientIds}
	if groupEntityType != "" {
		c.GroupConfiguration = &types.CognitoGroupConfiguration{GroupEntityType: aws.String(groupEntityType)}
	}
	return &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: c}
}

// updateCognitoConfiguration is the UpdateConfiguration counterpart of
// cognitoConfiguration.
func updateCognitoConfiguration(userPoolArn string, clientIds []string, groupEntityType string) types.UpdateConfiguration {
	c := types.UpdateCognitoUserPoolConfiguration{UserPoolArn: aws.String(userPoolArn), ClientIds: clientIds}
	if groupEntityType != "" {
		c.GroupConfiguration = &types.UpdateCognitoGroupConfiguration{GroupEntityType: aws.String(groupEntityType)}
	}
	return &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: c}
}
