package main

import (
	"fmt"
	"time"

	"github.com/vpconform/vpconform/internal/benchutil"
)

// server is a server process the benchmark started.
type server struct {
	name string // "fake" or "canned"
	path string
	addr string // host:port it listens on
	proc *benchutil.Process
}

// startWait is how long a server may take to say it is listening.
const startWait = 30 * time.Second

// stopWait is how long a server has to exit after SIGTERM before it is
// killed.
const stopWait = 10 * time.Second

// startServer starts the binary at path with args, and waits for the line
// "<prefix>http://host:port" on its standard error, which it then keeps
// draining (remembering the end, for errors), as benchutil.Start does.
func startServer(name, path, prefix string, args ...string) (*server, error) {
	p, err := benchutil.Start(path, args, prefix+"http://", startWait)
	if err != nil {
		return nil, err
	}
	return &server{name: name, path: path, addr: p.Addr, proc: p}, nil
}

// pid is the server's process id.
func (s *server) pid() int { return s.proc.PID() }

// stop sends SIGTERM and waits for the exit, killing the process after
// 10s. A server that does not exit 0 is an error naming its log.
func (s *server) stop() error {
	killed, err := s.proc.Stop(stopWait)
	switch {
	case killed:
		return fmt.Errorf("%s (%s) did not exit within 10s of SIGTERM and was killed; its log:\n%s", s.name, s.path, s.proc.Tail)
	case err != nil:
		return fmt.Errorf("%s (%s) exited with %v; its log:\n%s", s.name, s.path, err, s.proc.Tail)
	}
	return nil
}
