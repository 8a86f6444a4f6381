package benchutil

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeUntilCancelled: Serve says where it listens, serves there, and
// returns nil once its context ends, after the request in progress.
func TestServeUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		_, _ = io.WriteString(w, "ok "+r.URL.Path)
	})
	var stderr SyncBuffer
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "test", "127.0.0.1:0", h, &stderr) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if rest, ok := strings.CutPrefix(stderr.String(), "test listening on "); ok && strings.HasSuffix(rest, "\n") {
			url = strings.TrimSpace(rest)
		}
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("no line \"test listening on http://127.0.0.1:port\" within 10s; stderr %q", stderr.String())
	}
	get := func(path string) (string, error) {
		resp, err := http.Get(url + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if got, err := get("/a"); err != nil || got != "ok /a" {
		t.Fatalf("GET /a: %q, %v; want \"ok /a\"", got, err)
	}
	var slow atomic.Value
	slowDone := make(chan struct{})
	go func() {
		defer close(slowDone)
		got, err := get("/slow")
		slow.Store([2]any{got, err})
	}()
	<-entered
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v with a request in progress, want it to wait for the request", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v after its context ended, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still serving 10s after its context ended")
	}
	<-slowDone
	if r := slow.Load().([2]any); r[0] != "ok /slow" || r[1] != nil {
		t.Errorf("GET /slow during the shutdown: %q, %v; want \"ok /slow\", nil", r[0], r[1])
	}
}

func TestServeCannotListen(t *testing.T) {
	var stderr bytes.Buffer
	err := Serve(context.Background(), "test", "256.0.0.1:0", http.NotFoundHandler(), &stderr)
	if err == nil || !strings.Contains(err.Error(), "listen on 256.0.0.1:0") {
		t.Errorf("Serve on 256.0.0.1:0 = %v, want an error naming the address", err)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want no listening line", stderr.String())
	}
}

// TestExitWithParent: the context lasts while the parent stays, ends once
// it changes, and ends with its parent context.
func TestExitWithParent(t *testing.T) {
	var ppid atomic.Int64
	ppid.Store(42)
	ctx, cancel := exitWithParent(context.Background(), time.Millisecond, func() int { return int(ppid.Load()) })
	defer cancel()
	time.Sleep(20 * time.Millisecond) // a number of polls with the parent there
	if err := ctx.Err(); err != nil {
		t.Fatalf("the context ended (%v) while the parent was still there, want it going on", err)
	}
	ppid.Store(1)
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context still going 10s after the parent changed, want it ended")
	}

	parent, stop := context.WithCancel(context.Background())
	ctx, cancel = ExitWithParent(parent)
	defer cancel()
	if err := ctx.Err(); err != nil {
		t.Fatalf("ExitWithParent's context ended at once (%v), want it going on while this process's parent is there", err)
	}
	stop()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("ExitWithParent's context still going 10s after its parent context ended")
	}
}
