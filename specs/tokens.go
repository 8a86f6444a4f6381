package specs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Token uses, the token_use claim of a token.
const (
	// IDTokenUse is an ID token, sent as identityToken.
	IDTokenUse = "id"
	// AccessTokenUse is an access token, sent as accessToken.
	AccessTokenUse = "access"
)

// tokensPath is the control route of a vpfake-compatible endpoint that
// mints tokens (capability TokenIssuing).
const tokensPath = "/_vpfake/tokens"

// Environment variables that supply tokens for the token scenarios of a
// target that cannot mint them, such as real AWS: a comma-separated list of
// JWTs signed by the identity providers of the fixtures.
const (
	// TokensEnv holds the tokens for suites/endpoint.
	TokensEnv = "VPCONFORM_TOKENS"
	// AWSTokensEnv holds the tokens for suites/aws: ID and access tokens of
	// users of VPCONFORM_AWS_USER_POOL_ARN, issued to the first app client
	// of VPCONFORM_AWS_CLIENT_IDS, and optionally tokens of
	// VPCONFORM_AWS_OIDC_ISSUER.
	AWSTokensEnv = "VPCONFORM_AWS_TOKENS"
)

// TokenRequest describes a token a scenario needs. A minting issuer (the
// fake's) makes exactly this token; an issuer holding tokens supplied by
// the user returns one that matches it (see TokenIssuer).
type TokenRequest struct {
	// UserPoolArn names a Cognito user pool; the token's iss is the pool's
	// issuer. Exactly one of UserPoolArn and Issuer is set.
	UserPoolArn string `json:"userPoolArn,omitempty"`
	// Issuer is an OpenID Connect issuer URL, the token's iss.
	Issuer string `json:"issuer,omitempty"`
	// Use is the token_use: IDTokenUse or AccessTokenUse.
	Use string `json:"tokenUse"`
	// Subject is the sub claim the scenario would like; a token supplied
	// by the user may have another, which the scenario reads from it.
	Subject string `json:"sub"`
	// ClientID is the app client: aud of an ID token, client_id of an
	// access token.
	ClientID string `json:"clientId,omitempty"`
	// Audience is the aud claim of an OpenID Connect access token.
	Audience []string `json:"audience,omitempty"`
	// Groups the user must be in: cognito:groups for a user pool, the
	// claim GroupClaim for an OpenID Connect issuer.
	Groups []string `json:"groups,omitempty"`
	// GroupClaim names the OpenID Connect group claim; empty means
	// "groups".
	GroupClaim string `json:"groupClaim,omitempty"`
	// Claims are extra claims the token carries.
	Claims map[string]any `json:"claims,omitempty"`
	// LifetimeSeconds is how long the token is valid from now: 0 means the
	// issuer's default, a negative value a token already expired.
	LifetimeSeconds int64 `json:"lifetimeSeconds,omitempty"`
}

// String describes the request for skip and failure messages.
func (r TokenRequest) String() string {
	from := r.UserPoolArn
	if from == "" {
		from = r.Issuer
	}
	s := fmt.Sprintf("%s token of %s", r.Use, from)
	if r.ClientID != "" {
		s += " for client " + r.ClientID
	}
	if len(r.Audience) > 0 {
		s += " for audience " + strings.Join(r.Audience, ",")
	}
	if len(r.Groups) > 0 {
		s += " in groups " + strings.Join(r.Groups, ",")
	}
	if r.LifetimeSeconds < 0 {
		s += ", expired"
	}
	return s
}

// TokenIssuer gives the token scenarios their tokens. Target.Tokens sets
// one; a target with capability TokenIssuing and no Tokens mints them
// through POST /_vpfake/tokens on its control endpoint.
type TokenIssuer interface {
	// IssueToken returns a token matching req, or an error wrapping
	// ErrTokenUnavailable when it has none: the scenario is then skipped
	// with that error's text.
	IssueToken(ctx context.Context, req TokenRequest) (string, error)
}

// ErrTokenUnavailable is wrapped by a TokenIssuer that cannot give a token
// a scenario asks for.
var ErrTokenUnavailable = errors.New("no such token available")

// controlTokenIssuer mints tokens through the target's control route.
type controlTokenIssuer struct{ target Target }

// IssueToken posts req to POST /_vpfake/tokens.
func (c controlTokenIssuer) IssueToken(ctx context.Context, req TokenRequest) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	if err := c.target.control(ctx, "POST", tokensPath, req, &out); err != nil {
		return "", err
	}
	if out.Token == "" {
		return "", fmt.Errorf("specs: POST %s answered no token", tokensPath)
	}
	return out.Token, nil
}

