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
	"strings"
	"syscall"
	"time"

	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

func main() {
	cfg, err := loadConfig(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(os.Stderr, usage(os.Getenv))
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vpfake: %v\n\n%s", err, usage(os.Getenv))
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stderr, nil); err != nil {
		fmt.Fprintf(os.Stderr, "vpfake: %v\n", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds how long requests in flight may take to finish
// once a shutdown signal arrives.
const shutdownTimeout = 10 * time.Second

// run serves the fake on cfg.addr until ctx is done, then shuts down
// gracefully. ready, if not nil, is called with the bound address once the
// listener is open.
func run(ctx context.Context, cfg config, logOut io.Writer, ready func(addr string)) error {
	logger := log.New(logOut, "vpfake: ", log.LstdFlags|log.Lmicroseconds)
	opts := []fake.Option{fake.WithoutListener(), fake.WithRegion(cfg.region), fake.WithAccount(cfg.account)}
	if cfg.seed != 0 {
		opts = append(opts, fake.WithIDSeed(cfg.seed))
	}
	if cfg.propagationDelay > 0 {
		opts = append(opts, fake.WithPropagationDelay(cfg.propagationDelay))
	}
	if len(cfg.credentials) > 0 {
		opts = append(opts, fake.WithCredentials(cfg.credentials...))
	}
	srv := fake.NewServer(opts...)
	defer srv.Close()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	hs := &http.Server{
		Handler:           logRequests(srv.Handler(), logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	// The readiness line has no log prefix, so scripts can wait for it.
	fmt.Fprintf(logOut, "vpfake listening on http://%s\n", ln.Addr())
	if len(cfg.credentials) > 0 {
		logger.Printf("verifying SigV4 signatures: %d credential(s) from %s", len(cfg.credentials), cfg.credentialsFile)
	}
	if cfg.propagationDelay > 0 {
		logger.Printf("reads see writes after %s", cfg.propagationDelay)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Printf("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	}
	return nil
}

// logRequests logs one line per request: the operation (or method and
// path), the status and the duration.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		op := schemas.OperationFromTarget(r.Header.Get("X-Amz-Target"))
		if op == "" || strings.HasPrefix(r.URL.Path, "/_vpfake/") {
			op = r.Method + " " + r.URL.Path
		}
		logger.Printf("%s %d %s", op, sw.status, time.Since(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
