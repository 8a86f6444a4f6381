package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestMain lets the test binary act as the command withfake runs: with
// WITHFAKE_HELPER set it fetches the health route from $VPCONFORM_ENDPOINT,
// prints it, and checks $OTHER got the same URL.
func TestMain(m *testing.M) {
	if os.Getenv("WITHFAKE_HELPER") == "1" {
		url := os.Getenv("VPCONFORM_ENDPOINT")
		resp, err := http.Get(url + "/_vpfake/health")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(string(body))
		if resp.StatusCode != http.StatusOK || os.Getenv("OTHER") != url {
			os.Exit(5)
		}
		os.Exit(0)
	}
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is the vpfake binary the tests share, built once (linking it takes
// a second or two), in a directory TestMain removes.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// buildVPFake builds the real vpfake binary into a temporary directory the
// first time it is called, and returns its path.
func buildVPFake(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "withfake-test-"); built.err != nil {
			return
		}
		bin := filepath.Join(built.dir, "vpfake")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", bin, "github.com/vpconform/vpconform/fake/cmd/vpfake")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build vpfake: %w\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

func TestRunPassesTheURLAndTheExitCode(t *testing.T) {
	bin := buildVPFake(t)
	logPath := filepath.Join(t.TempDir(), "fake.log")
	var stdout, stderr bytes.Buffer
	// The command (this test binary, see TestMain) fetches the health
	// route through the URL it was given.
	t.Setenv("WITHFAKE_HELPER", "1")
	code, err := run(context.Background(), []string{"-vpfake", bin, "-log", logPath, "-url-env", "VPCONFORM_ENDPOINT", "-url-env", "OTHER", "--", os.Args[0]}, &stdout, &stderr)
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v\nstdout: %s\nstderr: %s", code, err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), `"status":"ok"`) {
		t.Errorf("health answer not seen: %q", stdout.String())
	}
	log, _ := os.ReadFile(logPath)
	if !strings.Contains(string(log), "GET /_vpfake/health 200") {
		t.Errorf("fake log lacks the request:\n%s", log)
	}

	t.Setenv("VPCONFORM_ENDPOINT", "")
	code, err = run(context.Background(), []string{"-vpfake", bin, "-url-env", "ELSEWHERE", "--", os.Args[0]}, &stdout, &stderr)
	if err != nil || code != 4 {
		t.Fatalf("failing command: code %d, err %v, want its exit code 4", code, err)
	}
}

func TestRunReportsAFakeThatDoesNotStart(t *testing.T) {
	var stderr bytes.Buffer
	code, err := run(context.Background(), []string{"-vpfake", "/nonexistent/vpfake", "--", "true"}, &bytes.Buffer{}, &stderr)
	if err == nil || code == 0 {
		t.Fatalf("code %d, err %v: want a failure", code, err)
	}
	bin := buildVPFake(t)
	code, err = run(context.Background(), []string{"-vpfake", bin, "-arg", "-region=", "--", "true"}, &bytes.Buffer{}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "did not become ready") || code == 0 {
		t.Fatalf("bad fake flag: code %d, err %v", code, err)
	}
}

func TestParseArgs(t *testing.T) {
	if _, err := parseArgs([]string{"-vpfake", "x"}, &bytes.Buffer{}); err == nil {
		t.Error("no command accepted")
	}
	if _, err := parseArgs([]string{"-wait", "0s", "--", "true"}, &bytes.Buffer{}); err == nil {
		t.Error("zero wait accepted")
	}
	c, err := parseArgs([]string{"--", "go", "test"}, &bytes.Buffer{})
	if err != nil || c.vpfake != "bin/vpfake" || strings.Join(c.urlEnv, ",") != "VPCONFORM_ENDPOINT" || strings.Join(c.command, " ") != "go test" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
}
