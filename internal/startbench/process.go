package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// target is a server the benchmark starts, and its first request.
type target struct {
	name   string // its row in the report: "vpfake" or "hello"
	path   string
	args   []string
	prefix string // its listening line up to the address: "vpfake listening on http://"
	probe  probe
}

// probe is the first request sent to a server, and what its answer must
// be.
type probe struct {
	// describe says what is sent and expected, for the report.
	describe string
	// request builds the request to the server listening on addr.
	request func(addr string) (*http.Request, error)
	// check says how an answer is wrong, or nil when it is right.
	check func(status int, h http.Header, body []byte) error
}

// stopWait is how long a server has to exit after SIGTERM before it is
// killed.
const stopWait = 10 * time.Second

// sighting is the listening line seen: the address and when.
type sighting struct {
	addr string
	at   time.Time
}

// startOnce starts t, times its listening line and the answer to its
// first request, stops it and returns the round's figures. A wrong or
// failed answer, or a server that does not exit 0 on SIGTERM, is recorded
// in the result; the error is for a server that could not be measured at
// all: it did not start, or did not say it listens within wait.
func startOnce(t target, wait time.Duration) (roundResult, error) {
	cmd := exec.Command(t.path, t.args...)
	// No state file, delay or credentials of the caller's shell may change
	// what is measured.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "VPFAKE_") })
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return roundResult{}, fmt.Errorf("connect to the log of %s: %w", t.path, err)
	}
	tail := &tailBuffer{max: 8 << 10}
	seen := make(chan sighting, 1)
	drained := make(chan struct{})
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return roundResult{}, fmt.Errorf("start %s: %w", t.path, err)
	}
	go func() {
		tail.drain(pipe, t.prefix, seen)
		close(drained)
	}()
	res := roundResult{Server: t.name, PID: cmd.Process.Pid, CPUMillis: -1, MaxRSSKiB: -1}
	var s sighting
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case s = <-seen:
	case <-drained: // its standard error closed: it exited, the line sent or not
		select {
		case s = <-seen: // it did say it listens: its first request tells the rest
		default:
			err := cmd.Wait()
			return roundResult{}, fmt.Errorf("%s exited before saying it was listening (%v); its log:\n%s", t.path, err, tail)
		}
	case <-timer.C:
		_ = cmd.Process.Kill() // it is stuck: nothing else to do
		<-drained
		_ = cmd.Wait() // killed: its status says nothing more
		return roundResult{}, fmt.Errorf("%s did not say it was listening within %s; its log:\n%s", t.path, wait, tail)
	}
	res.ListenMillis = millis(s.at.Sub(start))
	done, askErr := ask(t.probe, s.addr, wait)
	res.AnswerMillis = millis(done.Sub(start))
	res.FirstRequestMillis = res.AnswerMillis - res.ListenMillis
	if askErr != nil {
		res.Error = askErr.Error()
	}
	if err := stop(cmd, drained); err != nil {
		res.StopError = fmt.Sprintf("%v; its log:\n%s", err, tail)
	}
	if ps := cmd.ProcessState; ps != nil {
		res.CPUMillis = millis(ps.UserTime() + ps.SystemTime())
		res.MaxRSSKiB = maxRSSKiB(ps)
	}
	return res, nil
}

// ask sends p's request to addr over a connection of its own and returns
// when the answer's last byte came (or the request failed), and how the
// answer is wrong, if it is.
func ask(p probe, addr string, timeout time.Duration) (time.Time, error) {
	req, err := p.request(addr)
	if err != nil {
		return time.Now(), err
	}
	// A new transport each time: no connection of an earlier round, no
	// proxy, and no keep-alive to leave behind.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout}
	resp, err := client.Do(req)
	if err != nil {
		return time.Now(), fmt.Errorf("first request: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	done := time.Now()
	_ = resp.Body.Close() // read to its end already
	if err != nil {
		return done, fmt.Errorf("first request: read the answer: %w", err)
	}
	if err := p.check(resp.StatusCode, resp.Header, body); err != nil {
		return done, fmt.Errorf("first request: %w", err)
	}
	return done, nil
}

// stop sends SIGTERM to cmd's process and waits for it to exit, killing
// it after stopWait; drained is closed once its standard error has been
// read to the end. A process that does not exit 0 is an error.
func stop(cmd *exec.Cmd, drained <-chan struct{}) error {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = cmd.Process.Kill() // no signals on this platform: kill it
	}
	timer := time.NewTimer(stopWait)
	defer timer.Stop()
	killed := false
	select {
	case <-drained:
	case <-timer.C:
		_ = cmd.Process.Kill() // it ignored SIGTERM
		killed = true
		<-drained
	}
	err := cmd.Wait()
	switch {
	case killed:
		return fmt.Errorf("did not exit within %s of SIGTERM and was killed", stopWait)
	case err != nil:
		return fmt.Errorf("exited with %v after SIGTERM, want status 0", err)
	}
	return nil
}

// millis is d in milliseconds.
func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// tailBuffer keeps the last max bytes of a log.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// drain reads r to its end, keeping its tail. The first complete line
// starting with prefix is sent on seen, with the rest of the line and the
// time it was read.
func (t *tailBuffer) drain(r io.Reader, prefix string, seen chan<- sighting) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		at := time.Now()
		_, _ = t.Write([]byte(line))
		if err != nil {
			return
		}
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			seen <- sighting{addr: strings.TrimSpace(rest), at: at}
			break
		}
	}
	_, _ = io.Copy(t, br) // the rest of the log, for errors
}

// Write keeps the end of b.
func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
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
