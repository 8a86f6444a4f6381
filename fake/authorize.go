package fake

// IsAuthorizedWithToken and BatchIsAuthorizedWithToken: a token is matched
// to the policy store's identity source by its iss, verified by the fake's
// built-in issuer (issuer.go), checked against the identity source's
// configuration, and mapped to a principal entity, its groups and
// attributes, and context.token; the request is then evaluated with
// cedar-go against the store's policies (policy.go).
//
// Evidence: M the service model, D AWS documentation, O observed on AWS by
// a third party, I inference. The documents, by short name:
//
//   - UG-COG, UG-OIDC: https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/identity-sources-cognito.html
//     and identity-sources-oidc.html;
//   - UG-COGMAP, UG-OIDCMAP: the same guide's cognito-map-token-to-schema.html
//     and oidc-map-token-to-schema.html;
//   - UG-COGVAL, UG-OIDCVAL: its cognito-validation.html and oidc-validation.html;
//   - UG-EX: its policies-examples.html;
//   - COG-AVP: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-authorization-with-avp.html;
//   - API-BIAWT: https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_BatchIsAuthorizedWithToken.html;
//   - LS-COV: LocalStack's AWS-validated test records,
//     localstack/localstack-docs src/data/coverage/verifiedpermissions.json.

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// maxBatchRequests is how many requests one BatchIsAuthorizedWithToken may
// carry: "can contain up to 30 requests" [D API-BIAWT]; the model only says
// min 1 [M], so more is a ValidationException [I].
const maxBatchRequests = 30

// defaultCognitoGroupEntityType is the group entity type of a Cognito
// identity source without a groupConfiguration: "Defaults to
// AWS::CognitoGroup" (CognitoGroupConfiguration doc) [D]; that groups are
// mapped at all without one is [I].
const defaultCognitoGroupEntityType = "AWS::CognitoGroup"

// cognitoGroupsClaim is the claim of a Cognito token that lists the user's
// groups; it becomes the principal's parents, not an attribute [D UG-COGMAP].
const cognitoGroupsClaim = "cognito:groups"

// reservedClaims are the claim names a token may not carry: VP builds
// records of those names from prefixed claims such as cognito:username
// (the legacy dot notation principal.cognito.username [D UG-COGMAP]), and
// a token with a claim of that literal name fails with a
// ValidationException [D UG-COG for cognito and custom, COG-AVP adds dev].
var reservedClaims = []string{"cognito", "custom", "dev"}

// peekAlgorithms are the JWS algorithms a token may name for its iss to be
// read before verification; verification itself accepts RS256 only.
var peekAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA, jose.HS256, jose.HS384, jose.HS512,
}

// Input and output shapes, with the model's member names.

type entityIdentifier struct {
	EntityType string `json:"entityType"`
	EntityID   string `json:"entityId"`
}

type actionIdentifier struct {
	ActionType string `json:"actionType"`
	ActionID   string `json:"actionId"`
}

// attributeValue is the AttributeValue union, and CedarTagValue, which has
// the same members. Exactly one member is set (the input schema checks it);
// omitzero keeps an empty set or record when a request item is echoed.
type attributeValue struct {
	Boolean          *bool                     `json:"boolean,omitempty"`
	EntityIdentifier *entityIdentifier         `json:"entityIdentifier,omitempty"`
	Long             *int64                    `json:"long,omitempty"`
	String           *string                   `json:"string,omitempty"`
	Set              []attributeValue          `json:"set,omitzero"`
	Record           map[string]attributeValue `json:"record,omitzero"`
	IPAddr           *string                   `json:"ipaddr,omitempty"`
	Decimal          *string                   `json:"decimal,omitempty"`
	Datetime         *string                   `json:"datetime,omitempty"`
	Duration         *string                   `json:"duration,omitempty"`
}

// contextDefinition is the ContextDefinition union.
type contextDefinition struct {
	ContextMap map[string]attributeValue `json:"contextMap,omitzero"`
	CedarJSON  *string                   `json:"cedarJson,omitempty"`
}

type entityItem struct {
	Identifier entityIdentifier          `json:"identifier"`
	Attributes map[string]attributeValue `json:"attributes,omitzero"`
	Parents    []entityIdentifier        `json:"parents,omitzero"`
	Tags       map[string]attributeValue `json:"tags,omitzero"`
}

// entitiesDefinition is the EntitiesDefinition union.
type entitiesDefinition struct {
	EntityList []entityItem `json:"entityList,omitzero"`
	CedarJSON  *string      `json:"cedarJson,omitempty"`
}

