package main

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vpconform/vpconform/internal/benchutil"
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

// startOnce starts t, times its listening line and the answer to its
// first request, stops it and returns the round's figures. A wrong or
// failed answer, or a server that does not exit 0 on SIGTERM, is recorded
// in the result; the error is for a server that could not be measured at
// all: it did not start, or did not say it listens within wait.
func startOnce(t target, wait time.Duration) (roundResult, error) {
	p, err := benchutil.Start(t.path, t.args, t.prefix, wait)
	if err != nil {
		return roundResult{}, err
	}
	res := roundResult{Server: t.name, PID: p.PID(), CPUMillis: -1, MaxRSSKiB: -1}
	res.ListenMillis = millis(p.Listening.Sub(p.Started))
	done, askErr := ask(t.probe, p.Addr, wait)
	res.AnswerMillis = millis(done.Sub(p.Started))
	res.FirstRequestMillis = res.AnswerMillis - res.ListenMillis
	if askErr != nil {
		res.Error = askErr.Error()
	}
	if err := stop(p); err != nil {
		res.StopError = fmt.Sprintf("%v; its log:\n%s", err, p.Tail)
	}
	if ps := p.Cmd.ProcessState; ps != nil {
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

// stop sends SIGTERM to p and waits for it to exit, killing it after
// stopWait. A process that does not exit 0 is an error.
func stop(p *benchutil.Process) error {
	killed, err := p.Stop(stopWait)
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