// tokenIssuer is the target's TokenIssuer: Target.Tokens, else the control
// route.
func (t Target) tokenIssuer() TokenIssuer {
	if t.Tokens != nil {
		return t.Tokens
	}
	return controlTokenIssuer{t}
}

// SuppliedTokens is a TokenIssuer holding tokens given by the user, such as
// tokens of a real user pool: it returns the first one that matches a
// request and cannot make others (expired tokens, tokens of other clients
// or groups), whose scenarios are then skipped.
type SuppliedTokens struct {
	tokens []suppliedToken
	now    func() time.Time
}

type suppliedToken struct {
	raw    string
	claims tokenClaims
}

// ParseSuppliedTokens reads a comma-separated list of JWTs. The tokens are
// decoded, not verified: the target under test verifies them.
func ParseSuppliedTokens(list string) (*SuppliedTokens, error) {
	st := &SuppliedTokens{now: time.Now}
	for i, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		c, err := decodeTokenClaims(raw)
		if err != nil {
			return nil, fmt.Errorf("specs: token %d of the list: %w", i+1, err)
		}
		st.tokens = append(st.tokens, suppliedToken{raw: raw, claims: c})
	}
	if len(st.tokens) == 0 {
		return nil, errors.New("specs: the token list holds no token")
	}
	return st, nil
}

// IssueToken returns the first supplied token that matches req: same
// issuer and token use, the client or audience asked for, every group asked
// for, the extra claims asked for, and not expired. It cannot give an
// expired token.
func (st *SuppliedTokens) IssueToken(_ context.Context, req TokenRequest) (string, error) {
	if req.LifetimeSeconds < 0 {
		return "", fmt.Errorf("an %s: supplied tokens are never used expired: %w", req, ErrTokenUnavailable)
	}
	wantIss := req.Issuer
	if req.UserPoolArn != "" {
		wantIss = cognitoIssuer(req.UserPoolArn)
	}
	for _, t := range st.tokens {
		c := t.claims
		if c.string("iss") != wantIss || c.expired(st.now()) {
			continue
		}
		if use := c.string("token_use"); use != req.Use && (use != "" || req.UserPoolArn != "") {
			continue
		}
		if req.ClientID != "" && !slices.Contains(c.clients(), req.ClientID) {
			continue
		}
		if len(req.Audience) > 0 && !slices.ContainsFunc(req.Audience, func(a string) bool { return slices.Contains(c.audience(), a) }) {
			continue
		}
		groupClaim := "cognito:groups"
		if req.UserPoolArn == "" {
			groupClaim = cmp.Or(req.GroupClaim, "groups")
		}
		if !containsAll(c.strings(groupClaim), req.Groups) {
			continue
		}
		return t.raw, nil
	}
	return "", fmt.Errorf("none of the supplied tokens is an unexpired %s: %w", req, ErrTokenUnavailable)
}

// tokenClaims are the claims of a token, decoded without verification.
type tokenClaims map[string]any

// decodeTokenClaims reads the claims of a JWT without verifying it.
func decodeTokenClaims(raw string) (tokenClaims, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256})
	if err != nil {
		return nil, fmt.Errorf("not a signed JWT: %w", err)
	}
	var c tokenClaims
	if err := tok.UnsafeClaimsWithoutVerification(&c); err != nil {
		return nil, fmt.Errorf("unreadable claims: %w", err)
	}
	return c, nil
}

func (c tokenClaims) string(name string) string {
	s, _ := c[name].(string)
	return s
}

// strings reads a claim holding a string or a list of strings; a string
// is split on spaces, as group claims and scopes may be.
func (c tokenClaims) strings(name string) []string {
	switch v := c[name].(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// audience is the aud claim, a string or a list.
func (c tokenClaims) audience() []string {
	if s, ok := c["aud"].(string); ok {
		return []string{s}
	}
	return c.strings("aud")
}

// clients are the app clients the token names: aud, client_id, cid.
func (c tokenClaims) clients() []string {
	out := c.audience()
	for _, name := range []string{"client_id", "cid"} {
		if s := c.string(name); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c tokenClaims) expired(now time.Time) bool {
	exp, ok := c["exp"].(float64)
	return ok && !now.Before(time.Unix(int64(exp), 0))
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// suppliedTokensFromEnv reads the variable name, if set.
func suppliedTokensFromEnv(name string) (*SuppliedTokens, error) {
	v := os.Getenv(name)
	if v == "" {
		return nil, nil
	}
	st, err := ParseSuppliedTokens(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return st, nil
}
