package specs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
)

// The operations the token scenarios call besides the identity-source ones.
const (
	opCreatePolicy    = "CreatePolicy"
	opAuthorize       = "IsAuthorizedWithToken"
	opBatchAuthorize  = "BatchIsAuthorizedWithToken"
	validationRefusal = "ValidationException"
)

// The entities of the token scenarios' policies and requests.
const (
	userType     = "MyCorp::User"
	employeeType = "MyCorp::Employee"
	groupType    = "MyCorp::UserGroup"
	actionType   = "MyCorp::Action"
	documentType = "MyCorp::Document"
	documentID   = "doc-1"
	// oidcPrefix is the entityIdPrefix of the token scenarios' OpenID
	// Connect configurations.
	oidcPrefix = "vpconform"
	// oidcAudience is the audience of their access tokens.
	oidcAudience = "https://api.vpconform.example"
)

// token is a token a scenario got, with its claims read back: a token
// supplied by the user has its own sub and groups.
type token struct {
	raw    string
	claims tokenClaims
}

func (t token) sub() string { return t.claims.string("sub") }

// mintToken gets the token req describes from the target's TokenIssuer. It
// skips the spec when the issuer has no such token (ErrTokenUnavailable,
// such as an expired token among tokens supplied for AWS) and fails it on
// any other error.
func (s *session) mintToken(ctx context.Context, req TokenRequest) token {
	GinkgoHelper()
	if req.Subject == "" {
		req.Subject = "vpconform-user-" + strconv.Itoa(s.next())
	}
	raw, err := s.target.tokenIssuer().IssueToken(ctx, req)
	if errors.Is(err, ErrTokenUnavailable) {
		Skip(fmt.Sprintf("%s needs an %s, which target %q cannot give: %v; %s", s.scenario.ID, req, s.target.Name, err, TokenIssuing.hint(s.target.kind())))
	}
	if err != nil {
		failWith("", fmt.Sprintf("setup: expected an %s, got %v", req, err))
	}
	claims, err := decodeTokenClaims(raw)
	if err != nil {
		failWith("", fmt.Sprintf("setup: expected an %s as a JWT, got %v", req, err))
	}
	if claims.string("sub") == "" {
		failWith("", fmt.Sprintf("setup: expected an %s with a sub claim, got claims %s", req, jsonText(claims)))
	}
	return token{raw: raw, claims: claims}
}

// cognitoToken is an ID or access token of the user pool for the client,
// in the groups.
func (s *session) cognitoToken(ctx context.Context, use, userPoolArn, client string, groups ...string) token {
	GinkgoHelper()
	return s.mintToken(ctx, TokenRequest{UserPoolArn: userPoolArn, Use: use, ClientID: client, Groups: groups})
}

// userPoolID is the user pool id at the end of a user pool ARN.
func userPoolID(userPoolArn string) string {
	_, id, _ := strings.Cut(userPoolArn, "userpool/")
	return id
}

// cedarEntity is an entity reference in Cedar syntax, Type::"id".
func cedarEntity(entityType, id string) string { return entityType + "::" + strconv.Quote(id) }

// permitStatement permits principal (a scope such as `principal ==
// MyCorp::User::"…"`) to perform action on the scenarios' document.
func permitStatement(principal, action string) string {
	return fmt.Sprintf("permit(%s, action == %s, resource == %s);", principal, cedarEntity(actionType, action), cedarEntity(documentType, documentID))
}

// mustCreatePolicy creates a static policy in the store and returns its id,
// retrying while the store just created is not found, as
// createIdentitySource does.
func (s *session) mustCreatePolicy(ctx context.Context, store, statement string) string {
	GinkgoHelper()
	in := &verifiedpermissions.CreatePolicyInput{
		ClientToken:   aws.String(s.clientToken()),
		PolicyStoreId: aws.String(store),
		Definition:    &types.PolicyDefinitionMemberStatic{Value: types.StaticPolicyDefinition{Statement: aws.String(statement)}},
	}
	var out *verifiedpermissions.CreatePolicyOutput
	var err error
	s.await(ctx, "CreatePolicy in the policy store just created", "an answer other than ResourceNotFoundException", func() attempt {
		out, err = s.client.CreatePolicy(ctx, in)
		if a := s.answerOf(opCreatePolicy, err); a.code == resourceNotFoundException {
			return pending(a.String(), a.cause(opCreatePolicy)+" for the policy store just created")
		}
		return attempt{done: true}
	})
	s.mustSucceed(err, opCreatePolicy, "setup")
	id := aws.ToString(out.PolicyId)
	s.mustHave(id != "", opCreatePolicy, "a policyId", "setup")
	return id
}

