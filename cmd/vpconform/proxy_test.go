package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	vptypes "github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	"github.com/onsi/gomega/gbytes"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/fixtures"
)

func TestLoadProxyConfigDefaultsEnvAndFlags(t *testing.T) {
	cfg, err := loadProxyConfig([]string{"-upstream", "http://127.0.0.1:4599"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := proxyConfig{upstream: "http://127.0.0.1:4599", listen: "127.0.0.1:4598", region: "us-east-1", sign: "default", name: "proxy-session"}
	if cfg != want {
		t.Errorf("defaults: %+v, want %+v", cfg, want)
	}

	vars := map[string]string{
		"VPCONFORM_PROXY_UPSTREAM":   "https://verifiedpermissions.eu-west-1.amazonaws.com",
		"VPCONFORM_PROXY_LISTEN":     "0.0.0.0:9000",
		"AWS_REGION":                 "eu-west-1",
		"VPCONFORM_PROXY_SIGN":       "none",
		"VPCONFORM_PROXY_RECORD_DIR": "testdata/app",
		"VPCONFORM_PROXY_NAME":       "checkout-flow",
		"VPCONFORM_PROXY_UPDATE":     "1",
	}
	cfg, err = loadProxyConfig(nil, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	want = proxyConfig{upstream: "https://verifiedpermissions.eu-west-1.amazonaws.com", listen: "0.0.0.0:9000", region: "eu-west-1",
		sign: "none", recordDir: "testdata/app", name: "checkout-flow", update: true}
	if cfg != want {
		t.Errorf("from the environment: %+v, want %+v", cfg, want)
	}

	// VPCONFORM_PROXY_REGION wins over AWS_REGION; flags win over both.
	vars["VPCONFORM_PROXY_REGION"] = "ap-south-1"
	if cfg, err = loadProxyConfig(nil, env(vars)); err != nil || cfg.region != "ap-south-1" {
		t.Errorf("region with VPCONFORM_PROXY_REGION: %q, %v", cfg.region, err)
	}
	cfg, err = loadProxyConfig([]string{"-upstream", "http://localhost:1", "-listen", ":0", "-region", "us-west-2", "-sign", "default",
		"-record-dir", "", "-name", "other", "-update=false"}, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	want = proxyConfig{upstream: "http://localhost:1", listen: ":0", region: "us-west-2", sign: "default", name: "other"}
	if cfg != want {
		t.Errorf("flags over the environment: %+v, want %+v", cfg, want)
	}

	// A malformed variable matters only when its flag does not replace it.
	bad := map[string]string{"VPCONFORM_PROXY_UPDATE": "maybe"}
	if _, err := loadProxyConfig([]string{"-upstream", "http://127.0.0.1:1", "-update"}, env(bad)); err != nil {
		t.Errorf("-update over a malformed VPCONFORM_PROXY_UPDATE: %v", err)
	}

	if _, err := loadProxyConfig([]string{"-h"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestLoadProxyConfigRefusesBadInput(t *testing.T) {
	up := []string{"-upstream", "http://127.0.0.1:4599"}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "-upstream/$VPCONFORM_PROXY_UPSTREAM is required"},
		{[]string{"-upstream", "127.0.0.1:4599"}, nil, "-upstream/$VPCONFORM_PROXY_UPSTREAM"},
		{[]string{"-upstream", "ftp://example.com"}, nil, "not an absolute http or https URL"},
		{[]string{"-upstream", "http://u:p@example.com"}, nil, "user information"},
		{append(up, "-listen", "4598"), nil, "-listen/$VPCONFORM_PROXY_LISTEN \"4598\" is not host:port"},
		{append(up, "-region", "US East"), nil, "-region/$VPCONFORM_PROXY_REGION \"US East\" is not a region name"},
		{up, map[string]string{"AWS_REGION": "bad region"}, "is not a region name"},
		{append(up, "-sign", "sigv4"), nil, "-sign/$VPCONFORM_PROXY_SIGN \"sigv4\": want default or none"},
		{up, map[string]string{"VPCONFORM_PROXY_SIGN": "yes"}, "want default or none"},
		{append(up, "-name", "my_session"), nil, "-name/$VPCONFORM_PROXY_NAME \"my_session\": use ASCII letters, digits and '-' only"},
		{append(up, "-name", "a/b"), nil, "use ASCII letters"},
		{append(up, "-name", ""), nil, "use ASCII letters"},
		{up, map[string]string{"VPCONFORM_PROXY_UPDATE": "maybe"}, "$VPCONFORM_PROXY_UPDATE=\"maybe\""},
		{append(up, "-bogus"), nil, "flag provided but not defined: -bogus"},
		{append(up, "extra"), nil, "unexpected arguments"},
	} {
		_, err := loadProxyConfig(c.args, env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("loadProxyConfig(%q, %v) = %v, want an error containing %q", c.args, c.env, err, c.want)
		}
	}

	var stdout, stderr bytes.Buffer
	if code := runProxy(context.Background(), []string{"-sign", "sigv4"}, env(nil), &stdout, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), "vpconform proxy: ") || !strings.Contains(stderr.String(), "vpconform proxy -h") {
		t.Errorf("bad flags: exit %d, stderr %q; want %d and the error", code, stderr.String(), exitUsage)
	}
	stdout.Reset()
	if code := runProxy(context.Background(), []string{"-h"}, env(nil), &stdout, &stderr); code != exitOK {
		t.Errorf("-h: exit %d", code)
	}
	for _, f := range []string{"-upstream", "-listen", "-region", "-sign", "-record-dir", "-name", "-update",
		"$VPCONFORM_PROXY_UPSTREAM", "$VPCONFORM_PROXY_LISTEN", "$VPCONFORM_PROXY_REGION", "$VPCONFORM_PROXY_SIGN",
		"$VPCONFORM_PROXY_RECORD_DIR", "$VPCONFORM_PROXY_NAME", "$VPCONFORM_PROXY_UPDATE"} {
		if !strings.Contains(stdout.String(), f) {
			t.Errorf("-h does not mention %s:\n%s", f, stdout.String())
		}
	}
}

var listeningLine = regexp.MustCompile(`vpconform proxy listening on (http://\S+) → (\S+)\n`)

// proxyRun is runProxy running in a goroutine.
type proxyRun struct {
	stdout, stderr *gbytes.Buffer
	cancel         context.CancelFunc
	done           chan struct{} // closed when runProxy has returned code
	code           int
}

func startProxyRun(t *testing.T, args []string) *proxyRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &proxyRun{stdout: gbytes.NewBuffer(), stderr: gbytes.NewBuffer(), cancel: cancel, done: make(chan struct{})}
	go func() {
		r.code = runProxy(ctx, args, env(nil), r.stdout, r.stderr)
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
		}
	})
	return r
}

// url waits for the readiness line and returns the proxy's URL.
func (r *proxyRun) url(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningLine.FindStringSubmatch(string(r.stdout.Contents())); m != nil {
			return m[1]
		}
		select {
		case <-r.done:
			t.Fatalf("vpconform proxy exited %d before listening\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout.Contents(), r.stderr.Contents())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("vpconform proxy printed no readiness line\nstdout:\n%s\nstderr:\n%s", r.stdout.Contents(), r.stderr.Contents())
	return ""
}

// stop cancels the run and returns its exit status.
func (r *proxyRun) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		return r.code
	case <-time.After(20 * time.Second):
		t.Fatalf("vpconform proxy did not stop\nstdout:\n%s\nstderr:\n%s", r.stdout.Contents(), r.stderr.Contents())
	}
	return -1
}

func TestRunProxyRecordsTheSessionAndSummarises(t *testing.T) {
	const (
		upstreamKeyID  = "AKIDPROXYCMDUPSTREAM"
		upstreamSecret = "proxy-cmd-upstream-secret"
		clientKeyID    = "AKIDPROXYCMDCLIENT"
		clientSecret   = "proxy-cmd-client-secret"
	)
	// -sign default reads the AWS default chain: pin it to the upstream's
	// keys and keep this machine's profiles and instance metadata out.
	t.Setenv("AWS_ACCESS_KEY_ID", upstreamKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", upstreamSecret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	upstream := fake.NewServer(fake.WithCredentials(fake.Credential{
		AccessKeyID: upstreamKeyID, SecretAccessKey: upstreamSecret, Allow: []string{"verifiedpermissions:*"},
	}))
	defer upstream.Close()
	dir := filepath.Join(t.TempDir(), "golden")
	args := []string{"-upstream", upstream.URL(), "-listen", "127.0.0.1:0", "-region", "us-east-1", "-record-dir", dir, "-name", "cmd-session"}
	file := filepath.Join(dir, "cmd-session.json")
	client := func(url string) *verifiedpermissions.Client {
		return verifiedpermissions.NewFromConfig(aws.Config{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider(clientKeyID, clientSecret, ""),
			BaseEndpoint: aws.String(url),
		})
	}
	ctx := context.Background()

	// A clean session: exit 0, the file written.
	run := startProxyRun(t, args)
	vp := client(run.url(t))
	if m := listeningLine.FindStringSubmatch(string(run.stdout.Contents())); m[2] != upstream.URL() {
		t.Errorf("readiness line names upstream %q, want %q", m[2], upstream.URL())
	}
	store, err := vp.CreatePolicyStore(ctx, &verifiedpermissions.CreatePolicyStoreInput{
		ValidationSettings: &vptypes.ValidationSettings{Mode: vptypes.ValidationModeOff},
	})
	if err != nil {
		t.Fatalf("CreatePolicyStore through vpconform proxy: %v\nstderr:\n%s", err, run.stderr.Contents())
	}
	if _, err := vp.DeletePolicyStore(ctx, &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: store.PolicyStoreId}); err != nil {
		t.Fatalf("DeletePolicyStore through vpconform proxy: %v", err)
	}
	if code := run.stop(t); code != exitOK {
		t.Errorf("clean session: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitOK, run.stdout.Contents(), run.stderr.Contents())
	}
	wantSummary := "vpconform proxy: 2 exchanges, 0 violations; wrote " + file + "\n"
	if !strings.HasSuffix(string(run.stdout.Contents()), wantSummary) {
		t.Errorf("summary:\n%s\nwant it to end with %q", run.stdout.Contents(), wantSummary)
	}
	g, err := fixtures.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Exchanges) != 2 || g.Exchanges[0].Operation != "CreatePolicyStore" || g.Exchanges[1].Operation != "DeletePolicyStore" ||
		g.Provenance.Target != "proxy" || g.Scenario != "cmd-session" {
		t.Errorf("golden file: %+v", g)
	}
	first, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{upstreamKeyID, upstreamSecret, clientKeyID, clientSecret} {
		if bytes.Contains(first, []byte(s)) {
			t.Errorf("the golden file holds %q", s)
		}
	}

	// The same name again, without -update: refused before listening.
	var stdout, stderr bytes.Buffer
	if code := runProxy(ctx, args, env(nil), &stdout, &stderr); code != exitInternal ||
		!strings.Contains(stderr.String(), file) || strings.Contains(stdout.String(), "listening") {
		t.Errorf("over an existing recording: exit %d, stdout %q, stderr %q; want %d naming %s", code, stdout.String(), stderr.String(), exitInternal, file)
	}
	if now, _ := os.ReadFile(file); !bytes.Equal(now, first) {
		t.Errorf("a refused run changed %s", file)
	}

	// With -update, a session with a violation: exit 1, the file replaced.
	run = startProxyRun(t, append(args, "-update"))
	vp = client(run.url(t))
	_, err = vp.GetPolicyStore(ctx, &verifiedpermissions.GetPolicyStoreInput{PolicyStoreId: aws.String("not a store id!")})
	var invalid *vptypes.ValidationException
	if !errors.As(err, &invalid) {
		t.Fatalf("GetPolicyStore of a malformed id: %v, want the upstream's ValidationException", err)
	}
	if code := run.stop(t); code != exitFailed {
		t.Errorf("session with a violation: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailed, run.stdout.Contents(), run.stderr.Contents())
	}
	wantSummary = "vpconform proxy: 1 exchange, 1 violation; wrote " + file + "\n"
	if !strings.HasSuffix(string(run.stdout.Contents()), wantSummary) {
		t.Errorf("summary:\n%s\nwant it to end with %q", run.stdout.Contents(), wantSummary)
	}
	if !strings.Contains(string(run.stderr.Contents()), `msg="schema violation" exchange=1 operation=GetPolicyStore direction=request path=policyStoreId`) {
		t.Errorf("no violation line on stderr:\n%s", run.stderr.Contents())
	}
	if g, err := fixtures.LoadFile(file); err != nil || len(g.Exchanges) != 1 || g.Exchanges[0].Operation != "GetPolicyStore" {
		t.Errorf("the replaced golden file: %+v, %v", g, err)
	}
}

