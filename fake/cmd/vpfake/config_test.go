package main

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/fake"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// defaultLimits are the limits of a config when no flag or variable sets
// them.
func defaultLimits(c config) config {
	c.maxPolicyStores, c.maxEncryptionContextBytes, c.maxStateBytes = 30000, 8192, 256<<20
	c.maxFaults, c.maxFaultMessageBytes = 1000, 4096
	c.readHeaderTimeout, c.readTimeout, c.idleTimeout, c.maxHeaderBytes = 10*time.Second, 30*time.Second, time.Minute, 64<<10
	c.shutdownTimeout = 10 * time.Second
	return c
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := defaultLimits(config{addr: "127.0.0.1:4599", region: "us-east-1", account: "123456789012", seed: 0})
	if diff := cmp.Diff(want, cfg, cmp.AllowUnexported(config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

const credentialsJSON = `[
  {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin-secret", "allow": ["verifiedpermissions:*"]},
  {"accessKeyId": "AKIDREADER", "secretAccessKey": "reader-secret", "principal": "arn:aws:iam::210987654321:role/reader", "allow": ["verifiedpermissions:Get*"]}
]`

var parsedCredentials = []fake.Credential{
	{AccessKeyID: "AKIDADMIN", SecretAccessKey: "admin-secret", Allow: []string{"verifiedpermissions:*"}},
	{AccessKeyID: "AKIDREADER", SecretAccessKey: "reader-secret", Principal: "arn:aws:iam::210987654321:role/reader", Allow: []string{"verifiedpermissions:Get*"}},
}

func TestLoadConfigFromEnv(t *testing.T) {
	creds := writeFile(t, "credentials.json", credentialsJSON, 0o600)
	cfg, err := loadConfig(nil, envOf(map[string]string{
		"VPFAKE_ADDR": "0.0.0.0:8080", "VPFAKE_REGION": "eu-west-3", "VPFAKE_ACCOUNT": "210987654321", "VPFAKE_SEED": "42",
		"VPFAKE_PROPAGATION_DELAY": "2s", "VPFAKE_CREDENTIALS_FILE": creds, "VPFAKE_STATE_FILE": "/var/lib/vpfake/state.json",
		"VPFAKE_MAX_POLICY_STORES": "50", "VPFAKE_MAX_ENCRYPTION_CONTEXT_BYTES": "100", "VPFAKE_MAX_STATE_BYTES": "1000000",
		"VPFAKE_MAX_FAULTS": "5", "VPFAKE_MAX_FAULT_MESSAGE_BYTES": "64", "VPFAKE_READ_HEADER_TIMEOUT": "1s",
		"VPFAKE_READ_TIMEOUT": "2s", "VPFAKE_IDLE_TIMEOUT": "3s", "VPFAKE_MAX_HEADER_BYTES": "8192",
		"VPFAKE_SHUTDOWN_TIMEOUT": "4s", "VPFAKE_CONTROL_TOKEN": "tok",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "0.0.0.0:8080", region: "eu-west-3", account: "210987654321", seed: 42,
		propagationDelay: 2 * time.Second, credentialsFile: creds, credentials: parsedCredentials, stateFile: "/var/lib/vpfake/state.json",
		maxPolicyStores: 50, maxEncryptionContextBytes: 100, maxStateBytes: 1000000, maxFaults: 5, maxFaultMessageBytes: 64,
		readHeaderTimeout: time.Second, readTimeout: 2 * time.Second, idleTimeout: 3 * time.Second, maxHeaderBytes: 8192,
		shutdownTimeout: 4 * time.Second, controlToken: "tok"}
	if diff := cmp.Diff(want, cfg, cmp.AllowUnexported(config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestLoadConfigFlagsOverrideEnv(t *testing.T) {
	creds := writeFile(t, "credentials.json", credentialsJSON, 0o600)
	cfg, err := loadConfig(
		[]string{"-addr", "127.0.0.1:0", "-region", "ap-south-1", "-account", "111122223333", "-seed", "7",
			"-propagation-delay", "500ms", "-credentials-file", creds, "-state-file", "state.json",
			"-max-policy-stores", "10", "-max-state-bytes", "5000000", "-read-timeout", "7s", "-shutdown-timeout", "1s",
			"-control-token", "flag-token"},
		envOf(map[string]string{
			"VPFAKE_ADDR": "0.0.0.0:8080", "VPFAKE_REGION": "eu-west-3", "VPFAKE_ACCOUNT": "210987654321",
			"VPFAKE_SEED":              "not-a-number", // replaced by -seed, so not an error
			"VPFAKE_PROPAGATION_DELAY": "soon",         // replaced by -propagation-delay
			"VPFAKE_CREDENTIALS_FILE":  "/nonexistent/credentials.json",
			"VPFAKE_STATE_FILE":        "/nonexistent/state.json",
			"VPFAKE_MAX_POLICY_STORES": "many", // replaced by -max-policy-stores
			"VPFAKE_READ_TIMEOUT":      "later",
			"VPFAKE_CONTROL_TOKEN":     "env-token",
		}))
	if err != nil {
		t.Fatal(err)
	}
	want := defaultLimits(config{addr: "127.0.0.1:0", region: "ap-south-1", account: "111122223333", seed: 7,
		propagationDelay: 500 * time.Millisecond, credentialsFile: creds, credentials: parsedCredentials, stateFile: "state.json"})
	want.maxPolicyStores, want.maxStateBytes, want.readTimeout, want.shutdownTimeout, want.controlToken = 10, 5000000, 7*time.Second, time.Second, "flag-token"
	if diff := cmp.Diff(want, cfg, cmp.AllowUnexported(config{})); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestLoadConfigBadValues(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"short account flag", []string{"-account", "1234"}, nil, "12 digits"},
		{"letters in account env", nil, map[string]string{"VPFAKE_ACCOUNT": "12345678901x"}, "12 digits"},
		{"seed env", nil, map[string]string{"VPFAKE_SEED": "abc"}, "VPFAKE_SEED"},
		{"seed flag", []string{"-seed", "abc"}, nil, "seed"},
		{"addr without port", []string{"-addr", "localhost"}, nil, "host:port"},
		{"region", []string{"-region", "US East"}, nil, "Region"},
		{"unknown flag", []string{"-port", "1"}, nil, "port"},
		{"positional argument", []string{"serve"}, nil, "unexpected arguments"},
		{"delay env", nil, map[string]string{"VPFAKE_PROPAGATION_DELAY": "soon"}, "VPFAKE_PROPAGATION_DELAY"},
		{"delay without unit", nil, map[string]string{"VPFAKE_PROPAGATION_DELAY": "5"}, "duration"},
		{"delay flag", []string{"-propagation-delay", "abc"}, nil, "propagation-delay"},
		{"negative delay", []string{"-propagation-delay", "-1s"}, nil, "negative"},
		{"missing credentials file", nil, map[string]string{"VPFAKE_CREDENTIALS_FILE": "/nonexistent/credentials.json"}, "VPFAKE_CREDENTIALS_FILE"},
		// The file's format and checks are fake.ParseCredentials's, tested
		// there; these show vpfake applies them, naming the file.
		{"credentials not JSON", []string{"-credentials-file", "@{not json"}, nil, "-credentials-file/VPFAKE_CREDENTIALS_FILE: credentials file /"},
		{"credential twice", []string{"-credentials-file", `@[{"accessKeyId":"A","secretAccessKey":"s"},{"accessKeyId":"A","secretAccessKey":"t"}]`}, nil, "accessKeyId A is given twice"},
		{"max policy stores env", nil, map[string]string{"VPFAKE_MAX_POLICY_STORES": "lots"}, "VPFAKE_MAX_POLICY_STORES"},
		{"zero policy stores", []string{"-max-policy-stores", "0"}, nil, "-max-policy-stores/VPFAKE_MAX_POLICY_STORES 0 is less than 1"},
		{"max faults flag", []string{"-max-faults", "many"}, nil, `invalid value "many" for flag -max-faults: not an integer`},
		{"state bytes out of range", []string{"-max-state-bytes", "99999999999999999999"}, nil, "-max-state-bytes: value out of range"},
		{"negative state bytes", []string{"-max-state-bytes", "-5"}, nil, "max-state-bytes"},
		{"zero faults env", nil, map[string]string{"VPFAKE_MAX_FAULTS": "0"}, "max-faults"},
		{"zero message bytes", []string{"-max-fault-message-bytes", "0"}, nil, "max-fault-message-bytes"},
		{"zero encryption context", []string{"-max-encryption-context-bytes", "0"}, nil, "max-encryption-context-bytes"},
		{"zero header bytes", []string{"-max-header-bytes", "0"}, nil, "max-header-bytes"},
		{"read timeout flag", []string{"-read-timeout", "soon"}, nil, "read-timeout"},
		{"zero read timeout", []string{"-read-timeout", "0s"}, nil, "not positive"},
		{"idle timeout env", nil, map[string]string{"VPFAKE_IDLE_TIMEOUT": "5"}, "VPFAKE_IDLE_TIMEOUT"},
		{"negative header timeout", []string{"-read-header-timeout", "-1s"}, nil, "read-header-timeout"},
		{"zero shutdown timeout", []string{"-shutdown-timeout", "0s"}, nil, "shutdown-timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// An argument "@content" is replaced by a file holding content.
			for i, a := range c.args {
				if strings.HasPrefix(a, "@") {
					c.args[i] = writeFile(t, "credentials.json", a[1:], 0o600)
				}
			}
			_, err := loadConfig(c.args, envOf(c.env))
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("got error %v, want one mentioning %q", err, c.wantErr)
			}
		})
	}
	if _, err := loadConfig([]string{"-h"}, envOf(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestUsageNamesEveryVariable(t *testing.T) {
	u := usage(envOf(nil))
	for _, v := range []string{"VPFAKE_ADDR", "VPFAKE_REGION", "VPFAKE_ACCOUNT", "VPFAKE_SEED", "VPFAKE_PROPAGATION_DELAY", "VPFAKE_CREDENTIALS_FILE", "VPFAKE_STATE_FILE",
		"VPFAKE_EXIT_WITH_PARENT", "VPFAKE_MAX_POLICY_STORES", "VPFAKE_MAX_ENCRYPTION_CONTEXT_BYTES", "VPFAKE_MAX_STATE_BYTES", "VPFAKE_MAX_FAULTS",
		"VPFAKE_MAX_FAULT_MESSAGE_BYTES", "VPFAKE_READ_HEADER_TIMEOUT", "VPFAKE_READ_TIMEOUT", "VPFAKE_IDLE_TIMEOUT", "VPFAKE_MAX_HEADER_BYTES",
		"VPFAKE_SHUTDOWN_TIMEOUT", "VPFAKE_CONTROL_TOKEN", "VPFAKE_LOG", "heapAllocBytes", "L-919F2C9C", "Authorization: Bearer"} {
		if !strings.Contains(u, v) {
			t.Errorf("usage does not mention %s:\n%s", v, u)
		}
	}
}

// TestUsageDocumentsControlRoutes checks -h lists every control route, the
// fault members and errors, the members of a token request, the state file
// and the retries of SDK clients.
func TestUsageDocumentsControlRoutes(t *testing.T) {
	u := usage(envOf(nil))
	want := []string{
		"GET    /_vpfake/health", "POST   /_vpfake/reset", "POST   /_vpfake/faults", "GET    /_vpfake/faults",
		"DELETE /_vpfake/faults", "POST   /_vpfake/ratelimits", "GET    /_vpfake/state", "PUT    /_vpfake/state",
		"POST   /_vpfake/tokens", "GET    /_vpfake/jwks.json", "GET    /_vpfake/issuers/<issuer without https://>/.well-known/openid-configuration",
		".well-known/jwks.json", `"capabilities":["fault-injection","reset","state","token-issuer"]`,
		`"lifetimeSeconds":`, `{"token":`, "jwks_uri",
		`"operation":`, `"error":`, `"count":`, `"delayMs":`, `"message":`, `"serviceCode":`, `"quotaCode":`, `"resources":`,
		`"resourceId":`, `"resourceType":`, `"perSecond":`, `"burst":`, `"formatVersion":1`,
		"-state-file", "VPFAKE_STATE_FILE", "-version",
		"SDK clients retry ThrottlingException and InternalServerException by default",
		"with count 1 is retried away", "set the client's max attempts to 1",
	}
	want = append(want, fake.FaultErrors()...)
	// Every member of a token request.
	tr := reflect.TypeFor[fake.TokenRequest]()
	for i := range tr.NumField() {
		if name, _, _ := strings.Cut(tr.Field(i).Tag.Get("json"), ","); name != "-" && name != "" {
			want = append(want, `"`+name+`":`)
		}
	}
	for _, w := range want {
		if !strings.Contains(u, w) {
			t.Errorf("usage lacks %q", w)
		}
	}
	for _, line := range strings.Split(usageNotes, "\n") {
		if len([]rune(line)) > 120 {
			t.Errorf("usage line is %d characters long: %s", len([]rune(line)), line)
		}
	}
}
