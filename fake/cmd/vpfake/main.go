package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// cli runs the command with its arguments and environment and returns its
// exit status: 0, 2 for a configuration it cannot use, 1 when the server
// cannot start (a state file refused included) or fails.
func cli(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stderr, usage(getenv))
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "vpfake: %v\nRun vpfake -h for the flags, control routes and state file.\n", err)
		return 2
	case cfg.version:
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	if cfg.exitWithParent {
		var cancel context.CancelFunc
		ctx, cancel = watchParent(ctx, os.Getppid, parentPoll)
		defer cancel()
	}
	if err := run(ctx, cfg, stderr, nil); err != nil {
		fmt.Fprintf(stderr, "vpfake: %v\n", err)
		return 1
	}
	return 0
}

// versionLine is what -version prints.
func versionLine() string {
	return "vpfake " + version.String()
}

// cutGrace is how long requests whose bodies were cut short at the end of
// -shutdown-timeout may take to be answered before their connections are
// closed.
const cutGrace = 2 * time.Second

// run serves the fake on cfg.addr until ctx is done, then shuts down
// gracefully (see drain). Limits left at zero in cfg have their defaults.
// ready, if not nil, is called with the bound address once the
// listener is open. With a state file, it starts from the file's state,
// refusing a file that is not a valid state before it listens, and keeps
// the file up to date until it returns. It logs to logOut: start-up and
// shutdown lines, and each request as cfg.log says (see logRequests),
// every line written out before it returns.
func run(ctx context.Context, cfg config, logOut io.Writer, ready func(addr string)) error {
	cfg = cfg.withDefaults()
	// Every line goes through sink, so that the request lines it buffers
	// keep their place among the others; close writes out the last ones.
	sink := newLogSink(logOut, logFlushInterval)
	defer func() { _ = sink.close() }() // a log that cannot be written has nowhere to report it
	logger := log.New(sink, "vpfake: ", log.LstdFlags|log.Lmicroseconds)
	opts := []fake.Option{
		fake.WithoutListener(), fake.WithRegion(cfg.region), fake.WithAccount(cfg.account),
		fake.WithMaxPolicyStores(cfg.maxPolicyStores), fake.WithMaxEncryptionContextBytes(cfg.maxEncryptionContextBytes),
		fake.WithMaxStateBytes(cfg.maxStateBytes), fake.WithMaxFaults(cfg.maxFaults), fake.WithMaxFaultMessageBytes(cfg.maxFaultMessageBytes),
		fake.WithReadHeaderTimeout(cfg.readHeaderTimeout), fake.WithReadTimeout(cfg.readTimeout),
		fake.WithIdleTimeout(cfg.idleTimeout), fake.WithMaxHeaderBytes(cfg.maxHeaderBytes),
	}
	if cfg.controlToken != "" {
		opts = append(opts, fake.WithControlToken(cfg.controlToken))
	}
	if cfg.seed != 0 {
		opts = append(opts, fake.WithIDSeed(cfg.seed))
	}
	if cfg.propagationDelay > 0 {
		opts = append(opts, fake.WithPropagationDelay(cfg.propagationDelay))
	}
	if len(cfg.credentials) > 0 {
		opts = append(opts, fake.WithCredentials(cfg.credentials...))
	}
	var (
		loaded loadedState
		saver  *persister
	)
	if cfg.stateFile != "" {
		var err error
		if loaded, err = readStateFile(cfg.stateFile); err != nil {
			return err
		}
		saver = newPersister(loaded.path, logger)
		opts = append(opts, fake.WithStateChanged(saver.notify))
	}
	srv := fake.NewServer(opts...)
	defer srv.Close()
	if saver != nil {
		if loaded.exists && !loaded.empty {
			if err := srv.SetState(loaded.state); err != nil {
				return fmt.Errorf("state file %s is not a valid state: %w (the file is left as it is: fix it or remove it)", cfg.stateFile, err)
			}
		}
		current, err := encodeState(srv.State())
		if err != nil {
			return err
		}
		saver.start(srv.State, current)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		if saver != nil {
			_ = saver.close() // nothing has changed: writes nothing
		}
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	hs := srv.NewHTTPServer(logRequests(srv.Handler(), sink, cfg.log))
	hs.ErrorLog = logger
	conns := &connTracker{}
	hs.ConnState = conns.track
	// The readiness line has no log prefix, so scripts can wait for it.
	fmt.Fprintf(sink, "vpfake listening on http://%s\n", ln.Addr())
	if len(cfg.credentials) > 0 {
		logger.Printf("verifying SigV4 signatures: %d credential(s) from %s", len(cfg.credentials), cfg.credentialsFile)
	}
	if cfg.propagationDelay > 0 {
		logger.Printf("reads see writes after %s", cfg.propagationDelay)
	}
	if cfg.controlToken != "" {
		logger.Printf("control routes but health require the control token")
	}
	if saver != nil {
		logState(logger, cfg.stateFile, loaded, srv.State())
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	var errs []error
	select {
	case err := <-served:
		errs = append(errs, fmt.Errorf("serve on %s: %w", ln.Addr(), err))
	case <-ctx.Done():
		logger.Printf("shutting down: fault delays end now; requests in flight have %s (-shutdown-timeout) to finish", cfg.shutdownTimeout)
		srv.EndDelays()
		if err := drain(hs, conns, cfg.shutdownTimeout, logger); err != nil {
			errs = append(errs, err)
		}
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("serve on %s: %w", ln.Addr(), err))
		}
	}
	if saver != nil {
		if err := saver.close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// drain shuts hs down gracefully: it stops accepting, closes idle
// connections and waits up to timeout for the requests in flight (fault
// delays have ended, so only requests still arriving or being answered
// remain). Past timeout it cuts short the request bodies still arriving,
// which are then answered SerializationException, and waits cutGrace more;
// only the requests that are still not answered then have their
// connections closed, and that is an error.
func drain(hs *http.Server, conns *connTracker, timeout time.Duration, logger *log.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := hs.Shutdown(ctx)
	cancel()
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down: %w", err)
	}
	n := conns.cutReads()
	logger.Printf("shutting down: %d request(s) still in progress after %s: cutting short the request bodies still arriving", n, timeout)
	ctx, cancel = context.WithTimeout(context.Background(), cutGrace)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		closeErr := hs.Close()
		return errors.Join(fmt.Errorf("shut down: requests still unanswered %s after -shutdown-timeout %s; their connections were closed: %w", cutGrace, timeout, err), closeErr)
	}
	return nil
}

