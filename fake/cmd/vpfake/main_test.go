package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega/gbytes"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fake/internal/sdktest"
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

// writeFile writes content to a new file in a temporary directory and
// returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
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
	creds := writeFile(t, credentialsJSON)
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
	creds := writeFile(t, credentialsJSON)
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
					c.args[i] = writeFile(t, a[1:])
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
		"VPFAKE_SHUTDOWN_TIMEOUT", "VPFAKE_CONTROL_TOKEN", "heapAllocBytes", "L-919F2C9C", "Authorization: Bearer"} {
		if !strings.Contains(u, v) {
			t.Errorf("usage does not mention %s:\n%s", v, u)
		}
	}
}

// local is the config of a server on a free loopback port; the limits it
// leaves at zero get their defaults (config.withDefaults).
func local() config {
	return config{addr: "127.0.0.1:0", region: "us-east-1", account: "123456789012"}
}

// served is a run of the server in the background.
type served struct {
	addr   string // the address it listens on, host:port
	base   string // "http://" + addr
	logs   *gbytes.Buffer
	cancel context.CancelFunc
	result chan error
	ended  bool  // run has returned
	err    error // and returned this
}

// serve runs the server with cfg in the background and returns once it
// listens. When the test ends it is stopped, and the test fails if run
// then returns an error the test has not seen (by calling stop).
func serve(t *testing.T, cfg config) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{logs: gbytes.NewBuffer(), cancel: cancel, result: make(chan error, 1)}
	addrc := make(chan string, 1)
	go func() { s.result <- run(ctx, cfg, s.logs, func(a string) { addrc <- a }) }()
	t.Cleanup(func() {
		seen := s.ended
		if err := s.stop(t, 15*time.Second); err != nil && !seen {
			t.Errorf("run: %v", err)
		}
	})
	select {
	case s.addr = <-addrc:
		s.base = "http://" + s.addr
	case s.err = <-s.result:
		s.ended = true
		t.Fatalf("run returned early: %v\n%s", s.err, string(s.logs.Contents()))
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start")
	}
	return s
}

// stop shuts the server down, as SIGINT or SIGTERM does, and returns run's
// error; the test fails if run has not returned within d.
func (s *served) stop(t *testing.T, d time.Duration) error {
	t.Helper()
	s.cancel()
	if !s.ended {
		select {
		case s.err = <-s.result:
			s.ended = true
		case <-time.After(d):
			t.Fatalf("run did not return within %s of the shutdown", d)
		}
	}
	return s.err
}

// client is an SDK client of the server, signing with sdktest's key pair.
func (s *served) client() *verifiedpermissions.Client {
	return s.clientAs(sdktest.AccessKeyID, sdktest.SecretAccessKey)
}

// clientAs is an SDK client of the server that signs with another key
// pair.
func (s *served) clientAs(accessKeyID, secret string) *verifiedpermissions.Client {
	return verifiedpermissions.NewFromConfig(sdktest.Loopback(s.base, accessKeyID, secret, nil))
}

// getMissingStore sends an unsigned GetPolicyStore of a store that does not
// exist to base and returns the status and X-Amzn-ErrorType. It does not
// fail the test, so that goroutines may call it.
func getMissingStore(c *http.Client, base string) (int, string, error) {
	req, err := http.NewRequest("POST", base+"/", strings.NewReader(`{"policyStoreId":"nope"}`))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetPolicyStore")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), nil
}

func TestRunServesHealthAndShutsDown(t *testing.T) {
	cfg := local()
	cfg.seed = 1
	s := serve(t, cfg)
	health := controlJSON(t, "GET", s.base+"/_vpfake/health", "")
	if diff := cmp.Diff(map[string]any{
		"status": "ok", "service": "vpfake", "capabilities": []any{"fault-injection", "reset", "state"},
		"authentication": false, "controlToken": false, "propagationDelayMs": float64(0),
		"limits": map[string]any{
			"policyStores": 30000.0, "identitySourcesPerPolicyStore": 1.0, "encryptionContextBytes": 8192.0,
			"stateBytes": float64(256 << 20), "faults": 1000.0, "faultMessageBytes": 4096.0, "clientTokenWindowSeconds": 28800.0,
			"requestBodyBytes": float64(4 << 20), "readHeaderTimeoutMs": 10000.0, "readTimeoutMs": 30000.0, "idleTimeoutMs": 60000.0,
			"maxHeaderBytes": 65536.0,
		},
		"usage": map[string]any{"policyStores": 0.0, "identitySources": 0.0, "stateBytes": 0.0, "clientTokens": 0.0, "faults": 0.0},
	}, health); diff != "" {
		t.Errorf("health (-want +got):\n%s", diff)
	}
	if status, _, err := getMissingStore(http.DefaultClient, s.base); err != nil || status != http.StatusNotFound {
		t.Errorf("GetPolicyStore of a missing store: HTTP %d, %v; want 404", status, err)
	}

	if err := s.stop(t, 15*time.Second); err != nil {
		t.Errorf("run: %v", err)
	}
	out := string(s.logs.Contents())
	for _, want := range []string{"vpfake listening on " + s.base, "GET /_vpfake/health 200", "GetPolicyStore 404"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestRunReportsBindFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(context.Background(), config{addr: ln.Addr().String(), region: "us-east-1", account: "123456789012"}, gbytes.NewBuffer(), nil)
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Errorf("got %v, want a listen error naming the address", err)
	}
}

// TestRunWithCredentialsAndDelay checks the command verifies signatures with
// the credentials file and reports the settings in health and its log.
func TestRunWithCredentialsAndDelay(t *testing.T) {
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-propagation-delay", "1500ms", "-credentials-file", writeFile(t, credentialsJSON)}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, cfg)

	if health := controlJSON(t, "GET", s.base+"/_vpfake/health", ""); health["authentication"] != true || health["propagationDelayMs"] != float64(1500) {
		t.Errorf("health: %v", health)
	}
	if status, code, err := getMissingStore(http.DefaultClient, s.base); err != nil || status != http.StatusBadRequest || code != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: HTTP %d %s, %v; want 400 MissingAuthenticationTokenException", status, code, err)
	}

	ctx := context.Background()
	if _, err := s.clientAs("AKIDADMIN", "admin-secret").CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	}); err != nil {
		t.Errorf("admin CreatePolicyStore: %v", err)
	}
	_, err = s.clientAs("AKIDREADER", "reader-secret").CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &types.ValidationSettings{Mode: types.ValidationModeOff},
	})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) || !strings.Contains(denied.ErrorMessage(), "arn:aws:iam::210987654321:role/reader") {
		t.Errorf("reader CreatePolicyStore: %v, want AccessDeniedException naming the reader", err)
	}
	for _, want := range []string{"2 credential(s)", "after 1.5s"} {
		if !strings.Contains(string(s.logs.Contents()), want) {
			t.Errorf("log lacks %q:\n%s", want, string(s.logs.Contents()))
		}
	}
}
