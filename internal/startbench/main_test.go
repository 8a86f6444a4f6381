package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	s, err := parseFlags(nil, io.Discard)
	want := settings{vpfake: "bin/vpfake", hello: "bin/hello", rounds: 30, warmup: 1, timeout: 30 * time.Second}
	if err != nil || s != want {
		t.Errorf("defaults: %+v, %v; want %+v", s, err, want)
	}
	s, err = parseFlags([]string{"-vpfake", "/x/vpfake", "-hello", "/x/hello", "-rounds", "3", "-warmup", "0", "-timeout", "2s", "-json", "out.json"}, io.Discard)
	want = settings{vpfake: "/x/vpfake", hello: "/x/hello", rounds: 3, warmup: 0, timeout: 2 * time.Second, jsonPath: "out.json"}
	if err != nil || s != want {
		t.Errorf("every flag: %+v, %v; want %+v", s, err, want)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-rounds", "0"}, "-rounds 0 is less than 1"},
		{[]string{"-warmup", "-1"}, "-warmup -1 is negative"},
		{[]string{"-timeout", "0s"}, "-timeout 0s is not positive"},
		{[]string{"-vpfake", ""}, "must name binaries"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
		{[]string{"-rounds", "many"}, "invalid value"},
	} {
		if _, err := parseFlags(c.args, io.Discard); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseFlags(%q) = %v, want an error containing %q", c.args, err, c.want)
		}
	}
}

func TestHelpNamesEveryFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli(context.Background(), []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
	for _, f := range []string{"-vpfake", "-hello", "-rounds", "-warmup", "-timeout", "-json", "usage: startbench"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("-h does not mention %s:\n%s", f, stderr.String())
		}
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseFlags(-h) = %v, want flag.ErrHelp", err)
	}
	stderr.Reset()
	if code := cli(context.Background(), []string{"-rounds", "0"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "startbench: -rounds 0") {
		t.Errorf("-rounds 0: exit %d, stderr %q; want 2 and the reason", code, stderr.String())
	}
}

func TestChecks(t *testing.T) {
	nf := http.Header{"X-Amzn-Errortype": {"ResourceNotFoundException"}}
	if err := checkNotFound(404, nf, []byte(`{"__type":"ResourceNotFoundException"}`)); err != nil {
		t.Errorf("404 ResourceNotFoundException: %v, want it accepted", err)
	}
	if err := checkNotFound(404, http.Header{"X-Amzn-Errortype": {"ResourceNotFoundException:http://internal.amazon.com/"}}, []byte(`{}`)); err != nil {
		t.Errorf("404 ResourceNotFoundException:<url>: %v, want it accepted", err)
	}
	for _, c := range []struct {
		name   string
		status int
		h      http.Header
		body   string
	}{
		{"200", 200, nf, `{}`},
		{"another type", 404, http.Header{"X-Amzn-Errortype": {"ValidationException"}}, `{}`},
		{"no type", 404, http.Header{}, `{}`},
		{"no body", 404, nf, ``},
	} {
		if err := checkNotFound(c.status, c.h, []byte(c.body)); err == nil || !strings.Contains(err.Error(), "want 404 ResourceNotFoundException") {
			t.Errorf("%s: checkNotFound = %v, want an error saying what was expected", c.name, err)
		}
	}
	if err := checkHello(200, nil, []byte(helloBody)); err != nil {
		t.Errorf("200 %s: %v, want it accepted", helloBody, err)
	}
	for _, c := range []struct {
		status int
		body   string
	}{{500, helloBody}, {200, `{}`}} {
		if err := checkHello(c.status, nil, []byte(c.body)); err == nil || !strings.Contains(err.Error(), "want 200") {
			t.Errorf("HTTP %d %s: checkHello = %v, want an error", c.status, c.body, err)
		}
	}
}

func TestVPFakeRequest(t *testing.T) {
	req, err := vpfakeTarget("x").probe.request("127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if req.Method != "POST" || req.URL.String() != "http://127.0.0.1:1/" || req.Header.Get("X-Amz-Target") != "VerifiedPermissions.GetPolicyStore" ||
		req.Header.Get("Content-Type") != "application/x-amz-json-1.0" || string(body) != `{"policyStoreId":"PSstartbench0000000000"}` {
		t.Errorf("the request to vpfake: %s %s %v %s; want POST / GetPolicyStore awsJson1_0 of PSstartbench0000000000", req.Method, req.URL, req.Header, body)
	}
}

var (
	helloOnce sync.Once
	helloPath string
	helloErr  error
)

// buildHello builds internal/startbench/hello once for the test binary.
func buildHello(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the hello server with")
	}
	helloOnce.Do(func() {
		dir, err := os.MkdirTemp("", "startbench-test-")
		if err != nil {
			helloErr = err
			return
		}
		helloPath = filepath.Join(dir, "hello")
		out, err := exec.Command(goTool, "build", "-o", helloPath, "github.com/vpconform/vpconform/internal/startbench/hello").CombinedOutput()
		if err != nil {
			helloErr = errors.New("go build hello: " + err.Error() + "\n" + string(out))
		}
	})
	if helloErr != nil {
		t.Fatal(helloErr)
	}
	return helloPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if helloPath != "" {
		_ = os.RemoveAll(filepath.Dir(helloPath)) // a temporary directory left behind is harmless
	}
	os.Exit(code)
}

