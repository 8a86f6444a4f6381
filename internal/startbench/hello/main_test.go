package main

import (
	"bytes"
	"context"
	"github.com/vpconform/vpconform/internal/benchutil"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandlerAnswersEveryRequestTheSame(t *testing.T) {
	ts := httptest.NewServer(handler())
	defer ts.Close()
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/", ""},
		{"POST", "/", `{"policyStoreId":"PS1"}`},
		{"PUT", "/anything?x=1", strings.Repeat("x", 1<<20)},
	} {
		req, err := http.NewRequest(r.method, ts.URL+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(got) != body || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: HTTP %d %q, Content-Type %q; want 200 %s, application/json", r.method, r.path, resp.StatusCode, got, resp.Header.Get("Content-Type"), body)
		}
	}
}

// TestCLIServesUntilCancelled: the command says where it listens, answers
// there, and exits 0 when its context ends.
func TestCLIServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr benchutil.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- cli(ctx, []string{"-addr", "127.0.0.1:0", "-exit-with-parent"}, &stderr) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rest, ok := strings.CutPrefix(stderr.String(), "hello listening on "); ok && strings.HasSuffix(rest, "\n") {
			url = strings.TrimSpace(rest)
		}
	}
	if url == "" {
		t.Fatalf("no readiness line within 10s; stderr %q", stderr.String())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != body {
		t.Errorf("GET %s: HTTP %d %q, want 200 %s", url, resp.StatusCode, got, body)
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
		code int
		want string
	}{
		{"extra argument", []string{"x"}, 2, "usage: hello"},
		{"unknown flag", []string{"-region", "us-east-1"}, 2, "flag provided but not defined: -region"},
		{"an address it cannot listen on", []string{"-addr", "256.0.0.1:0"}, 1, "listen on 256.0.0.1:0"},
	} {
		var stderr bytes.Buffer
		if code := cli(context.Background(), c.args, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr.String(), c.code, c.want)
		}
	}
	var stderr bytes.Buffer
	if code := cli(context.Background(), []string{"-h"}, &stderr); code != 0 || !strings.Contains(stderr.String(), "-exit-with-parent") {
		t.Errorf("-h: exit %d, stderr %q; want 0 and the flags", code, stderr.String())
	}
}
