package fake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/vpconform/vpconform/schemas"
)

const (
	testPoolArn    = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	testPoolIssuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5"
	testOIDCIssuer = "https://auth.example.com"
)

// testNow is the clock of these tests; testNowUnix its NumericDate.
var testNow = time.Date(2024, 8, 12, 18, 20, 50, 990000000, time.UTC)

const testNowUnix = 1723486850

// The issuers of these tests: an RSA key takes time to make, so they are
// made once.
var (
	sharedIssuerOnce sync.Once
	sharedIssuer     *tokenIssuer
	otherKey         *rsa.PrivateKey
	otherKeyErr      error
)

func testIssuer(t *testing.T) *tokenIssuer {
	t.Helper()
	sharedIssuerOnce.Do(func() {
		sharedIssuer = newTokenIssuer()
		otherKey, otherKeyErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	if otherKeyErr != nil {
		t.Fatalf("generate a second key: %v", otherKeyErr)
	}
	return sharedIssuer
}

func mustMint(t *testing.T, ti *tokenIssuer, req TokenRequest, now time.Time) string {
	t.Helper()
	tok, err := ti.mint(req, now)
	if err != nil {
		t.Fatalf("mint %+v: %v", req, err)
	}
	return tok
}

// jwtParts decodes a compact JWT's header and payload by hand, as a client
// that trusts nothing of the issuer would.
func jwtParts(t *testing.T, tok string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", tok, len(parts))
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d of %q is not base64url: %v", i, tok, err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			t.Fatalf("part %d of %q is not a JSON object: %v\n%s", i, tok, err, b)
		}
	}
	return header, payload
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func num(n int64) json.Number { return json.Number(fmt.Sprint(n)) }

// TestIssuerRoundTrip mints each kind of token, checks its header and
// every claim, and verifies it back.
func TestIssuerRoundTrip(t *testing.T) {
	ti := testIssuer(t)
	iat, exp := num(testNowUnix), num(testNowUnix+3600)
	cases := []struct {
		name string
		req  TokenRequest
		want map[string]any // without jti
		iss  string
	}{
		{
			name: "Cognito ID token",
			req:  TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "sub-1", ClientID: "client-a", Groups: []string{"admins", "staff"}},
			iss:  testPoolIssuer,
			want: map[string]any{
				"sub": "sub-1", "aud": "client-a", "iss": testPoolIssuer, "token_use": "id", "auth_time": iat, "iat": iat, "exp": exp,
				"cognito:username": "sub-1", "cognito:groups": []any{"admins", "staff"},
			},
		},
		{
			name: "Cognito ID token without groups or client",
			req:  TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "sub-1"},
			iss:  testPoolIssuer,
			want: map[string]any{
				"sub": "sub-1", "iss": testPoolIssuer, "token_use": "id", "auth_time": iat, "iat": iat, "exp": exp, "cognito:username": "sub-1",
			},
		},
		{
			name: "Cognito access token",
			req: TokenRequest{UserPoolArn: testPoolArn, Use: AccessToken, Subject: "sub-2", ClientID: "client-a", Groups: []string{"admins"},
				Claims: map[string]any{"scope": "MyAPI/read MyAPI/write"}},
			iss: testPoolIssuer,
			want: map[string]any{
				"sub": "sub-2", "client_id": "client-a", "iss": testPoolIssuer, "token_use": "access", "auth_time": iat, "iat": iat, "exp": exp,
				"username": "sub-2", "cognito:groups": []any{"admins"}, "scope": "MyAPI/read MyAPI/write",
			},
		},
		{
			name: "Cognito ID token with claims overriding",
			req: TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "sub-3", ClientID: "client-a",
				Claims: map[string]any{"cognito:username": "alice", "email": "alice@example.com", "custom:level": 3, "aud": nil, "auth_time": int64(1700000000)}},
			iss: testPoolIssuer,
			want: map[string]any{
				"sub": "sub-3", "iss": testPoolIssuer, "token_use": "id", "auth_time": num(1700000000), "iat": iat, "exp": exp,
				"cognito:username": "alice", "email": "alice@example.com", "custom:level": num(3),
			},
		},
		{
			name: "OIDC ID token",
			req:  TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: "carlos", ClientID: "1example23456789", Groups: []string{"Accounting"}},
			iss:  testOIDCIssuer,
			want: map[string]any{"sub": "carlos", "iss": testOIDCIssuer, "iat": iat, "exp": exp, "aud": "1example23456789", "groups": []any{"Accounting"}},
		},
		{
			name: "OIDC access token, one audience, own group claim, explicit token_use",
			req: TokenRequest{Issuer: testOIDCIssuer + "/tenant", Use: AccessToken, Subject: "carlos", ClientID: "cid", Audience: []string{"https://api.example.com"},
				Groups: []string{"a", "b"}, GroupClaim: "roles", Claims: map[string]any{"token_use": "access"}},
			iss: testOIDCIssuer + "/tenant",
			want: map[string]any{"sub": "carlos", "iss": testOIDCIssuer + "/tenant", "iat": iat, "exp": exp, "aud": "https://api.example.com",
				"client_id": "cid", "roles": []any{"a", "b"}, "token_use": "access"},
		},
		{
			name: "OIDC access token, two audiences, no client",
			req:  TokenRequest{Issuer: testOIDCIssuer, Use: AccessToken, Subject: "carlos", Audience: []string{"https://a", "https://b"}},
			iss:  testOIDCIssuer,
			want: map[string]any{"sub": "carlos", "iss": testOIDCIssuer, "iat": iat, "exp": exp, "aud": []any{"https://a", "https://b"}},
		},
		{
			name: "OIDC access token, no audience",
			req:  TokenRequest{Issuer: testOIDCIssuer, Use: AccessToken, Subject: "carlos"},
			iss:  testOIDCIssuer,
			want: map[string]any{"sub": "carlos", "iss": testOIDCIssuer, "iat": iat, "exp": exp},
		},
	}
	k, err := ti.signingKey()
	if err != nil {
		t.Fatal(err)
	}
	jtis := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := mustMint(t, ti, c.req, testNow)
			header, payload := jwtParts(t, tok)
			if want := map[string]any{"alg": "RS256", "kid": k.kid, "typ": "JWT"}; !reflect.DeepEqual(header, want) {
				t.Errorf("header = %v, want %v", header, want)
			}
			jti, _ := payload["jti"].(string)
			if !uuidRE.MatchString(jti) || jtis[jti] {
				t.Errorf("jti = %q, want a new random UUID (seen before: %v)", jti, jtis[jti])
			}
			jtis[jti] = true
			delete(payload, "jti")
			if !reflect.DeepEqual(payload, c.want) {
				t.Errorf("claims:\n got %v\nwant %v", payload, c.want)
			}
			claims, err := ti.verify(tok, c.iss, testNow)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if claims["jti"] != jti {
				t.Errorf("verified jti = %v, want %q", claims["jti"], jti)
			}
			delete(claims, "jti")
			if !reflect.DeepEqual(claims, c.want) {
				t.Errorf("verified claims:\n got %v\nwant %v", claims, c.want)
			}
		})
	}
}