// TestEndToEnd runs the benchmark for 2 rounds, with hello in both roles
// (so that no vpfake needs building), and checks what it reports, not the
// speed.
func TestEndToEnd(t *testing.T) {
	hello := buildHello(t)
	subject := helloTarget(hello)
	subject.name = "vpfake"
	jsonPath := filepath.Join(t.TempDir(), "out", "start.json")
	s := settings{rounds: 2, warmup: 1, timeout: 10 * time.Second, jsonPath: jsonPath}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), s, []target{subject, helloTarget(hello)}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	out := stdout.String()
	ms := `[0-9.]+ms`
	span := ms + `-` + ms
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ +listen +` + ms + ` +` + span + ` +` + ms + ` +` + ms + ` +` + span + ` +` + ms + ` +[0-9.]+x$`),
		regexp.MustCompile(`(?m)^ +answer +` + ms + ` +` + span + ` +` + ms + ` +` + ms + ` +` + span + ` +` + ms + ` +[0-9.]+x$`),
		regexp.MustCompile(`(?m)^start: vpfake: 2 rounds, 0 wrong$`),
		regexp.MustCompile(`(?m)^start: hello: 2 rounds, 0 wrong$`),
		regexp.MustCompile(`(?m)^startbench: every round in .*start\.json$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the output lacks a match for %s:\n%s", want, out)
		}
	}
	if got := strings.Count(stderr.String(), "startbench: warm-up "); got != 2 {
		t.Errorf("%d warm-up lines on stderr, want 2:\n%s", got, &stderr)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatalf("-json %s: %v, want the results written", jsonPath, err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("-json %s: %v\n%s", jsonPath, err, b)
	}
	if len(rep.RoundResults) != 6 || len(rep.Summaries) != 2 || rep.Ratios == nil {
		t.Fatalf("-json: %d rounds, %d summaries, ratios %v; want 6 (2 warm-ups, 2x2 rounds), 2 and ratios", len(rep.RoundResults), len(rep.Summaries), rep.Ratios)
	}
	order := []string{"vpfake", "hello", "vpfake", "hello", "vpfake", "hello"}
	for i, rr := range rep.RoundResults {
		if rr.Server != order[i] || rr.Round != i/2 || rr.PID == 0 {
			t.Errorf("round result %d: %s round %d pid %d, want %s round %d with a pid", i, rr.Server, rr.Round, rr.PID, order[i], i/2)
		}
		if rr.ListenMillis <= 0 || rr.AnswerMillis < rr.ListenMillis || rr.FirstRequestMillis != rr.AnswerMillis-rr.ListenMillis {
			t.Errorf("round result %d: listen %g, answer %g, first request %g; want 0 < listen <= answer, first request their difference", i, rr.ListenMillis, rr.AnswerMillis, rr.FirstRequestMillis)
		}
		if rr.Error != "" || rr.StopError != "" {
			t.Errorf("round result %d: error %q, stop error %q; want none", i, rr.Error, rr.StopError)
		}
	}
}

// TestWrongAnswerExits1: hello asked as vpfake answers 200, not 404: the
// rounds are reported wrong and the exit status is 1.
func TestWrongAnswerExits1(t *testing.T) {
	hello := buildHello(t)
	subject := vpfakeTarget(hello)
	subject.args = []string{"-addr", "127.0.0.1:0"}
	subject.prefix = "hello listening on http://"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), settings{rounds: 1, timeout: 10 * time.Second}, []target{subject, helloTarget(hello)}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	if want := `start: vpfake round 1 (pid `; !strings.Contains(stdout.String(), want) || !strings.Contains(stdout.String(), "wrong answer: first request: HTTP 200") {
		t.Errorf("stdout lacks %q and the wrong answer:\n%s", want, &stdout)
	}
	if !strings.Contains(stderr.String(), "1 start(s) with a wrong answer") {
		t.Errorf("stderr does not say an answer was wrong:\n%s", &stderr)
	}
}

// TestCannotRunExits2: a binary that does not exist, one that exits
// before listening, and one that never says it listens make the
// benchmark exit 2, saying why.
func TestCannotRunExits2(t *testing.T) {
	hello := buildHello(t)
	badFlag := helloTarget(hello)
	badFlag.args = []string{"-no-such-flag"}
	missing := filepath.Join(t.TempDir(), "missing")
	cases := []struct {
		name string
		t    target
		want string
	}{
		{"missing binary", helloTarget(missing), "startbench: start " + missing + ": "},
		{"exits at once", badFlag, "exited before saying it was listening"},
	}
	if sleep, err := exec.LookPath("sleep"); err == nil {
		silent := helloTarget(sleep)
		silent.args = []string{"30"}
		cases = append(cases, struct {
			name string
			t    target
			want string
		}{"silent", silent, "did not say it was listening within 300ms"})
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), settings{rounds: 1, timeout: 300 * time.Millisecond}, []target{c.t, helloTarget(hello)}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", c.name, code, stderr.String(), c.want)
		}
	}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, settings{rounds: 1, timeout: time.Second}, []target{helloTarget(hello)}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("interrupted: exit %d, stderr %q; want 2 and interrupted", code, stderr.String())
	}
}