func TestRunProxyWithoutRecordingOrCredentials(t *testing.T) {
	upstream := fake.NewServer()
	defer upstream.Close()
	run := startProxyRun(t, []string{"-upstream", upstream.URL(), "-listen", "127.0.0.1:0", "-sign", "none"})
	vp := verifiedpermissions.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDANY", "any", ""),
		BaseEndpoint: aws.String(run.url(t)),
	})
	if _, err := vp.DeletePolicyStore(context.Background(), &verifiedpermissions.DeletePolicyStoreInput{PolicyStoreId: aws.String("C7v5xMplfFH3i3e4Jrzb1a")}); err != nil {
		t.Fatalf("DeletePolicyStore through vpconform proxy -sign none: %v", err)
	}
	if code := run.stop(t); code != exitOK {
		t.Errorf("exit %d, want %d\nstderr:\n%s", code, exitOK, run.stderr.Contents())
	}
	if want := "vpconform proxy: 1 exchange, 0 violations; not recorded (no -record-dir)\n"; !strings.HasSuffix(string(run.stdout.Contents()), want) {
		t.Errorf("summary:\n%s\nwant it to end with %q", run.stdout.Contents(), want)
	}
}

func TestRunProxyCannotListen(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := runProxy(context.Background(), []string{"-upstream", "http://127.0.0.1:1", "-listen", "256.0.0.1:0", "-sign", "none"}, env(nil), &stdout, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "listen on 256.0.0.1:0") {
		t.Errorf("exit %d, stderr %q; want %d and the listen error", code, stderr.String(), exitFailed)
	}
}
