package fake

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	josejson "github.com/go-jose/go-jose/v4/json"
	"github.com/go-jose/go-jose/v4/jwt"
)

// TokenUse is the token_use claim of a minted token: "id" for an ID token
// (IsAuthorizedWithToken's identityToken), "access" for an access token.
type TokenUse string

// The token uses a minted token can have.
const (
	IDToken     TokenUse = "id"
	AccessToken TokenUse = "access"
)

// defaultTokenLifetime is the lifetime of a token whose request gives none:
// one hour, the default of Cognito's ID and access tokens.
const defaultTokenLifetime = time.Hour

// TokenRequest describes a token for the fake's built-in issuer to mint
// (Server.IssueToken, POST /_vpfake/tokens). The token is a JWT signed
// RS256 by the server's key, which IsAuthorizedWithToken accepts as a
// token of the identity source whose issuer is the token's iss.
//
// For a user pool (UserPoolArn) it carries the claims of a Cognito token:
//
//   - ID token: sub, aud (ClientID, when set), iss, token_use "id",
//     auth_time, iat, exp, jti, cognito:username (Subject) and
//     cognito:groups (when Groups is not empty);
//   - access token: sub, iss, client_id (ClientID, when set), token_use
//     "access", auth_time, iat, exp, jti, username (Subject) and
//     cognito:groups; no aud. Cognito's scope claim only when Claims
//     gives it.
//
// For an OpenID Connect issuer (Issuer): sub, iss, iat, exp, jti; aud
// (ClientID for an ID token, Audience for an access token, left out when
// empty); client_id (ClientID) in an access token; the groups as a JSON
// array under GroupClaim. OpenID Connect providers usually send no
// token_use, so there is none unless Claims gives it.
//
// iat and auth_time are the server's clock (see WithClock) and exp is
// iat plus Lifetime, all in whole seconds rounded down.
type TokenRequest struct {
	// UserPoolArn names a Cognito user pool,
	// arn:<partition>:cognito-idp:<region>:<account>:userpool/<user pool id>:
	// the token's iss is the pool's issuer,
	// https://cognito-idp.<region>.amazonaws.com/<user pool id>.
	// Exactly one of UserPoolArn and Issuer is set.
	UserPoolArn string `json:"userPoolArn,omitempty"`
	// Issuer is an OpenID Connect issuer URL, the token's iss: https, with
	// a host and no query or fragment.
	Issuer string `json:"issuer,omitempty"`
	// Use is the token_use claim: IDToken or AccessToken. It is required:
	// it also chooses the claims of the token.
	Use TokenUse `json:"tokenUse"`
	// Subject is the sub claim. It is required.
	Subject string `json:"sub"`
	// ClientID is the app client: aud of an ID token, client_id of an
	// access token.
	ClientID string `json:"clientId,omitempty"`
	// Audience is the aud claim of an OpenID Connect access token, when
	// set: one member is written as a string, more as an array. A user
	// pool's tokens and ID tokens take none (use ClientID).
	Audience []string `json:"audience,omitempty"`
	// Groups are the user's groups: cognito:groups for a user pool, the
	// claim GroupClaim (default "groups") for an OIDC issuer.
	Groups []string `json:"groups,omitempty"`
	// GroupClaim names the OIDC group claim; empty means "groups". A user
	// pool takes none: its groups claim is cognito:groups.
	GroupClaim string `json:"groupClaim,omitempty"`
	// Claims are added to the token as they are, and win over the claims
	// above, iss and exp included; a claim whose value is nil (JSON null)
	// is left out of the token, so that a test can drop one.
	Claims map[string]any `json:"claims,omitempty"`
	// Lifetime is how long the token is valid from the server's clock: 0
	// means one hour, a negative value a token already expired (exp is the
	// clock plus Lifetime, iat an hour before exp).
	Lifetime time.Duration `json:"-"`
}

// userPoolArnPattern is the model's pattern of a user pool ARN (shape
// UserPoolArn, schemas/common.schema.json) [M]; a test holds the two equal.
const userPoolArnPattern = `^arn:[a-zA-Z0-9-]+:cognito-idp:(([a-zA-Z0-9-]+:\d{12}:userpool/[\w-]+_[0-9a-zA-Z]+))$`

var userPoolArnRE = regexp.MustCompile(userPoolArnPattern)

