package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSameAnswer(t *testing.T) {
	base := answer{Status: 200, Header: http.Header{"Content-Type": {contentType}, requestIDHeader: {"r1"}}, Body: []byte(`{"a":1}`)}
	with := func(f func(*answer)) answer {
		a := base
		a.Header = base.Header.Clone()
		f(&a)
		return a
	}
	if d := sameAnswer(with(func(a *answer) { a.Header.Set(requestIDHeader, "r2") }), base); d != "" {
		t.Errorf("another request id: %q, want no difference", d)
	}
	for _, c := range []struct {
		name string
		got  answer
		want string
	}{
		{"status", with(func(a *answer) { a.Status = 500 }), "status 500, want 200"},
		{"body", with(func(a *answer) { a.Body = []byte(`{"a":2}`) }), `body {"a":2}, want {"a":1}`},
		{"header value", with(func(a *answer) { a.Header.Set("Content-Type", "text/plain") }), "headers"},
		{"extra header", with(func(a *answer) { a.Header.Set("X-Extra", "1") }), "headers"},
		{"no request id", with(func(a *answer) { a.Header.Del(requestIDHeader) }), "header " + requestIDHeader},
	} {
		if d := sameAnswer(c.got, base); !strings.Contains(d, c.want) || d == "" {
			t.Errorf("%s: sameAnswer = %q, want a difference containing %q", c.name, d, c.want)
		}
	}
}

