package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	vptypes "github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/aws/smithy-go"
	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	"github.com/go-jose/go-jose/v4"

	"github.com/vpconform/vpconform/fake/internal/sdktest"
	"github.com/vpconform/vpconform/schemas"
)

// Fixtures of the tests of IsAuthorizedWithToken and
// BatchIsAuthorizedWithToken, beside testPoolArn (whose user pool is
// authzPoolID) and testOIDCIssuer of issuer_test.go.
const (
	authzPoolID       = "us-east-1_1a2b3c4d5"
	authzOtherPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_zzzzzzzzz"
	authzAPIAudience  = "https://api.example.com"
	authzUserType     = "MyCorp::User"
	authzGroupType    = "MyCorp::Group"
)

// authzClock is a clock the tests move.
type authzClock = sdktest.Clock

// newAuthzEngine is an engine on a clock the test moves, under the
// propagation delay given (0: none), with the issuer of testIssuer, so
// that each engine does not make an RSA key of its own.
func newAuthzEngine(t *testing.T, delay time.Duration) (*engine, *authzClock) {
	t.Helper()
	clock := sdktest.NewClock(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	o := defaultOptions()
	o.now, o.propagation = clock.Now, delay
	e := newEngine(o, newIDSource(11, true))
	e.issuer = testIssuer(t)
	return e, clock
}

func authzStore(t *testing.T, e *engine) string {
	t.Helper()
	out, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatalf("createPolicyStore: %v", err)
	}
	return out.PolicyStoreID
}

func authzSource(t *testing.T, e *engine, store string, principalType *string, cfg configuration) string {
	t.Helper()
	out, err := e.createIdentitySource(createIdentitySourceInput{PolicyStoreID: store, Configuration: cfg, PrincipalEntityType: principalType})
	if err != nil {
		t.Fatalf("createIdentitySource: %v", err)
	}
	return out.IdentitySourceID
}

func authzMint(t *testing.T, e *engine, req TokenRequest) string {
	t.Helper()
	return mustMint(t, e.issuer, req, e.clock())
}

func cognitoCfg(clientIDs ...string) configuration {
	return configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: testPoolArn, ClientIDs: clientIDs}}
}

func cognitoGroupsCfg(groupType string) configuration {
	c := cognitoCfg()
	c.Cognito.GroupConfiguration = &cognitoGroupConfiguration{GroupEntityType: groupType}
	return c
}

// oidcIDCfg is an OIDC configuration of ID tokens; prefix "" leaves
// entityIdPrefix out.
func oidcIDCfg(prefix string, claim *string, clientIDs ...string) configuration {
	c := &openIDConnectConfiguration{Issuer: testOIDCIssuer, TokenSelection: openIDConnectTokenSelection{
		IdentityTokenOnly: &openIDConnectIdentityTokenConfiguration{PrincipalIDClaim: claim, ClientIDs: clientIDs},
	}}
	if prefix != "" {
		c.EntityIDPrefix = &prefix
	}
	return configuration{OIDC: c}
}

func oidcAccessCfg(prefix string, audiences ...string) configuration {
	c := &openIDConnectConfiguration{Issuer: testOIDCIssuer, TokenSelection: openIDConnectTokenSelection{
		AccessTokenOnly: &openIDConnectAccessTokenConfiguration{Audiences: audiences},
	}}
	if prefix != "" {
		c.EntityIDPrefix = &prefix
	}
	return configuration{OIDC: c}
}

func withOIDCGroups(c configuration, claim, groupType string) configuration {
	cp := *c.OIDC
	cp.GroupConfiguration = &openIDConnectGroupConfiguration{GroupClaim: claim, GroupEntityType: groupType}
	return configuration{OIDC: &cp}
}

// cogID and cogAccess are Cognito tokens of user alice, in group admins.
func cogID(client string, claims map[string]any) *TokenRequest {
	return &TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice", ClientID: client, Groups: []string{"admins"}, Claims: claims}
}

func cogAccess(client string, claims map[string]any) *TokenRequest {
	return &TokenRequest{UserPoolArn: testPoolArn, Use: AccessToken, Subject: "alice", ClientID: client, Groups: []string{"admins"}, Claims: claims}
}

func oidcID(client string, claims map[string]any) *TokenRequest {
	return &TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: "alice", ClientID: client, Claims: claims}
}

func oidcAccess(aud []string, claims map[string]any) *TokenRequest {
	return &TokenRequest{Issuer: testOIDCIssuer, Use: AccessToken, Subject: "alice", Audience: aud, Claims: claims}
}

// errCode is the error shape of err, "" for nil.
func errCode(err error) string {
	var fe Error
	if errors.As(err, &fe) {
		return fe.ErrorCode()
	}
	if err != nil {
		return "non-shape error: " + err.Error()
	}
	return ""
}

func uidStrings(uids []types.EntityUID) []string {
	out := make([]string, 0, len(uids))
	for _, u := range uids {
		out = append(out, u.String())
	}
	slices.Sort(out)
	return out
}

// tokenProducer makes the text of a token for an engine.
type tokenProducer func(t *testing.T, e *engine) string

func minted(req *TokenRequest) tokenProducer {
	return func(t *testing.T, e *engine) string { return authzMint(t, e, *req) }
}

func literal(s string) tokenProducer {
	return func(*testing.T, *engine) string { return s }
}

// signedByOtherKey is a token with the claims of req signed by another RSA
// key (that of testIssuer); sameKid gives it the kid of the issuer's key.
func signedByOtherKey(req *TokenRequest, sameKid bool) tokenProducer {
	return func(t *testing.T, e *engine) string {
		t.Helper()
		iss, err := req.issuer()
		if err != nil {
			t.Fatalf("token request: %v", err)
		}
		kid := "another-key"
		if sameKid {
			k, err := e.issuer.signingKey()
			if err != nil {
				t.Fatalf("issuer key: %v", err)
			}
			kid = k.kid
		}
		testIssuer(t) // otherKey is made with the issuer
		return signWith(t, jose.RS256, otherKey, kid, req.claims(iss, e.clock(), "jti-1"))
	}
}

// idTokenInput is the token members of a call on store with the ID token
// tok, or no token when tok is nil.
func idTokenInput(store string, tok *string) authorizationInput {
	return authorizationInput{PolicyStoreID: store, IdentityToken: tok}
}

