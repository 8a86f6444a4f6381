package specs

import (
	"context"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/fake"
)

func TestEndpointTargetFromEnv(t *testing.T) {
	srv := fake.NewServer()
	defer srv.Close()
	t.Setenv(EndpointEnv, srv.URL()+"/")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv(DeniedAccessKeyIDEnv, "")
	t.Setenv(DeniedSecretAccessKeyEnv, "")
	t.Setenv("VPCONFORM_CLIENT_IDS", "c1, c2 ,")
	tg, err := EndpointTargetFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tg.RawEndpoint() != srv.URL() || tg.AWSConfig.Region != "us-east-1" || tg.Name != "endpoint" {
		t.Errorf("target %+v", tg)
	}
	if !tg.has(FaultInjection) || !tg.has(Reset) || tg.has(DeniedCredentials) {
		t.Errorf("capabilities %v, want those the health route lists", tg.Capabilities)
	}
	if strings.Join(tg.Fixtures.ClientIds, ",") != "c1,c2" {
		t.Errorf("client ids %q", tg.Fixtures.ClientIds)
	}
	creds, err := tg.AWSConfig.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != dummyAccessKeyID {
		t.Errorf("credentials %v, %v; want the dummy ones", creds.AccessKeyID, err)
	}

	// The fake authenticates nothing, so denied credentials make no sense.
	t.Setenv(DeniedAccessKeyIDEnv, "AKIDDENIED")
	t.Setenv(DeniedSecretAccessKeyEnv, "secret")
	if _, err := EndpointTargetFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), "authenticate") {
		t.Errorf("denied credentials against an endpoint without authentication: %v", err)
	}
	t.Setenv(DeniedSecretAccessKeyEnv, "")
	if _, err := EndpointTargetFromEnv(context.Background()); err == nil {
		t.Error("half the denied credentials accepted")
	}

	t.Setenv(EndpointEnv, "")
	if _, err := EndpointTargetFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), EndpointEnv) {
		t.Errorf("no endpoint: %v", err)
	}
}

func TestEndpointTargetWithoutHealthRoute(t *testing.T) {
	t.Setenv(EndpointEnv, "http://127.0.0.1:1")
	if _, err := EndpointTargetFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("unreachable endpoint: %v", err)
	}
}

// endpointEnv points EndpointTargetFromEnv at a fake started for the test,
// without denied credentials.
func endpointEnv(t *testing.T) {
	srv := fake.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv(EndpointEnv, srv.URL())
	t.Setenv(DeniedAccessKeyIDEnv, "")
	t.Setenv(DeniedSecretAccessKeyEnv, "")
}

// awsEnv gives AWSTargetFromEnv, for the test, a region, static
// credentials, no shared config, the user pool (none when "") and no
// denied profile.
func awsEnv(t *testing.T, userPoolArn string) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv(awsFixtureEnv.userPoolArn, userPoolArn)
	t.Setenv(AWSDeniedProfileEnv, "")
}

func TestAWSTargetFromEnvNeedsAUserPool(t *testing.T) {
	awsEnv(t, "")
	_, err := AWSTargetFromEnv(context.Background())
	if err == nil || !strings.Contains(err.Error(), awsFixtureEnv.userPoolArn) || !strings.Contains(err.Error(), awsFixtureEnv.oidcIssuer) {
		t.Fatalf("AWSTargetFromEnv without fixtures: %v", err)
	}
	arn := DefaultFixtures().UserPoolArn
	t.Setenv(awsFixtureEnv.userPoolArn, arn)
	t.Setenv("AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS", "http://127.0.0.1:4599")
	tg, err := AWSTargetFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tg.RawEndpoint() != "http://127.0.0.1:4599" || tg.Fixtures.OIDCIssuer != cognitoIssuer(arn) || tg.Fixtures.SecondUserPoolArn != arn || tg.PolicyStoreTags[runTag] != RunID() {
		t.Errorf("target %+v", tg)
	}
}

func TestConsistencyTimeoutFromEnv(t *testing.T) {
	endpointEnv(t)

	t.Setenv(ConsistencyTimeoutEnv, "")
	tg, err := EndpointTargetFromEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.consistencyTimeout(); got != DefaultConsistencyTimeout {
		t.Errorf("unset: timeout %s, want the default %s", got, DefaultConsistencyTimeout)
	}

	t.Setenv(ConsistencyTimeoutEnv, "2500ms")
	if tg, err = EndpointTargetFromEnv(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := newSession(tg, Scenario{ID: "X/Y", Kind: KindHappy})
	if err != nil {
		t.Fatal(err)
	}
	if s.consistency.String() != "2.5s" {
		t.Errorf("session polls for %s, want 2.5s", s.consistency)
	}

	for _, bad := range []string{"soon", "-1s", "0s"} {
		t.Setenv(ConsistencyTimeoutEnv, bad)
		if _, err := EndpointTargetFromEnv(context.Background()); err == nil || !strings.Contains(err.Error(), ConsistencyTimeoutEnv) {
			t.Errorf("%s=%q: err %v, want one naming the variable", ConsistencyTimeoutEnv, bad, err)
		}
	}
}

// TestStrictFromEnv: the targets built from the environment are strict
// with VPCONFORM_STRICT=1 and only then.
func TestStrictFromEnv(t *testing.T) {
	endpointEnv(t)
	awsEnv(t, DefaultFixtures().UserPoolArn)
	for _, v := range []string{"1", "", "0", "true"} {
		t.Setenv(StrictEnv, v)
		want := v == "1"
		ep, err := EndpointTargetFromEnv(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		awsTarget, err := AWSTargetFromEnv(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ep.Strict != want || awsTarget.Strict != want {
			t.Errorf("%s=%q: endpoint target Strict %v, aws target Strict %v; want %v", StrictEnv, v, ep.Strict, awsTarget.Strict, want)
		}
	}
}
