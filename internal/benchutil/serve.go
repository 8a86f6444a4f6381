package benchutil

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/vpconform/vpconform/internal/poll"
)

// Serve listens on addr, writes "<name> listening on http://host:port" to
// stderr, and serves h until ctx is done, then shuts the server down,
// letting the requests in progress finish for up to 5s.
func Serve(ctx context.Context, name, addr string, h http.Handler, stderr io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stderr, "%s listening on http://%s\n", name, ln.Addr())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	<-served // http.ErrServerClosed, after Shutdown
	return nil
}

// parentPoll is how often ExitWithParent looks for the parent process.
const parentPoll = 250 * time.Millisecond

// ExitWithParent returns a context that ends with ctx or once the process
// that started this one is gone (this process's parent changes), checked
// every 250ms. The cancel function stops the watch.
func ExitWithParent(ctx context.Context) (context.Context, context.CancelFunc) {
	return exitWithParent(ctx, parentPoll, os.Getppid)
}

// exitWithParent is ExitWithParent polling getppid every d.
func exitWithParent(ctx context.Context, d time.Duration, getppid func() int) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	parent := getppid()
	go poll.Every(ctx, d, func() bool {
		if getppid() != parent {
			cancel()
			return false
		}
		return true
	})
	return ctx, cancel
}