// authzRequest is an IsAuthorizedWithToken request of the scenarios: the
// token as identityToken (use "id") or accessToken, the action on the
// scenarios' document.
func authzRequest(store string, use string, t token, action string) *verifiedpermissions.IsAuthorizedWithTokenInput {
	in := &verifiedpermissions.IsAuthorizedWithTokenInput{
		PolicyStoreId: aws.String(store),
		Action:        &types.ActionIdentifier{ActionType: aws.String(actionType), ActionId: aws.String(action)},
		Resource:      &types.EntityIdentifier{EntityType: aws.String(documentType), EntityId: aws.String(documentID)},
	}
	if use == IDTokenUse {
		in.IdentityToken = aws.String(t.raw)
	} else {
		in.AccessToken = aws.String(t.raw)
	}
	return in
}

// describeDecision says what IsAuthorizedWithToken answered.
func describeDecision(out *verifiedpermissions.IsAuthorizedWithTokenOutput) string {
	var ids []string
	for _, p := range out.DeterminingPolicies {
		ids = append(ids, aws.ToString(p.PolicyId))
	}
	principal := "no principal"
	if out.Principal != nil {
		principal = "principal " + cedarEntity(aws.ToString(out.Principal.EntityType), aws.ToString(out.Principal.EntityId))
	}
	return fmt.Sprintf("HTTP 200 decision %q, determiningPolicies %s, %d errors, %s", out.Decision, jsonText(ids), len(out.Errors), principal)
}

// awaitDecision sends in until IsAuthorizedWithToken answers decision want
// and returns that answer. Until the writes of the scenario have propagated
// (policy, identity source, update), the target may answer another decision,
// refuse the token or not find the identity source: those are pending; any
// other error settles the scenario.
func (s *session) awaitDecision(ctx context.Context, what string, in *verifiedpermissions.IsAuthorizedWithTokenInput, want types.Decision) *verifiedpermissions.IsAuthorizedWithTokenOutput {
	GinkgoHelper()
	var out *verifiedpermissions.IsAuthorizedWithTokenOutput
	s.await(ctx, "IsAuthorizedWithToken "+what, "HTTP 200 with decision "+string(want), func() attempt {
		got, err := s.client.IsAuthorizedWithToken(ctx, in)
		if err != nil {
			a := s.answerOf(opAuthorize, err)
			if a.code == validationRefusal || a.code == resourceNotFoundException {
				return pending(a.String(), a.cause(opAuthorize))
			}
			return settledBy(a.String(), a.cause(opAuthorize))
		}
		if got.Decision != want {
			return pending(describeDecision(got), fmt.Sprintf("IsAuthorizedWithToken answers decision %q where %s was expected", got.Decision, want))
		}
		out = got
		return attempt{done: true}
	})
	return out
}

// awaitRefused sends in until IsAuthorizedWithToken refuses the token with
// ValidationException (HTTP 400; observed on AWS, whose messages are not
// known). Until the scenario's writes have propagated, the target may still
// answer a decision or not find the identity source: pending; any other
// error settles it.
func (s *session) awaitRefused(ctx context.Context, what string, in *verifiedpermissions.IsAuthorizedWithTokenInput) {
	GinkgoHelper()
	s.await(ctx, "IsAuthorizedWithToken "+what, "HTTP 400 ValidationException refusing the token", func() attempt {
		got, err := s.client.IsAuthorizedWithToken(ctx, in)
		if err == nil {
			return pending(describeDecision(got), "IsAuthorizedWithToken accepts a token it must refuse ("+what+")")
		}
		a := s.answerOf(opAuthorize, err)
		switch a.code {
		case validationRefusal:
			return attempt{done: true}
		case resourceNotFoundException:
			return pending(a.String(), a.cause(opAuthorize))
		}
		return settledBy(a.String(), a.cause(opAuthorize)+" where ValidationException was expected")
	})
	s.expectWireError(validationRefusal)
}

// expectDetermining asserts that the decision was made by exactly the
// policies ids.
func expectDetermining(out *verifiedpermissions.IsAuthorizedWithTokenOutput, ids ...string) {
	GinkgoHelper()
	var got []string
	for _, p := range out.DeterminingPolicies {
		got = append(got, aws.ToString(p.PolicyId))
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, want) {
		failWith("IsAuthorizedWithToken answers the wrong determiningPolicies",
			fmt.Sprintf("IsAuthorizedWithToken: expected determiningPolicies %s, got %s", jsonText(want), jsonText(got)))
	}
}