// connTracker knows the connections with a request in progress, so that
// drain can cut short the bodies still arriving on them. Each connection
// has a flag, set while a request is in progress: the two changes of state
// every request makes read the map without a lock and set the flag, and
// only a connection opened or closed writes the map.
type connTracker struct {
	conns sync.Map // net.Conn → *atomic.Bool, true while a request is in progress
}

// track is an http.Server ConnState hook.
func (c *connTracker) track(conn net.Conn, state http.ConnState) {
	switch state {
	case http.StateNew:
		c.conns.Store(conn, new(atomic.Bool))
	case http.StateActive, http.StateIdle:
		if v, ok := c.conns.Load(conn); ok {
			v.(*atomic.Bool).Store(state == http.StateActive)
		}
	default: // StateHijacked, StateClosed
		c.conns.Delete(conn)
	}
}

// cutReads makes every read on the active connections fail from now on:
// a handler reading a body gets an error and answers it. It returns how
// many connections were active.
func (c *connTracker) cutReads() int {
	now := time.Now()
	n := 0
	c.conns.Range(func(k, v any) bool {
		if v.(*atomic.Bool).Load() {
			_ = k.(net.Conn).SetReadDeadline(now) // a connection already closed has nothing to cut
			n++
		}
		return true
	})
	return n
}

// logState says where the state came from and where it goes.
func logState(logger *log.Logger, path string, loaded loadedState, st fake.State) {
	sources := 0
	for _, ps := range st.PolicyStores {
		sources += len(ps.IdentitySources)
	}
	switch {
	case !loaded.exists:
		logger.Printf("state: %s does not exist yet: starting empty; it is written at the first change", path)
	case loaded.empty:
		logger.Printf("state: %s is empty: starting empty; it is written at the first change", path)
	default:
		logger.Printf("state: loaded %d policy store(s) and %d identity source(s) from %s; it is rewritten after each change", len(st.PolicyStores), sources, path)
	}
}
