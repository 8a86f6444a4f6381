package fake

import (
	"encoding/json"
	"testing"
)

// validationBodies are the request bodies BenchmarkValidation measures:
// an ordinary GetIdentitySource, and UpdateIdentitySource with each kind
// of configuration.
var validationBodies = []struct {
	name, op string
	body     string
	typed    func() any
}{
	{"GetIdentitySource", "GetIdentitySource",
		`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111"}`,
		func() any { return new(identitySourceRef) }},
	{"UpdateIdentitySource/cognito", "UpdateIdentitySource",
		`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{"cognitoUserPoolConfiguration":{"userPoolArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5","clientIds":["a1b2c3d4e5f6g7h8i9j0","k1l2m3n4o5p6q7r8s9t0"],"groupConfiguration":{"groupEntityType":"MyCorp::UserGroup"}}},"principalEntityType":"MyCorp::User"}`,
		func() any { return new(updateIdentitySourceInput) }},
	{"UpdateIdentitySource/oidc", "UpdateIdentitySource",
		`{"policyStoreId":"PSEXAMPLEabcdefg111111","identitySourceId":"ISEXAMPLEabcdefg111111","updateConfiguration":{"openIdConnectConfiguration":{"issuer":"https://auth.example.com","entityIdPrefix":"MyOIDCProvider","groupConfiguration":{"groupClaim":"groups","groupEntityType":"MyCorp::UserGroup"},"tokenSelection":{"accessTokenOnly":{"audiences":["https://myapp.example.com"],"principalIdClaim":"sub"}}}},"principalEntityType":"MyCorp::User"}`,
		func() any { return new(updateIdentitySourceInput) }},
}

// BenchmarkValidation measures json.Unmarshal of each body into the
// operation's typed input ("unmarshal"), then the validation of the same
// body on the fake's request path, checkInput ("validate"), which reports
// its cost as a multiple of the former ("x-unmarshal"; issue 12 asks for at
// most 2).
//
//	go test -run XXX -bench BenchmarkValidation -benchtime 2s -count 3 ./fake
func BenchmarkValidation(b *testing.B) {
	for _, c := range validationBodies {
		body := []byte(c.body)
		if err := checkInput(c.op, body); err != nil {
			b.Fatalf("%s: want the body valid, got %v", c.name, err)
		}
		var unmarshalNs float64
		b.Run(c.name+"/unmarshal", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.Unmarshal(body, c.typed()); err != nil {
					b.Fatal(err)
				}
			}
			unmarshalNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
		b.Run(c.name+"/validate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := checkInput(c.op, body); err != nil {
					b.Fatal(err)
				}
			}
			if unmarshalNs > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/unmarshalNs, "x-unmarshal")
			}
		})
	}
}
