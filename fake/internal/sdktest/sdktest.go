// Package sdktest holds what the tests of package fake and of cmd/vpfake
// share: the configuration of an AWS SDK client that reaches a fake over
// loopback as a client of a real endpoint does, the input of the plainest
// policy store, and a set of policy stores
// and identity sources, with every optional member, made through such a
// client and read back.
package sdktest

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
)

// The key pair Loopback's clients sign with by default.
const (
	AccessKeyID     = "AKIDTEST"
	SecretAccessKey = "secret"
)

// Loopback is the configuration of a client of the fake at url, as a client
// of any endpoint is configured: the Region us-east-1, static credentials
// (accessKeyID and secret), BaseEndpoint url and an ordinary HTTP client
// (hc, or the SDK's default when nil). It makes one attempt per call, so
// that a test sees every error the fake answers.
func Loopback(url, accessKeyID, secret string, hc *http.Client) aws.Config {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1}
	if hc != nil {
		cfg.HTTPClient = hc
	}
	return SignedBy(cfg, accessKeyID, secret, "")
}

// SignedBy returns a copy of cfg whose clients sign with the key pair
// accessKeyID and secret, and send sessionToken unless it is empty.
func SignedBy(cfg aws.Config, accessKeyID, secret, sessionToken string) aws.Config {
	cp := cfg.Copy()
	cp.Credentials = credentials.NewStaticCredentialsProvider(accessKeyID, secret, sessionToken)
	return cp
}

// PolicyStoreInput is the input of a CreatePolicyStore of the plainest
// policy store: validation off, and a clientToken unless clientToken is
// empty.
func PolicyStoreInput(clientToken string) *verifiedpermissions.CreatePolicyStoreInput {
	in := &verifiedpermissions.CreatePolicyStoreInput{ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff}}
	if clientToken != "" {
		in.ClientToken = aws.String(clientToken)
	}
	return in
}

// Resources are the policy stores Populate made and their identity
// sources: Sources[i] is in Stores[i].
type Resources struct {
	Stores, Sources []string
}

// Populate makes through vp two policy stores, the first with every
// optional member and the second with default encryption, each with one
// identity source, Cognito in the first and OpenID Connect in the second,
// and then updates the second source. When advance is not nil it is called
// after each call but the last, to move the fake's clock: by 1.234567s after
// the first and by a second after the others.
func Populate(t testing.TB, vp *verifiedpermissions.Client, advance func(time.Duration)) Resources {
	t.Helper()
	if advance == nil {
		advance = func(time.Duration) {}
	}
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	full, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeStrict},
		Description:        aws.String("expenses"),
		DeletionProtection: types.DeletionProtectionEnabled,
		EncryptionSettings: &types.EncryptionSettingsMemberKmsEncryptionSettings{Value: types.KmsEncryptionSettings{
			Key:               aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
			EncryptionContext: map[string]string{"application": "expenses"},
		}},
		Tags: map[string]string{"team": "identity", "cost-center": ""},
	})
	must("CreatePolicyStore", err)
	advance(1234567 * time.Microsecond)
	bare, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
		EncryptionSettings: &types.EncryptionSettingsMemberDefault{Value: types.Unit{}},
	})
	must("CreatePolicyStore", err)
	advance(time.Second)
	r := Resources{Stores: []string{aws.ToString(full.PolicyStoreId), aws.ToString(bare.PolicyStoreId)}}
	for _, in := range []*verifiedpermissions.CreateIdentitySourceInput{{
		PolicyStoreId: full.PolicyStoreId,
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn:        aws.String("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"),
			ClientIds:          []string{"a1b2c3d4e5f6g7h8i9j0kalbmc"},
			GroupConfiguration: &types.CognitoGroupConfiguration{GroupEntityType: aws.String("MyCorp::Group")},
		}},
		PrincipalEntityType: aws.String("MyCorp::User"),
	}, {
		PolicyStoreId: bare.PolicyStoreId,
		Configuration: &types.ConfigurationMemberOpenIdConnectConfiguration{Value: types.OpenIdConnectConfiguration{
			Issuer:         aws.String("https://auth.example.com"),
			EntityIdPrefix: aws.String("MyOIDCProvider"),
			TokenSelection: &types.OpenIdConnectTokenSelectionMemberAccessTokenOnly{Value: types.OpenIdConnectAccessTokenConfiguration{
				Audiences: []string{"https://myapp.example.com"},
			}},
		}},
	}} {
		out, err := vp.CreateIdentitySource(ctx, in)
		must("CreateIdentitySource", err)
		r.Sources = append(r.Sources, aws.ToString(out.IdentitySourceId))
		advance(time.Second)
	}
	_, err = vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId:    bare.PolicyStoreId,
		IdentitySourceId: aws.String(r.Sources[1]),
		UpdateConfiguration: &types.UpdateConfigurationMemberOpenIdConnectConfiguration{Value: types.UpdateOpenIdConnectConfiguration{
			Issuer: aws.String("https://auth.example.com"),
			GroupConfiguration: &types.UpdateOpenIdConnectGroupConfiguration{
				GroupClaim: aws.String("groups"), GroupEntityType: aws.String("MyCorp::UserGroup"),
			},
			TokenSelection: &types.UpdateOpenIdConnectTokenSelectionMemberIdentityTokenOnly{Value: types.UpdateOpenIdConnectIdentityTokenConfiguration{
				PrincipalIdClaim: aws.String("email"), ClientIds: []string{"1example23456789"},
			}},
		}},
		PrincipalEntityType: aws.String("MyCorp::Employee"),
	})
	must("UpdateIdentitySource", err)
	return r
}

// ReadBack returns, as JSON with every exported member of the SDK's
// outputs (dates included), what GetPolicyStore (with tags) and
// ListIdentitySources answer for each policy store of r and
// GetIdentitySource for each identity source.
func (r Resources) ReadBack(t testing.TB, vp *verifiedpermissions.Client) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(what, id string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s %s: %v", what, id, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("encode %T: %v", v, err)
		}
		out = append(out, string(b))
	}
	for _, id := range r.Stores {
		got, err := vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String(id), Tags: true})
		add("GetPolicyStore", id, got, err)
		list, err := vp.ListIdentitySources(ctx, &verifiedpermissions.ListIdentitySourcesInput{PolicyStoreId: aws.String(id)})
		var sources []types.IdentitySourceItem
		if err == nil {
			sources = list.IdentitySources
		}
		add("ListIdentitySources", id, sources, err)
	}
	for i, id := range r.Sources {
		got, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: aws.String(r.Stores[i]), IdentitySourceId: aws.String(id),
		})
		add("GetIdentitySource", id, got, err)
	}
	return out
}

// Clock is a clock a test sets and moves, safe for concurrent use; its Now
// is what fake.WithClock takes.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