// TestAuthorizeTokens checks, for each kind of identity source, which
// tokens are refused (and with which error) and what principal and groups
// the others map to.
func TestAuthorizeTokens(t *testing.T) {
	const validation, notFound = "ValidationException", "ResourceNotFoundException"
	user := func(id string) string { return authzUserType + `::"` + id + `"` }
	cogUser := user(authzPoolID + "|alice")
	emailClaim := "email"
	otherIssuer := &TokenRequest{UserPoolArn: authzOtherPoolArn, Use: IDToken, Subject: "alice"}
	tests := []struct {
		name          string
		defaultType   bool // principalEntityType left out (AWS::Cognito); else MyCorp::User
		cfg           configuration
		identity      tokenProducer
		access        tokenProducer
		advance       time.Duration // the clock moves this much after minting
		wantErr       string
		wantPrincipal string
		wantGroups    []string
	}{
		// Cognito.
		{name: "cognito ID token", cfg: cognitoCfg(), identity: minted(cogID("client-a", nil)),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito access token", cfg: cognitoCfg(), access: minted(cogAccess("client-a", nil)),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito both tokens", cfg: cognitoCfg(), identity: minted(cogID("client-a", nil)), access: minted(cogAccess("client-a", nil)),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito both tokens of different users", cfg: cognitoCfg(), identity: minted(cogID("client-a", nil)),
			access: minted(cogAccess("client-a", map[string]any{"sub": "bob"})), wantErr: validation},
		{name: "cognito default principal type", defaultType: true, cfg: cognitoCfg(), identity: minted(cogID("", nil)),
			wantPrincipal: `AWS::Cognito::"` + authzPoolID + `|alice"`, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito group entity type", cfg: cognitoGroupsCfg(authzGroupType), identity: minted(cogID("", nil)),
			wantPrincipal: cogUser, wantGroups: []string{authzGroupType + `::"` + authzPoolID + `|admins"`}},
		{name: "cognito no groups", cfg: cognitoCfg(), identity: minted(&TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice"}),
			wantPrincipal: cogUser, wantGroups: []string{}},
		{name: "cognito client id accepted (aud)", cfg: cognitoCfg("client-a", "client-b"), identity: minted(cogID("client-b", nil)),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito client id refused (aud)", cfg: cognitoCfg("client-a", "client-b"), identity: minted(cogID("client-c", nil)), wantErr: validation},
		{name: "cognito ID token without aud, clients configured", cfg: cognitoCfg("client-a"), identity: minted(cogID("", nil)), wantErr: validation},
		{name: "cognito client id accepted (client_id)", cfg: cognitoCfg("client-a", "client-b"), access: minted(cogAccess("client-a", nil)),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito client id refused (client_id)", cfg: cognitoCfg("client-a"), access: minted(cogAccess("client-c", nil)), wantErr: validation},
		{name: "cognito access token's aud is not its client", cfg: cognitoCfg("client-a"),
			access: minted(cogAccess("client-c", map[string]any{"aud": "client-a"})), wantErr: validation},
		{name: "cognito ID token as accessToken", cfg: cognitoCfg(), access: minted(cogID("", nil)), wantErr: validation},
		{name: "cognito access token as identityToken", cfg: cognitoCfg(), identity: minted(cogAccess("", nil)), wantErr: validation},
		{name: "cognito token without token_use", cfg: cognitoCfg(), identity: minted(cogID("", map[string]any{"token_use": nil})), wantErr: validation},
		{name: "cognito reserved claim cognito", cfg: cognitoCfg(), identity: minted(cogID("", map[string]any{"cognito": "x"})), wantErr: validation},
		{name: "cognito reserved claim custom", cfg: cognitoCfg(), access: minted(cogAccess("", map[string]any{"custom": map[string]any{"a": 1}})), wantErr: validation},
		{name: "cognito reserved claim dev", cfg: cognitoCfg(), identity: minted(cogID("", map[string]any{"dev": true})), wantErr: validation},
		{name: "cognito prefixed claims are not reserved", cfg: cognitoCfg(),
			identity:      minted(cogID("", map[string]any{"custom:tier": "gold", "dev:x": 1})),
			wantPrincipal: cogUser, wantGroups: []string{`AWS::CognitoGroup::"` + authzPoolID + `|admins"`}},
		{name: "cognito token without sub", cfg: cognitoCfg(), identity: minted(cogID("", map[string]any{"sub": nil})), wantErr: validation},
		{name: "expired token", cfg: cognitoCfg(), identity: minted(&TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice", Lifetime: -time.Second}), wantErr: validation},
		{name: "token expired since minting", cfg: cognitoCfg(), identity: minted(&TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice", Lifetime: time.Minute}),
			advance: time.Minute + time.Second, wantErr: validation},
		{name: "token a second from expiry", cfg: cognitoCfg(), identity: minted(&TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice", Lifetime: time.Minute}),
			advance: time.Minute - time.Second, wantPrincipal: cogUser, wantGroups: []string{}},
		{name: "another issuer", cfg: cognitoCfg(), identity: minted(otherIssuer), wantErr: validation},
		{name: "ID token of another issuer than the access token", cfg: cognitoCfg(), identity: minted(cogID("", nil)),
			access: minted(&TokenRequest{UserPoolArn: authzOtherPoolArn, Use: AccessToken, Subject: "alice"}), wantErr: validation},
		{name: "another key", cfg: cognitoCfg(), identity: signedByOtherKey(cogID("", nil), false), wantErr: validation},
		{name: "another key with the issuer's kid", cfg: cognitoCfg(), identity: signedByOtherKey(cogID("", nil), true), wantErr: validation},
		{name: "not a JWT", cfg: cognitoCfg(), identity: literal("a.b.c"), wantErr: validation},
		{name: "neither token", cfg: cognitoCfg(), wantErr: validation},

		// OpenID Connect.
		{name: "oidc ID token with prefix", cfg: oidcIDCfg("MyOIDC", nil), identity: minted(oidcID("", nil)),
			wantPrincipal: user("MyOIDC|alice"), wantGroups: []string{}},
		{name: "oidc ID token without prefix", cfg: oidcIDCfg("", nil), identity: minted(oidcID("", nil)),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc principal id claim", cfg: oidcIDCfg("MyOIDC", &emailClaim), identity: minted(oidcID("", map[string]any{"email": "alice@example.com"})),
			wantPrincipal: user("MyOIDC|alice@example.com"), wantGroups: []string{}},
		{name: "oidc principal id claim missing", cfg: oidcIDCfg("MyOIDC", &emailClaim), identity: minted(oidcID("", nil)), wantErr: validation},
		{name: "oidc identityTokenOnly refuses an access token", cfg: oidcIDCfg("", nil), access: minted(oidcAccess(nil, nil)), wantErr: validation},
		{name: "oidc identityTokenOnly refuses both tokens", cfg: oidcIDCfg("", nil), identity: minted(oidcID("", nil)), access: minted(oidcAccess(nil, nil)), wantErr: validation},
		{name: "oidc client id accepted", cfg: oidcIDCfg("", nil, "client-a"), identity: minted(oidcID("client-a", nil)),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc client id among several auds", cfg: oidcIDCfg("", nil, "client-a"), identity: minted(oidcID("", map[string]any{"aud": []string{"x", "client-a"}})),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc client id refused", cfg: oidcIDCfg("", nil, "client-a"), identity: minted(oidcID("client-x", nil)), wantErr: validation},
		{name: "oidc accessTokenOnly", cfg: oidcAccessCfg("MyOIDC"), access: minted(oidcAccess(nil, nil)),
			wantPrincipal: user("MyOIDC|alice"), wantGroups: []string{}},
		{name: "oidc accessTokenOnly refuses an ID token", cfg: oidcAccessCfg("MyOIDC"), identity: minted(oidcID("", nil)), wantErr: validation},
		{name: "oidc audience accepted", cfg: oidcAccessCfg("", authzAPIAudience), access: minted(oidcAccess([]string{authzAPIAudience}, nil)),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc audience refused", cfg: oidcAccessCfg("", authzAPIAudience), access: minted(oidcAccess([]string{"https://other.example.com"}, nil)), wantErr: validation},
		{name: "oidc audience from cid", cfg: oidcAccessCfg("", authzAPIAudience), access: minted(oidcAccess(nil, map[string]any{"cid": authzAPIAudience})),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc audience from client_id", cfg: oidcAccessCfg("", authzAPIAudience), access: minted(oidcAccess(nil, map[string]any{"client_id": authzAPIAudience})),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc aud wins over client_id", cfg: oidcAccessCfg("", authzAPIAudience),
			access: minted(oidcAccess([]string{"https://other.example.com"}, map[string]any{"client_id": authzAPIAudience})), wantErr: validation},
		{name: "oidc token_use present and right", cfg: oidcIDCfg("", nil), identity: minted(oidcID("", map[string]any{"token_use": "id"})),
			wantPrincipal: user("alice"), wantGroups: []string{}},
		{name: "oidc token_use present and wrong", cfg: oidcIDCfg("", nil), identity: minted(oidcID("", map[string]any{"token_use": "access"})), wantErr: validation},
		{name: "oidc groups array", cfg: withOIDCGroups(oidcIDCfg("MyOIDC", nil), "groups", authzGroupType),
			identity:      minted(&TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: "alice", Groups: []string{"Accounting", "Sales"}}),
			wantPrincipal: user("MyOIDC|alice"), wantGroups: []string{authzGroupType + `::"MyOIDC|Accounting"`, authzGroupType + `::"MyOIDC|Sales"`}},
		{name: "oidc groups space-separated", cfg: withOIDCGroups(oidcAccessCfg(""), "roles", authzGroupType),
			access:        minted(oidcAccess(nil, map[string]any{"roles": "Accounting  Sales"})),
			wantPrincipal: user("alice"), wantGroups: []string{authzGroupType + `::"Accounting"`, authzGroupType + `::"Sales"`}},
		{name: "oidc groups single string", cfg: withOIDCGroups(oidcIDCfg("P", nil), "groups", authzGroupType),
			identity:      minted(oidcID("", map[string]any{"groups": "Accounting"})),
			wantPrincipal: user("P|alice"), wantGroups: []string{authzGroupType + `::"P|Accounting"`}},
		{name: "oidc no groups without a group configuration", cfg: oidcIDCfg("P", nil),
			identity:      minted(&TokenRequest{Issuer: testOIDCIssuer, Use: IDToken, Subject: "alice", Groups: []string{"Accounting"}}),
			wantPrincipal: user("P|alice"), wantGroups: []string{}},
		{name: "oidc reserved claim", cfg: oidcIDCfg("", nil), identity: minted(oidcID("", map[string]any{"custom": "x"})), wantErr: validation},
		{name: "oidc token of a Cognito issuer", cfg: oidcIDCfg("", nil), identity: minted(cogID("", nil)), wantErr: validation},
		{name: "cognito source, oidc token", cfg: cognitoCfg(), identity: minted(oidcID("", nil)), wantErr: validation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, clock := newAuthzEngine(t, 0)
			store := authzStore(t, e)
			pt := ptr(authzUserType)
			if tc.defaultType {
				pt = nil
			}
			authzSource(t, e, store, pt, tc.cfg)
			var in isAuthorizedWithTokenInput
			in.PolicyStoreID = store
			if tc.identity != nil {
				in.IdentityToken = ptr(tc.identity(t, e))
			}
			if tc.access != nil {
				in.AccessToken = ptr(tc.access(t, e))
			}
			clock.Advance(tc.advance)
			e.mu.Lock()
			a, err := e.prepareAuthorization(in.authorizationInput)
			e.mu.Unlock()
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("prepareAuthorization: error %q (%v), want %q", got, err, tc.wantErr)
			}
			if err != nil {
				var ve *ValidationException
				if errors.As(err, &ve) && ve.Message == "" {
					t.Errorf("ValidationException without a message")
				}
				// The operation answers the same error.
				if _, opErr := e.isAuthorizedWithToken(in); errCode(opErr) != tc.wantErr {
					t.Errorf("isAuthorizedWithToken: error %v, want %s", opErr, tc.wantErr)
				}
				return
			}
			if got := a.principal.String(); got != tc.wantPrincipal {
				t.Errorf("principal %s, want %s", got, tc.wantPrincipal)
			}
			ent, ok := a.entities[a.principal]
			if !ok {
				t.Fatalf("entities %v hold no principal %s", a.entities, a.principal)
			}
			if got := uidStrings(slices.Collect(ent.Parents.All())); !slices.Equal(got, tc.wantGroups) {
				t.Errorf("principal's parents %q, want %q", got, tc.wantGroups)
			}
			out, err := e.isAuthorizedWithToken(in)
			if err != nil {
				t.Fatalf("isAuthorizedWithToken: %v", err)
			}
			wantOut := &entityIdentifier{EntityType: string(a.principal.Type), EntityID: string(a.principal.ID)}
			if out.Principal == nil || *out.Principal != *wantOut {
				t.Errorf("output principal %+v, want %+v", out.Principal, wantOut)
			}
		})
	}
}

// TestAuthorizeStoreErrors checks the errors of a missing policy store and
// of a store without an identity source.
func TestAuthorizeStoreErrors(t *testing.T) {
	e, _ := newAuthzEngine(t, 0)
	store := authzStore(t, e)
	tok := authzMint(t, e, *cogID("", nil))
	for _, tc := range []struct {
		name, store string
		wantType    ResourceType
	}{
		{"missing store", "PSEXAMPLEabcdefg111111", ResourceTypePolicyStore},
		{"no identity source", store, ResourceTypeIdentitySource},
	} {
		_, err := e.isAuthorizedWithToken(isAuthorizedWithTokenInput{authorizationInput: idTokenInput(tc.store, &tok)})
		var rnf *ResourceNotFoundException
		if !errors.As(err, &rnf) || rnf.ResourceType != tc.wantType || rnf.ResourceID == "" {
			t.Errorf("%s: error %#v, want a ResourceNotFoundException of %s with a resourceId", tc.name, err, tc.wantType)
		}
		_, err = e.batchIsAuthorizedWithToken(batchIsAuthorizedWithTokenInput{authorizationInput: idTokenInput(tc.store, &tok),
			Requests: []batchIsAuthorizedWithTokenInputItem{{}}})
		if !errors.As(err, &rnf) || rnf.ResourceType != tc.wantType {
			t.Errorf("%s, batch: error %#v, want a ResourceNotFoundException of %s", tc.name, err, tc.wantType)
		}
	}
	// Neither token, with no identity source: the identity source is
	// looked for first.
	_, err := e.isAuthorizedWithToken(isAuthorizedWithTokenInput{authorizationInput: idTokenInput(store, nil)})
	if errCode(err) != "ResourceNotFoundException" {
		t.Errorf("no token, no identity source: %v, want ResourceNotFoundException", err)
	}
}

// TestAuthorizeClaimValue checks how a JSON claim maps to a Cedar value.
func TestAuthorizeClaimValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want types.Value // nil when the claim has no value
	}{
		{"string", "x", types.String("x")},
		{"bool", true, types.True},
		{"integral float", float64(42), types.Long(42)},
		{"fraction", 1.5, nil},
		{"huge float", 1e300, nil},
		{"json integer", json.Number("1741064767"), types.Long(1741064767)},
		{"json fraction", json.Number("1.25"), nil},
		{"int", 7, types.Long(7)},
		{"null", nil, nil},
		{"array", []any{"a", json.Number("2"), 2.5, nil}, types.NewSet(types.String("a"), types.Long(2))},
		{"strings", []string{"b", "a"}, types.NewSet(types.String("a"), types.String("b"))},
		{"object", map[string]any{"k": "v", "n": json.Number("-3"), "f": 0.5},
			types.NewRecord(types.RecordMap{"k": types.String("v"), "n": types.Long(-3)})},
	} {
		v, ok := claimValue(tc.in)
		switch {
		case tc.want == nil && ok:
			t.Errorf("%s: claimValue(%#v) = %s, want no value", tc.name, tc.in, v.MarshalCedar())
		case tc.want != nil && (!ok || !tc.want.Equal(v)):
			got := "no value"
			if ok {
				got = string(v.MarshalCedar())
			}
			t.Errorf("%s: claimValue(%#v) = %s, want %s", tc.name, tc.in, got, tc.want.MarshalCedar())
		}
	}
}

// TestAuthorizeClaimMapping checks the principal's attributes from an ID
// token and context.token from an access token.
func TestAuthorizeClaimMapping(t *testing.T) {
	claims := map[string]any{
		"sub":              "alice",
		"aud":              "client-a",
		"exp":              json.Number("1741064767"),
		"cognito:username": "alice",
		"cognito:groups":   []any{"admins"},
		"custom:tier":      "gold",
		"dev:flag":         true,
		"email":            "alice@example.com",
		"ratio":            json.Number("0.5"),
		"scope":            "api/read api/write",
	}
	attrs := claimAttributes(claims, cognitoGroupsClaim)
	want := `{"aud":"client-a", "cognito":{"username":"alice"}, "cognito:username":"alice", "custom":{"tier":"gold"}, "custom:tier":"gold", ` +
		`"dev":{"flag":true}, "dev:flag":true, "email":"alice@example.com", "exp":1741064767, "scope":"api/read api/write", "sub":"alice"}`
	if got := attrs.String(); got != want {
		t.Errorf("claimAttributes:\n got %s\nwant %s", got, want)
	}
	if got := claimAttributes(nil, cognitoGroupsClaim).String(); got != "{}" {
		t.Errorf("claimAttributes(nil) = %s, want {}", got)
	}
	ctx := tokenContext(claims, cognitoGroupsClaim)
	want = `{"aud":"client-a", "cognito:username":"alice", "custom:tier":"gold", "dev:flag":true, "email":"alice@example.com", ` +
		`"exp":1741064767, "scope":["api/read", "api/write"], "sub":"alice"}`
	if got := ctx.String(); got != want {
		t.Errorf("tokenContext:\n got %s\nwant %s", got, want)
	}
	// Without a group claim every claim is kept; an array scope stays a set.
	ctx = tokenContext(map[string]any{"groups": []any{"g"}, "scope": []any{"a"}}, "")
	if got, want := ctx.String(), `{"groups":["g"], "scope":["a"]}`; got != want {
		t.Errorf("tokenContext without group claim: %s, want %s", got, want)
	}
}

func authzAttr(js string) attributeValue {
	var a attributeValue
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		panic(err)
	}
	return a
}

// TestAuthorizeAttributeValue checks the AttributeValue union's mapping to
// Cedar values, and its refusals.
func TestAuthorizeAttributeValue(t *testing.T) {
	for _, tc := range []struct {
		in, want, wantErrPath string
	}{
		{`{"boolean":false}`, `false`, ""},
		{`{"long":0}`, `0`, ""},
		{`{"string":""}`, `""`, ""},
		{`{"entityIdentifier":{"entityType":"MyCorp::Doc","entityId":"d1"}}`, `MyCorp::Doc::"d1"`, ""},
		{`{"set":[]}`, `[]`, ""},
		{`{"set":[{"long":1},{"string":"a"}]}`, `[1, "a"]`, ""},
		{`{"record":{}}`, `{}`, ""},
		{`{"record":{"a":{"record":{"b":{"boolean":true}}}}}`, `{"a":{"b":true}}`, ""},
		{`{"ipaddr":"10.0.0.0/8"}`, `ip("10.0.0.0/8")`, ""},
		{`{"decimal":"1.25"}`, `decimal("1.25")`, ""},
		{`{"datetime":"2024-01-02"}`, `datetime("2024-01-02T00:00:00.000Z")`, ""},
		{`{"duration":"1h30m"}`, `duration("1h30m")`, ""},
		{`{"ipaddr":"not-an-ip"}`, "", "ctx.ipaddr"},
		{`{"set":[{"decimal":"x"}]}`, "", "ctx.set.0.decimal"},
		{`{}`, "", "ctx"},
		{`{"long":1,"string":"a"}`, "", "ctx"},
	} {
		v, err := authzAttr(tc.in).cedarValue("ctx")
		if tc.wantErrPath != "" {
			var ve *ValidationException
			if !errors.As(err, &ve) || len(ve.FieldList) != 1 || ve.FieldList[0].Path != tc.wantErrPath {
				t.Errorf("%s: error %#v, want a ValidationException at %s", tc.in, err, tc.wantErrPath)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := string(v.MarshalCedar()); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestAuthorizeRequestContext checks how the caller's context and
// context.token combine.
func TestAuthorizeRequestContext(t *testing.T) {
	token := types.NewRecord(types.RecordMap{"client_id": types.String("c")})
	for _, tc := range []struct {
		name    string
		cd      *contextDefinition
		token   *types.Record
		want    string
		wantErr bool
	}{
		{"none", nil, nil, `{}`, false},
		{"token only", nil, &token, `{"token":{"client_id":"c"}}`, false},
		{"context map", &contextDefinition{ContextMap: map[string]attributeValue{"n": authzAttr(`{"long":3}`)}}, &token,
			`{"n":3, "token":{"client_id":"c"}}`, false},
		{"cedar json", &contextDefinition{CedarJSON: ptr(`{"ip":{"__extn":{"fn":"ip","arg":"10.1.2.3"}},"who":{"__entity":{"type":"U","id":"x"}}}`)}, &token,
			`{"ip":ip("10.1.2.3"), "token":{"client_id":"c"}, "who":U::"x"}`, false},
		{"empty cedar json", &contextDefinition{CedarJSON: ptr(`{}`)}, nil, `{}`, false},
		{"caller's token without a token context", &contextDefinition{ContextMap: map[string]attributeValue{"token": authzAttr(`{"string":"t"}`)}}, nil,
			`{"token":"t"}`, false},
		{"caller's token beside the token context", &contextDefinition{ContextMap: map[string]attributeValue{"token": authzAttr(`{"string":"t"}`)}}, &token, ``, true},
		{"caller's token in cedar json", &contextDefinition{CedarJSON: ptr(`{"token":1}`)}, &token, ``, true},
		{"cedar json not a record", &contextDefinition{CedarJSON: ptr(`[1]`)}, nil, ``, true},
		{"cedar json not JSON", &contextDefinition{CedarJSON: ptr(`{`)}, nil, ``, true},
		{"no member", &contextDefinition{}, nil, ``, true},
	} {
		rec, err := requestContext(tc.cd, tc.token, "context")
		if tc.wantErr {
			if errCode(err) != "ValidationException" {
				t.Errorf("%s: %v, want a ValidationException", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := rec.String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestAuthorizeEntities checks the caller's entities: entityList and
// cedarJson, and the refusal of principal and group entity types and of
// repeats.
func TestAuthorizeEntities(t *testing.T) {
	reserved := []types.EntityType{authzUserType, authzGroupType}
	list := &entitiesDefinition{EntityList: []entityItem{
		{Identifier: entityIdentifier{"MyCorp::Doc", "d1"},
			Attributes: map[string]attributeValue{"owner": authzAttr(`{"entityIdentifier":{"entityType":"MyCorp::User","entityId":"x"}}`)},
			Parents:    []entityIdentifier{{"MyCorp::Folder", "f1"}},
			Tags:       map[string]attributeValue{"env": authzAttr(`{"string":"prod"}`)}},
		{Identifier: entityIdentifier{"MyCorp::Folder", "f1"}},
	}}
	ents, err := entitiesFrom(list, reserved)
	if err != nil {
		t.Fatalf("entityList: %v", err)
	}
	b, err := json.Marshal(ents)
	if err != nil {
		t.Fatalf("marshal entities: %v", err)
	}
	want := `[{"uid":{"type":"MyCorp::Doc","id":"d1"},"parents":[{"type":"MyCorp::Folder","id":"f1"}],"attrs":{"owner":{"__entity":{"type":"MyCorp::User","id":"x"}}},"tags":{"env":"prod"}},` +
		`{"uid":{"type":"MyCorp::Folder","id":"f1"},"parents":[],"attrs":{},"tags":{}}]`
	if string(b) != want {
		t.Errorf("entityList:\n got %s\nwant %s", b, want)
	}
	js := `[{"uid":{"type":"MyCorp::Doc","id":"d2"},"attrs":{"n":1},"parents":[{"type":"MyCorp::Folder","id":"f1"}]}]`
	ents, err = entitiesFrom(&entitiesDefinition{CedarJSON: &js}, reserved)
	if err != nil {
		t.Fatalf("cedarJson: %v", err)
	}
	d2 := types.NewEntityUID("MyCorp::Doc", "d2")
	if got := ents[d2]; got.Attributes.String() != `{"n":1}` || !got.Parents.Contains(types.NewEntityUID("MyCorp::Folder", "f1")) {
		t.Errorf("cedarJson entity %+v, want attrs {\"n\":1} and parent MyCorp::Folder::\"f1\"", got)
	}
	if ents, err := entitiesFrom(nil, reserved); err != nil || len(ents) != 0 {
		t.Errorf("no entities: %v, %v; want an empty map", ents, err)
	}
	for name, def := range map[string]*entitiesDefinition{
		"principal type in entityList": {EntityList: []entityItem{{Identifier: entityIdentifier{authzUserType, "u"}}}},
		"group type in entityList":     {EntityList: []entityItem{{Identifier: entityIdentifier{authzGroupType, "g"}}}},
		"principal type in cedarJson":  {CedarJSON: ptr(`[{"uid":{"type":"MyCorp::User","id":"u"},"attrs":{},"parents":[]}]`)},
		"repeated entity":              {EntityList: []entityItem{{Identifier: entityIdentifier{"A", "1"}}, {Identifier: entityIdentifier{"A", "1"}}}},
		"bad attribute":                {EntityList: []entityItem{{Identifier: entityIdentifier{"A", "1"}, Attributes: map[string]attributeValue{"x": {}}}}},
		"bad tag":                      {EntityList: []entityItem{{Identifier: entityIdentifier{"A", "1"}, Tags: map[string]attributeValue{"x": authzAttr(`{"decimal":"z"}`)}}}},
		"cedarJson not entities":       {CedarJSON: ptr(`{"a":1}`)},
		"cedarJson entity without uid": {CedarJSON: ptr(`[{"attrs":{},"parents":[]}]`)},
		"no member":                    {},
	} {
		if _, err := entitiesFrom(def, reserved); errCode(err) != "ValidationException" {
			t.Errorf("%s: %v, want a ValidationException", name, err)
		}
	}
}

// authzDecide authorizes one request with the policies given (Cedar
// text, ids p0, p1, … in order) in place of the store's.
func authzDecide(t *testing.T, e *engine, in isAuthorizedWithTokenInput, policies ...string) (decisionMembers, error) {
	t.Helper()
	e.mu.Lock()
	a, err := e.prepareAuthorization(in.authorizationInput)
	e.mu.Unlock()
	if err != nil {
		return decisionMembers{}, err
	}
	ps := cedar.NewPolicySet()
	for i, src := range policies {
		list, err := cedar.NewPolicyListFromBytes("", []byte(src))
		if err != nil || len(list) != 1 {
			t.Fatalf("policy %q: %v (%d policies)", src, err, len(list))
		}
		ps.Add(cedar.PolicyID("p"+string(rune('0'+i))), list[0])
	}
	a.policies = ps
	return a.authorize(in.batchIsAuthorizedWithTokenInputItem, "context")
}

// TestAuthorizeDecisions evaluates policies whose conditions use what the
// tokens map to (attributes, groups, context.token) and what the caller
// gives (entities, context).
func TestAuthorizeDecisions(t *testing.T) {
	e, _ := newAuthzEngine(t, 0)
	store := authzStore(t, e)
	authzSource(t, e, store, ptr(authzUserType), cognitoGroupsCfg(authzGroupType))
	idTok := authzMint(t, e, *cogID("client-a", map[string]any{
		"email": "alice@example.com", "custom:tier": "gold", "age": 42, "verified": true, "ratio": 0.5,
		"address": map[string]any{"country": "FR"}, "tags": []string{"x", "y"},
	}))
	accessTok := authzMint(t, e, *cogAccess("client-a", map[string]any{"scope": "api/read openid"}))
	read := &actionIdentifier{ActionType: "MyCorp::Action", ActionID: "read"}
	doc := &entityIdentifier{EntityType: "MyCorp::Doc", EntityID: "d1"}
	docInFolder := &entitiesDefinition{EntityList: []entityItem{{
		Identifier: *doc, Parents: []entityIdentifier{{"MyCorp::Folder", "f1"}},
		Attributes: map[string]attributeValue{"owner": authzAttr(`{"string":"alice"}`)},
	}}}
	ctxMap := &contextDefinition{ContextMap: map[string]attributeValue{"ip": authzAttr(`{"ipaddr":"10.1.2.3"}`)}}
	ctxJSON := &contextDefinition{CedarJSON: ptr(`{"mfa":true}`)}
	const user = `MyCorp::User::"us-east-1_1a2b3c4d5|alice"`
	tests := []struct {
		name          string
		identity      bool
		access        bool
		action        *actionIdentifier
		resource      *entityIdentifier
		context       *contextDefinition
		entities      *entitiesDefinition
		policies      []string
		wantDecision  string
		wantDetermine []string
		wantErrors    int
	}{
		{name: "principal equality", identity: true, action: read, resource: doc,
			policies: []string{`permit(principal == ` + user + `, action, resource);`}, wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "group membership", identity: true, action: read, resource: doc,
			policies: []string{`permit(principal in MyCorp::Group::"us-east-1_1a2b3c4d5|admins", action == MyCorp::Action::"read", resource);`}, wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "group membership from the access token", access: true, action: read, resource: doc,
			policies: []string{`permit(principal in MyCorp::Group::"us-east-1_1a2b3c4d5|admins", action, resource);`}, wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "ID token attributes", identity: true, action: read, resource: doc,
			policies: []string{`permit(principal, action, resource) when { principal.email == "alice@example.com" && principal["custom:tier"] == "gold" && ` +
				`principal.custom.tier == "gold" && principal.cognito.username == "alice" && principal.age == 42 && principal.verified && ` +
				`principal.address.country == "FR" && principal.tags.contains("y") && principal.aud == "client-a" && !(principal has ratio) && ` +
				`!(principal has "cognito:groups") };`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "no context.token with an ID token", identity: true, action: read, resource: doc,
			policies: []string{`permit(principal, action, resource) when { context has token };`}, wantDecision: "DENY"},
		{name: "context.token scope", access: true, action: read, resource: doc,
			policies:     []string{`permit(principal, action, resource) when { context.token.scope.contains("api/read") && context.token.client_id == "client-a" && !(context.token has "cognito:groups") };`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "scope not granted", access: true, action: read, resource: doc,
			policies: []string{`permit(principal, action, resource) when { context.token.scope.contains("api/write") };`}, wantDecision: "DENY"},
		{name: "no attributes from an access token", access: true, action: read, resource: doc,
			policies: []string{`permit(principal, action, resource) when { principal has email || principal has sub };`}, wantDecision: "DENY"},
		{name: "both tokens", identity: true, access: true, action: read, resource: doc,
			policies:     []string{`permit(principal, action, resource) when { principal.email == "alice@example.com" && context.token.scope.contains("openid") };`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "entities and contextMap", identity: true, action: read, resource: doc, entities: docInFolder, context: ctxMap,
			policies:     []string{`permit(principal, action, resource in MyCorp::Folder::"f1") when { resource.owner == "alice" && context.ip.isInRange(ip("10.0.0.0/8")) };`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "cedarJson context beside the token", access: true, action: read, resource: doc, context: ctxJSON,
			policies:     []string{`permit(principal, action, resource) when { context.mfa && context.token.scope.contains("openid") };`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "forbid wins", identity: true, action: read, resource: doc,
			policies:     []string{`permit(principal, action, resource);`, `forbid(principal, action, resource) when { principal.email like "*@example.com" };`},
			wantDecision: "DENY", wantDetermine: []string{"p1"}},
		{name: "several permits", identity: true, action: read, resource: doc,
			policies:     []string{`permit(principal, action, resource);`, `permit(principal in MyCorp::Group::"us-east-1_1a2b3c4d5|admins", action, resource);`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0", "p1"}},
		{name: "evaluation error", identity: true, action: read, resource: doc,
			policies:     []string{`permit(principal, action, resource) when { resource.missing == 1 };`},
			wantDecision: "DENY", wantErrors: 1},
		{name: "no action or resource", identity: true,
			policies:     []string{`permit(principal, action, resource);`, `permit(principal, action == MyCorp::Action::"read", resource);`},
			wantDecision: "ALLOW", wantDetermine: []string{"p0"}},
		{name: "no policies", identity: true, action: read, resource: doc, wantDecision: "DENY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := isAuthorizedWithTokenInput{
				authorizationInput:                  authorizationInput{PolicyStoreID: store, Entities: tc.entities},
				batchIsAuthorizedWithTokenInputItem: batchIsAuthorizedWithTokenInputItem{Action: tc.action, Resource: tc.resource, Context: tc.context},
			}
			if tc.identity {
				in.IdentityToken = &idTok
			}
			if tc.access {
				in.AccessToken = &accessTok
			}
			r, err := authzDecide(t, e, in, tc.policies...)
			if err != nil {
				t.Fatalf("authorize: %v", err)
			}
			var got []string
			for _, d := range r.DeterminingPolicies {
				got = append(got, d.PolicyID)
			}
			if r.Decision != tc.wantDecision || !slices.Equal(got, tc.wantDetermine) || len(r.Errors) != tc.wantErrors {
				t.Errorf("decision %s, determining %q, errors %+v; want %s, %q, %d errors", r.Decision, got, r.Errors, tc.wantDecision, tc.wantDetermine, tc.wantErrors)
			}
			if r.DeterminingPolicies == nil || r.Errors == nil {
				t.Errorf("determiningPolicies %v or errors %v is nil; both must encode as []", r.DeterminingPolicies, r.Errors)
			}
			for _, ee := range r.Errors {
				if !strings.Contains(ee.ErrorDescription, "p0") {
					t.Errorf("errorDescription %q does not name the policy p0", ee.ErrorDescription)
				}
			}
		})
	}
}

// TestAuthorizeBatch checks a batch through the engine: one principal, the
// results in request order echoing each request, and the bounds of
// requests.
func TestAuthorizeBatch(t *testing.T) {
	e, _ := newAuthzEngine(t, 0)
	store := authzStore(t, e)
	authzSource(t, e, store, ptr(authzUserType), cognitoCfg())
	tok := authzMint(t, e, *cogID("", nil))
	var reqs []batchIsAuthorizedWithTokenInputItem
	for i := range maxBatchRequests {
		reqs = append(reqs, batchIsAuthorizedWithTokenInputItem{
			Action:   &actionIdentifier{ActionType: "MyCorp::Action", ActionID: "read"},
			Resource: &entityIdentifier{EntityType: "MyCorp::Doc", EntityID: "d" + string(rune('a'+i))},
		})
	}
	reqs[3].Context = &contextDefinition{ContextMap: map[string]attributeValue{"s": authzAttr(`{"set":[]}`)}}
	out, err := e.batchIsAuthorizedWithToken(batchIsAuthorizedWithTokenInput{authorizationInput: idTokenInput(store, &tok), Requests: reqs})
	if err != nil {
		t.Fatalf("30 requests: %v", err)
	}
	wantPrincipal := entityIdentifier{EntityType: authzUserType, EntityID: authzPoolID + "|alice"}
	if out.Principal == nil || *out.Principal != wantPrincipal {
		t.Errorf("principal %+v, want %+v", out.Principal, wantPrincipal)
	}
	if len(out.Results) != len(reqs) {
		t.Fatalf("%d results, want %d", len(out.Results), len(reqs))
	}
	for i, r := range out.Results {
		got, _ := json.Marshal(r.Request)
		want, _ := json.Marshal(reqs[i])
		if string(got) != string(want) {
			t.Errorf("result %d echoes %s, want %s", i, got, want)
		}
	}
	if got, _ := json.Marshal(out.Results[3].Request.Context); string(got) != `{"contextMap":{"s":{"set":[]}}}` {
		t.Errorf("echoed context %s, want the empty set kept", got)
	}
	for _, n := range []int{0, maxBatchRequests + 1} {
		in := batchIsAuthorizedWithTokenInput{authorizationInput: idTokenInput(store, &tok), Requests: make([]batchIsAuthorizedWithTokenInputItem, n)}
		_, err := e.batchIsAuthorizedWithToken(in)
		var ve *ValidationException
		if !errors.As(err, &ve) || len(ve.FieldList) != 1 || ve.FieldList[0].Path != "requests" {
			t.Errorf("%d requests: %#v, want a ValidationException at requests", n, err)
		}
	}
	// A bad context in one request refuses the whole call.
	bad := slices.Clone(reqs[:2])
	bad[1].Context = &contextDefinition{CedarJSON: ptr(`[]`)}
	if _, err := e.batchIsAuthorizedWithToken(batchIsAuthorizedWithTokenInput{authorizationInput: idTokenInput(store, &tok), Requests: bad}); errCode(err) != "ValidationException" {
		t.Errorf("bad context in request 1: %v, want a ValidationException", err)
	}
}

// TestAuthorizePropagation checks, under a propagation delay, that an
// UpdateIdentitySource takes effect on authorization only once it has
// propagated, as it does on reads.
func TestAuthorizePropagation(t *testing.T) {
	const delay = 5 * time.Second
	e, clock := newAuthzEngine(t, delay)
	store := authzStore(t, e)
	clock.Advance(delay)
	source := authzSource(t, e, store, ptr(authzUserType), cognitoCfg("client-a"))
	tokA := authzMint(t, e, *cogID("client-a", nil))
	tokB := authzMint(t, e, *cogID("client-b", nil))
	check := func(step string, tok string, want string) {
		t.Helper()
		_, err := e.isAuthorizedWithToken(isAuthorizedWithTokenInput{authorizationInput: idTokenInput(store, &tok)})
		if got := errCode(err); got != want {
			t.Errorf("%s: error %q (%v), want %q", step, got, err, want)
		}
	}
	check("source just created", tokA, "ResourceNotFoundException")
	clock.Advance(delay)
	check("source propagated, client-a", tokA, "")
	check("source propagated, client-b", tokB, "ValidationException")
	if _, err := e.updateIdentitySource(updateIdentitySourceInput{PolicyStoreID: store, IdentitySourceID: source,
		UpdateConfiguration: cognitoCfg("client-b"), PrincipalEntityType: ptr(authzUserType)}); err != nil {
		t.Fatalf("updateIdentitySource: %v", err)
	}
	check("update not propagated, client-a", tokA, "")
	check("update not propagated, client-b", tokB, "ValidationException")
	clock.Advance(delay - time.Microsecond)
	check("a microsecond before the update propagated, client-a", tokA, "")
	clock.Advance(time.Microsecond)
	check("update propagated, client-a", tokA, "ValidationException")
	check("update propagated, client-b", tokB, "")
}

// authzCheckingTransport fails the test when a response of the API does
// not conform to its output or error schema.
type authzCheckingTransport struct {
	t    testing.TB
	next http.RoundTripper
}

func (c authzCheckingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var reqBody []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read the request body: %w", err)
		}
		reqBody = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	x := schemas.Exchange{Operation: schemas.OperationFromTarget(r.Header.Get("X-Amz-Target")), RequestBody: reqBody,
		Status: resp.StatusCode, Header: resp.Header, ResponseBody: respBody}
	if err := x.CheckResponse(); err != nil {
		c.t.Errorf("response does not conform to the schemas: %v\nbody: %s", err, respBody)
	}
	return resp, nil
}

// authzServer is a server on a clock the test moves, without a listener,
// with the shared issuer, and an SDK client of it that makes one attempt
// per call and checks every response against the schemas.
type authzServer struct {
	srv   *Server
	vp    *verifiedpermissions.Client
	clock *authzClock
}

func newAuthzServer(t *testing.T, opts ...Option) *authzServer {
	t.Helper()
	clock := sdktest.NewClock(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
	srv := NewServer(append([]Option{WithClock(clock.Now), WithoutListener()}, opts...)...)
	t.Cleanup(srv.Close)
	srv.engine.issuer = testIssuer(t) // before any request
	cfg := srv.AWSConfig()
	cfg.RetryMaxAttempts = 1
	cfg.HTTPClient = &http.Client{Transport: authzCheckingTransport{t: t, next: srv.Client().Transport}}
	return &authzServer{srv: srv, vp: verifiedpermissions.NewFromConfig(cfg), clock: clock}
}

func (s *authzServer) token(t *testing.T, req *TokenRequest) *string {
	t.Helper()
	tok, err := s.srv.IssueToken(*req)
	if err != nil {
		t.Fatalf("IssueToken(%+v): %v", *req, err)
	}
	return &tok
}

func (s *authzServer) store(t *testing.T) string {
	t.Helper()
	out, err := s.vp.CreatePolicyStore(context.Background(), &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &vptypes.ValidationSettings{Mode: vptypes.ValidationModeOff},
	})
	if err != nil {
		t.Fatalf("CreatePolicyStore: %v", err)
	}
	return aws.ToString(out.PolicyStoreId)
}

func (s *authzServer) source(t *testing.T, store, principalType string, cfg vptypes.Configuration) string {
	t.Helper()
	out, err := s.vp.CreateIdentitySource(context.Background(), &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: aws.String(store), PrincipalEntityType: aws.String(principalType), Configuration: cfg,
	})
	if err != nil {
		t.Fatalf("CreateIdentitySource: %v", err)
	}
	return aws.ToString(out.IdentitySourceId)
}

func (s *authzServer) update(t *testing.T, store, source, principalType string, cfg vptypes.UpdateConfiguration) {
	t.Helper()
	_, err := s.vp.UpdateIdentitySource(context.Background(), &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId: aws.String(store), IdentitySourceId: aws.String(source), PrincipalEntityType: aws.String(principalType), UpdateConfiguration: cfg,
	})
	if err != nil {
		t.Fatalf("UpdateIdentitySource: %v", err)
	}
}

func (s *authzServer) policy(t *testing.T, store, statement string) string {
	t.Helper()
	out, err := s.vp.CreatePolicy(context.Background(), &verifiedpermissions.CreatePolicyInput{
		PolicyStoreId: aws.String(store),
		Definition:    &vptypes.PolicyDefinitionMemberStatic{Value: vptypes.StaticPolicyDefinition{Statement: aws.String(statement)}},
	})
	if err != nil {
		t.Fatalf("CreatePolicy %q: %v", statement, err)
	}
	return aws.ToString(out.PolicyId)
}

// authzAnswer is what an IsAuthorizedWithToken answered: an error code, or
// the decision, determining policies and principal.
type authzAnswer struct {
	Err         string
	Status      int
	Decision    string
	Determining []string
	Errors      int
	Principal   string
}

func (s *authzServer) authorize(t *testing.T, in *verifiedpermissions.IsAuthorizedWithTokenInput) authzAnswer {
	t.Helper()
	out, err := s.vp.IsAuthorizedWithToken(context.Background(), in)
	if err != nil {
		d := authzAnswer{Err: "not an API error: " + err.Error()}
		var ae smithy.APIError
		if errors.As(err, &ae) {
			d.Err = ae.ErrorCode()
		}
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			d.Status = re.HTTPStatusCode()
		}
		return d
	}
	d := authzAnswer{Decision: string(out.Decision), Errors: len(out.Errors), Status: http.StatusOK, Determining: []string{}}
	for _, p := range out.DeterminingPolicies {
		d.Determining = append(d.Determining, aws.ToString(p.PolicyId))
	}
	if out.Principal != nil {
		d.Principal = aws.ToString(out.Principal.EntityType) + "::" + aws.ToString(out.Principal.EntityId)
	}
	return d
}

func cognitoSDK(clientIDs []string, groupType string) vptypes.Configuration {
	c := vptypes.CognitoUserPoolConfiguration{UserPoolArn: aws.String(testPoolArn), ClientIds: clientIDs}
	if groupType != "" {
		c.GroupConfiguration = &vptypes.CognitoGroupConfiguration{GroupEntityType: aws.String(groupType)}
	}
	return &vptypes.ConfigurationMemberCognitoUserPoolConfiguration{Value: c}
}

func refusedDecision() authzAnswer {
	return authzAnswer{Err: "ValidationException", Status: http.StatusBadRequest}
}

// TestIsAuthorizedWithTokenSDK drives IsAuthorizedWithToken through the
// AWS SDK: Cognito ID and access tokens, client ids before and after an
// update, a switch to OpenID Connect with another principal entity type,
// groups, expiry, and the caller's entities and context.
func TestIsAuthorizedWithTokenSDK(t *testing.T) {
	s := newAuthzServer(t)
	store := s.store(t)
	source := s.source(t, store, authzUserType, cognitoSDK([]string{"client-a"}, authzGroupType))
	readByGroup := s.policy(t, store, `permit(principal in MyCorp::Group::"`+authzPoolID+`|admins", action == MyCorp::Action::"read", resource) when { principal.email == "alice@example.com" };`)
	writeByScope := s.policy(t, store, `permit(principal, action == MyCorp::Action::"write", resource) when { context.token.scope.contains("api/write") };`)
	inFolder := s.policy(t, store, `permit(principal == MyCorp::User::"`+authzPoolID+`|alice", action == MyCorp::Action::"share", resource in MyCorp::Folder::"f1") when { context.mfa && resource.owner == principal };`)
	oidcUser := s.policy(t, store, `permit(principal == MyCorp::Person::"P|alice", action, resource);`)
	defaultGroup := s.policy(t, store, `permit(principal in AWS::CognitoGroup::"`+authzPoolID+`|admins", action == MyCorp::Action::"audit", resource);`)

	idA := s.token(t, cogID("client-a", map[string]any{"email": "alice@example.com"}))
	accessA := s.token(t, cogAccess("client-a", map[string]any{"scope": "api/read api/write"}))
	idC := s.token(t, cogID("client-c", map[string]any{"email": "alice@example.com"}))
	oidcTok := s.token(t, oidcID("client-o", nil))
	shortLived := s.token(t, &TokenRequest{UserPoolArn: testPoolArn, Use: IDToken, Subject: "alice", ClientID: "client-a", Lifetime: time.Minute})
	action := func(id string) *vptypes.ActionIdentifier {
		return &vptypes.ActionIdentifier{ActionType: aws.String("MyCorp::Action"), ActionId: aws.String(id)}
	}
	doc := &vptypes.EntityIdentifier{EntityType: aws.String("MyCorp::Doc"), EntityId: aws.String("d1")}
	cogPrincipal := authzUserType + "::" + authzPoolID + "|alice"
	in := func(id, access *string, act string) *verifiedpermissions.IsAuthorizedWithTokenInput {
		return &verifiedpermissions.IsAuthorizedWithTokenInput{PolicyStoreId: aws.String(store), IdentityToken: id, AccessToken: access, Action: action(act), Resource: doc}
	}
	shareIn := in(idA, nil, "share")
	shareIn.Entities = &vptypes.EntitiesDefinitionMemberEntityList{Value: []vptypes.EntityItem{{
		Identifier: doc,
		Parents:    []vptypes.EntityIdentifier{{EntityType: aws.String("MyCorp::Folder"), EntityId: aws.String("f1")}},
		Attributes: map[string]vptypes.AttributeValue{"owner": &vptypes.AttributeValueMemberEntityIdentifier{Value: vptypes.EntityIdentifier{
			EntityType: aws.String(authzUserType), EntityId: aws.String(authzPoolID + "|alice")}}},
	}}}
	shareIn.Context = &vptypes.ContextDefinitionMemberContextMap{Value: map[string]vptypes.AttributeValue{"mfa": &vptypes.AttributeValueMemberBoolean{Value: true}}}
	shareCedarJSON := in(idA, nil, "share")
	shareCedarJSON.Entities = &vptypes.EntitiesDefinitionMemberCedarJson{Value: `[{"uid":{"type":"MyCorp::Doc","id":"d1"},"parents":[{"type":"MyCorp::Folder","id":"f1"}],` +
		`"attrs":{"owner":{"__entity":{"type":"MyCorp::User","id":"` + authzPoolID + `|alice"}}}}]`}
	shareCedarJSON.Context = &vptypes.ContextDefinitionMemberCedarJson{Value: `{"mfa":true}`}
	principalEntity := in(idA, nil, "read")
	principalEntity.Entities = &vptypes.EntitiesDefinitionMemberEntityList{Value: []vptypes.EntityItem{{
		Identifier: &vptypes.EntityIdentifier{EntityType: aws.String(authzUserType), EntityId: aws.String("someone")},
	}}}
	tokenInContext := in(nil, accessA, "write")
	tokenInContext.Context = &vptypes.ContextDefinitionMemberContextMap{Value: map[string]vptypes.AttributeValue{"token": &vptypes.AttributeValueMemberString{Value: "x"}}}

	allow := func(p string, ids ...string) authzAnswer {
		return authzAnswer{Status: http.StatusOK, Decision: "ALLOW", Determining: ids, Principal: p}
	}
	// deny expects errors evaluation errors: a policy whose scope matches
	// but whose condition reads what the request lacks.
	deny := func(p string, errors int) authzAnswer {
		return authzAnswer{Status: http.StatusOK, Decision: "DENY", Determining: []string{}, Principal: p, Errors: errors}
	}
	steps := []struct {
		name   string
		before func(t *testing.T)
		in     *verifiedpermissions.IsAuthorizedWithTokenInput
		want   authzAnswer
	}{
		{name: "ID token, group and attribute", in: in(idA, nil, "read"), want: allow(cogPrincipal, readByGroup)},
		{name: "ID token, no context.token", in: in(idA, nil, "write"), want: deny(cogPrincipal, 1)},
		{name: "access token, scope", in: in(nil, accessA, "write"), want: allow(cogPrincipal, writeByScope)},
		{name: "access token, no attributes", in: in(nil, accessA, "read"), want: deny(cogPrincipal, 1)},
		{name: "both tokens", in: in(idA, accessA, "write"), want: allow(cogPrincipal, writeByScope)},
		{name: "client id not configured", in: in(idC, nil, "read"), want: refusedDecision()},
		{name: "entityList and contextMap", in: shareIn, want: allow(cogPrincipal, inFolder)},
		{name: "cedarJson entities and context", in: shareCedarJSON, want: allow(cogPrincipal, inFolder)},
		{name: "entity of the principal type", in: principalEntity, want: refusedDecision()},
		{name: "caller's context.token", in: tokenInContext, want: refusedDecision()},
		{name: "neither token", in: in(nil, nil, "read"), want: refusedDecision()},
		{name: "short-lived token in time", in: in(shortLived, nil, "audit"), want: deny(cogPrincipal, 0)},
		{name: "short-lived token expired", before: func(*testing.T) { s.clock.Advance(time.Minute + time.Second) },
			in: in(shortLived, nil, "read"), want: refusedDecision()},
		{name: "client id added", before: func(t *testing.T) {
			s.update(t, store, source, authzUserType, &vptypes.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.UpdateCognitoUserPoolConfiguration{
				UserPoolArn: aws.String(testPoolArn), ClientIds: []string{"client-a", "client-c"},
				GroupConfiguration: &vptypes.UpdateCognitoGroupConfiguration{GroupEntityType: aws.String(authzGroupType)}}})
		}, in: in(idC, nil, "read"), want: allow(cogPrincipal, readByGroup)},
		{name: "client id removed", before: func(t *testing.T) {
			s.update(t, store, source, authzUserType, &vptypes.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.UpdateCognitoUserPoolConfiguration{
				UserPoolArn: aws.String(testPoolArn), ClientIds: []string{"client-c"}}})
		}, in: in(idA, nil, "read"), want: refusedDecision()},
		{name: "default group type once the group configuration is gone", in: in(idC, nil, "audit"), want: allow(cogPrincipal, defaultGroup)},
		{name: "switched to OIDC: Cognito token refused", before: func(t *testing.T) {
			s.update(t, store, source, "MyCorp::Person", &vptypes.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: vptypes.UpdateOpenIdConnectConfiguration{
				Issuer: aws.String(testOIDCIssuer), EntityIdPrefix: aws.String("P"),
				TokenSelection: &vptypes.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: vptypes.UpdateOpenIdConnectIdentityTokenConfiguration{
					ClientIds: []string{"client-o"}}}}})
		}, in: in(idC, nil, "read"), want: refusedDecision()},
		{name: "switched to OIDC: new principal type", in: in(oidcTok, nil, "read"), want: allow("MyCorp::Person::P|alice", oidcUser)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(t)
			}
			got := s.authorize(t, st.in)
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("IsAuthorizedWithToken:\n got %+v\nwant %+v", got, st.want)
			}
		})
	}
}

// TestIsAuthorizedWithTokenWire checks the JSON of answers: the required
// lists [] when empty, and the principal.
func TestIsAuthorizedWithTokenWire(t *testing.T) {
	s := newAuthzServer(t)
	store := s.store(t)
	s.source(t, store, authzUserType, cognitoSDK(nil, ""))
	tok := s.token(t, cogID("", nil))
	body := `{"policyStoreId":"` + store + `","identityToken":"` + *tok + `"}`
	for op, want := range map[string]string{
		"IsAuthorizedWithToken": `{"decision":"DENY","determiningPolicies":[],"errors":[],"principal":{"entityType":"MyCorp::User","entityId":"` + authzPoolID + `|alice"}}`,
		"BatchIsAuthorizedWithToken": `{"principal":{"entityType":"MyCorp::User","entityId":"` + authzPoolID + `|alice"},` +
			`"results":[{"request":{},"decision":"DENY","determiningPolicies":[],"errors":[]},` +
			`{"request":{"resource":{"entityType":"A","entityId":"1"},"context":{"contextMap":{"r":{"record":{}}}}},"decision":"DENY","determiningPolicies":[],"errors":[]}]}`,
	} {
		b := body
		if op == "BatchIsAuthorizedWithToken" {
			b = strings.TrimSuffix(body, "}") + `,"requests":[{},{"resource":{"entityType":"A","entityId":"1"},"context":{"contextMap":{"r":{"record":{}}}}}]}`
		}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.srv.URL()+"/", strings.NewReader(b))
		if err != nil {
			t.Fatalf("build request: %v", err)
		}
		req.Header.Set("Content-Type", schemas.ContentType)
		req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
		resp, err := (&http.Client{Transport: authzCheckingTransport{t: t, next: s.srv.Client().Transport}}).Do(req)
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		got, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: read: %v", op, err)
		}
		if resp.StatusCode != http.StatusOK || string(got) != want {
			t.Errorf("%s: HTTP %d %s\nwant HTTP 200 %s", op, resp.StatusCode, got, want)
		}
	}
}

// TestBatchIsAuthorizedWithTokenSDK drives BatchIsAuthorizedWithToken
// through the AWS SDK: one principal, results in request order echoing
// each request, and the limit of 30 requests.
func TestBatchIsAuthorizedWithTokenSDK(t *testing.T) {
	s := newAuthzServer(t)
	store := s.store(t)
	s.source(t, store, authzUserType, cognitoSDK(nil, ""))
	readPolicy := s.policy(t, store, `permit(principal, action == MyCorp::Action::"read", resource) when { context has n && context.n > 1 };`)
	tok := s.token(t, cogAccess("", nil))
	item := func(act string, n int64) vptypes.BatchIsAuthorizedWithTokenInputItem {
		return vptypes.BatchIsAuthorizedWithTokenInputItem{
			Action:   &vptypes.ActionIdentifier{ActionType: aws.String("MyCorp::Action"), ActionId: aws.String(act)},
			Resource: &vptypes.EntityIdentifier{EntityType: aws.String("MyCorp::Doc"), EntityId: aws.String(fmt.Sprintf("d%d", n))},
			Context:  &vptypes.ContextDefinitionMemberContextMap{Value: map[string]vptypes.AttributeValue{"n": &vptypes.AttributeValueMemberLong{Value: n}}},
		}
	}
	reqs := []vptypes.BatchIsAuthorizedWithTokenInputItem{item("read", 2), item("write", 3), item("read", 1), item("read", 5)}
	out, err := s.vp.BatchIsAuthorizedWithToken(context.Background(), &verifiedpermissions.BatchIsAuthorizedWithTokenInput{
		PolicyStoreId: aws.String(store), AccessToken: tok, Requests: reqs,
	})
	if err != nil {
		t.Fatalf("BatchIsAuthorizedWithToken: %v", err)
	}
	if p := out.Principal; p == nil || aws.ToString(p.EntityType) != authzUserType || aws.ToString(p.EntityId) != authzPoolID+"|alice" {
		t.Errorf("principal %+v, want %s::%s|alice", p, authzUserType, authzPoolID)
	}
	wantDecisions := []vptypes.Decision{vptypes.DecisionAllow, vptypes.DecisionDeny, vptypes.DecisionDeny, vptypes.DecisionAllow}
	if len(out.Results) != len(reqs) {
		t.Fatalf("%d results, want %d", len(out.Results), len(reqs))
	}
	for i, r := range out.Results {
		wantDet := []string{}
		if wantDecisions[i] == vptypes.DecisionAllow {
			wantDet = []string{readPolicy}
		}
		gotDet := []string{}
		for _, d := range r.DeterminingPolicies {
			gotDet = append(gotDet, aws.ToString(d.PolicyId))
		}
		if r.Decision != wantDecisions[i] || !slices.Equal(gotDet, wantDet) {
			t.Errorf("result %d: %s %q, want %s %q", i, r.Decision, gotDet, wantDecisions[i], wantDet)
		}
		gotRes, wantRes := aws.ToString(r.Request.Resource.EntityId), aws.ToString(reqs[i].Resource.EntityId)
		gotAct, wantAct := aws.ToString(r.Request.Action.ActionId), aws.ToString(reqs[i].Action.ActionId)
		ctx, ok := r.Request.Context.(*vptypes.ContextDefinitionMemberContextMap)
		var n int64
		if ok {
			if l, ok := ctx.Value["n"].(*vptypes.AttributeValueMemberLong); ok {
				n = l.Value
			}
		}
		wantN := reqs[i].Context.(*vptypes.ContextDefinitionMemberContextMap).Value["n"].(*vptypes.AttributeValueMemberLong).Value
		if gotRes != wantRes || gotAct != wantAct || n != wantN {
			t.Errorf("result %d echoes %s %s n=%d, want %s %s n=%d", i, gotAct, gotRes, n, wantAct, wantRes, wantN)
		}
	}
	for _, n := range []int{maxBatchRequests, maxBatchRequests + 1} {
		many := make([]vptypes.BatchIsAuthorizedWithTokenInputItem, n)
		for i := range many {
			many[i] = item("read", int64(i))
		}
		out, err := s.vp.BatchIsAuthorizedWithToken(context.Background(), &verifiedpermissions.BatchIsAuthorizedWithTokenInput{
			PolicyStoreId: aws.String(store), AccessToken: tok, Requests: many,
		})
		var ae smithy.APIError
		switch {
		case n <= maxBatchRequests && (err != nil || len(out.Results) != n):
			t.Errorf("%d requests: %v, want %d results", n, err, n)
		case n > maxBatchRequests && (!errors.As(err, &ae) || ae.ErrorCode() != "ValidationException"):
			t.Errorf("%d requests: %v, want a ValidationException", n, err)
		}
	}
	// A refused token refuses the whole batch.
	_, err = s.vp.BatchIsAuthorizedWithToken(context.Background(), &verifiedpermissions.BatchIsAuthorizedWithTokenInput{
		PolicyStoreId: aws.String(store), IdentityToken: tok, Requests: reqs[:1],
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Errorf("access token as identityToken: %v, want a ValidationException", err)
	}
}

// TestIsAuthorizedWithTokenPropagationSDK checks through the AWS SDK, under
// a 5-second propagation delay, that an UpdateIdentitySource takes effect
// on authorization only once it has propagated.
func TestIsAuthorizedWithTokenPropagationSDK(t *testing.T) {
	const delay = 5 * time.Second
	s := newAuthzServer(t, WithPropagationDelay(delay))
	store := s.store(t)
	s.clock.Advance(delay)
	source := s.source(t, store, authzUserType, cognitoSDK([]string{"client-a"}, ""))
	p := s.policy(t, store, `permit(principal, action, resource);`)
	s.clock.Advance(delay)
	tokA, tokB := s.token(t, cogID("client-a", nil)), s.token(t, cogID("client-b", nil))
	in := func(tok *string) *verifiedpermissions.IsAuthorizedWithTokenInput {
		return &verifiedpermissions.IsAuthorizedWithTokenInput{PolicyStoreId: aws.String(store), IdentityToken: tok}
	}
	allowed := authzAnswer{Status: http.StatusOK, Decision: "ALLOW", Determining: []string{p}, Principal: authzUserType + "::" + authzPoolID + "|alice"}
	check := func(step string, tok *string, want authzAnswer) {
		t.Helper()
		if got := s.authorize(t, in(tok)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", step, got, want)
		}
	}
	check("before the update, client-a", tokA, allowed)
	check("before the update, client-b", tokB, refusedDecision())
	s.update(t, store, source, authzUserType, &vptypes.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: vptypes.UpdateCognitoUserPoolConfiguration{
		UserPoolArn: aws.String(testPoolArn), ClientIds: []string{"client-b"}}})
	check("right after the update, client-a", tokA, allowed)
	check("right after the update, client-b", tokB, refusedDecision())
	s.clock.Advance(delay - time.Microsecond)
	check("a microsecond before it propagated, client-a", tokA, allowed)
	s.clock.Advance(time.Microsecond)
	check("once propagated, client-a", tokA, refusedDecision())
	check("once propagated, client-b", tokB, allowed)
}
