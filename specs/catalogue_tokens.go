package specs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
)

// needsTokens marks a scenario as needing tokens the target's identity
// sources accept (TokenIssuing).
func needsTokens(sc Scenario) Scenario {
	sc.Needs = append(sc.Needs, TokenIssuing)
	return sc
}

// tokenScenarios are the scenarios of what identity sources are for: a
// token turned into a principal by IsAuthorizedWithToken, and the effect of
// GetIdentitySource's configuration and of UpdateIdentitySource on which
// tokens are accepted and which policies apply. The mapping of tokens to
// principals and the checks made on tokens are documented (D: the Verified
// Permissions and Cognito user guides); that a refused token is a
// ValidationException (HTTP 400) was observed on AWS (O).
func tokenScenarios() []Scenario {
	scs := []Scenario{
		happy("IsAuthorizedWithToken/Cognito/IdTokenPrincipal", EvidenceDocs,
			"IsAuthorizedWithToken MUST accept an ID token of a Cognito identity source's user pool and client, map it to the principal <principalEntityType>::\"<user pool id>|<sub>\", and ALLOW by the policy on that principal alone.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _ := s.setUpSource(ctx, s.defaultCognito(), aws.String(userType))
				tok := s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[0])
				principal := cognitoPrincipal(f.UserPoolArn, tok)
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, principal), "read"))
				s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, "someone-else"), "read"))
				out := s.awaitDecision(ctx, "with the ID token", authzRequest(store, IDTokenUse, tok, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				expectEqual(len(out.Errors), 0, "evaluation errors")
				s.expectPrincipal(out, userType, principal)
				s.awaitDecision(ctx, "for an action no policy permits", authzRequest(store, IDTokenUse, tok, "write"), types.DecisionDeny)
			}),
		happy("IsAuthorizedWithToken/Cognito/AccessToken", EvidenceDocs,
			"IsAuthorizedWithToken MUST accept an access token of a Cognito identity source's user pool and client as accessToken, with the same principal as an ID token.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _ := s.setUpSource(ctx, s.defaultCognito(), aws.String(userType))
				tok := s.cognitoToken(ctx, AccessTokenUse, f.UserPoolArn, f.ClientIds[0])
				principal := cognitoPrincipal(f.UserPoolArn, tok)
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, principal), "read"))
				out := s.awaitDecision(ctx, "with the access token", authzRequest(store, AccessTokenUse, tok, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				s.expectPrincipal(out, userType, principal)
			}),
		happy("IsAuthorizedWithToken/Cognito/GroupEntityType", EvidenceDocs,
			"IsAuthorizedWithToken MUST make the token's cognito:groups parents of the principal, of the configured groupEntityType with ids \"<user pool id>|<group>\", so that a policy on a group the user is in applies and one on another group does not.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _ := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], groupType), aws.String(userType))
				tok := s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[0], "vpconform-readers")
				pool := userPoolID(f.UserPoolArn)
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal in "+cedarEntity(groupType, pool+"|vpconform-readers"), "read"))
				s.mustCreatePolicy(ctx, store, permitStatement("principal in "+cedarEntity(groupType, pool+"|vpconform-writers"), "write"))
				out := s.awaitDecision(ctx, "as a member of the group", authzRequest(store, IDTokenUse, tok, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				s.awaitDecision(ctx, "for another group's action", authzRequest(store, IDTokenUse, tok, "write"), types.DecisionDeny)
			}),
		happy("IsAuthorizedWithToken/OIDC/IdentityTokenOnly", EvidenceObserved,
			"IsAuthorizedWithToken MUST accept, for an OpenID Connect identity source with identityTokenOnly, an ID token for one of its client ids, mapped to <principalEntityType>::\"<entityIdPrefix>|<sub>\", and refuse an access token.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _ := s.setUpSource(ctx, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: tokenOIDC(f, true, f.ClientIds[:1])}, aws.String(userType))
				id := s.oidcToken(ctx, IDTokenUse, f.ClientIds[0])
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, oidcPrincipal(id)), "read"))
				out := s.awaitDecision(ctx, "with the ID token", authzRequest(store, IDTokenUse, id, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				s.expectPrincipal(out, userType, oidcPrincipal(id))
				access := s.oidcToken(ctx, AccessTokenUse, f.ClientIds[0])
				s.awaitRefused(ctx, "with an access token where identityTokenOnly is configured", authzRequest(store, AccessTokenUse, access, "read"))
			}),
		happy("IsAuthorizedWithToken/OIDC/AccessTokenOnly", EvidenceObserved,
			"IsAuthorizedWithToken MUST accept, for an OpenID Connect identity source with accessTokenOnly, an access token for one of its audiences, and refuse an ID token.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _ := s.setUpSource(ctx, &types.ConfigurationMemberOpenIdConnectConfiguration{Value: tokenOIDC(f, false, nil)}, aws.String(userType))
				access := s.oidcToken(ctx, AccessTokenUse, "")
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, oidcPrincipal(access)), "read"))
				out := s.awaitDecision(ctx, "with the access token", authzRequest(store, AccessTokenUse, access, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				id := s.oidcToken(ctx, IDTokenUse, f.ClientIds[0])
				s.awaitRefused(ctx, "with an ID token where accessTokenOnly is configured", authzRequest(store, IDTokenUse, id, "read"))
			}),
		happy("BatchIsAuthorizedWithToken/Cognito/ResultsInOrder", EvidenceDocs,
			"BatchIsAuthorizedWithToken MUST map the token to one principal and answer each request, echoed, with its own decision, in the order of the requests.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _, tok, principal, p := s.allowedCognitoSource(ctx, f)
				in := &verifiedpermissions.BatchIsAuthorizedWithTokenInput{
					PolicyStoreId: aws.String(store),
					IdentityToken: aws.String(tok.raw),
					Requests: []types.BatchIsAuthorizedWithTokenInputItem{
						{Action: &types.ActionIdentifier{ActionType: aws.String(actionType), ActionId: aws.String("write")}, Resource: &types.EntityIdentifier{EntityType: aws.String(documentType), EntityId: aws.String(documentID)}},
						{Action: &types.ActionIdentifier{ActionType: aws.String(actionType), ActionId: aws.String("read")}, Resource: &types.EntityIdentifier{EntityType: aws.String(documentType), EntityId: aws.String(documentID)}},
					},
				}
				out, err := s.client.BatchIsAuthorizedWithToken(ctx, in)
				s.mustSucceed(err, opBatchAuthorize, "BatchIsAuthorizedWithToken with a token IsAuthorizedWithToken accepts")
				s.expectBatch(out, principal, []batchResult{{"write", types.DecisionDeny, nil}, {"read", types.DecisionAllow, []string{p}}})
			}),
		happy("GetIdentitySource/Tokens/IssuerOfAcceptedTokens", EvidenceDocs,
			"GetIdentitySource MUST report as a Cognito configuration's issuer the iss of the tokens IsAuthorizedWithToken accepts for it.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src, tok, _, _ := s.allowedCognitoSource(ctx, f)
				out := s.awaitIdentitySource(ctx, store, src, nil)
				c := expectDetail(cognitoDetail, out)
				expectEqual(aws.ToString(c.Issuer), tok.claims.string("iss"), "the issuer of the configuration and the iss of an accepted token")
			}),
		happy("UpdateIdentitySource/Tokens/RemovedClientRefused", EvidenceObserved,
			"After UpdateIdentitySource removes a client id from a Cognito configuration, IsAuthorizedWithToken MUST refuse that client's token with ValidationException and MUST still accept a kept client's token.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src := s.setUpSource(ctx, cognitoConfiguration(f.UserPoolArn, f.ClientIds[:2], ""), aws.String(userType))
				removed := s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[0])
				kept := s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[1])
				s.mustCreatePolicy(ctx, store, permitStatement("principal", "read"))
				s.awaitDecision(ctx, "with the first client's token before the update", authzRequest(store, IDTokenUse, removed, "read"), types.DecisionAllow)
				s.awaitDecision(ctx, "with the second client's token before the update", authzRequest(store, IDTokenUse, kept, "read"), types.DecisionAllow)
				s.mustUpdateIdentitySource(ctx, updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[1:2], ""), aws.String(userType)))
				s.awaitRefused(ctx, "with the removed client's token after the update", authzRequest(store, IDTokenUse, removed, "read"))
				s.awaitDecision(ctx, "with the kept client's token after the update", authzRequest(store, IDTokenUse, kept, "read"), types.DecisionAllow)
			}),
		happy("UpdateIdentitySource/Tokens/CognitoToOIDC", EvidenceObserved,
			"After UpdateIdentitySource switches a Cognito configuration to OpenID Connect, IsAuthorizedWithToken MUST refuse the user pool's tokens with ValidationException and accept the new issuer's, mapped with its entityIdPrefix.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src, cognito, _, _ := s.allowedCognitoSource(ctx, f)
				oidc := s.oidcToken(ctx, IDTokenUse, f.ClientIds[0])
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, oidcPrincipal(oidc)), "read"))
				cfg := tokenOIDC(f, true, f.ClientIds[:1])
				s.mustUpdateIdentitySource(ctx, updateInput(store, src, &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
					Issuer: cfg.Issuer, EntityIdPrefix: cfg.EntityIdPrefix,
					TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{ClientIds: f.ClientIds[:1]}},
				}}, aws.String(userType)))
				s.awaitRefused(ctx, "with the user pool's token after the switch", authzRequest(store, IDTokenUse, cognito, "read"))
				out := s.awaitDecision(ctx, "with the new issuer's token after the switch", authzRequest(store, IDTokenUse, oidc, "read"), types.DecisionAllow)
				expectDetermining(out, p)
				s.expectPrincipal(out, userType, oidcPrincipal(oidc))
			}),
		happy("UpdateIdentitySource/Tokens/PrincipalEntityType", EvidenceDocs,
			"After UpdateIdentitySource changes principalEntityType, IsAuthorizedWithToken MUST map the token to the new type, so that a policy on the old type no longer applies and one on the new type does.",
			func(ctx context.Context, s *session, f Fixtures) {
				store, src, tok, principal, _ := s.allowedCognitoSource(ctx, f)
				p := s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(employeeType, principal), "write"))
				s.awaitDecision(ctx, "for the new type's action before the update", authzRequest(store, IDTokenUse, tok, "write"), types.DecisionDeny)
				s.mustUpdateIdentitySource(ctx, updateInput(store, src, updateCognitoConfiguration(f.UserPoolArn, f.ClientIds[:1], ""), aws.String(employeeType)))
				out := s.awaitDecision(ctx, "for the new type's action after the update", authzRequest(store, IDTokenUse, tok, "write"), types.DecisionAllow)
				expectDetermining(out, p)
				s.expectPrincipal(out, employeeType, principal)
				s.awaitDecision(ctx, "for the old type's action after the update", authzRequest(store, IDTokenUse, tok, "read"), types.DecisionDeny)
			}),
	}
	scs = append(scs, refusalScenarios()...)
	for i := range scs {
		scs[i] = needsTokens(scs[i])
	}
	return scs
}

