package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "127.0.0.1:4599", region: "us-east-1", account: "123456789012", seed: 0}
	if cfg != want {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
}

func TestLoadConfigFromEnv(t *testing.T) {
	cfg, err := loadConfig(nil, envOf(map[string]string{
		"VPFAKE_ADDR": "0.0.0.0:8080", "VPFAKE_REGION": "eu-west-3", "VPFAKE_ACCOUNT": "210987654321", "VPFAKE_SEED": "42",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "0.0.0.0:8080", region: "eu-west-3", account: "210987654321", seed: 42}
	if cfg != want {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
}

func TestLoadConfigFlagsOverrideEnv(t *testing.T) {
	cfg, err := loadConfig(
		[]string{"-addr", "127.0.0.1:0", "-region", "ap-south-1", "-account", "111122223333", "-seed", "7"},
		envOf(map[string]string{
			"VPFAKE_ADDR": "0.0.0.0:8080", "VPFAKE_REGION": "eu-west-3", "VPFAKE_ACCOUNT": "210987654321",
			"VPFAKE_SEED": "not-a-number", // replaced by -seed, so not an error
		}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "127.0.0.1:0", region: "ap-south-1", account: "111122223333", seed: 7}
	if cfg != want {
		t.Errorf("got %+v, want %+v", cfg, want)
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
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
	for _, v := range []string{"VPFAKE_ADDR", "VPFAKE_REGION", "VPFAKE_ACCOUNT", "VPFAKE_SEED"} {
		if !strings.Contains(u, v) {
			t.Errorf("usage does not mention %s:\n%s", v, u)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesHealthAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, config{addr: "127.0.0.1:0", region: "us-east-1", account: "123456789012", seed: 1}, &logs, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not start")
	}
	resp, err := http.Get("http://" + addr + "/_vpfake/health")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: HTTP %d, %v", resp.StatusCode, err)
	}
	if diff := cmp.Diff(map[string]any{
		"status": "ok", "service": "vpfake", "capabilities": []any{"fault-injection", "reset"},
		"authentication": false, "propagationDelayMs": float64(0),
	}, health); diff != "" {
		t.Errorf("health (-want +got):\n%s", diff)
	}
	req, _ := http.NewRequest("POST", "http://"+addr+"/", strings.NewReader(`{"policyStoreId":"nope"}`))
	req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetPolicyStore")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GetPolicyStore of a missing store: HTTP %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not shut down")
	}
	out := logs.String()
	for _, want := range []string{"vpfake listening on http://" + addr, "GET /_vpfake/health 200", "GetPolicyStore 404"} {
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
	err = run(context.Background(), config{addr: ln.Addr().String(), region: "us-east-1", account: "123456789012"}, &syncBuffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Errorf("got %v, want a listen error naming the address", err)
	}
}