// TestIssuerLifetime checks iat and exp for a lifetime of 0, positive and
// negative, and that a verify one second past exp refuses the token.
func TestIssuerLifetime(t *testing.T) {
	ti := testIssuer(t)
	for _, c := range []struct {
		lifetime time.Duration
		iat, exp int64
	}{
		{0, testNowUnix, testNowUnix + 3600},
		{90 * time.Second, testNowUnix, testNowUnix + 90},
		{-time.Second, testNowUnix - 1 - 3600, testNowUnix - 1},
		{-2 * time.Hour, testNowUnix - 3*3600, testNowUnix - 2*3600},
	} {
		req := TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "s", Lifetime: c.lifetime}
		tok := mustMint(t, ti, req, testNow)
		_, payload := jwtParts(t, tok)
		if payload["iat"] != num(c.iat) || payload["exp"] != num(c.exp) || payload["auth_time"] != num(c.iat) {
			t.Errorf("lifetime %v: iat %v, exp %v, auth_time %v; want iat = auth_time = %d, exp %d", c.lifetime, payload["iat"], payload["exp"], payload["auth_time"], c.iat, c.exp)
		}
		_, err := ti.verify(tok, testPoolIssuer, testNow)
		if expired := c.lifetime < 0; expired != errors.Is(err, jwt.ErrExpired) {
			t.Errorf("lifetime %v: verify at mint time = %v, want expired %v", c.lifetime, err, expired)
		}
		after := time.Unix(c.exp+1, 0)
		if _, err := ti.verify(tok, testPoolIssuer, after); !errors.Is(err, jwt.ErrExpired) {
			t.Errorf("lifetime %v: verify one second after exp = %v, want jwt.ErrExpired", c.lifetime, err)
		}
	}
}

