package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/vpconform/vpconform/internal/benchutil"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// body is the answer to every request.
const body = `{"hello":"world"}`

// handler answers every request 200 with body, after reading the
// request's body.
func handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // a body cut short is answered all the same
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
}

// cli runs the server and returns the exit status: 0 once stopped, 2 for
// flags it cannot use, 1 when it cannot listen or serve.
func cli(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("hello", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to listen on")
	withParent := fs.Bool("exit-with-parent", false, "exit when the process that started this one is gone")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: hello [-addr 127.0.0.1:0] [-exit-with-parent]")
		return 2
	}
	if *withParent {
		var cancel context.CancelFunc
		ctx, cancel = benchutil.ExitWithParent(ctx)
		defer cancel()
	}
	if err := benchutil.Serve(ctx, "hello", *addr, handler(), stderr); err != nil {
		fmt.Fprintf(stderr, "hello: %v\n", err)
		return 1
	}
	return 0
}
