package fake_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/vpconform/vpconform/fake"
)

// tokenClaims decodes a token's payload by hand, numbers as json.Number.
func tokenClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", tok, len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload of %q: %v", tok, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("payload %s: %v", b, err)
	}
	return c
}

// fetchJSON GETs url with client c and decodes the JSON it answers into v;
// it returns the status and the body.
func fetchJSON(t *testing.T, c *http.Client, url string, v any) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", url, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q, want application/json", url, ct)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: HTTP %d, body is not the JSON expected: %v\n%s", url, resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode, b
}

// verifyIndependently verifies tok as a client of the issuer would, with
// nothing of the fake but HTTP: the discovery document at discoveryURL,
// the JWKS at its jwks_uri, and go-jose.
func verifyIndependently(t *testing.T, c *http.Client, discoveryURL, tok, wantIssuer string, now time.Time) (jwt.Claims, error) {
	t.Helper()
	var disc struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
	}
	if status, b := fetchJSON(t, c, discoveryURL, &disc); status != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d %s", discoveryURL, status, b)
	}
	if disc.Issuer != wantIssuer {
		t.Errorf("discovery issuer = %q, want %q", disc.Issuer, wantIssuer)
	}
	if !slices.Equal(disc.Algs, []string{"RS256"}) {
		t.Errorf("discovery id_token_signing_alg_values_supported = %v, want [RS256]", disc.Algs)
	}
	var jwks jose.JSONWebKeySet
	if status, b := fetchJSON(t, c, disc.JWKSURI, &jwks); status != http.StatusOK || len(jwks.Keys) != 1 {
		t.Fatalf("GET %s: HTTP %d, %d keys, want 200 and one key: %s", disc.JWKSURI, status, len(jwks.Keys), b)
	}
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return jwt.Claims{}, err
	}
	var std jwt.Claims
	if err := parsed.Claims(jwks, &std); err != nil {
		return jwt.Claims{}, err
	}
	return std, std.ValidateWithLeeway(jwt.Expected{Issuer: disc.Issuer, Time: now}, 0)
}

const cognitoDiscoveryPath = "/_vpfake/issuers/cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5/.well-known/openid-configuration"

