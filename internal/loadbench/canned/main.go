package main

import (
	"context"
	"encoding/json"
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

// answer is the response served to every request.
type answer struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// readAnswer reads and checks an answer file.
func readAnswer(path string) (answer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return answer{}, fmt.Errorf("read the answer: %w", err)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return answer{}, fmt.Errorf("answer file %s is not {\"status\", \"header\", \"body\"}: %w", path, err)
	}
	if a.Status < 100 || a.Status > 999 {
		return answer{}, fmt.Errorf("answer file %s: status %d is not an HTTP status", path, a.Status)
	}
	return a, nil
}

// handler answers every request with a, after reading its body.
func handler(a answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // a body cut short is answered all the same
		h := w.Header()
		for k, v := range a.Header {
			h[k] = v
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	})
}

// cli runs the server and returns the exit status: 0 once stopped, 2 for
// flags or an answer file it cannot use, 1 when it cannot listen or serve.
func cli(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("canned", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "`host:port` to listen on")
	path := fs.String("answer", "", "JSON `file` of the answer: {\"status\", \"header\", \"body\" (base64)}")
	withParent := fs.Bool("exit-with-parent", false, "exit when the process that started this one is gone")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: canned -answer file [-addr 127.0.0.1:0] [-exit-with-parent]")
		return 2
	}
	a, err := readAnswer(*path)
	if err != nil {
		fmt.Fprintf(stderr, "canned: %v\n", err)
		return 2
	}
	if *withParent {
		var cancel context.CancelFunc
		ctx, cancel = benchutil.ExitWithParent(ctx)
		defer cancel()
	}
	if err := benchutil.Serve(ctx, "canned", *addr, handler(a), stderr); err != nil {
		fmt.Fprintf(stderr, "canned: %v\n", err)
		return 1
	}
	return 0
}