// refusalScenarios are the tokens IsAuthorizedWithToken must refuse with
// ValidationException (observed on AWS) where a token of the identity
// source, sent as identityToken, is accepted: each is one token the
// scenario gets, sent as the parameter use.
func refusalScenarios() []Scenario {
	var scs []Scenario
	for _, r := range []struct {
		id, description, what, use string
		token                      func(ctx context.Context, s *session, f Fixtures) token
	}{
		{"Expired", "an expired token, where the same user's unexpired token is accepted",
			"with an expired ID token", IDTokenUse,
			func(ctx context.Context, s *session, f Fixtures) token {
				return s.mintToken(ctx, TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0], LifetimeSeconds: -60})
			}},
		{"OtherIssuer", "a token of a user pool that is not the identity source's",
			"with an ID token of another user pool", IDTokenUse,
			func(ctx context.Context, s *session, f Fixtures) token {
				return s.cognitoToken(ctx, IDTokenUse, f.SecondUserPoolArn, f.ClientIds[0])
			}},
		{"UnlistedClient", "an ID token whose aud is not among the identity source's client ids",
			"with an ID token of a client the identity source does not list", IDTokenUse,
			func(ctx context.Context, s *session, f Fixtures) token {
				return s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[len(f.ClientIds)-1])
			}},
		{"TokenUseMismatch", "a Cognito ID token sent as accessToken, whose token_use is not access",
			"with an ID token sent as accessToken", AccessTokenUse,
			func(ctx context.Context, s *session, f Fixtures) token {
				return s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[0])
			}},
	} {
		scs = append(scs, negative("IsAuthorizedWithToken/Refused/"+r.id, EvidenceObserved,
			"IsAuthorizedWithToken MUST refuse with ValidationException "+r.description+".",
			func(ctx context.Context, s *session, f Fixtures) {
				store, _, _, _, _ := s.allowedCognitoSource(ctx, f)
				s.awaitRefused(ctx, r.what, authzRequest(store, r.use, r.token(ctx, s, f), "read"))
			}))
	}
	return scs
}

// allowedCognitoSource sets up a policy store with a Cognito identity
// source (the fixtures' first user pool and client, principalEntityType
// MyCorp::User) and a policy permitting an ID token's principal to read,
// and waits until IsAuthorizedWithToken allows it. It returns the store,
// the source, the token, its principal id and the policy.
func (s *session) allowedCognitoSource(ctx context.Context, f Fixtures) (store, src string, tok token, principal, policy string) {
	store, src = s.setUpSource(ctx, s.defaultCognito(), aws.String(userType))
	tok = s.cognitoToken(ctx, IDTokenUse, f.UserPoolArn, f.ClientIds[0])
	principal = cognitoPrincipal(f.UserPoolArn, tok)
	policy = s.mustCreatePolicy(ctx, store, permitStatement("principal == "+cedarEntity(userType, principal), "read"))
	s.awaitDecision(ctx, "with a token of the identity source", authzRequest(store, IDTokenUse, tok, "read"), types.DecisionAllow)
	return store, src, tok, principal, policy
}