// TestTokenRoutes mints tokens through POST /_vpfake/tokens, at the
// server's clock, and verifies them with the discovery document and the
// JWKS the fake serves.
func TestTokenRoutes(t *testing.T) {
	runServersTest(t, func(t *testing.T, h *harness) {
		r := h.rawMethod(t, "POST", "/_vpfake/tokens", "",
			`{"userPoolArn":"`+userPoolArn+`","tokenUse":"id","sub":"sub-1","clientId":"`+clientID+`","groups":["admins"],`+
				`"claims":{"email":"a@example.com","custom:big":12345678901234567890123}}`)
		tok, _ := r.Body["token"].(string)
		if r.Status != http.StatusOK || len(r.Body) != 1 || tok == "" {
			t.Fatalf("POST /_vpfake/tokens: HTTP %d %s; want 200 {\"token\":…}", r.Status, r.Raw)
		}
		now := h.clock.Now()
		c := tokenClaims(t, tok)
		want := map[string]any{
			"sub": "sub-1", "aud": clientID, "iss": userPoolIssuer, "token_use": "id", "cognito:username": "sub-1",
			"cognito:groups": []any{"admins"}, "email": "a@example.com", "custom:big": json.Number("12345678901234567890123"),
			"iat": json.Number("1723486850"), "auth_time": json.Number("1723486850"), "exp": json.Number("1723490450"),
		}
		for k, v := range want {
			if got := c[k]; !equalJSON(got, v) {
				t.Errorf("claim %s = %#v, want %#v (the server's clock is %s)", k, got, v, now)
			}
		}

		std, err := verifyIndependently(t, h.http, h.srv.URL()+cognitoDiscoveryPath, tok, userPoolIssuer, now)
		if err != nil || std.Subject != "sub-1" || !std.Audience.Contains(clientID) {
			t.Errorf("independent verification: %v, sub %q, aud %v; want sub-1 and %s", err, std.Subject, std.Audience, clientID)
		}
		if _, err := verifyIndependently(t, h.http, h.srv.URL()+cognitoDiscoveryPath, tok, userPoolIssuer, now.Add(2*time.Hour)); !errors.Is(err, jwt.ErrExpired) {
			t.Errorf("independent verification two hours later: %v, want jwt.ErrExpired", err)
		}

		// An expired token, and an OIDC one verified through its own
		// discovery document.
		r = h.rawMethod(t, "POST", "/_vpfake/tokens", "",
			`{"issuer":"https://auth.example.com/tenant","tokenUse":"access","sub":"carlos","audience":["https://api.example.com"],"lifetimeSeconds":-30}`)
		tok, _ = r.Body["token"].(string)
		if r.Status != http.StatusOK || tok == "" {
			t.Fatalf("POST /_vpfake/tokens lifetimeSeconds -30: HTTP %d %s", r.Status, r.Raw)
		}
		c = tokenClaims(t, tok)
		if !equalJSON(c["exp"], json.Number("1723486820")) || !equalJSON(c["iat"], json.Number("1723483220")) || c["aud"] != "https://api.example.com" {
			t.Errorf("lifetimeSeconds -30: exp %v, iat %v, aud %v; want exp now-30s (1723486820), iat an hour before, aud https://api.example.com", c["exp"], c["iat"], c["aud"])
		}
		oidcDiscovery := h.srv.URL() + "/_vpfake/issuers/auth.example.com/tenant/.well-known/openid-configuration"
		if _, err := verifyIndependently(t, h.http, oidcDiscovery, tok, "https://auth.example.com/tenant", now); !errors.Is(err, jwt.ErrExpired) {
			t.Errorf("independent verification of a token minted expired: %v, want jwt.ErrExpired", err)
		}
		if _, err := verifyIndependently(t, h.http, oidcDiscovery, tok, "https://auth.example.com/tenant", now.Add(-time.Minute)); err != nil {
			t.Errorf("independent verification of that token a minute earlier: %v, want it valid", err)
		}
		h.clock.Advance(time.Hour)
		r = h.rawMethod(t, "POST", "/_vpfake/tokens", "", `{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetimeSeconds":60}`)
		tok, _ = r.Body["token"].(string)
		if c := tokenClaims(t, tok); !equalJSON(c["iat"], json.Number("1723490450")) || !equalJSON(c["exp"], json.Number("1723490510")) {
			t.Errorf("after the clock advanced an hour, lifetimeSeconds 60: iat %v, exp %v; want 1723490450, 1723490510", c["iat"], c["exp"])
		}
	})
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// TestTokenRouteRefusals checks POST /_vpfake/tokens answers 400 with a
// message that names what is wrong.
func TestTokenRouteRefusals(t *testing.T) {
	h := rawHarness(t)
	for _, c := range []struct{ body, phrase string }{
		{``, "request body is not a JSON object"},
		{`[]`, "request body is not a JSON object"},
		{`{"tokenUse":"id","sub":"s"}`, "set userPoolArn (a Cognito user pool) or issuer"},
		{`{"userPoolArn":"arn:aws:s3:::bucket","tokenUse":"id","sub":"s"}`, `userPoolArn "arn:aws:s3:::bucket" is not a user pool ARN`},
		{`{"issuer":"http://auth.example.com","tokenUse":"id","sub":"s"}`, `issuer "http://auth.example.com" is not an https URL`},
		{`{"issuer":"https://auth.example.com","tokenUse":"refresh","sub":"s"}`, `tokenUse "refresh" is neither "id" nor "access"`},
		{`{"issuer":"https://auth.example.com","tokenUse":"id"}`, "sub is empty"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","subject":"x"}`, `unknown field "subject"`},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetime":60}`, `unknown field "lifetime"`},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetimeSeconds":1.5}`, "lifetimeSeconds"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetimeSeconds":"60"}`, "lifetimeSeconds"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetimeSeconds":9223372036854775807}`, "lifetimeSeconds 9223372036854775807 is beyond"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","lifetimeSeconds":-9223372037}`, "lifetimeSeconds -9223372037 is beyond"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","claims":[]}`, "request body is not a JSON object"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s"} {}`, "data after its JSON object"},
		{`{"issuer":"https://auth.example.com","tokenUse":"id","sub":"s","claims":{"x":"` + strings.Repeat("a", 1<<20) + `"}}`, "larger than 1048576 bytes"},
	} {
		r := h.rawMethod(t, "POST", "/_vpfake/tokens", "", c.body)
		msg, _ := r.Body["message"].(string)
		if r.Status != http.StatusBadRequest || r.Header.Get("Content-Type") != "application/json" || !strings.Contains(msg, c.phrase) {
			body := c.body
			if len(body) > 200 {
				body = body[:200] + "…"
			}
			t.Errorf("POST /_vpfake/tokens %s: HTTP %d %s; want 400 with a message saying %q", body, r.Status, r.Raw, c.phrase)
		}
	}
	// Only POST mints.
	if r := h.rawMethod(t, "GET", "/_vpfake/tokens", "", ""); r.Status == http.StatusOK {
		t.Errorf("GET /_vpfake/tokens: HTTP %d %s, want a refusal", r.Status, r.Raw)
	}
}

// TestIssuerRoutesPublic checks WithControlToken guards POST
// /_vpfake/tokens but leaves the JWKS and the discovery documents open, as
// an identity provider's are.
func TestIssuerRoutesPublic(t *testing.T) {
	h := rawHarness(t, fake.WithControlToken("s3cret"))
	body := `{"userPoolArn":"` + userPoolArn + `","tokenUse":"access","sub":"s"}`
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"X-Vpfake-Control-Token", "wrong"}} {
		r := h.rawMethod(t, "POST", "/_vpfake/tokens", "", body, hdr...)
		if msg, _ := r.Body["message"].(string); r.Status != http.StatusUnauthorized || !strings.Contains(msg, "control token") || r.Body["token"] != nil {
			t.Errorf("POST /_vpfake/tokens with %v: HTTP %d %s; want 401", hdr, r.Status, r.Raw)
		}
	}
	for _, hdr := range [][]string{{"Authorization", "Bearer s3cret"}, {"X-Vpfake-Control-Token", "s3cret"}} {
		if r := h.rawMethod(t, "POST", "/_vpfake/tokens", "", body, hdr...); r.Status != http.StatusOK || r.Body["token"] == nil {
			t.Errorf("POST /_vpfake/tokens with %v: HTTP %d %s; want 200 with a token", hdr, r.Status, r.Raw)
		}
	}
	for _, path := range []string{
		"/_vpfake/jwks.json", cognitoDiscoveryPath,
		"/_vpfake/issuers/cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5/.well-known/jwks.json",
	} {
		if r := h.rawMethod(t, "GET", path, "", ""); r.Status != http.StatusOK {
			t.Errorf("GET %s without the control token: HTTP %d %s; want 200", path, r.Status, r.Raw)
		}
	}
	// Other routes still need it.
	if r := h.rawMethod(t, "GET", "/_vpfake/state", "", ""); r.Status != http.StatusUnauthorized {
		t.Errorf("GET /_vpfake/state without the control token: HTTP %d %s; want 401", r.Status, r.Raw)
	}
}

// TestIssuerDocuments checks the discovery documents and the JWKS: the
// issuer is the path's, jwks_uri follows the Host the request was sent
// to (and its scheme), and a path that names no document is 404.
func TestIssuerDocuments(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	t.Cleanup(srv.Close)
	for _, tls := range []bool{false, true} {
		ts := httptest.NewUnstartedServer(srv.Handler())
		if tls {
			ts.StartTLS()
		} else {
			ts.Start()
		}
		c := ts.Client()
		var jwks map[string]any
		if status, b := fetchJSON(t, c, ts.URL+"/_vpfake/jwks.json", &jwks); status != http.StatusOK {
			t.Fatalf("GET jwks.json: HTTP %d %s", status, b)
		}
		for _, cse := range []struct{ path, issuer string }{
			{cognitoDiscoveryPath, userPoolIssuer},
			{"/_vpfake/issuers/auth.example.com/.well-known/openid-configuration", "https://auth.example.com"},
			{"/_vpfake/issuers/auth.example.com:8443/realms/x/.well-known/openid-configuration", "https://auth.example.com:8443/realms/x"},
		} {
			var doc map[string]any
			if status, b := fetchJSON(t, c, ts.URL+cse.path, &doc); status != http.StatusOK {
				t.Errorf("GET %s: HTTP %d %s", cse.path, status, b)
				continue
			}
			want := map[string]any{
				"issuer": cse.issuer, "jwks_uri": ts.URL + "/_vpfake/jwks.json",
				"id_token_signing_alg_values_supported": []any{"RS256"},
				"response_types_supported":              []any{"code", "id_token", "token id_token"},
				"subject_types_supported":               []any{"public"},
			}
			if !equalJSON(doc, want) {
				t.Errorf("GET %s (TLS %v):\n got %v\nwant %v", cse.path, tls, doc, want)
			}
			var again map[string]any
			jwksPath := strings.TrimSuffix(cse.path, "openid-configuration") + "jwks.json"
			if status, b := fetchJSON(t, c, ts.URL+jwksPath, &again); status != http.StatusOK || !equalJSON(again, jwks) {
				t.Errorf("GET %s: HTTP %d %s; want the JWKS %v", jwksPath, status, b, jwks)
			}
		}
		for _, path := range []string{
			"/_vpfake/issuers/auth.example.com",
			"/_vpfake/issuers/auth.example.com/.well-known/other",
			"/_vpfake/issuers/.well-known/openid-configuration",
			"/_vpfake/issuers/a%3Fb/.well-known/openid-configuration",
		} {
			var doc map[string]any
			status, b := fetchJSON(t, c, ts.URL+path, &doc)
			if msg, _ := doc["message"].(string); status != http.StatusNotFound || !strings.Contains(msg, "no issuer document") {
				t.Errorf("GET %s: HTTP %d %s; want 404 saying there is no issuer document", path, status, b)
			}
		}
		ts.Close()
	}
}

// TestIssueToken checks Server.IssueToken mints at the server's clock
// (WithClock) and refuses a bad request, and that health lists the token
// issuer.
func TestIssueToken(t *testing.T) {
	clock := newTestClock()
	srv := fake.NewServer(fake.WithoutListener(), fake.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	tok, err := srv.IssueToken(fake.TokenRequest{Issuer: oidcIssuer, Use: fake.AccessToken, Subject: "s", ClientID: "c", Lifetime: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	c := tokenClaims(t, tok)
	if !equalJSON(c["iat"], clock.Now().Unix()) || !equalJSON(c["exp"], clock.Now().Add(10*time.Minute).Unix()) || c["client_id"] != "c" || c["iss"] != oidcIssuer {
		t.Errorf("claims %v; want iat %d (the server's clock), exp 10 minutes later, client_id c, iss %s", c, clock.Now().Unix(), oidcIssuer)
	}
	if tok, err := srv.IssueToken(fake.TokenRequest{Issuer: oidcIssuer, Use: fake.IDToken}); err == nil || !strings.Contains(err.Error(), "sub is empty") {
		t.Errorf("no subject: token %q, error %v; want an error saying sub is empty", tok, err)
	}

	h := &harness{srv: srv, http: srv.Client()}
	r := h.rawMethod(t, "GET", "/_vpfake/health", "", "")
	if caps, _ := r.Body["capabilities"].([]any); !slices.Contains(caps, any("token-issuer")) {
		t.Errorf("health capabilities %v lack token-issuer: %s", caps, r.Raw)
	}
	r = h.rawMethod(t, "GET", "/_vpfake/nothing", "", "")
	if msg, _ := r.Body["message"].(string); r.Status != http.StatusNotFound || !strings.Contains(msg, "POST /_vpfake/tokens") || !strings.Contains(msg, "GET /_vpfake/jwks.json") {
		t.Errorf("unknown control route: HTTP %d %s; want 404 listing the token routes", r.Status, r.Raw)
	}
}
