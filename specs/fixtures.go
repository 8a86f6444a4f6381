package specs

// Fixtures are the external resources the scenarios refer to but never
// create: Cognito user pools, app client ids, an OpenID Connect issuer. A fake
// accepts any well-formed values; against real AWS they must exist in the
// account (Verified Permissions checks them).
type Fixtures struct {
	// UserPoolArn is a Cognito user pool ARN, in the target's region.
	UserPoolArn string
	// SecondUserPoolArn is another Cognito user pool ARN, in another region
	// than UserPoolArn, so that a configuration's derived issuer visibly
	// follows a change of user pool.
	SecondUserPoolArn string
	// ClientIds are at least two app client ids of the user pools; scenarios
	// use subsets of them to show that a list is replaced.
	ClientIds []string
	// OIDCIssuer is an https URL of an OpenID Connect issuer.
	OIDCIssuer string
}

// DefaultFixtures returns realistic fixtures for a fake or an emulator, taken
// from the shapes of the API model's own examples.
func DefaultFixtures() Fixtures {
	return Fixtures{
		UserPoolArn:       "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
		SecondUserPoolArn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_9z8y7x6w5",
		ClientIds:         []string{"a1b2c3d4e5f6g7h8i9j0kalbmc", "k1l2m3n4o5p6q7r8s9t0uvwxyz", "z9y8x7w6v5u4t3s2r1q0ponmlk"},
		OIDCIssuer:        "https://auth.example.com",
	}
}