// The model's bounds of UserPoolArn and Issuer [M].
const (
	maxUserPoolArnLength = 255
	maxIssuerLength      = 2048
)

// issuer checks req and returns the token's iss.
func (req TokenRequest) issuer() (string, error) {
	var iss string
	switch {
	case req.UserPoolArn != "" && req.Issuer != "":
		return "", fmt.Errorf("token request: set one of userPoolArn and issuer, not both (userPoolArn %q, issuer %q)", req.UserPoolArn, req.Issuer)
	case req.UserPoolArn == "" && req.Issuer == "":
		return "", errors.New("token request: set userPoolArn (a Cognito user pool) or issuer (an OpenID Connect issuer); both are empty")
	case req.UserPoolArn != "":
		if len(req.UserPoolArn) > maxUserPoolArnLength || !userPoolArnRE.MatchString(req.UserPoolArn) {
			return "", fmt.Errorf("token request: userPoolArn %q is not a user pool ARN, arn:<partition>:cognito-idp:<region>:<account>:userpool/<region>_<id>", req.UserPoolArn)
		}
		iss = cognitoIssuer(req.UserPoolArn)
		if req.GroupClaim != "" {
			return "", fmt.Errorf("token request: groupClaim %q is for an OpenID Connect issuer; a user pool's groups are cognito:groups", req.GroupClaim)
		}
		if len(req.Audience) > 0 {
			return "", fmt.Errorf("token request: audience %q is for an OpenID Connect access token; a user pool's client is clientId", req.Audience)
		}
	default:
		if err := checkIssuerURL(req.Issuer); err != nil {
			return "", fmt.Errorf("token request: issuer %q %w", req.Issuer, err)
		}
		iss = req.Issuer
	}
	switch req.Use {
	case IDToken, AccessToken:
	case "":
		return "", errors.New(`token request: tokenUse is empty; it must be "id" or "access"`)
	default:
		return "", fmt.Errorf(`token request: tokenUse %q is neither "id" nor "access"`, req.Use)
	}
	if req.Use == IDToken && len(req.Audience) > 0 {
		return "", fmt.Errorf("token request: audience %q is for an access token; an ID token's aud is clientId", req.Audience)
	}
	if req.Subject == "" {
		return "", errors.New("token request: sub is empty; a token needs a subject")
	}
	return iss, nil
}

// checkIssuerURL checks an OpenID Connect issuer: an https URL with a host
// and no query or fragment (OpenID Connect Discovery 1.0, section 2) [D],
// of at most the model's 2048 characters [M]. Its error completes
// "issuer %q ".
func checkIssuerURL(issuer string) error {
	if len(issuer) > maxIssuerLength {
		return fmt.Errorf("is longer than %d characters", maxIssuerLength)
	}
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %w", err)
	case u.Scheme != "https":
		return errors.New("is not an https URL")
	case u.Host == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("has user information")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return errors.New("has a query or a fragment")
	}
	return nil
}

