package main

import (
	"bytes"
	"context"
	"github.com/vpconform/vpconform/internal/benchutil"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeAnswer writes an answer file and returns its path.
func writeAnswer(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "answer.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sample is an answer file: status 200, two headers, body {"a":"<&>"}.
const sample = `{"status":200,"header":{"Content-Type":["application/x-amz-json-1.0"],"X-Amzn-Requestid":["r-1"]},"body":"eyJhIjoiPCY+In0="}`

func TestHandlerAnswersEveryRequestTheSame(t *testing.T) {
	a, err := readAnswer(writeAnswer(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(handler(a))
	defer ts.Close()
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/", `{"policyStoreId":"PS1"}`},
		{"GET", "/anything", ""},
		{"POST", "/", strings.Repeat("x", 1<<20)},
	} {
		req, err := http.NewRequest(r.method, ts.URL+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `{"a":"<&>"}` || resp.Header.Get("Content-Type") != "application/x-amz-json-1.0" || resp.Header.Get("X-Amzn-Requestid") != "r-1" {
			t.Errorf("%s %s: HTTP %d %q, headers %v; want 200 {\"a\":\"<&>\"} with the answer's Content-Type and request id", r.method, r.path, resp.StatusCode, body, resp.Header)
		}
	}
}

func TestReadAnswerRefusesBadFiles(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"not JSON", "{", "is not {"},
		{"no status", `{"body":""}`, "status 0 is not an HTTP status"},
		{"body not base64", `{"status":200,"body":"!"}`, "is not {"},
	} {
		if _, err := readAnswer(writeAnswer(t, c.content)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: readAnswer = %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := readAnswer(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file: no error, want one")
	}
}

// TestCLIServesUntilCancelled: the command says where it listens, answers
// there, and exits 0 when its context ends.
func TestCLIServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr benchutil.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- cli(ctx, []string{"-answer", writeAnswer(t, sample)}, &stderr) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rest, ok := strings.CutPrefix(stderr.String(), "canned listening on "); ok {
			url = strings.TrimSpace(rest)
		}
	}
	if url == "" {
		t.Fatalf("no readiness line within 10s; stderr %q", stderr.String())
	}
	resp, err := http.Post(url, "application/x-amz-json-1.0", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"a":"<&>"}` {
		t.Errorf("POST %s: %q, want the answer's body", url, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after cancel, want 0; stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still serving 10s after its context ended")
	}
}

func TestCLIRefusesBadArguments(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no answer", nil, "usage: canned -answer file"},
		{"extra argument", []string{"-answer", "x", "y"}, "usage: canned -answer file"},
		{"unreadable answer", []string{"-answer", filepath.Join(t.TempDir(), "missing.json")}, "read the answer"},
	} {
		var stderr bytes.Buffer
		if code := cli(context.Background(), c.args, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", c.name, code, stderr.String(), c.want)
		}
	}
	var stderr bytes.Buffer
	if code := cli(context.Background(), []string{"-answer", writeAnswer(t, sample), "-addr", "256.0.0.1:0"}, &stderr); code != 1 || !strings.Contains(stderr.String(), "listen on 256.0.0.1:0") {
		t.Errorf("an address it cannot listen on: exit %d, stderr %q; want 1 and the address", code, stderr.String())
	}
}