// authorizationInput holds the members both operations' inputs have: the
// policy store, the token or tokens, and the caller's entities; what
// prepareAuthorization takes.
type authorizationInput struct {
	PolicyStoreID string              `json:"policyStoreId"`
	IdentityToken *string             `json:"identityToken,omitempty"`
	AccessToken   *string             `json:"accessToken,omitempty"`
	Entities      *entitiesDefinition `json:"entities,omitempty"`
}

// batchIsAuthorizedWithTokenInputItem is one request of a batch; it is
// echoed in its result as it was given. IsAuthorizedWithToken's input has
// the same members for its one request.
type batchIsAuthorizedWithTokenInputItem struct {
	Action   *actionIdentifier  `json:"action,omitempty"`
	Resource *entityIdentifier  `json:"resource,omitempty"`
	Context  *contextDefinition `json:"context,omitempty"`
}

type isAuthorizedWithTokenInput struct {
	authorizationInput
	batchIsAuthorizedWithTokenInputItem
}

type batchIsAuthorizedWithTokenInput struct {
	authorizationInput
	Requests []batchIsAuthorizedWithTokenInputItem `json:"requests"`
}

type determiningPolicyItem struct {
	PolicyID string `json:"policyId"`
}

type evaluationErrorItem struct {
	ErrorDescription string `json:"errorDescription"`
}

// decisionMembers are what both operations answer of one request: the
// decision, the determining policies and the evaluation errors.
type decisionMembers struct {
	Decision            string                  `json:"decision"`
	DeterminingPolicies []determiningPolicyItem `json:"determiningPolicies"`
	Errors              []evaluationErrorItem   `json:"errors"`
}

type isAuthorizedWithTokenOutput struct {
	decisionMembers
	Principal *entityIdentifier `json:"principal,omitempty"`
}

type batchIsAuthorizedWithTokenOutputItem struct {
	Request batchIsAuthorizedWithTokenInputItem `json:"request"`
	decisionMembers
}

type batchIsAuthorizedWithTokenOutput struct {
	Principal *entityIdentifier                      `json:"principal,omitempty"`
	Results   []batchIsAuthorizedWithTokenOutputItem `json:"results"`
}

func (e *engine) isAuthorizedWithToken(in isAuthorizedWithTokenInput) (isAuthorizedWithTokenOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	a, err := e.prepareAuthorization(in.authorizationInput)
	if err != nil {
		return isAuthorizedWithTokenOutput{}, err
	}
	d, err := a.authorize(in.batchIsAuthorizedWithTokenInputItem, "context")
	if err != nil {
		return isAuthorizedWithTokenOutput{}, err
	}
	return isAuthorizedWithTokenOutput{
		decisionMembers: d,
		Principal:       a.principalOutput(), // always on success [I]
	}, nil
}