// signWith signs claims as a forger would: with key, alg and kid of its
// choosing.
func signWith(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatalf("signer %s: %v", alg, err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	tok, err := sig.CompactSerialize()
	if err != nil {
		t.Fatalf("serialize: %v", err)
	}
	return tok
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestIssuerRefusals checks verify refuses what it must, with an error
// that says why.
func TestIssuerRefusals(t *testing.T) {
	ti := testIssuer(t)
	k, err := ti.signingKey()
	if err != nil {
		t.Fatal(err)
	}
	good := TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "sub-1", ClientID: "client-a"}
	tok := mustMint(t, ti, good, testNow)
	if _, err := ti.verify(tok, testPoolIssuer, testNow); err != nil {
		t.Fatalf("the good token is refused: %v", err)
	}
	_, claims := jwtParts(t, tok)
	pubJSON, err := json.Marshal(k.jwks)
	if err != nil {
		t.Fatal(err)
	}
	withClaims := func(extra map[string]any) TokenRequest { r := good; r.Claims = extra; return r }

	cases := []struct {
		name   string
		tok    string
		iss    string
		now    time.Time
		is     error    // the sentinel the error wraps, if any
		phrase []string // what the message must say
	}{
		{name: "expired", tok: tok, now: testNow.Add(time.Hour + time.Second), is: jwt.ErrExpired,
			phrase: []string{"token has expired"}},
		{name: "minted expired", tok: mustMint(t, ti, TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "s", Lifetime: -time.Minute}, testNow),
			is: jwt.ErrExpired, phrase: []string{"token has expired"}},
		{name: "another issuer", tok: tok, iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other", is: jwt.ErrInvalidIssuer,
			phrase: []string{`token issuer "` + testPoolIssuer + `" is not "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"`}},
		{name: "iss claim overridden", tok: mustMint(t, ti, withClaims(map[string]any{"iss": "https://evil.example.com"}), testNow), is: jwt.ErrInvalidIssuer,
			phrase: []string{`token issuer "https://evil.example.com" is not`}},
		{name: "no iss", tok: mustMint(t, ti, withClaims(map[string]any{"iss": nil}), testNow), is: jwt.ErrInvalidIssuer,
			phrase: []string{`token issuer "" is not`}},
		{name: "another key, same kid", tok: signWith(t, jose.RS256, otherKey, k.kid, claims), is: jose.ErrCryptoFailure,
			phrase: []string{"token not signed by a key of the issuer", k.kid}},
		{name: "another key, its own kid", tok: signWith(t, jose.RS256, otherKey, "other-kid", claims), is: jose.ErrJWKSKidNotFound,
			phrase: []string{"token not signed by a key of the issuer", `no key has kid "other-kid"`}},
		{name: "no kid", tok: signWith(t, jose.RS256, k.private, "", claims), is: jose.ErrJWKSKidNotFound,
			phrase: []string{"token not signed by a key of the issuer", `no key has kid ""`}},
		{name: "HS256 keyed with the public JWKS", tok: signWith(t, jose.HS256, pubJSON, k.kid, claims),
			phrase: []string{`token is signed with alg "HS256"; only RS256 is accepted`}},
		{name: "RS512 with the right key", tok: signWith(t, jose.RS512, k.private, k.kid, claims),
			phrase: []string{`token is signed with alg "RS512"; only RS256 is accepted`}},
		{name: "alg none", tok: b64(`{"alg":"none","typ":"JWT","kid":"`+k.kid+`"}`) + "." + strings.Split(tok, ".")[1] + ".",
			phrase: []string{`token is signed with alg "none"; only RS256 is accepted`}},
		{name: "signature stripped", tok: strings.Join(strings.Split(tok, ".")[:2], ".") + ".", is: jose.ErrCryptoFailure,
			phrase: []string{"token not signed by a key of the issuer"}},
		{name: "payload swapped", tok: func() string {
			p := strings.Split(tok, ".")
			c := map[string]any{}
			for k, v := range claims {
				c[k] = v
			}
			c["sub"] = "admin"
			b, _ := json.Marshal(c)
			return p[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + p[2]
		}(), is: jose.ErrCryptoFailure, phrase: []string{"token not signed by a key of the issuer"}},
		{name: "garbage", tok: "not a token", phrase: []string{"token is not a JWT signed with RS256"}},
		{name: "three garbage parts", tok: "a.b.c", phrase: []string{"token is not a JWT signed with RS256"}},
		{name: "empty", tok: "", phrase: []string{"token is not a JWT signed with RS256"}},
		{name: "not yet valid (nbf)", tok: mustMint(t, ti, withClaims(map[string]any{"nbf": testNowUnix + 60}), testNow), is: jwt.ErrNotValidYet,
			phrase: []string{"token is not valid yet"}},
		{name: "issued in the future", tok: tok, now: testNow.Add(-time.Minute), is: jwt.ErrIssuedInTheFuture,
			phrase: []string{"token was issued in the future"}},
		{name: "no exp", tok: mustMint(t, ti, withClaims(map[string]any{"exp": nil}), testNow), phrase: []string{"token has no exp claim"}},
		{name: "exp not a number", tok: mustMint(t, ti, withClaims(map[string]any{"exp": "tomorrow"}), testNow),
			phrase: []string{"token claims are not valid JWT claims"}},
		{name: "payload not an object", tok: signWith(t, jose.RS256, k.private, k.kid, nil), phrase: []string{"token payload is not a JSON object"}},
		{name: "no issuer to verify against", tok: tok, iss: "-", phrase: []string{"no issuer to verify it against"}},
	}
	for _, c := range cases {
		iss, now := c.iss, c.now
		switch iss {
		case "":
			iss = testPoolIssuer
		case "-":
			iss = ""
		}
		if now.IsZero() {
			now = testNow
		}
		got, err := ti.verify(c.tok, iss, now)
		if err == nil {
			t.Errorf("%s: verify accepted the token, claims %v; want a refusal", c.name, got)
			continue
		}
		if got != nil {
			t.Errorf("%s: verify returned claims %v with its error", c.name, got)
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: error %q does not wrap %v", c.name, err, c.is)
		}
		for _, p := range c.phrase {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not say %q", c.name, err, p)
			}
		}
	}
}

