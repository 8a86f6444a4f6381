package mycode_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/vpconform/vpconform/fake"
)

func TestMyCode(t *testing.T) {
	srv := fake.NewServer() // a loopback listener and an in-memory client
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
		PolicyStoreId: store.PolicyStoreId,
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId, IdentitySourceId: source.IdentitySourceId,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := aws.ToString(got.PrincipalEntityType); p != "AWS::Cognito" {
		t.Errorf("principalEntityType %q, want AWS::Cognito", p)
	}
}
