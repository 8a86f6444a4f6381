package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShutdownAnswersRequestsHeldByFaultDelays checks that on shutdown
// (ctx cancelled, as SIGTERM does) requests held by a 60s fault delay are
// answered their fault at once and run returns nil, exit status 0, within a
// second.
func TestShutdownAnswersRequestsHeldByFaultDelays(t *testing.T) {
	s := serve(t, local())
	const held = 6
	controlJSON(t, "POST", s.base+"/_vpfake/faults", fmt.Sprintf(`{"operation":"GetPolicyStore","error":"ThrottlingException","count":%d,"delayMs":60000}`, held))

	type answer struct {
		status int
		code   string
		err    error
	}
	answers := make(chan answer, held)
	client := &http.Client{Transport: &http.Transport{}}
	var wg sync.WaitGroup
	for range held {
		wg.Go(func() {
			status, code, err := getMissingStore(client, s.base)
			answers <- answer{status: status, code: code, err: err}
		})
	}
	// Every request is held once the counted fault is used up.
	deadline := time.Now().Add(10 * time.Second)
	for {
		faults, _ := controlJSON(t, "GET", s.base+"/_vpfake/faults", "")["faults"].([]any)
		if len(faults) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the requests did not reach the fault: %v", faults)
		}
		time.Sleep(10 * time.Millisecond)
	}

	start := time.Now()
	if err := s.stop(t, 5*time.Second); err != nil {
		t.Errorf("run: %v, want a clean shutdown", err)
	}
	took := time.Since(start)
	wg.Wait()
	close(answers)
	t.Logf("shut down with %d held requests in %s", held, took.Round(time.Millisecond))
	if took > time.Second {
		t.Errorf("shutdown took %s, want under a second", took)
	}
	n := 0
	for a := range answers {
		n++
		if a.err != nil || a.status != http.StatusTooManyRequests || a.code != "ThrottlingException" {
			t.Errorf("held request: HTTP %d %s, %v; want its fault, ThrottlingException", a.status, a.code, a.err)
		}
	}
	if n != held {
		t.Errorf("%d answers, want %d", n, held)
	}
	if !strings.Contains(string(s.logs.Contents()), "fault delays end now") {
		t.Errorf("log lacks the shutdown line:\n%s", string(s.logs.Contents()))
	}
}

// startSlowRequest opens a connection and sends the headers of a
// GetPolicyStore with a body of 1,000 bytes, and 10 of them.
func startSlowRequest(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_, err = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: VerifiedPermissions.GetPolicyStore\r\n"+
		"Content-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{\"policyS", addr)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// trickle writes a byte every interval until stop is closed or the write
// fails.
func trickle(conn net.Conn, interval time.Duration, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(interval):
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}
}

// TestReadTimeoutCutsTrickledBody checks a body trickled slower than
// -read-timeout allows is cut off once it has passed: the request is
// answered (SerializationException) or the connection closed.
func TestReadTimeoutCutsTrickledBody(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cfg := local()
	cfg.readTimeout = timeout
	s := serve(t, cfg)
	start := time.Now()
	conn := startSlowRequest(t, s.addr)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, 20*time.Millisecond, stop)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	took := time.Since(start)
	switch {
	case err == nil:
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "SerializationException" {
			t.Errorf("trickled body: HTTP %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
		}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
	default:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the trickled body was not cut off within 10s")
		}
	}
	t.Logf("trickled body cut off after %s (read timeout %s): %v", took.Round(time.Millisecond), timeout, err)
	if took < timeout-50*time.Millisecond || took > timeout+3*time.Second {
		t.Errorf("cut off after %s, want about %s", took, timeout)
	}
}

// TestIdleTimeoutClosesConnection checks a keep-alive connection left idle
// is closed after -idle-timeout.
func TestIdleTimeoutClosesConnection(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cfg := local()
	cfg.idleTimeout = timeout
	s := serve(t, cfg)
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET /_vpfake/health HTTP/1.1\r\nHost: %s\r\n\r\n", s.addr); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	idle := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = r.ReadByte()
	took := time.Since(idle)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection: %v, want EOF", err)
	}
	t.Logf("idle connection closed after %s (idle timeout %s)", took.Round(time.Millisecond), timeout)
	if took < timeout-50*time.Millisecond || took > timeout+3*time.Second {
		t.Errorf("closed after %s, want about %s", took, timeout)
	}
}

// TestShutdownCutsSlowBody checks a body still arriving when
// -shutdown-timeout has passed is cut short and answered, and the
// shutdown is clean.
func TestShutdownCutsSlowBody(t *testing.T) {
	cfg := local()
	cfg.shutdownTimeout = 200 * time.Millisecond
	s := serve(t, cfg)
	conn := startSlowRequest(t, s.addr)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(conn, 20*time.Millisecond, stop)
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	s.cancel() // the shutdown begins; stop below waits for its end
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("slow request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "SerializationException" {
		t.Errorf("slow request: HTTP %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
	if err := s.stop(t, 10*time.Second); err != nil {
		t.Errorf("run: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("shutdown took %s", took)
	}
	if !strings.Contains(string(s.logs.Contents()), "cutting short") {
		t.Errorf("log lacks the cut:\n%s", string(s.logs.Contents()))
	}
}

// TestRunControlToken checks -control-token: control routes but health
// require it.
func TestRunControlToken(t *testing.T) {
	cfg, err := loadConfig([]string{"-addr", "127.0.0.1:0"}, envOf(map[string]string{"VPFAKE_CONTROL_TOKEN": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, cfg)
	get := func(path, token string) int {
		req, _ := http.NewRequest("GET", s.base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("/_vpfake/state", ""); s != http.StatusUnauthorized {
		t.Errorf("state without the token: HTTP %d", s)
	}
	if s := get("/_vpfake/state", "s3cret"); s != http.StatusOK {
		t.Errorf("state with the token: HTTP %d", s)
	}
	if s := get("/_vpfake/health", ""); s != http.StatusOK {
		t.Errorf("health without the token: HTTP %d", s)
	}
}

// TestConnTracker checks the connections cutReads cuts are those with a
// request in progress, as the ConnState hook reports them, and that a cut
// connection's reads fail at once while the others' do not.
func TestConnTracker(t *testing.T) {
	var c connTracker
	busy, busyPeer := net.Pipe()
	idle, idlePeer := net.Pipe()
	gone, _ := net.Pipe()
	for _, conn := range []net.Conn{busy, busyPeer, idle, idlePeer} {
		defer conn.Close()
	}
	for _, step := range []struct {
		conn  net.Conn
		state http.ConnState
	}{
		{busy, http.StateNew}, {idle, http.StateNew}, {gone, http.StateNew},
		{busy, http.StateActive}, {idle, http.StateActive}, {gone, http.StateActive},
		{idle, http.StateIdle}, {gone, http.StateClosed},
		{net.Conn(nil), http.StateActive}, // a connection never seen new: nothing to track
	} {
		c.track(step.conn, step.state)
	}
	if n := c.cutReads(); n != 1 {
		t.Errorf("cutReads = %d, want 1: the one connection with a request in progress", n)
	}
	if _, err := busy.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a read on the busy connection after cutReads: %v, want %v", err, os.ErrDeadlineExceeded)
	}
	go func() { _, _ = idlePeer.Write([]byte("x")) }()
	if _, err := idle.Read(make([]byte, 1)); err != nil {
		t.Errorf("a read on the idle connection after cutReads: %v, want it to read", err)
	}
	c.track(busy, http.StateIdle)
	if n := c.cutReads(); n != 0 {
		t.Errorf("cutReads once every request has ended = %d, want 0", n)
	}
}