// TestTokenRequestRefused checks mint refuses a bad request with an error
// naming the member and its value.
func TestTokenRequestRefused(t *testing.T) {
	ti := newTokenIssuer()
	var made atomic.Int32
	gen := ti.newKey
	ti.newKey = func() (*rsa.PrivateKey, error) { made.Add(1); return gen() }
	cases := []struct {
		req    TokenRequest
		phrase []string
	}{
		{TokenRequest{Use: IDToken, Subject: "s"}, []string{"userPoolArn", "issuer", "both are empty"}},
		{TokenRequest{UserPoolArn: testPoolArn, Issuer: testOIDCIssuer, Use: IDToken, Subject: "s"}, []string{"not both", testPoolArn, testOIDCIssuer}},
		{TokenRequest{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/nounderscore", Use: IDToken, Subject: "s"},
			[]string{`userPoolArn "arn:aws:cognito-idp:us-east-1:123456789012:userpool/nounderscore" is not a user pool ARN`}},
		{TokenRequest{UserPoolArn: "us-east-1_1a2b3c4d5", Use: IDToken, Subject: "s"}, []string{`userPoolArn "us-east-1_1a2b3c4d5" is not a user pool ARN`}},
		{TokenRequest{UserPoolArn: testPoolArn + strings.Repeat("a", 255), Use: IDToken, Subject: "s"}, []string{"is not a user pool ARN"}},
		{TokenRequest{Issuer: "http://auth.example.com", Use: IDToken, Subject: "s"}, []string{`issuer "http://auth.example.com" is not an https URL`}},
		{TokenRequest{Issuer: "auth.example.com", Use: IDToken, Subject: "s"}, []string{`issuer "auth.example.com" is not an https URL`}},
		{TokenRequest{Issuer: "https://", Use: IDToken, Subject: "s"}, []string{`issuer "https://" has no host`}},
		{TokenRequest{Issuer: "https://a.example.com/?x=1", Use: IDToken, Subject: "s"}, []string{`issuer "https://a.example.com/?x=1" has a query or a fragment`}},
		{TokenRequest{Issuer: "https://a.example.com/#f", Use: IDToken, Subject: "s"}, []string{"has a query or a fragment"}},
		{TokenRequest{Issuer: "https://u:p@a.example.com", Use: IDToken, Subject: "s"}, []string{"has user information"}},
		{TokenRequest{Issuer: "https://a.example.com/%zz", Use: IDToken, Subject: "s"}, []string{"is not a URL"}},
		{TokenRequest{Issuer: "https://a.example.com/" + strings.Repeat("p", 2048), Use: IDToken, Subject: "s"}, []string{"is longer than 2048 characters"}},
		{TokenRequest{UserPoolArn: testPoolArn, Subject: "s"}, []string{`tokenUse is empty; it must be "id" or "access"`}},
		{TokenRequest{UserPoolArn: testPoolArn, Use: "refresh", Subject: "s"}, []string{`tokenUse "refresh" is neither "id" nor "access"`}},
		{TokenRequest{UserPoolArn: testPoolArn, Use: "ID", Subject: "s"}, []string{`tokenUse "ID"`}},
		{TokenRequest{UserPoolArn: testPoolArn, Use: AccessToken}, []string{"sub is empty"}},
		{TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "s", GroupClaim: "roles"}, []string{`groupClaim "roles"`, "cognito:groups"}},
		{TokenRequest{UserPoolArn: testPoolArn, Use: AccessToken, Subject: "s", Audience: []string{"https://api"}}, []string{`audience ["https://api"]`, "clientId"}},
		{TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: "s", Audience: []string{"https://api"}}, []string{`audience ["https://api"] is for an access token`}},
	}
	for _, c := range cases {
		tok, err := ti.mint(c.req, testNow)
		if err == nil {
			t.Errorf("%+v: minted %q, want a refusal", c.req, tok)
			continue
		}
		for _, p := range c.phrase {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%+v: error %q does not say %q", c.req, err, p)
			}
		}
	}
	if n := made.Load(); n != 0 {
		t.Errorf("refused requests made %d keys, want none", n)
	}
	// Claims that are not JSON.
	req := TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "s", Claims: map[string]any{"f": func() {}}}
	if tok, err := testIssuer(t).mint(req, testNow); err == nil || !strings.Contains(err.Error(), "claims are not JSON") {
		t.Errorf("a func claim: token %q, error %v; want an error saying the claims are not JSON", tok, err)
	}
}

