package benchutil

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

// Process is a server process started by Start.
type Process struct {
	// Cmd is the command; its ProcessState is set once Done is closed.
	Cmd *exec.Cmd
	// Addr is the host:port of the listening line.
	Addr string
	// Started is just before the exec, Listening when the listening line
	// was read.
	Started, Listening time.Time
	// Tail is the end of the process's standard error, kept for errors.
	Tail *TailBuffer

	done    chan struct{} // closed once the log is drained and the process waited for
	waitErr error         // what Wait returned, once done is closed
}

// Start starts the binary at path with args and waits up to wait for the
// first complete line of its standard error that starts with prefix (for
// instance "vpfake listening on http://"): the rest of that line is the
// address. It keeps draining the log afterwards, remembering its last 8 KiB.
// The environment is this process's without the VPFAKE_ variables, so that
// no state file, delay or credentials of the caller's shell change what is
// measured. A process that exits before saying it listens, or does not say
// so within wait (it is then killed), is an error quoting its log.
func Start(path string, args []string, prefix string, wait time.Duration) (*Process, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "VPFAKE_") })
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("connect to the log of %s: %w", path, err)
	}
	p := &Process{Cmd: cmd, Tail: &TailBuffer{Max: 8 << 10}, done: make(chan struct{})}
	seen := make(chan Sighting, 1)
	p.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go func() {
		p.Tail.Drain(pipe, prefix, seen)
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var s Sighting
	select {
	case s = <-seen:
	case <-p.done: // it exited, the line said or not
		select {
		case s = <-seen: // it did say it listens: the caller finds out the rest
		default:
			return nil, fmt.Errorf("%s exited before saying it was listening (%v); its log:\n%s", path, p.waitErr, p.Tail)
		}
	case <-timer.C:
		_ = cmd.Process.Kill() // it is stuck: nothing else to do
		<-p.done
		return nil, fmt.Errorf("%s did not say it was listening within %s; its log:\n%s", path, wait, p.Tail)
	}
	p.Addr, p.Listening = s.Addr, s.At
	return p, nil
}

// PID is the process id.
func (p *Process) PID() int { return p.Cmd.Process.Pid }

// Done is closed once the process has exited and its log has been read to
// the end.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop sends SIGTERM and waits up to wait for the process to exit, killing
// it then. It returns whether it had to be killed, and what waiting for the
// process returned (nil for exit status 0).
func (p *Process) Stop(wait time.Duration) (killed bool, exitErr error) {
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = p.Cmd.Process.Kill() // no signals on this platform: kill it
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		_ = p.Cmd.Process.Kill() // it ignored SIGTERM
		killed = true
		<-p.done
	}
	return killed, p.waitErr
}

// Sighting is a listening line seen by TailBuffer.Drain: the rest of the
// line, trimmed, and when it was read.
type Sighting struct {
	Addr string
	At   time.Time
}

// drainPause is how long Drain waits between reads once the listening line
// has come, so that a server logging a line per request costs this process
// a wake-up per batch of lines rather than per line (64 KiB of pipe buffer
// hold far more than the lines written meanwhile).
const drainPause = 2 * time.Millisecond

// TailBuffer keeps the last Max bytes of a log.
type TailBuffer struct {
	Max int

	mu  sync.Mutex
	buf []byte
}

// Drain reads r to its end, keeping its tail. Until the first complete
// line starting with prefix has come, it looks for it, and sends the rest
// of that line and the time it was read on seen; after it, it reads in
// batches.
func (t *TailBuffer) Drain(r io.Reader, prefix string, seen chan<- Sighting) {
	chunk := make([]byte, 256<<10)
	var head []byte // what came before the line was found
	sent := false
	for {
		n, err := r.Read(chunk)
		at := time.Now()
		_, _ = t.Write(chunk[:n])
		if !sent {
			head = append(head, chunk[:n]...)
			if rest, ok := findLine(head, prefix); ok {
				seen <- Sighting{Addr: rest, At: at}
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

// Write keeps the end of b.
func (t *TailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*t.Max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.Max:]...)
	}
	return len(b), nil
}

// String is the last lines kept.
func (t *TailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > t.Max {
		b = b[len(b)-t.Max:]
	}
	return strings.TrimRight(string(b), "\n")
}
