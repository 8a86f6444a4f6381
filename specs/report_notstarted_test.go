package specs

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// unreachableEndpoint is an endpoint nothing listens on.
const unreachableEndpoint = "http://127.0.0.1:1"

// childEnv is the environment of a child run: the caller's, without its
// VPCONFORM_*, AWS_* and GITHUB_STEP_SUMMARY variables, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "VPCONFORM_") || strings.HasPrefix(k, "AWS_") || k == StepSummaryEnv {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// passCount matches a summary line's count of passed scenarios.
var passCount = regexp.MustCompile(`\d+ scenarios: \d+ passed`)

// TestRunThatCannotStartLeavesNoReport builds suites/endpoint and runs it
// against an endpoint nothing listens on, with the report of an earlier run
// in its report directory: the run exits non-zero, writes no report,
// removes the earlier one and prints why. Then the same through make
// conformance, which prints no pass count.
func TestRunThatCannotStartLeavesNoReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs suites/endpoint; not in -short")
	}
	t.Parallel() // mostly waits for go test -c: beside the other tests
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "endpoint.test")
	build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./suites/endpoint")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c ./suites/endpoint: %v\n%s", err, out)
	}

	dir := t.TempDir()
	writeEarlierReport(t, dir, "endpoint", "vpconform: endpoint")
	run := exec.CommandContext(ctx, bin, "-test.v", "-ginkgo.no-color")
	run.Dir = filepath.Join(root, "suites", "endpoint")
	run.Env = childEnv(EndpointEnv+"="+unreachableEndpoint, ReportDirEnv+"="+dir)
	out, err := run.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("the run against %s: %v, want a non-zero exit\n%s", unreachableEndpoint, err, out)
	}
	const says = "vpconform: no conformance report: the run could not start: BeforeSuite failed: the endpoint target: unexpected error: specs: cannot reach the endpoint " + unreachableEndpoint + ": "
	if !strings.Contains(string(out), says) || !strings.Contains(string(out), "connection refused") {
		t.Errorf("the run does not say why there is no report (%q):\n%s", says, out)
	}
	if !strings.Contains(string(out), "vpconform: removed the earlier report "+filepath.Join(dir, "endpoint", "conformance.md")) {
		t.Errorf("the run does not say it removed the earlier report:\n%s", out)
	}
	if passCount.Match(out) {
		t.Errorf("the run prints a pass count:\n%s", out)
	}
	for _, f := range reportFiles {
		if _, err := os.Stat(filepath.Join(dir, "endpoint", f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("endpoint/%s is there after the run (%v)", f, err)
		}
	}

	makePath, err := exec.LookPath("make")
	if err != nil {
		t.Skip("no make: make conformance not tried")
	}
	writeEarlierReport(t, dir, "endpoint", "vpconform: endpoint")
	mk := exec.CommandContext(ctx, makePath, "-s", "conformance", "ENDPOINT="+unreachableEndpoint)
	mk.Dir = root
	mk.Env = childEnv(ReportDirEnv + "=" + dir)
	out, err = mk.CombinedOutput()
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("make conformance ENDPOINT=%s: %v, want a non-zero exit\n%s", unreachableEndpoint, err, out)
	}
	if !strings.Contains(string(out), says) || passCount.Match(out) {
		t.Errorf("make conformance ENDPOINT=%s printed:\n%s", unreachableEndpoint, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "endpoint", "conformance.md")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("make conformance left endpoint/conformance.md (%v)", err)
	}
}
