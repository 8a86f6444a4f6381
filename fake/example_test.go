package fake_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"

	"github.com/vpconform/vpconform/fake"
)

// Example starts the fake and drives it with the real AWS SDK client,
// configured by srv.AWSConfig: the server's Region, static credentials and
// the in-memory transport.
func Example() {
	srv := fake.NewServer()
	defer srv.Close()

	ctx := context.Background()
	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())

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

// ExampleServer_AWSConfig shows that the config keeps the SDK's retries: an
// injected ThrottlingException with Count 1 is seen only by a client that
// makes one attempt; a client with the default retries would retry it away
// and succeed.
func ExampleServer_AWSConfig() {
	srv := fake.NewServer(fake.WithFault(fake.Fault{
		Operation: "CreatePolicyStore", Error: "ThrottlingException", Count: 1,
	}))
	defer srv.Close()

	cfg := srv.AWSConfig()
	cfg.RetryMaxAttempts = 1 // else the SDK retries the throttled call
	vp := verifiedpermissions.NewFromConfig(cfg)

	in := &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeStrict},
	}
	_, err := vp.CreatePolicyStore(context.Background(), in)
	var throttled *types.ThrottlingException
	fmt.Println("first call throttled:", errors.As(err, &throttled))
	_, err = vp.CreatePolicyStore(context.Background(), in)
	fmt.Println("second call:", err)

	// Output:
	// first call throttled: true
	// second call: <nil>
}
