package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK       = 0 // every scenario that ran passed
	exitFailed   = 1 // a scenario failed, or the run could not start
	exitUsage    = 2 // bad arguments
	exitInternal = 3 // the command itself failed (a report it could not write)
)

// dispatch runs the subcommand args name (run, the default, or proxy) and
// returns the exit status.
func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "proxy" {
		return runProxy(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "run" {
		args = args[1:]
	}
	return runCatalogue(ctx, args, getenv, stdout, stderr)
}

// usageHead introduces the command in every help text.
const usageHead = `vpconform: the conformance catalogue of the Amazon Verified Permissions
identity-source API, against any endpoint.

Usage:
  vpconform [run] -endpoint URL [flags]      run the catalogue, write the report
  vpconform -list                            print the catalogue
  vpconform proxy -upstream URL [flags]      a validating, recording proxy
  vpconform -version

`

func printUsage(w io.Writer, body string) {
	fmt.Fprint(w, usageHead+body)
}