// claims are the claims of the token req asks for, issued by iss at now
// with id jti.
func (req TokenRequest) claims(iss string, now time.Time, jti string) map[string]any {
	lifetime := req.Lifetime
	if lifetime == 0 {
		lifetime = defaultTokenLifetime
	}
	iat, exp := now, now.Add(lifetime)
	if lifetime < 0 {
		iat = exp.Add(-defaultTokenLifetime)
	}
	c := map[string]any{
		"sub": req.Subject,
		"iss": iss,
		"iat": iat.Unix(),
		"exp": exp.Unix(),
		"jti": jti,
	}
	if req.UserPoolArn != "" {
		c["token_use"] = string(req.Use)
		c["auth_time"] = iat.Unix()
		if len(req.Groups) > 0 {
			c["cognito:groups"] = req.Groups
		}
		if req.Use == IDToken {
			c["cognito:username"] = req.Subject
			if req.ClientID != "" {
				c["aud"] = req.ClientID
			}
		} else {
			c["username"] = req.Subject
			if req.ClientID != "" {
				c["client_id"] = req.ClientID
			}
		}
	} else {
		if req.Use == IDToken {
			if req.ClientID != "" {
				c["aud"] = req.ClientID
			}
		} else {
			switch len(req.Audience) {
			case 0:
			case 1:
				c["aud"] = req.Audience[0]
			default:
				c["aud"] = req.Audience
			}
			if req.ClientID != "" {
				c["client_id"] = req.ClientID
			}
		}
		if len(req.Groups) > 0 {
			claim := req.GroupClaim
			if claim == "" {
				claim = "groups"
			}
			c[claim] = req.Groups
		}
	}
	for k, v := range req.Claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// signingKey is the issuer's key and what is derived from it.
type signingKey struct {
	private *rsa.PrivateKey
	kid     string
	jwks    jose.JSONWebKeySet
	// jwksJSON is the JWKS as GET /_vpfake/jwks.json serves it.
	jwksJSON []byte
}

// tokenIssuer signs the tokens the fake mints and verifies the tokens
// IsAuthorizedWithToken receives: one RSA key (RS256), published as a JWKS.
// The key is made on first use, so that a server that mints nothing does
// not pay for it, and kept for the server's life (Reset keeps it, so that a
// JWKS a client has fetched stays good). It is safe for concurrent use.
type tokenIssuer struct {
	// newKey makes the key; tests replace it.
	newKey func() (*rsa.PrivateKey, error)

	once sync.Once
	key  *signingKey
	err  error
}

// rsaKeyBits is the size of the issuer's key, that of Cognito's keys.
const rsaKeyBits = 2048

func newTokenIssuer() *tokenIssuer {
	return &tokenIssuer{newKey: func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, rsaKeyBits) }}
}

// signingKey returns the key, made on the first call.
func (ti *tokenIssuer) signingKey() (*signingKey, error) {
	ti.once.Do(func() {
		ti.key, ti.err = makeSigningKey(ti.newKey)
	})
	return ti.key, ti.err
}

// makeSigningKey makes the key with newKey and its JWKS, whose kid is the
// key's JWK SHA-256 thumbprint (RFC 7638), base64url.
func makeSigningKey(newKey func() (*rsa.PrivateKey, error)) (*signingKey, error) {
	priv, err := newKey()
	if err != nil {
		return nil, fmt.Errorf("token issuer: generate RSA key: %w", err)
	}
	jwk := jose.JSONWebKey{Key: priv, Algorithm: string(jose.RS256), Use: "sig"}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("token issuer: thumbprint of the key: %w", err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(thumb)
	k := &signingKey{private: priv, kid: jwk.KeyID, jwks: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk.Public()}}}
	if k.jwksJSON, err = json.Marshal(k.jwks); err != nil {
		return nil, fmt.Errorf("token issuer: encode the JWKS: %w", err)
	}
	return k, nil
}

// jwksJSON is the issuer's public key as a JSON Web Key Set.
func (ti *tokenIssuer) jwksJSON() ([]byte, error) {
	k, err := ti.signingKey()
	if err != nil {
		return nil, err
	}
	return k.jwksJSON, nil
}

