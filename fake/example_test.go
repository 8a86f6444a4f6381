package fake_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"

	"github.com/vpconform/vpconform/fake"
)

// Example starts the fake on a loopback port and drives it with the real
// AWS SDK client, configured with nothing but an endpoint and static
// credentials.
func Example() {
	srv := fake.NewServer()
	defer srv.Close()

	ctx := context.Background()
	vp := verifiedpermissions.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL()),
	})

	store, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeStrict},
	})
	if err != nil {
		log.Fatal(err)
	}
	source, err := vp.CreateIdentitySource(ctx, &verifiedpermissions.CreateIdentitySourceInput{
		PolicyStoreId: store.PolicyStoreId,
		Configuration: &types.ConfigurationMemberCognitoUserPoolConfiguration{Value: types.CognitoUserPoolConfiguration{
			UserPoolArn: aws.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_1a2b3c4d5"),
			ClientIds:   []string{"client-one"},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	show := func() {
		got, err := vp.GetIdentitySource(ctx, &verifiedpermissions.GetIdentitySourceInput{
			PolicyStoreId: store.PolicyStoreId, IdentitySourceId: source.IdentitySourceId,
		})
		if err != nil {
			log.Fatal(err)
		}
		cognito := got.Configuration.(*types.ConfigurationDetailMemberCognitoUserPoolConfiguration).Value
		fmt.Println(aws.ToString(cognito.Issuer), cognito.ClientIds, aws.ToString(got.PrincipalEntityType))
	}
	show()

	_, err = vp.UpdateIdentitySource(ctx, &verifiedpermissions.UpdateIdentitySourceInput{
		PolicyStoreId:    store.PolicyStoreId,
		IdentitySourceId: source.IdentitySourceId,
		UpdateConfiguration: &types.UpdateConfigurationMemberCognitoUserPoolConfiguration{Value: types.UpdateCognitoUserPoolConfiguration{
			UserPoolArn: aws.String("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_1a2b3c4d5"),
			ClientIds:   []string{"client-two", "client-three"},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	show()

	// Output:
	// https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_1a2b3c4d5 [client-one] AWS::Cognito
	// https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_1a2b3c4d5 [client-two client-three] AWS::Cognito
}