func TestLoadSigning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(path, []byte(`[{"accessKeyId":"AKIDONE","secretAccessKey":"s1","allow":["verifiedpermissions:*"]},{"accessKeyId":"AKIDTWO","secretAccessKey":"s2","sessionToken":"tok","allow":["verifiedpermissions:*"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ id, wantKey, wantSecret, wantToken string }{
		{"", "AKIDONE", "s1", ""},
		{"AKIDTWO", "AKIDTWO", "s2", "tok"},
	} {
		s, err := loadSigning(path, c.id)
		if err != nil || s.creds.AccessKeyID != c.wantKey || s.creds.SecretAccessKey != c.wantSecret || s.creds.SessionToken != c.wantToken || s.region != region {
			t.Errorf("loadSigning(%q) = %+v, %v; want %s/%s/%q in %s", c.id, s, err, c.wantKey, c.wantSecret, c.wantToken, region)
		}
	}
	if _, err := loadSigning(path, "AKIDNONE"); err == nil || !strings.Contains(err.Error(), `no access key id "AKIDNONE"`) {
		t.Errorf("an access key id not in the file: %v, want an error naming it", err)
	}
	if _, err := loadSigning(filepath.Join(t.TempDir(), "missing.json"), ""); err == nil {
		t.Error("a missing file: no error, want one")
	}
}

// TestPoolCountsWrongAnswers: answers other than 200 with the captured body
// are counted as errors, with the first quoted, and not as latencies.
func TestPoolCountsWrongAnswers(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch n.Add(1) % 3 {
		case 0:
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"__type":"InternalServerException"}`))
		case 1:
			_, _ = w.Write([]byte(`{"a":2}`))
		default:
			_, _ = w.Write([]byte(`{"a":1}`))
		}
	}))
	defer ts.Close()
	srv := &server{name: "test", addr: strings.TrimPrefix(ts.URL, "http://")}
	q, err := newRequester(srv.addr, "GetIdentitySource", []byte(`{}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPool(target{srv, func(int, int) client { return &replayClient{q: q, want: []byte(`{"a":1}`)} }}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	l := p.run(100 * time.Millisecond)
	if l.requests < 3 || l.errors == 0 || len(l.latencies) == 0 || len(l.latencies)+l.errors != l.requests {
		t.Fatalf("%d requests, %d errors, %d latencies; want at least 3 requests, some errors, some right answers, adding up", l.requests, l.errors, len(l.latencies))
	}
	// Two thirds are wrong, give or take the last one.
	if wrong := float64(l.errors) / float64(l.requests); wrong < 0.5 || wrong > 0.8 {
		t.Errorf("%d of %d answers counted wrong, want about two thirds", l.errors, l.requests)
	}
	if !strings.Contains(l.firstErr, "the body differs") && !strings.Contains(l.firstErr, "HTTP 500") {
		t.Errorf("first error %q, want a wrong body or HTTP 500", l.firstErr)
	}
}

// built is where buildBinaries builds the servers, once for every test,
// and how that went; TestMain removes the directory.
var built struct {
	once           sync.Once
	dir            string
	vpfake, canned string
	skip, err      string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir) // a temporary directory: nothing to do if it stays
	}
	os.Exit(code)
}

// buildBinaries builds vpfake and the canned server into a temporary
// directory, the first time it is called.
func buildBinaries(t *testing.T) (vpfake, canned string) {
	t.Helper()
	built.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			built.skip = "no go command to build the servers with"
			return
		}
		if built.dir, err = os.MkdirTemp("", "loadbench-test-"); err != nil {
			built.err = err.Error()
			return
		}
		for name, pkg := range map[string]string{"vpfake": "github.com/vpconform/vpconform/fake/cmd/vpfake", "canned": "github.com/vpconform/vpconform/internal/loadbench/canned"} {
			out, err := exec.Command(goTool, "build", "-o", filepath.Join(built.dir, name), pkg).CombinedOutput()
			if err != nil {
				built.err = fmt.Sprintf("go build %s: %v\n%s", pkg, err, out)
				return
			}
		}
		built.vpfake, built.canned = filepath.Join(built.dir, "vpfake"), filepath.Join(built.dir, "canned")
	})
	switch {
	case built.skip != "":
		t.Skip(built.skip)
	case built.err != "":
		t.Fatal(built.err)
	}
	return built.vpfake, built.canned
}

// TestEndToEnd runs the benchmark briefly against real processes, without
// and with credentials, and checks the structure of what it reports, not
// the speed.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both servers")
	}
	vpfake, canned := buildBinaries(t)
	creds := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(creds, []byte(`[{"accessKeyId":"AKIDLOADBENCH","secretAccessKey":"loadbench-secret","principal":"arn:aws:iam::123456789012:user/loadbench","allow":["verifiedpermissions:*"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"no credentials", nil},
		{"credentials", []string{"-credentials", "-credentials-file", creds}},
	} {
		t.Run(c.name, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "out", "load.json")
			args := append([]string{"-vpfake", vpfake, "-canned", canned, "-rounds", "1", "-duration", "200ms", "-warmup", "50ms", "-concurrency", "2", "-json", jsonPath}, c.extra...)
			var stdout, stderr bytes.Buffer
			if code := cli(context.Background(), args, &stdout, &stderr); code != 0 {
				t.Fatalf("loadbench %q exited %d, want 0\nstdout:\n%s\nstderr:\n%s", args, code, &stdout, &stderr)
			}
			out := stdout.String()
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(`(?m)^ +2 +fake +\d+ +\d+-\d+ +[0-9.]+(µs|ms) +[0-9.]+(µs|ms) +([0-9.]+(µs|ms)|n/a) +([0-9.]+(µs|ms)|n/a) +0$`),
				regexp.MustCompile(`(?m)^ +2 +canned +\d+ +\d+-\d+ +[0-9.]+(µs|ms) +[0-9.]+(µs|ms) +([0-9.]+(µs|ms)|n/a) +([0-9.]+(µs|ms)|n/a) +0$`),
				regexp.MustCompile(`(?m)^ +2 +[0-9.]+x +[0-9.]+x +([0-9.]+x|n/a)$`),
			} {
				if !want.MatchString(out) {
					t.Errorf("the output lacks a match for %s:\n%s", want, out)
				}
			}
			if wantCreds := c.extra != nil; strings.Contains(out, "credentials on") != wantCreds {
				t.Errorf("the output says credentials on: %v, want %v:\n%s", !wantCreds, wantCreds, out)
			}
			b, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatalf("-json %s: %v, want the results written", jsonPath, err)
			}
			var rep report
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatalf("-json %s: %v\n%s", jsonPath, err, b)
			}
			if len(rep.RoundResults) != 2 || len(rep.Summaries) != 2 || len(rep.Ratios) != 1 || rep.ResponseBytes == 0 {
				t.Fatalf("%d rounds, %d summaries, %d ratios, a %d-byte response; want 2, 2, 1 and a body\n%s", len(rep.RoundResults), len(rep.Summaries), len(rep.Ratios), rep.ResponseBytes, b)
			}
			for i, s := range rep.Summaries {
				if want := serverOrder[i]; s.Server != want || s.Concurrency != 2 {
					t.Errorf("summary %d is of %s at concurrency %d, want %s at 2", i, s.Server, s.Concurrency, want)
				}
				if s.Requests < 1 || s.Errors != 0 || s.RequestsPerSecond <= 0 || s.P50Micros <= 0 || s.P50Micros > s.P99Micros {
					t.Errorf("%s: %d requests, %d errors, %g req/s, p50 %gµs, p99 %gµs; want requests, no error, positive figures, p50 <= p99", s.Server, s.Requests, s.Errors, s.RequestsPerSecond, s.P50Micros, s.P99Micros)
				}
				if _, err := os.Stat("/proc/self/stat"); err == nil && s.CPUMicrosPerRequest < 0 {
					t.Errorf("%s: CPU per request unknown although /proc is there", s.Server)
				}
			}
			if r := rep.Ratios[0]; r.Throughput <= 0 || r.P99 <= 0 {
				t.Errorf("ratios %+v, want positive throughput and p99 ratios", r)
			}
		})
	}
}

// TestMissingBinary: a vpfake that does not exist is a run that cannot
// start (status 2), saying how to build it.
func TestMissingBinary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli(context.Background(), []string{"-vpfake", filepath.Join(t.TempDir(), "nothing"), "-rounds", "1", "-duration", "10ms"}, &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "make build writes bin/vpfake") {
		t.Errorf("exit %d, stderr %q; want 2 and how to build vpfake", code, stderr.String())
	}
}
