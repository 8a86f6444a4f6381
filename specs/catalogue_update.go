package specs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
)

const opUpdate = "UpdateIdentitySource"

// updateInput is an UpdateIdentitySource input for the identity source.
func updateInput(policyStoreID, identitySourceID string, cfg types.UpdateConfiguration, principalEntityType *string) *verifiedpermissions.UpdateIdentitySourceInput {
	return &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId:       aws.String(policyStoreID),
		IdentitySourceId:    aws.String(identitySourceID),
		UpdateConfiguration: cfg,
		PrincipalEntityType: principalEntityType,
	}
}

// updateOIDCConfiguration is an UpdateConfiguration for the fixtures' OIDC
// issuer with the given token selection.
func updateOIDCConfiguration(issuer string, tokenSelection types.UpdateOpenIdConnectTokenSelection) types.UpdateConfiguration {
	return &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
		Issuer: aws.String(issuer), TokenSelection: tokenSelection,
	}}
}

// readyFunc accepts a GetIdentitySource output that shows a write, or says
// what it shows instead (see session.awaitIdentitySource).
type readyFunc func(*verifiedpermissions.GetIdentitySourceOutput) error

// withDetail returns a readyFunc accepting an output whose configuration
// detail, as detail reads it, satisfies match; otherwise it says what the
// detail holds, as described.
func withDetail[T any](detail func(*verifiedpermissions.GetIdentitySourceOutput) (T, error), match func(T) bool, describe func(T) string) readyFunc {
	return func(out *verifiedpermissions.GetIdentitySourceOutput) error {
		c, err := detail(out)
		if err != nil {
			return err
		}
		if !match(c) {
			return errors.New(describe(c))
		}
		return nil
	}
}

// withCognito returns a readyFunc accepting an output whose Cognito
// configuration satisfies match.
func withCognito(match func(types.CognitoUserPoolConfigurationDetail) bool) readyFunc {
	return withDetail(cognitoDetail, match, func(c types.CognitoUserPoolConfigurationDetail) string {
		return "the cognito configuration not as updated: " + describeCognito(c)
	})
}

// withClientIds returns a readyFunc accepting an output whose Cognito
// configuration has the client ids want, in any order.
func withClientIds(want []string) readyFunc {
	return withCognito(func(c types.CognitoUserPoolConfigurationDetail) bool { return sameSet(c.ClientIds, want) })
}

// withOIDC returns a readyFunc accepting an output with an OpenID Connect
// configuration satisfying match.
func withOIDC(match func(types.OpenIdConnectConfigurationDetail) bool) readyFunc {
	return withDetail(oidcDetail, match, func(c types.OpenIdConnectConfigurationDetail) string {
		return "an openIdConnectConfiguration not as updated: " + jsonText(c)
	})
}

func describeCognito(c types.CognitoUserPoolConfigurationDetail) string {
	g := "none"
	if c.GroupConfiguration != nil {
		g = aws.ToString(c.GroupConfiguration.GroupEntityType)
	}
	return fmt.Sprintf("{userPoolArn %s, clientIds %v, group %s}", aws.ToString(c.UserPoolArn), c.ClientIds, g)
}

// sameSet reports whether got and want hold the same strings in any order.
func sameSet(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// updateAndAwait updates the identity source to configuration cfg and
// principalEntityType (nil: left out), failing the spec on any error, then
// polls GetIdentitySource until ready accepts its output
// (awaitIdentitySource), and returns that output.
func (s *session) updateAndAwait(ctx context.Context, store, src string, cfg types.UpdateConfiguration, principalEntityType *string, ready readyFunc) *verifiedpermissions.GetIdentitySourceOutput {
	GinkgoHelper()
	s.mustUpdateIdentitySource(ctx, updateInput(store, src, cfg, principalEntityType))
	return s.awaitIdentitySource(ctx, store, src, ready)
}
