package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/google/go-cmp/cmp"
	"github.com/onsi/gomega/gbytes"

	"github.com/vpconform/vpconform/fake/internal/sdktest"
	"github.com/vpconform/vpconform/internal/version"
)

func TestVersion(t *testing.T) {
	// -version needs nothing else to be right.
	var stdout, stderr bytes.Buffer
	code := cli(context.Background(), []string{"-version"}, envOf(map[string]string{"VPFAKE_SEED": "abc"}), &stdout, &stderr)
	if code != 0 || stdout.String() != "vpfake "+version.String()+"\n" || stderr.Len() != 0 {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout.String(), stderr.String(), "vpfake "+version.String()+"\n")
	}
	if !strings.HasPrefix(versionLine(), "vpfake ") || len(versionLine()) <= len("vpfake ") {
		t.Errorf("version line %q", versionLine())
	}
}

func TestHelpAndBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli(context.Background(), []string{"-h"}, envOf(nil), &stdout, &stderr); code != 0 || stderr.String() != usage(envOf(nil)) {
		t.Errorf("-h: exit %d, stderr:\n%s", code, stderr.String())
	}
	stderr.Reset()
	if code := cli(context.Background(), []string{"-port", "1"}, envOf(nil), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "port") || !strings.Contains(stderr.String(), "vpfake -h") {
		t.Errorf("unknown flag: exit %d, stderr:\n%s", code, stderr.String())
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

// control sends a control request to vpfake and returns the status and
// body.
func control(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// controlJSON sends a control request and decodes its answer, which must
// be 200.
func controlJSON(t *testing.T, method, url, body string) map[string]any {
	t.Helper()
	status, b := control(t, method, url, body)
	var out map[string]any
	if err := json.Unmarshal([]byte(b), &out); err != nil || status != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d, %v", method, url, status, err)
	}
	return out
}

func TestRunServesHealthAndShutsDown(t *testing.T) {
	cfg := local()
	cfg.seed = 1
	s := serve(t, cfg)
	health := controlJSON(t, "GET", s.base+"/_vpfake/health", "")
	if diff := cmp.Diff(map[string]any{
		"status": "ok", "service": "vpfake", "capabilities": []any{"fault-injection", "reset", "state", "token-issuer"},
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
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0", "-propagation-delay", "1500ms", "-credentials-file", writeFile(t, "credentials.json", credentialsJSON, 0o600)}, envOf(nil))
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
	if _, err := s.clientAs("AKIDADMIN", "admin-secret").CreatePolicyStore(ctx, sdktest.PolicyStoreInput("")); err != nil {
		t.Errorf("admin CreatePolicyStore: %v", err)
	}
	_, err = s.clientAs("AKIDREADER", "reader-secret").CreatePolicyStore(ctx, sdktest.PolicyStoreInput(""))
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
