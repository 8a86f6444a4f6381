package benchutil

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

// helperEnv names what this test binary does when started by the tests as
// a server process instead of running them.
const helperEnv = "BENCHUTIL_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "listen": // says it listens, logs, exits 0 on SIGTERM
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "starting")
		fmt.Fprintln(os.Stderr, "helper listening on http://127.0.0.1:4321")
		fmt.Fprintf(os.Stderr, "VPFAKE_X=%q\n", os.Getenv("VPFAKE_X"))
		<-term
		fmt.Fprintln(os.Stderr, "stopped")
		os.Exit(0)
	case "listen-exit3": // says it listens, exits 3 on SIGTERM
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "helper listening on http://127.0.0.1:4321")
		<-term
		os.Exit(3)
	case "listen-stubborn": // says it listens, ignores SIGTERM
		signal.Ignore(syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "helper listening on http://127.0.0.1:4321")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "fail": // exits 2 before saying anything about listening
		fmt.Fprintln(os.Stderr, "helper: bad flag")
		os.Exit(2)
	case "silent": // never says it listens
		fmt.Fprintln(os.Stderr, "helper: thinking")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
}

// startHelper starts this test binary as the helper server mode.
func startHelper(t *testing.T, mode string, wait time.Duration) (*Process, error) {
	t.Helper()
	t.Setenv(helperEnv, mode)
	t.Setenv("VPFAKE_X", "from the caller's shell")
	return Start(os.Args[0], []string{"-test.run=^$"}, "helper listening on http://", wait)
}

// TestStartAndStop: Start finds the address and times the line after the
// exec, leaves out the VPFAKE_ variables, and Stop sees the exit status.
func TestStartAndStop(t *testing.T) {
	p, err := startHelper(t, "listen", 30*time.Second)
	if err != nil {
		t.Fatalf("Start: %v, want the helper listening", err)
	}
	if p.Addr != "127.0.0.1:4321" || p.PID() <= 0 || p.Started.IsZero() || p.Listening.Before(p.Started) {
		t.Errorf("address %q, pid %d, started %v, listening %v; want 127.0.0.1:4321, a pid, listening after started", p.Addr, p.PID(), p.Started, p.Listening)
	}
	killed, err := p.Stop(30 * time.Second)
	if killed || err != nil {
		t.Errorf("Stop = killed %v, %v; want not killed, exit 0", killed, err)
	}
	if p.Cmd.ProcessState == nil || p.Cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("process state %v after Stop, want exit status 0", p.Cmd.ProcessState)
	}
	select {
	case <-p.Done():
	default:
		t.Error("Done not closed after Stop, want it closed")
	}
	if tail := p.Tail.String(); !strings.Contains(tail, `VPFAKE_X=""`) || !strings.HasSuffix(tail, "stopped") {
		t.Errorf("log %q, want VPFAKE_X left out of the environment and the log read to its end", tail)
	}

	p, err = startHelper(t, "listen-exit3", 30*time.Second)
	if err != nil {
		t.Fatalf("Start: %v, want the helper listening", err)
	}
	if killed, err := p.Stop(30 * time.Second); killed || err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("Stop of a server exiting 3 = killed %v, %v; want not killed, exit status 3", killed, err)
	}

	p, err = startHelper(t, "listen-stubborn", 30*time.Second)
	if err != nil {
		t.Fatalf("Start: %v, want the helper listening", err)
	}
	if killed, _ := p.Stop(100 * time.Millisecond); !killed {
		t.Error("Stop of a server ignoring SIGTERM: not killed, want it killed")
	}
}

func TestStartFailures(t *testing.T) {
	if _, err := startHelper(t, "fail", 30*time.Second); err == nil || !strings.Contains(err.Error(), "exited before saying it was listening (exit status 2); its log:\nhelper: bad flag") {
		t.Errorf("a server exiting at once: %v, want an error with its status and log", err)
	}
	if _, err := startHelper(t, "silent", 300*time.Millisecond); err == nil || !strings.Contains(err.Error(), "did not say it was listening within 300ms; its log:\nhelper: thinking") {
		t.Errorf("a silent server: %v, want an error with the wait and its log", err)
	}
	missing := t.TempDir() + "/missing"
	if _, err := Start(missing, nil, "x", time.Second); err == nil || !strings.Contains(err.Error(), "start "+missing+": ") {
		t.Errorf("a missing binary: %v, want an error naming it", err)
	}
}

func TestTailBufferDrain(t *testing.T) {
	log := "starting\nvpfake listening on http://127.0.0.1:1234\n" + strings.Repeat("GetIdentitySource 200 1ms\n", 3) + "last line\n"
	for _, c := range []struct {
		name string
		r    io.Reader
	}{{"one read", strings.NewReader(log)}, {"a byte a read", iotest.OneByteReader(strings.NewReader(log))}} {
		tb := &TailBuffer{Max: 16}
		seen := make(chan Sighting, 1)
		before := time.Now()
		tb.Drain(c.r, "vpfake listening on http://", seen)
		select {
		case s := <-seen:
			if s.Addr != "127.0.0.1:1234" || s.At.Before(before) {
				t.Errorf("%s: saw %q at %v, want 127.0.0.1:1234 after %v", c.name, s.Addr, s.At, before)
			}
		default:
			t.Errorf("%s: the listening line was not seen in %q", c.name, log)
		}
		if got := tb.String(); !strings.HasSuffix(got, "last line") || len(got) > 16 {
			t.Errorf("%s: tail %q, want at most 16 bytes ending with the last line", c.name, got)
		}
	}
	tb := &TailBuffer{Max: 1024}
	seen := make(chan Sighting, 1)
	tb.Drain(strings.NewReader("hello listening on http://127.0.0.1:1"), "hello listening on http://", seen)
	if len(seen) != 0 {
		t.Error("a listening line without its newline was taken, want it ignored (it may not be complete)")
	}
	if _, ok := findLine([]byte("vpfake listening on http://127.0.0.1:1"), "vpfake listening on http://"); ok {
		t.Error("findLine found a line that is not complete yet, want it to wait for the newline")
	}
}