func (e *engine) batchIsAuthorizedWithToken(in batchIsAuthorizedWithTokenInput) (batchIsAuthorizedWithTokenOutput, error) {
	if n := len(in.Requests); n == 0 || n > maxBatchRequests {
		// min 1 [M]; up to 30 [D API-BIAWT], refused as the model's
		// length constraints are [I].
		constraint := fmt.Sprintf("Member must have length less than or equal to %d", maxBatchRequests)
		if n == 0 {
			constraint = "Member must have length greater than or equal to 1"
		}
		return batchIsAuthorizedWithTokenOutput{}, invalidMember("requests", constraint)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	// One token per call, validated once: one principal for every request,
	// returned at the top level [M/D API-BIAWT].
	a, err := e.prepareAuthorization(in.authorizationInput)
	if err != nil {
		return batchIsAuthorizedWithTokenOutput{}, err
	}
	out := batchIsAuthorizedWithTokenOutput{
		Principal: a.principalOutput(),
		Results:   make([]batchIsAuthorizedWithTokenOutputItem, 0, len(in.Requests)),
	}
	// Results in the order requested [D API-BIAWT], each echoing its
	// request as given [M + D example].
	for i, req := range in.Requests {
		d, err := a.authorize(req, fmt.Sprintf("requests.%d.context", i))
		if err != nil {
			return batchIsAuthorizedWithTokenOutput{}, err
		}
		out.Results = append(out.Results, batchIsAuthorizedWithTokenOutputItem{Request: req, decisionMembers: d})
	}
	return out, nil
}

// authorization is what the requests of one call are evaluated with: the
// principal and its groups from the token, the caller's entities beside
// them, context.token, and the store's policies.
type authorization struct {
	principal types.EntityUID
	entities  types.EntityMap
	// token is context.token: the access token's claims; nil when no
	// access token was given.
	token    *types.Record
	policies *cedar.PolicySet
}

func (a *authorization) principalOutput() *entityIdentifier {
	return &entityIdentifier{EntityType: string(a.principal.Type), EntityID: string(a.principal.ID)}
}

// authorize evaluates one request. An absent action or resource is the
// unspecified entity (cedar-go's zero EntityUID), which an unconstrained
// scope matches and no == / in / is scope does: the model makes both
// optional [M]; what AWS evaluates them as is [I]. path names the context
// member in errors.
func (a *authorization) authorize(r batchIsAuthorizedWithTokenInputItem, path string) (decisionMembers, error) {
	ctx, err := requestContext(r.Context, a.token, path)
	if err != nil {
		return decisionMembers{}, err
	}
	req := cedar.Request{Principal: a.principal, Context: ctx}
	if r.Action != nil {
		req.Action = types.NewEntityUID(types.EntityType(r.Action.ActionType), types.String(r.Action.ActionID))
	}
	if r.Resource != nil {
		req.Resource = types.NewEntityUID(types.EntityType(r.Resource.EntityType), types.String(r.Resource.EntityID))
	}
	dec, diag := cedar.Authorize(a.policies, a.entities, req)
	return resultOf(dec, diag), nil
}

// resultOf words a cedar decision: "ALLOW" or "DENY" [M]; the determining
// policies are cedar's reasons (with a forbid, only the forbids [D]); the
// errors are the policies that failed to evaluate, which cedar skips [D].
// Both are sorted by policy id, so that an answer does not depend on map
// order [I], and are [] rather than null when empty (required members [M]).
func resultOf(dec cedar.Decision, diag cedar.Diagnostic) decisionMembers {
	d := decisionMembers{Decision: "DENY", DeterminingPolicies: []determiningPolicyItem{}, Errors: []evaluationErrorItem{}}
	if dec == cedar.Allow {
		d.Decision = "ALLOW"
	}
	reasons := slices.Clone(diag.Reasons)
	slices.SortFunc(reasons, func(x, y cedar.DiagnosticReason) int { return strings.Compare(string(x.PolicyID), string(y.PolicyID)) })
	for _, reason := range reasons {
		d.DeterminingPolicies = append(d.DeterminingPolicies, determiningPolicyItem{PolicyID: string(reason.PolicyID)})
	}
	errs := slices.Clone(diag.Errors)
	slices.SortFunc(errs, func(x, y cedar.DiagnosticError) int { return strings.Compare(string(x.PolicyID), string(y.PolicyID)) })
	for _, de := range errs {
		d.Errors = append(d.Errors, evaluationErrorItem{ErrorDescription: de.String()})
	}
	return d
}

// prepareAuthorization finds the identity source of the token, validates
// the token(s) and maps them to a principal, its groups and context.token,
// and adds the caller's entities. The caller holds e.mu.
func (e *engine) prepareAuthorization(in authorizationInput) (*authorization, error) {
	// The policy store and its identity sources as reads see them
	// (GetIdentitySource, ListIdentitySources): under a propagation delay
	// an UpdateIdentitySource takes effect on authorization once it has
	// propagated [I, as reads].
	t := e.readTime()
	ps, ok := e.readStore(in.PolicyStoreID, t)
	if !ok {
		return nil, notFoundPolicyStore(in.PolicyStoreID)
	}
	sources := e.readSources(ps, t)
	if len(sources) == 0 {
		// LS-COV records a 404 ResourceNotFoundException for a token
		// after DeleteIdentitySource [O weak]; resourceType
		// IDENTITY_SOURCE, and the policy store as resourceId, are [I].
		return nil, &ResourceNotFoundException{
			Message:      fmt.Sprintf("policy store %s has no identity source", in.PolicyStoreID),
			ResourceID:   in.PolicyStoreID,
			ResourceType: ResourceTypeIdentitySource,
		}
	}
	tokens, err := givenTokens(in.IdentityToken, in.AccessToken)
	if err != nil {
		return nil, err
	}
	// The identity source is the one whose issuer is the token's iss
	// (the ID token's when both are given); the iss is read before the
	// signature is checked, against that very issuer.
	iss, err := peekIssuer(tokens[0])
	if err != nil {
		return nil, err
	}
	src := sourceForIssuer(sources, iss)
	if src == nil {
		// [I]: no identity source of the store trusts this issuer.
		return nil, refused("%s: its issuer %q is not the issuer of an identity source of policy store %s", tokens[0].param, clip(iss, maxEchoedPath), in.PolicyStoreID)
	}
	now := e.clock()
	for i := range tokens {
		// Signature, expiry (no leeway) and iss [D COG-AVP; O LS-COV for
		// the error class; the messages are I].
		claims, err := e.issuer.verify(tokens[i].raw, iss, now)
		if err != nil {
			return nil, refused("%s is not valid: %s", tokens[i].param, clip(err.Error(), maxEchoedConstraint))
		}
		tokens[i].claims = claims
	}
	id, err := identityFromTokens(*src, tokens)
	if err != nil {
		return nil, err
	}
	ents, err := entitiesFrom(in.Entities, id.reservedTypes())
	if err != nil {
		return nil, err
	}
	for _, g := range id.groups {
		ents[g] = types.Entity{UID: g}
	}
	ents[id.principal] = types.Entity{UID: id.principal, Parents: types.NewEntityUIDSet(id.groups...), Attributes: id.attributes}
	// Policies from the latest state (policy.go); a store deleted within
	// the propagation delay has none [I].
	policies := cedar.NewPolicySet()
	if latest, ok := e.policyStores[in.PolicyStoreID]; ok {
		policies = e.policySet(latest)
	}
	return &authorization{principal: id.principal, entities: ents, token: id.token, policies: policies}, nil
}

// refused is the ValidationException (HTTP 400) of a refused token or of
// input the model allows but the service refuses [O LS-COV for tokens;
// the messages are I].
func refused(format string, args ...any) error {
	return &ValidationException{Message: fmt.Sprintf(format, args...)}
}

// givenToken is a token of the request: which parameter it came in, its
// text, and, once verified, its claims.
type givenToken struct {
	param  string   // "identityToken" or "accessToken"
	use    TokenUse // the token_use the parameter asks for
	raw    string
	claims map[string]any
}

// givenTokens lists the tokens given, the ID token first. Neither is a
// ValidationException: "You must specify either an accessToken, an
// identityToken, or both" [D; the error class is I].
func givenTokens(identityToken, accessToken *string) ([]givenToken, error) {
	var out []givenToken
	if identityToken != nil {
		out = append(out, givenToken{param: "identityToken", use: IDToken, raw: *identityToken})
	}
	if accessToken != nil {
		out = append(out, givenToken{param: "accessToken", use: AccessToken, raw: *accessToken})
	}
	if len(out) == 0 {
		return nil, refused("specify an identityToken, an accessToken, or both")
	}
	return out, nil
}

// peekIssuer reads the iss of a token without verifying it, to pick the
// identity source whose issuer verifies it.
func peekIssuer(tok givenToken) (string, error) {
	parsed, err := jwt.ParseSigned(tok.raw, peekAlgorithms)
	if err != nil {
		return "", refused("%s is not a signed JWT: %s", tok.param, clip(err.Error(), maxEchoedConstraint))
	}
	var c struct {
		Issuer any `json:"iss"`
	}
	if err := parsed.UnsafeClaimsWithoutVerification(&c); err != nil {
		return "", refused("%s has unreadable claims: %s", tok.param, clip(err.Error(), maxEchoedConstraint))
	}
	iss, ok := c.Issuer.(string)
	if !ok || iss == "" {
		return "", refused("%s has no iss claim", tok.param)
	}
	return iss, nil
}

// sourceForIssuer returns a copy of the identity source whose issuer is
// iss: a Cognito source's is derived from its user pool ARN [D COG-AVP],
// an OIDC source's is its configured issuer [D UG-OIDC], compared exactly
// [I].
func sourceForIssuer(sources []*identitySource, iss string) *identitySource {
	for _, is := range sources {
		c := is.configuration
		if (c.Cognito != nil && cognitoIssuer(c.Cognito.UserPoolArn) == iss) || (c.OIDC != nil && c.OIDC.Issuer == iss) {
			cp := *is // the latest version is updated in place: keep this one
			return &cp
		}
	}
	return nil
}

// userPoolID is the last part of a user pool ARN,
// arn:<partition>:cognito-idp:<region>:<account>:userpool/<userPoolId>.
func userPoolID(userPoolArn string) string {
	_, rest, _ := strings.Cut(userPoolArn, ":userpool/")
	return rest
}

// tokenIdentity is what verified tokens map to.
type tokenIdentity struct {
	principal  types.EntityUID
	attributes types.Record
	groups     []types.EntityUID
	// groupType is the group entity type; "" when the source maps no
	// groups.
	groupType string
	token     *types.Record
}

// reservedTypes are the entity types the caller's entities may not have:
// "can't include any entities of a type that matches the user or group
// entity types that you defined in your identity source" [D].
func (id tokenIdentity) reservedTypes() []types.EntityType {
	out := []types.EntityType{id.principal.Type}
	if id.groupType != "" {
		out = append(out, types.EntityType(id.groupType))
	}
	return out
}

// identityFromTokens checks verified tokens against the identity source's
// configuration and maps them to the principal, its groups and attributes,
// and context.token.
func identityFromTokens(src identitySource, tokens []givenToken) (tokenIdentity, error) {
	switch c := src.configuration; {
	case c.Cognito != nil:
		return cognitoIdentity(src.principalEntityType, c.Cognito, tokens)
	case c.OIDC != nil:
		return oidcIdentity(src.principalEntityType, c.OIDC, tokens)
	}
	return tokenIdentity{}, refused("identity source %s has no configuration to validate tokens with", src.id)
}

// cognitoIdentity validates Cognito tokens and maps them.
func cognitoIdentity(principalType string, c *cognitoUserPoolConfiguration, tokens []givenToken) (tokenIdentity, error) {
	var idClaims, accessClaims map[string]any
	for _, tok := range tokens {
		// token_use must match the parameter; Cognito always sets it
		// [D COG-AVP #4, M-doc].
		if use, _ := tok.claims["token_use"].(string); use != string(tok.use) {
			return tokenIdentity{}, refused("%s has token_use %q, want %q", tok.param, clip(use, maxEchoedTarget), tok.use)
		}
		// Client application validation, when clientIds are configured:
		// the ID token's aud, the access token's client_id [D UG-COGVAL].
		if len(c.ClientIDs) > 0 {
			claim := "aud"
			if tok.use == AccessToken {
				claim = "client_id"
			}
			if !anyIn(claimStrings(tok.claims[claim]), c.ClientIDs) {
				return tokenIdentity{}, refused("%s: its %s is not a client id of the identity source", tok.param, claim)
			}
		}
		if err := checkReservedClaims(tok); err != nil {
			return tokenIdentity{}, err
		}
		if tok.use == IDToken {
			idClaims = tok.claims
		} else {
			accessClaims = tok.claims
		}
	}
	if idClaims != nil && accessClaims != nil {
		// Both tokens: the same user [I].
		idSub, _ := idClaims["sub"].(string)
		accessSub, _ := accessClaims["sub"].(string)
		if idSub != accessSub {
			return tokenIdentity{}, refused("identityToken and accessToken are of different users (sub)")
		}
	}
	// The principal comes from the ID token when given, and context.token
	// from the access token [I for both at once; D UG-COGMAP for each].
	main := idClaims
	if main == nil {
		main = accessClaims
	}
	poolID := userPoolID(c.UserPoolArn)
	sub, ok := main["sub"].(string)
	if !ok || sub == "" {
		return tokenIdentity{}, refused("%s has no sub claim", tokens[0].param)
	}
	// "<user pool id>|<sub>" [D UG-COG, COG-AVP].
	id := tokenIdentity{
		principal: types.NewEntityUID(types.EntityType(principalType), types.String(poolID+"|"+sub)),
		groupType: defaultCognitoGroupEntityType, // [D default; I that it applies without a groupConfiguration]
	}
	if g := c.GroupConfiguration; g != nil {
		id.groupType = g.GroupEntityType
	}
	// cognito:groups → parents "<user pool id>|<group>" [D UG-COGMAP,
	// COG-AVP and API-BIAWT examples], from either token [D].
	id.groups = groupEntities(id.groupType, poolID+"|", main[cognitoGroupsClaim])
	id.attributes = claimAttributes(idClaims, cognitoGroupsClaim)
	if accessClaims != nil {
		rec := tokenContext(accessClaims, cognitoGroupsClaim)
		id.token = &rec
	}
	return id, nil
}

// oidcIdentity validates an OpenID Connect token and maps it.
func oidcIdentity(principalType string, c *openIDConnectConfiguration, tokens []givenToken) (tokenIdentity, error) {
	sel := c.TokenSelection
	// "your choice excludes the unchosen token type from being processed"
	// [D UG-OIDCMAP]; a token of the other type is refused [I].
	var want TokenUse
	var claimName *string
	switch {
	case sel.IdentityTokenOnly != nil:
		want, claimName = IDToken, sel.IdentityTokenOnly.PrincipalIDClaim
	case sel.AccessTokenOnly != nil:
		want, claimName = AccessToken, sel.AccessTokenOnly.PrincipalIDClaim
	default:
		return tokenIdentity{}, refused("the identity source selects no token type")
	}
	var tok givenToken
	for _, t := range tokens {
		if t.use != want {
			return tokenIdentity{}, refused("%s: the identity source accepts only the %s", t.param, paramOf(want))
		}
		tok = t
	}
	// OIDC providers usually omit token_use: checked only when present [I].
	if use, present := tok.claims["token_use"]; present && use != string(tok.use) {
		return tokenIdentity{}, refused("%s has token_use %s, want %q", tok.param, clip(fmt.Sprint(use), maxEchoedTarget), tok.use)
	}
	// Audience validation [D UG-OIDCVAL]: an ID token's aud must hold one
	// of the clientIds; an access token's aud (else cid, else client_id)
	// must be one of the audiences. None configured, no check.
	switch {
	case want == IDToken && len(sel.IdentityTokenOnly.ClientIDs) > 0:
		if !anyIn(claimStrings(tok.claims["aud"]), sel.IdentityTokenOnly.ClientIDs) {
			return tokenIdentity{}, refused("identityToken: its aud holds no client id of the identity source")
		}
	case want == AccessToken && len(sel.AccessTokenOnly.Audiences) > 0:
		var aud []string
		for _, claim := range []string{"aud", "cid", "client_id"} {
			if v, ok := tok.claims[claim]; ok {
				aud = claimStrings(v)
				break
			}
		}
		if !anyIn(aud, sel.AccessTokenOnly.Audiences) {
			return tokenIdentity{}, refused("accessToken: its audience is not an audience of the identity source")
		}
	}
	// [D for Cognito; I that OIDC tokens are refused alike].
	if err := checkReservedClaims(tok); err != nil {
		return tokenIdentity{}, err
	}
	claim := defaultPrincipalIDClaim // the model's default [M]
	if claimName != nil {
		claim = *claimName
	}
	value, ok := tok.claims[claim].(string)
	if !ok || value == "" {
		return tokenIdentity{}, refused("%s has no %s claim, the identity source's principal id claim", tok.param, claim)
	}
	// "<entityIdPrefix>|<claim>" [M-doc, D UG-OIDC]; the bare claim
	// without a prefix [I].
	prefix := ""
	if c.EntityIDPrefix != nil {
		prefix = *c.EntityIDPrefix + "|"
	}
	id := tokenIdentity{principal: types.NewEntityUID(types.EntityType(principalType), types.String(prefix+value))}
	groupClaim := ""
	if g := c.GroupConfiguration; g != nil {
		// groupClaim → parents "<entityIdPrefix>|<group>" [D UG-OIDC,
		// UG-EX]; no groups without a groupConfiguration [I].
		groupClaim, id.groupType = g.GroupClaim, g.GroupEntityType
		id.groups = groupEntities(id.groupType, prefix, tok.claims[groupClaim])
	}
	if want == IDToken {
		id.attributes = claimAttributes(tok.claims, groupClaim) // [D UG-OIDCMAP]
	} else {
		rec := tokenContext(tok.claims, groupClaim) // [D UG-OIDCMAP]
		id.token = &rec
	}
	return id, nil
}

func paramOf(use TokenUse) string {
	if use == IDToken {
		return "identityToken"
	}
	return "accessToken"
}

// checkReservedClaims refuses a token with a claim named cognito, custom
// or dev [D UG-COG, COG-AVP].
func checkReservedClaims(tok givenToken) error {
	for _, name := range reservedClaims {
		if _, ok := tok.claims[name]; ok {
			return refused("%s has a claim named %q, a name Verified Permissions reserves", tok.param, name)
		}
	}
	return nil
}

// claimStrings reads a claim that is a string or an array of strings, such
// as aud.
func claimStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		var out []string
		for _, el := range x {
			if s, ok := el.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func anyIn(have, allowed []string) bool {
	for _, h := range have {
		if slices.Contains(allowed, h) {
			return true
		}
	}
	return false
}

// groupNames reads a groups claim: a string without spaces, a
// space-delimited string, or a JSON array [D UG-OIDCMAP]; Cognito sends an
// array.
func groupNames(v any) []string {
	if s, ok := v.(string); ok {
		return strings.Fields(s)
	}
	var out []string
	for _, g := range claimStrings(v) {
		if g != "" {
			out = append(out, g)
		}
	}
	return out
}

// groupEntities are the group entities of a groups claim, of type
// groupType with ids prefix+name, without repeats.
func groupEntities(groupType, prefix string, claim any) []types.EntityUID {
	if groupType == "" {
		return nil
	}
	var out []types.EntityUID
	for _, name := range groupNames(claim) {
		uid := types.NewEntityUID(types.EntityType(groupType), types.String(prefix+name))
		if !slices.Contains(out, uid) {
			out = append(out, uid)
		}
	}
	return out
}

// claimAttributes maps ID-token claims to the principal's attributes
// [D UG-COGMAP, UG-OIDCMAP]: every claim under its own name (registered
// claims included [I]; aud [D COG-AVP]) except the group claim, which
// gives parents [D]; and, for the legacy dot notation
// principal.cognito.username [D UG-COGMAP], records cognito, custom and
// dev of the claims prefixed "cognito:", "custom:" and "dev:". A claim
// that has no Cedar value (null, a fraction) is left out [I]. nil claims
// give an empty record: an access token gives the principal no attributes
// [D].
func claimAttributes(claims map[string]any, groupClaim string) types.Record {
	attrs := types.RecordMap{}
	nested := map[string]types.RecordMap{}
	for name, v := range claims {
		if name == groupClaim {
			continue
		}
		cv, ok := claimValue(v)
		if !ok {
			continue
		}
		attrs[types.String(name)] = cv
		if prefix, rest, found := strings.Cut(name, ":"); found && rest != "" && slices.Contains(reservedClaims, prefix) {
			if nested[prefix] == nil {
				nested[prefix] = types.RecordMap{}
			}
			nested[prefix][types.String(rest)] = cv
		}
	}
	for prefix, rec := range nested {
		if _, clash := attrs[types.String(prefix)]; !clash { // refused earlier; a claim would win
			attrs[types.String(prefix)] = types.NewRecord(rec)
		}
	}
	return types.NewRecord(attrs)
}

// tokenContext maps access-token claims to context.token [D UG-COGMAP,
// UG-OIDCMAP]: every claim but the group claim ("access-token claims other
// than the groups claim" [D UG-OIDCMAP]), with scope, a space-delimited
// string, as a Set of strings (the documented schema types it
// Set<String> and policies use context.token.scope.contains [D UG-COGMAP,
// UG-EX]).
func tokenContext(claims map[string]any, groupClaim string) types.Record {
	m := types.RecordMap{}
	for name, v := range claims {
		if name == groupClaim {
			continue
		}
		if s, ok := v.(string); ok && name == "scope" {
			var scopes []types.Value
			for _, sc := range strings.Fields(s) {
				scopes = append(scopes, types.String(sc))
			}
			m["scope"] = types.NewSet(scopes...)
			continue
		}
		if cv, ok := claimValue(v); ok {
			m[types.String(name)] = cv
		}
	}
	return types.NewRecord(m)
}

// claimValue maps a JSON claim to a Cedar value [I]: string → String,
// integral number → Long, bool → Boolean, array → Set, object → Record.
// null and numbers that are not 64-bit integers have none (members of a
// set or record without one are left out).
func claimValue(v any) (types.Value, bool) {
	switch x := v.(type) {
	case string:
		return types.String(x), true
	case bool:
		return types.Boolean(x), true
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x >= math.MaxInt64 {
			return nil, false
		}
		return types.Long(int64(x)), true
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return nil, false
		}
		return types.Long(n), true
	case int:
		return types.Long(x), true
	case int64:
		return types.Long(x), true
	case []any:
		var vals []types.Value
		for _, el := range x {
			if cv, ok := claimValue(el); ok {
				vals = append(vals, cv)
			}
		}
		return types.NewSet(vals...), true
	case []string:
		vals := make([]types.Value, 0, len(x))
		for _, s := range x {
			vals = append(vals, types.String(s))
		}
		return types.NewSet(vals...), true
	case map[string]any:
		m := types.RecordMap{}
		for k, el := range x {
			if cv, ok := claimValue(el); ok {
				m[types.String(k)] = cv
			}
		}
		return types.NewRecord(m), true
	}
	return nil, false
}

// requestContext is the context of one request: the caller's (contextMap
// or cedarJson) with "token", the access token's claims, beside it. A
// caller's own "token" when the token gives one is refused [I].
func requestContext(cd *contextDefinition, token *types.Record, path string) (types.Record, error) {
	m := types.RecordMap{}
	if cd != nil {
		switch {
		case cd.ContextMap != nil:
			for k, av := range cd.ContextMap {
				v, err := av.cedarValue(path + ".contextMap." + k)
				if err != nil {
					return types.Record{}, err
				}
				m[types.String(k)] = v
			}
		case cd.CedarJSON != nil:
			var rec types.Record
			if err := json.Unmarshal([]byte(*cd.CedarJSON), &rec); err != nil {
				return types.Record{}, invalidMember(path+".cedarJson", "Member must be a Cedar JSON record: "+clip(err.Error(), maxEchoedConstraint))
			}
			m = rec.Map()
			if m == nil {
				m = types.RecordMap{}
			}
		default:
			return types.Record{}, invalidMember(path, "Member must have exactly one union member set")
		}
	}
	if token != nil {
		if _, ok := m["token"]; ok {
			return types.Record{}, invalidMember(path, `Member must not have the key "token", which holds the access token's claims`)
		}
		m["token"] = *token
	}
	return types.NewRecord(m), nil
}

// invalidMember is a ValidationException about one member, worded as the
// model's constraints are (validation.go).
func invalidMember(path, constraint string) error {
	return &ValidationException{
		Message:   fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", path, constraint),
		FieldList: []ValidationExceptionField{{Path: path, Message: constraint}},
	}
}

// cedarValue maps an AttributeValue (or CedarTagValue) to a Cedar value.
func (a attributeValue) cedarValue(path string) (types.Value, error) {
	var (
		v   types.Value
		set int
		err error
	)
	if a.Boolean != nil {
		v, set = types.Boolean(*a.Boolean), set+1
	}
	if a.EntityIdentifier != nil {
		v, set = types.NewEntityUID(types.EntityType(a.EntityIdentifier.EntityType), types.String(a.EntityIdentifier.EntityID)), set+1
	}
	if a.Long != nil {
		v, set = types.Long(*a.Long), set+1
	}
	if a.String != nil {
		v, set = types.String(*a.String), set+1
	}
	if a.Set != nil {
		vals := make([]types.Value, 0, len(a.Set))
		for i, el := range a.Set {
			ev, err := el.cedarValue(fmt.Sprintf("%s.set.%d", path, i))
			if err != nil {
				return nil, err
			}
			vals = append(vals, ev)
		}
		v, set = types.NewSet(vals...), set+1
	}
	if a.Record != nil {
		m := make(types.RecordMap, len(a.Record))
		for k, el := range a.Record {
			ev, err := el.cedarValue(path + ".record." + k)
			if err != nil {
				return nil, err
			}
			m[types.String(k)] = ev
		}
		v, set = types.NewRecord(m), set+1
	}
	parse := func(s *string, member string, f func(string) (types.Value, error)) {
		if s == nil || err != nil {
			return
		}
		set++
		if v, err = f(*s); err != nil {
			err = invalidMember(path+"."+member, fmt.Sprintf("Member must be a valid %s: %s", member, clip(err.Error(), maxEchoedConstraint)))
		}
	}
	parse(a.IPAddr, "ipaddr", func(s string) (types.Value, error) { return types.ParseIPAddr(s) })
	parse(a.Decimal, "decimal", func(s string) (types.Value, error) { return types.ParseDecimal(s) })
	parse(a.Datetime, "datetime", func(s string) (types.Value, error) { return types.ParseDatetime(s) })
	parse(a.Duration, "duration", func(s string) (types.Value, error) { return types.ParseDuration(s) })
	if err != nil {
		return nil, err
	}
	if set != 1 {
		return nil, invalidMember(path, "Member must have exactly one union member set")
	}
	return v, nil
}

// entitiesFrom maps the caller's entities (entityList or cedarJson) to
// Cedar entities. An entity of a reserved type (the principal's or the
// groups') is refused: "You can't include principals in this parameter"
// [D; the error class is I]. So is an entity listed twice [I].
func entitiesFrom(def *entitiesDefinition, reserved []types.EntityType) (types.EntityMap, error) {
	ents := types.EntityMap{}
	if def == nil {
		return ents, nil
	}
	switch {
	case def.EntityList != nil:
		for i, item := range def.EntityList {
			path := fmt.Sprintf("entities.entityList.%d", i)
			uid := types.NewEntityUID(types.EntityType(item.Identifier.EntityType), types.String(item.Identifier.EntityID))
			if _, dup := ents[uid]; dup {
				return nil, invalidMember(path+".identifier", "Member must not repeat the identifier of an earlier entity: "+clip(uid.String(), maxEchoedConstraint))
			}
			ent := types.Entity{UID: uid}
			attrs, err := attributeRecord(item.Attributes, path+".attributes")
			if err != nil {
				return nil, err
			}
			ent.Attributes = attrs
			tags, err := attributeRecord(item.Tags, path+".tags")
			if err != nil {
				return nil, err
			}
			ent.Tags = tags
			parents := make([]types.EntityUID, 0, len(item.Parents))
			for _, p := range item.Parents {
				parents = append(parents, types.NewEntityUID(types.EntityType(p.EntityType), types.String(p.EntityID)))
			}
			ent.Parents = types.NewEntityUIDSet(parents...)
			ents[uid] = ent
		}
	case def.CedarJSON != nil:
		if err := json.Unmarshal([]byte(*def.CedarJSON), &ents); err != nil {
			return nil, invalidMember("entities.cedarJson", "Member must be a Cedar JSON list of entities: "+clip(err.Error(), maxEchoedConstraint))
		}
	default:
		return nil, invalidMember("entities", "Member must have exactly one union member set")
	}
	for uid := range ents {
		if slices.Contains(reserved, uid.Type) {
			return nil, refused("entities: %s is of the identity source's principal or group entity type; "+
				"you can't include principals in this parameter, they come from the token", clip(uid.String(), maxEchoedConstraint))
		}
	}
	return ents, nil
}

func attributeRecord(m map[string]attributeValue, path string) (types.Record, error) {
	rm := make(types.RecordMap, len(m))
	for k, av := range m {
		v, err := av.cedarValue(path + "." + k)
		if err != nil {
			return types.Record{}, err
		}
		rm[types.String(k)] = v
	}
	return types.NewRecord(rm), nil
}
