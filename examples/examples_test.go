package examples_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	readyPrefix = "vpfake listening on "
	userPoolARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"
	// exampleTimeout bounds one run of an example.
	exampleTimeout = 2 * time.Minute
)

// TestPython runs example_boto3.py against a vpfake started here, then on
// its own (it starts its vpfake through run_vpfake), then under pytest.
func TestPython(t *testing.T) {
	t.Parallel()
	skipShort(t)
	python := lookPath(t, "python3")
	requireImport(t, python, "boto3")
	dir := "python"

	t.Run("endpoint", func(t *testing.T) {
		t.Parallel()
		fake := startVPFake(t)
		out := runExample(t, dir, []string{"VPFAKE_ENDPOINT=" + fake.url}, python, "example_boto3.py")
		checkIdentitySource(t, out)
		fake.requireSaw(t)
	})
	t.Run("own-vpfake", func(t *testing.T) {
		t.Parallel()
		out := runExample(t, dir, []string{"VPFAKE_BIN=" + vpfakeBinary(t)}, python, "example_boto3.py")
		checkIdentitySource(t, out)
	})
	t.Run("pytest", func(t *testing.T) {
		t.Parallel()
		requireImport(t, python, "pytest")
		out := runExample(t, dir, []string{"VPFAKE_BIN=" + vpfakeBinary(t)},
			python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example_boto3.py")
		if !strings.Contains(string(out), "1 passed") {
			t.Fatalf("pytest did not report 1 passed:\n%s", out)
		}
	})
}

// TestPythonTokens runs tokens_boto3.py against a vpfake started here: a
// token minted by the fake's issuer is allowed, then refused once
// UpdateIdentitySource drops its client.
func TestPythonTokens(t *testing.T) {
	t.Parallel()
	skipShort(t)
	python := lookPath(t, "python3")
	requireImport(t, python, "boto3")
	fake := startVPFake(t)
	out := runExample(t, "python", []string{"VPFAKE_ENDPOINT=" + fake.url}, python, "tokens_boto3.py")
	var outcome struct{ Before, After string }
	if err := json.Unmarshal(bytes.TrimSpace(out), &outcome); err != nil {
		t.Fatalf("tokens_boto3.py printed no outcome (%v):\n%s", err, out)
	}
	if outcome.Before != "ALLOW" || outcome.After != "ValidationException" {
		t.Errorf("tokens_boto3.py: expected ALLOW before the update and ValidationException after, got %q and %q", outcome.Before, outcome.After)
	}
	fake.requireSaw(t, "CreatePolicy", "IsAuthorizedWithToken", "UpdateIdentitySource")
}

// TestPythonFixture checks run_vpfake itself (standard library only): it
// yields a URL the fake answers on, stops the fake on exit, and reports a
// fake that exits before listening with its output.
func TestPythonFixture(t *testing.T) {
	t.Parallel()
	skipShort(t)
	python := lookPath(t, "python3")
	const script = `
import urllib.request
from vpfake_fixture import run_vpfake
with run_vpfake() as endpoint:
    print(endpoint)
    print(urllib.request.urlopen(endpoint + "/_vpfake/health").read().decode())
try:
    with run_vpfake(args=["-region", "Not A Region"]):
        pass
except RuntimeError as e:
    print("RuntimeError:", e)
`
	out := runExample(t, "python", []string{"VPFAKE_BIN=" + vpfakeBinary(t)}, python, "-c", script)
	lines := strings.Split(string(out), "\n")
	endpoint := lines[0]
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("first line is not the endpoint:\n%s", out)
	}
	for _, want := range []string{`"service":"vpfake"`, "RuntimeError:", "did not print", "is not a Region name"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(endpoint, "http://"), time.Second); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after run_vpfake returned", endpoint)
	}
}

// TestJS runs examples/js/example.mjs with the SDK that npm ci installed.
func TestJS(t *testing.T) {
	t.Parallel()
	skipShort(t)
	node := lookPath(t, "node")
	if _, err := os.Stat(filepath.Join("js", "node_modules", "@aws-sdk", "client-verifiedpermissions")); err != nil {
		t.Skip("@aws-sdk/client-verifiedpermissions is not installed: run npm ci --prefix examples/js")
	}
	fake := startVPFake(t)
	out := runExample(t, "js", []string{"VPFAKE_ENDPOINT=" + fake.url}, node, "example.mjs")
	checkIdentitySource(t, out)
	fake.requireSaw(t)
}

// TestCLI runs examples/cli/example.sh with the AWS CLI on PATH.
func TestCLI(t *testing.T) {
	t.Parallel()
	skipShort(t)
	lookPath(t, "aws")
	bash := lookPath(t, "bash")
	fake := startVPFake(t)
	out := runExample(t, "cli", []string{"VPFAKE_ENDPOINT=" + fake.url}, bash, "example.sh")
	checkIdentitySource(t, out)
	fake.requireSaw(t)
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("runs external clients against a vpfake process; not in -short")
	}
}

// lookPath returns the path of a client program, or skips the test.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not on PATH", name)
	}
	return p
}

// requireImport skips the test unless python can import module.
func requireImport(t *testing.T, python, module string) {
	t.Helper()
	cmd := exec.Command(python, "-c", "import "+module)
	cmd.Env = childEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("%s cannot import %s (%v): %s", python, module, err, lastLine(out))
	}
}