// mint signs a token for req at now.
func (ti *tokenIssuer) mint(req TokenRequest, now time.Time) (string, error) {
	iss, err := req.issuer()
	if err != nil {
		return "", err
	}
	k, err := ti.signingKey()
	if err != nil {
		return "", err
	}
	jti, err := randomUUID()
	if err != nil {
		return "", fmt.Errorf("mint token: jti: %w", err)
	}
	payload, err := json.Marshal(req.claims(iss, now, jti))
	if err != nil {
		return "", fmt.Errorf("mint token: claims are not JSON: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.private},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), k.kid))
	if err != nil {
		return "", fmt.Errorf("mint token: signer: %w", err)
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("mint token: sign: %w", err)
	}
	tok, err := sig.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("mint token: serialize: %w", err)
	}
	return tok, nil
}

// randomUUID is a random (version 4) UUID, for jti.
func randomUUID() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// verify checks raw: a JWT signed by the issuer's key (RS256 only), with
// an exp claim and not expired at now (no leeway), not valid only after
// now (nbf), not issued after now (iat), with iss equal to wantIssuer. It
// returns all its claims, decoded as encoding/json decodes into an any
// with UseNumber: a number is a json.Number, so that an integer claim
// keeps every digit. The caller checks token_use, clients and audiences.
//
// Its errors say why, for a ValidationException's message: "token has
// expired: …", "token issuer … is not …", "token not signed by a key of
// the issuer …"; they wrap go-jose's sentinel errors (jwt.ErrExpired,
// jwt.ErrInvalidIssuer, jwt.ErrNotValidYet, jwt.ErrIssuedInTheFuture,
// jose.ErrJWKSKidNotFound, jose.ErrCryptoFailure) where there is one.
//
// Leeway 0 and the checks of nbf and iat are inferences [I]: AWS documents
// only that the token must not be expired and its signature must come from
// the issuer's keys.
func (ti *tokenIssuer) verify(raw, wantIssuer string, now time.Time) (map[string]any, error) {
	if wantIssuer == "" {
		return nil, errors.New("token cannot be verified: no issuer to verify it against")
	}
	k, err := ti.signingKey()
	if err != nil {
		return nil, err
	}
	// jwt.ParseSigned is this call and nothing more; calling it directly
	// keeps the errors of the signature apart from those of the claims.
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		if alg := headerAlg(raw); alg != "" && alg != string(jose.RS256) {
			return nil, fmt.Errorf("token is signed with alg %q; only RS256 is accepted: %w", alg, err)
		}
		return nil, fmt.Errorf("token is not a JWT signed with RS256: %w", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	payload, err := jws.Verify(k.jwks)
	if err != nil {
		if errors.Is(err, jose.ErrJWKSKidNotFound) {
			return nil, fmt.Errorf("token not signed by a key of the issuer: no key has kid %q: %w", kid, err)
		}
		return nil, fmt.Errorf("token not signed by a key of the issuer: its signature does not verify with key %q: %w", kid, err)
	}
	claims, err := decodeClaims(payload)
	if err != nil {
		return nil, err
	}
	// go-jose's own decoder for the registered claims: unlike
	// encoding/json it matches member names exactly.
	var std jwt.Claims
	if err := josejson.Unmarshal(payload, &std); err != nil {
		return nil, fmt.Errorf("token claims are not valid JWT claims: %w", err)
	}
	err = std.ValidateWithLeeway(jwt.Expected{Issuer: wantIssuer, Time: now}, 0)
	switch {
	case err == nil && std.Expiry == nil:
		// AWS checks "its expiration date" (the model's documentation of
		// IsAuthorizedWithToken) [M]: a token without one fails [I].
		return nil, errors.New("token has no exp claim; a token must expire")
	case err == nil:
		return claims, nil
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return nil, &verifyError{fmt.Sprintf("token issuer %q is not %q", std.Issuer, wantIssuer), err}
	case errors.Is(err, jwt.ErrExpired):
		return nil, &verifyError{"token has expired: its exp claim is past", err}
	case errors.Is(err, jwt.ErrNotValidYet):
		return nil, &verifyError{"token is not valid yet: its nbf claim is to come", err}
	case errors.Is(err, jwt.ErrIssuedInTheFuture):
		return nil, &verifyError{"token was issued in the future: its iat claim is to come", err}
	default:
		return nil, &verifyError{"token claims are not valid", err}
	}
}

// verifyError is a refusal of a token's claims by verify: its message, for
// a ValidationException, says why without the times involved (so that the
// answer to a token does not depend on when it is sent) or go-jose's own
// wording, and it wraps go-jose's sentinel error.
type verifyError struct {
	msg string
	err error
}

func (e *verifyError) Error() string { return e.msg }
func (e *verifyError) Unwrap() error { return e.err }

// decodeClaims decodes a verified payload: one JSON object, numbers as
// json.Number.
func decodeClaims(payload []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return nil, fmt.Errorf("token payload is not a JSON object of claims: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("token payload has data after its JSON object")
	}
	return claims, nil
}

// headerAlg is the alg of raw's JOSE header, or "" when raw has none that
// can be read.
func headerAlg(raw string) string {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Alg
}

// IssueToken mints a token with the server's built-in issuer, at the
// server's clock (see WithClock): a JWT signed RS256 by the server's key,
// which the server's IsAuthorizedWithToken and BatchIsAuthorizedWithToken
// accept for an identity source of the token's issuer. See TokenRequest for
// its claims; the public key is served at GET /_vpfake/jwks.json. The
// error says which member of req is wrong.
func (s *Server) IssueToken(req TokenRequest) (string, error) {
	return s.engine.issuer.mint(req, s.engine.clock())
}