// expectPrincipal asserts the principal IsAuthorizedWithToken returned,
// entityType::"entityId". The member is optional in the model, and the
// guides say it is the token's principal: when present it must be that
// entity; its absence is advisory.
func (s *session) expectPrincipal(out *verifiedpermissions.IsAuthorizedWithTokenOutput, entityType, entityID string) {
	GinkgoHelper()
	want := cedarEntity(entityType, entityID)
	if out.Principal == nil {
		s.advisory(false, "IsAuthorizedWithToken returns the token's principal: expected principal %s, got none", want)
		return
	}
	got := cedarEntity(aws.ToString(out.Principal.EntityType), aws.ToString(out.Principal.EntityId))
	if got != want {
		failWith("IsAuthorizedWithToken maps the token to the wrong principal",
			fmt.Sprintf("IsAuthorizedWithToken: expected principal %s, got %s", want, got))
	}
}

// cognitoPrincipal is the principal id of a Cognito token: <user pool
// id>|<sub>, as the guides document.
func cognitoPrincipal(userPoolArn string, t token) string {
	return userPoolID(userPoolArn) + "|" + t.sub()
}

// oidcPrincipal is the principal id of an OpenID Connect token with
// entityIdPrefix oidcPrefix and principalIdClaim sub.
func oidcPrincipal(t token) string { return oidcPrefix + "|" + t.sub() }

// tokenOIDC is an OpenID Connect configuration of the fixtures' issuer with
// entityIdPrefix oidcPrefix and the token selection: identityTokenOnly with
// the clients when idToken, else accessTokenOnly with oidcAudience.
func tokenOIDC(f Fixtures, idToken bool, clients []string) types.OpenIdConnectConfiguration {
	c := types.OpenIdConnectConfiguration{Issuer: aws.String(f.OIDCIssuer), EntityIdPrefix: aws.String(oidcPrefix)}
	if idToken {
		c.TokenSelection = &types.OpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.OpenIdConnectIdentityTokenConfiguration{ClientIds: clients}}
	} else {
		c.TokenSelection = &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{Audiences: []string{oidcAudience}}}
	}
	return c
}

// oidcToken is a token of the fixtures' OpenID Connect issuer: an ID token
// for the client, or an access token for oidcAudience.
func (s *session) oidcToken(ctx context.Context, use, client string) token {
	GinkgoHelper()
	req := TokenRequest{Issuer: s.fixtures().OIDCIssuer, Use: use, ClientID: client}
	if use == AccessTokenUse {
		req.Audience = []string{oidcAudience}
	}
	return s.mintToken(ctx, req)
}

// batchResult is what one result of BatchIsAuthorizedWithToken must say:
// the action of the request it echoes, the decision, the determining
// policies.
type batchResult struct {
	action      string
	decision    types.Decision
	determining []string
}

// expectBatch asserts a BatchIsAuthorizedWithToken answer: the principal
// (as expectPrincipal), then one result per request in the order sent,
// each echoing its request's action and resource with its own decision and
// determining policies.
func (s *session) expectBatch(out *verifiedpermissions.BatchIsAuthorizedWithTokenOutput, principal string, want []batchResult) {
	GinkgoHelper()
	s.expectPrincipal(&verifiedpermissions.IsAuthorizedWithTokenOutput{Principal: out.Principal}, userType, principal)
	if len(out.Results) != len(want) {
		failWith("BatchIsAuthorizedWithToken answers a result list of the wrong length",
			fmt.Sprintf("BatchIsAuthorizedWithToken: expected %d results, got %d", len(want), len(out.Results)))
	}
	for i, r := range out.Results {
		var action, resource string
		if r.Request != nil && r.Request.Action != nil {
			action = aws.ToString(r.Request.Action.ActionId)
		}
		if r.Request != nil && r.Request.Resource != nil {
			resource = aws.ToString(r.Request.Resource.EntityId)
		}
		got := &verifiedpermissions.IsAuthorizedWithTokenOutput{Decision: r.Decision, DeterminingPolicies: r.DeterminingPolicies, Errors: r.Errors}
		if action != want[i].action || resource != documentID || r.Decision != want[i].decision {
			failWith("BatchIsAuthorizedWithToken answers the requests out of order or with the wrong decisions",
				fmt.Sprintf("BatchIsAuthorizedWithToken: expected result %d to echo action %q on %q with decision %s, got action %q on %q, %s",
					i, want[i].action, documentID, want[i].decision, action, resource, describeDecision(got)))
		}
		expectDetermining(got, want[i].determining...)
	}
}
