package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a server process the benchmark started.
type server struct {
	name   string // "fake" or "canned"
	path   string
	addr   string // host:port it listens on
	cmd    *exec.Cmd
	exited chan error
	tail   *tailBuffer
}

// startWait is how long a server may take to say it is listening.
const startWait = 30 * time.Second

// startServer starts the binary at path with args, and waits for the line
// "<prefix>http://host:port" on its standard error, which it then keeps
// draining (remembering the end, for errors). The environment is this
// process's without the VPFAKE_ variables, so that no state file, delay or
// credentials of the caller's shell change what is measured.
func startServer(name, path, prefix string, args ...string) (*server, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "VPFAKE_") })
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("connect to the log of %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	s := &server{name: name, path: path, cmd: cmd, exited: make(chan error, 1), tail: &tailBuffer{max: 8 << 10}}
	addrs := make(chan string, 1)
	go func() {
		s.tail.drain(pipe, prefix+"http://", addrs)
		s.exited <- cmd.Wait()
	}()
	select {
	case s.addr = <-addrs:
		return s, nil
	case err := <-s.exited:
		return nil, fmt.Errorf("%s exited before saying it was listening (%v); its log:\n%s", path, err, s.tail)
	case <-time.After(startWait):
		_ = cmd.Process.Kill() // it is stuck: nothing else to do
		<-s.exited
		return nil, fmt.Errorf("%s did not say it was listening within %s; its log:\n%s", path, startWait, s.tail)
	}
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop sends SIGTERM and waits for the exit, killing the process after
// 10s. A server that does not exit 0 is an error naming its log.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = s.cmd.Process.Kill() // no signals on this platform: kill it
	}
	select {
	case err := <-s.exited:
		if err != nil {
			return fmt.Errorf("%s (%s) exited with %v; its log:\n%s", s.name, s.path, err, s.tail)
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill() // it ignored SIGTERM
		<-s.exited
		return fmt.Errorf("%s (%s) did not exit within 10s of SIGTERM and was killed; its log:\n%s", s.name, s.path, s.tail)
	}
}

// drainPause is how long the drain of a log waits between reads once the
// server is listening, so that the fake's line per request costs this
// process a wake-up per batch of lines rather than per line (64 KiB of pipe
// buffer hold far more than the lines written meanwhile).
const drainPause = 2 * time.Millisecond

// tailBuffer keeps the last max bytes of a log.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// drain reads r to its end, keeping its tail. Until the line starting with
// prefix has come, it looks for it, and sends the rest of that line on
// found; after it, it reads in batches.
func (t *tailBuffer) drain(r io.Reader, prefix string, found chan<- string) {
	chunk := make([]byte, 256<<10)
	var head []byte // what came before the line was found
	sent := false
	for {
		n, err := r.Read(chunk)
		t.write(chunk[:n])
		if !sent {
			head = append(head, chunk[:n]...)
			if rest, ok := findLine(head, prefix); ok {
				found <- rest
				sent, head = true, nil
			}
		}
		if err != nil {
			return
		}
		if sent && n < len(chunk)/2 {
			time.Sleep(drainPause)
		}
	}
}

// findLine returns the rest of the first complete line of log that starts
// with prefix, trimmed.
func findLine(log []byte, prefix string) (string, bool) {
	for rest := string(log); ; {
		line, after, complete := strings.Cut(rest, "\n")
		if !complete {
			return "", false
		}
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return strings.TrimSpace(v), true
		}
		rest = after
	}
}

func (t *tailBuffer) write(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
}

// String is the last lines kept.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	return strings.TrimRight(string(b), "\n")
}