// TestIssuerKey checks the key is made once, lazily, even under
// concurrent use, and published as a JWKS of one public RSA key whose kid
// is its thumbprint.
func TestIssuerKey(t *testing.T) {
	ti := newTokenIssuer()
	var made atomic.Int32
	gen := ti.newKey
	ti.newKey = func() (*rsa.PrivateKey, error) { made.Add(1); return gen() }
	if n := made.Load(); n != 0 {
		t.Fatalf("newTokenIssuer made %d keys, want 0 before first use", n)
	}
	var wg sync.WaitGroup
	toks := make([]string, 8)
	errs := make([]error, 8)
	for i := range toks {
		wg.Go(func() {
			toks[i], errs[i] = ti.mint(TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: fmt.Sprint("s", i)}, testNow)
		})
	}
	wg.Wait()
	if n := made.Load(); n != 1 {
		t.Errorf("8 concurrent mints made %d keys, want 1", n)
	}
	for i, tok := range toks {
		if errs[i] != nil {
			t.Fatalf("mint %d: %v", i, errs[i])
		}
		if c, err := ti.verify(tok, testOIDCIssuer, testNow); err != nil || c["sub"] != fmt.Sprint("s", i) {
			t.Errorf("token %d: verify = %v, %v; want sub s%d", i, c, err, i)
		}
	}

	b, err := ti.jwksJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Keys) != 1 {
		t.Fatalf("JWKS %s: %v; want one key", b, err)
	}
	key := doc.Keys[0]
	for member, want := range map[string]any{"kty": "RSA", "alg": "RS256", "use": "sig", "e": "AQAB"} {
		if key[member] != want {
			t.Errorf("JWKS key %s = %v, want %v", member, key[member], want)
		}
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
		if _, ok := key[private]; ok {
			t.Errorf("JWKS key publishes the private member %q: %s", private, b)
		}
	}
	n, _ := key["n"].(string)
	if nb, err := base64.RawURLEncoding.DecodeString(n); err != nil || len(nb)*8 != 2048 {
		t.Errorf("JWKS key n is %d bits (%v), want 2048", len(nb)*8, err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	thumb, err := set.Keys[0].Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if kid := base64.RawURLEncoding.EncodeToString(thumb); key["kid"] != kid {
		t.Errorf("kid = %v, want the key's SHA-256 thumbprint %s", key["kid"], kid)
	}
	if n := made.Load(); n != 1 {
		t.Errorf("%d keys made in all, want 1", n)
	}
}

// TestIssuerKeyError checks a failure to make the key is returned by
// every use, not a panic, and the key is not tried again.
func TestIssuerKeyError(t *testing.T) {
	ti := newTokenIssuer()
	var made atomic.Int32
	ti.newKey = func() (*rsa.PrivateKey, error) { made.Add(1); return nil, errors.New("no entropy") }
	req := TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "s"}
	if tok, err := ti.mint(req, testNow); err == nil || !strings.Contains(err.Error(), "generate RSA key: no entropy") {
		t.Errorf("mint: %q, %v; want the key's error", tok, err)
	}
	if c, err := ti.verify("a.b.c", testPoolIssuer, testNow); err == nil || !strings.Contains(err.Error(), "no entropy") {
		t.Errorf("verify: %v, %v; want the key's error", c, err)
	}
	if b, err := ti.jwksJSON(); err == nil || !strings.Contains(err.Error(), "no entropy") {
		t.Errorf("jwksJSON: %s, %v; want the key's error", b, err)
	}
	if n := made.Load(); n != 1 {
		t.Errorf("the key was tried %d times, want 1", n)
	}
}

// TestUserPoolArnPatternIsTheModels holds the issuer's pattern of a user
// pool ARN equal to the schemas'.
func TestUserPoolArnPatternIsTheModels(t *testing.T) {
	b, err := schemas.Source("common.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Pattern   string `json:"pattern"`
			MaxLength int    `json:"maxLength"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Defs["UserPoolArn"]; got.Pattern != userPoolArnPattern || got.MaxLength != maxUserPoolArnLength {
		t.Errorf("schemas' UserPoolArn: pattern %q, maxLength %d; the issuer has %q, %d", got.Pattern, got.MaxLength, userPoolArnPattern, maxUserPoolArnLength)
	}
	if got := doc.Defs["Issuer"]; got.MaxLength != maxIssuerLength {
		t.Errorf("schemas' Issuer maxLength %d; the issuer has %d", got.MaxLength, maxIssuerLength)
	}
}