// checkIdentitySource requires out to be the updated identity source as
// JSON.
func checkIdentitySource(t *testing.T, out []byte) {
	t.Helper()
	var src struct {
		PolicyStoreID       string `json:"policyStoreId"`
		IdentitySourceID    string `json:"identitySourceId"`
		PrincipalEntityType string `json:"principalEntityType"`
		Configuration       struct {
			CognitoUserPoolConfiguration struct {
				UserPoolArn string   `json:"userPoolArn"`
				ClientIds   []string `json:"clientIds"`
			} `json:"cognitoUserPoolConfiguration"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(out, &src); err != nil {
		t.Fatalf("output is not an identity source as JSON: %v\n%s", err, out)
	}
	cognito := src.Configuration.CognitoUserPoolConfiguration
	if src.PolicyStoreID == "" || src.IdentitySourceID == "" || src.PrincipalEntityType != "AWS::Cognito" ||
		cognito.UserPoolArn != userPoolARN || !slices.Equal(cognito.ClientIds, []string{"client-a", "client-b"}) {
		t.Fatalf("unexpected identity source:\n%s", out)
	}
}

// runExample runs name args in dir with childEnv plus env, requires exit
// status 0 and returns the standard output.
func runExample(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exampleTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(childEnv(t), env...)
	// An interrupt lets Python's run_vpfake stop the vpfake it started.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	line := filepath.Base(name)
	for _, a := range args {
		if strings.Contains(a, "\n") {
			a = "<script>"
		}
		line += " " + a
	}
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s (in examples/%s): %s", line, dir, time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%s (in examples/%s): %v\nstdout:\n%s\nstderr:\n%s", line, dir, err, &stdout, &stderr)
	}
	return stdout.Bytes()
}

var (
	envOnce sync.Once
	envBase []string
	homeDir string
)

// childEnv is the environment of every process the tests start: the
// caller's, without AWS_*, VPFAKE_* and proxy variables, with HOME a
// temporary directory, so that no credentials, profile or configuration of
// this machine are read and only loopback is contacted. PYTHONUSERBASE
// keeps Python packages installed with pip --user importable.
func childEnv(t *testing.T) []string {
	t.Helper()
	envOnce.Do(func() {
		var err error
		if homeDir, err = os.MkdirTemp("", "vpfake-examples-home-"); err != nil {
			panic(err)
		}
		var userBase string
		if _, set := os.LookupEnv("PYTHONUSERBASE"); !set {
			if py, err := exec.LookPath("python3"); err == nil {
				if out, err := exec.Command(py, "-m", "site", "--user-base").Output(); err == nil {
					userBase = strings.TrimSpace(string(out))
				}
			}
		}
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			upper := strings.ToUpper(name)
			if strings.HasPrefix(upper, "AWS_") || strings.HasPrefix(upper, "VPFAKE_") ||
				strings.HasSuffix(upper, "_PROXY") || upper == "HOME" || upper == "USERPROFILE" {
				continue
			}
			envBase = append(envBase, kv)
		}
		envBase = append(envBase, "HOME="+homeDir, "USERPROFILE="+homeDir, "PYTHONDONTWRITEBYTECODE=1")
		if userBase != "" {
			envBase = append(envBase, "PYTHONUSERBASE="+userBase)
		}
	})
	return slices.Clone(envBase)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// vpfakeBinary builds vpfake once into a temporary directory (removed by
// TestMain) and returns its path.
func vpfakeBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vpfake-examples-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vpfake")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", binPath, "./fake/cmd/vpfake")
		cmd.Dir = ".." // the module root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./fake/cmd/vpfake: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	if homeDir != "" {
		os.RemoveAll(homeDir)
	}
	os.Exit(code)
}

// fakeProcess is a vpfake started for one test.
type fakeProcess struct {
	url string
	mu  sync.Mutex
	log strings.Builder
}

func (f *fakeProcess) logText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

// requireSaw requires the fake to have logged a successful call of each of
// ops (by default the operations of the identity-source examples), so the
// example reached this fake and no other endpoint.
func (f *fakeProcess) requireSaw(t *testing.T, ops ...string) {
	t.Helper()
	if len(ops) == 0 {
		ops = []string{"CreatePolicyStore", "CreateIdentitySource", "GetIdentitySource", "UpdateIdentitySource"}
	}
	// The fake logs a request once it has answered; the example has exited.
	deadline := time.Now().Add(5 * time.Second)
	for {
		log := f.logText()
		missing := ""
		for _, op := range ops {
			if !strings.Contains(log, op+" 200") {
				missing = op
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("vpfake logged no successful %s:\n%s", missing, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startVPFake starts a fresh vpfake on a free loopback port, waits for its
// listening line, and stops it when the test ends.
func startVPFake(t *testing.T) *fakeProcess {
	t.Helper()
	cmd := exec.Command(vpfakeBinary(t), "-addr", "127.0.0.1:0", "-region", "us-east-1")
	cmd.Env = childEnv(t)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start vpfake: %v", err)
	}
	f := &fakeProcess{}
	ready := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			f.mu.Lock()
			f.log.WriteString(line + "\n")
			f.mu.Unlock()
			if url, ok := strings.CutPrefix(line, readyPrefix); ok {
				select {
				case ready <- strings.TrimSpace(url):
				default:
				}
			}
		}
	}()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { <-drained; _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	select {
	case f.url = <-ready:
	case <-drained:
		stop()
		t.Fatalf("vpfake exited before it was listening:\n%s", f.logText())
	case <-time.After(30 * time.Second):
		stop()
		t.Fatalf("vpfake printed no %q line within 30s:\n%s", readyPrefix, f.logText())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("vpfake log:\n%s", f.logText())
		}
	})
	return f
}

func lastLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
