package tokens_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/vpconform/vpconform/fake"
)

const userPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"

func TestTokenLosesItsClient(t *testing.T) {
	srv := fake.NewServer()
	defer srv.Close()
	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())
	ctx := context.Background()

	store, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	})
	if err != nil {
		t.Fatal(err)
	}
	source, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId:       store.PolicyStoreId,
		PrincipalEntityType: aws.String("MyApp::User"),
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String(userPoolArn), ClientIds: []string{"web-client"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The principal of a Cognito token is "<user pool id>|<sub>".
	_, err = vp.CreatePolicy(ctx, &verifiedpermissions.CreatePolicyInput{
		PolicyStoreId: store.PolicyStoreId,
		Definition: &types.PolicyDefinitionMemberStatic{Value: types.StaticPolicyDefinition{
			Statement: aws.String(`permit(principal == MyApp::User::"us-east-1_example|alice", action == MyApp::Action::"view", resource);`),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The fake signs tokens for any user pool, and publishes its keys.
	idToken, err := srv.IssueToken(fake.TokenRequest{
		UserPoolArn: userPoolArn, Use: fake.IDToken, Subject: "alice", ClientID: "web-client",
	})
	if err != nil {
		t.Fatal(err)
	}
	request := &verifiedpermissions.IsAuthorizedWithTokenInput{
		PolicyStoreId: store.PolicyStoreId,
		IdentityToken: aws.String(idToken),
		Action:        &types.ActionIdentifier{ActionType: aws.String("MyApp::Action"), ActionId: aws.String("view")},
		Resource:      &types.EntityIdentifier{EntityType: aws.String("MyApp::Photo"), EntityId: aws.String("beach.jpg")},
	}
	got, err := vp.IsAuthorizedWithToken(ctx, request)
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision != types.DecisionAllow {
		t.Fatalf("decision %s, want ALLOW", got.Decision)
	}

	// Drop the token's client from the identity source: the token is refused.
	_, err = vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId, IdentitySourceId: source.IdentitySourceId,
		PrincipalEntityType: aws.String("MyApp::User"),
		UpdateConfiguration: &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: types.UpdateCognitoUserPoolConfiguration{
			UserPoolArn: aws.String(userPoolArn), ClientIds: []string{"mobile-client"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = vp.IsAuthorizedWithToken(ctx, request)
	var refused *types.ValidationException
	if !errors.As(err, &refused) {
		t.Fatalf("after dropping the client: %v, want ValidationException", err)
	}
}
