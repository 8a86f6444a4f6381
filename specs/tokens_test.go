package specs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vpconform/vpconform/fake"
)

// TestSuppliedTokens: a token supplied by the user is given for a request
// it matches (issuer, use, client or audience, groups) and for no other,
// never expired.
func TestSuppliedTokens(t *testing.T) {
	srv := fake.NewServer(fake.WithoutListener())
	defer srv.Close()
	f := DefaultFixtures()
	mint := func(req fake.TokenRequest) string {
		t.Helper()
		tok, err := srv.IssueToken(req)
		if err != nil {
			t.Fatalf("mint %+v: %v", req, err)
		}
		return tok
	}
	id := mint(fake.TokenRequest{UserPoolArn: f.UserPoolArn, Use: fake.IDToken, Subject: "alice", ClientID: f.ClientIds[0], Groups: []string{"readers", "writers"}})
	access := mint(fake.TokenRequest{UserPoolArn: f.UserPoolArn, Use: fake.AccessToken, Subject: "alice", ClientID: f.ClientIds[0]})
	oidc := mint(fake.TokenRequest{Issuer: f.OIDCIssuer, Use: fake.AccessToken, Subject: "bob", Audience: []string{oidcAudience}})
	expired := mint(fake.TokenRequest{UserPoolArn: f.UserPoolArn, Use: fake.IDToken, Subject: "carol", ClientID: f.ClientIds[1], Lifetime: -time.Minute})

	st, err := ParseSuppliedTokens(" " + expired + "," + id + ", " + access + "," + oidc + ",")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		req  TokenRequest
		want string // "" for unavailable
	}{
		{"ID token of the pool and client", TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0], Subject: "anyone"}, id},
		{"ID token in a group it has", TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0], Groups: []string{"writers"}}, id},
		{"access token", TokenRequest{UserPoolArn: f.UserPoolArn, Use: AccessTokenUse, ClientID: f.ClientIds[0]}, access},
		{"OIDC access token for its audience", TokenRequest{Issuer: f.OIDCIssuer, Use: AccessTokenUse, Audience: []string{oidcAudience}}, oidc},
		{"a group it lacks", TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0], Groups: []string{"admins"}}, ""},
		{"another client, whose only token is expired", TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[1]}, ""},
		{"an expired token", TokenRequest{UserPoolArn: f.UserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0], LifetimeSeconds: -60}, ""},
		{"another user pool", TokenRequest{UserPoolArn: f.SecondUserPoolArn, Use: IDTokenUse, ClientID: f.ClientIds[0]}, ""},
		{"OIDC ID token", TokenRequest{Issuer: f.OIDCIssuer, Use: IDTokenUse, ClientID: f.ClientIds[0]}, ""},
	} {
		got, err := st.IssueToken(context.Background(), c.req)
		switch {
		case c.want == "" && !errors.Is(err, ErrTokenUnavailable):
			t.Errorf("%s: expected ErrTokenUnavailable, got token %.20q… and error %v", c.name, got, err)
		case c.want != "" && got != c.want:
			t.Errorf("%s: expected the supplied token %.20q…, got %.20q… and error %v", c.name, c.want, got, err)
		}
	}

	for _, bad := range []string{"", " , ", "not-a-jwt", id + ",a.b.c"} {
		if _, err := ParseSuppliedTokens(bad); err == nil {
			t.Errorf("ParseSuppliedTokens(%q): expected an error, got none", bad)
		}
	}
}

// TestTokensFromEnv: VPCONFORM_TOKENS gives an endpoint target its tokens
// and the capability; a malformed list is an error naming the variable;
// vpfake's health route gives the capability by itself.
func TestTokensFromEnv(t *testing.T) {
	srv := fake.NewServer()
	defer srv.Close()
	t.Setenv(EndpointEnv, srv.URL())
	t.Setenv(DeniedAccessKeyIDEnv, "")
	t.Setenv(DeniedSecretAccessKeyEnv, "")
	t.Setenv(TokensEnv, "")
	tg, err := EndpointTargetFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !tg.has(TokenIssuing) || tg.Tokens != nil {
		t.Errorf("vpfake: expected capability %s from its health route and no supplied tokens, got %v and %v", TokenIssuing, tg.Capabilities, tg.Tokens)
	}
	tok, err := tg.tokenIssuer().IssueToken(context.Background(), TokenRequest{UserPoolArn: DefaultFixtures().UserPoolArn, Use: IDTokenUse, Subject: "alice", ClientID: "c1"})
	if err != nil || strings.Count(tok, ".") != 2 {
		t.Errorf("minting through the control route: expected a JWT, got %q and %v", tok, err)
	}

	t.Setenv(TokensEnv, tok)
	if tg, err = EndpointTargetFromEnv(context.Background()); err != nil || tg.Tokens == nil || !tg.has(TokenIssuing) {
		t.Errorf("%s set: expected supplied tokens and the capability, got %v, %v, %v", TokensEnv, tg.Tokens, tg.Capabilities, err)
	}
	t.Setenv(TokensEnv, "garbage")
	if _, err := EndpointTargetFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), TokensEnv) {
		t.Errorf("%s malformed: expected an error naming it, got %v", TokensEnv, err)
	}
}
