package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

func main() {
	code, err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "withfake:", err)
		if code == 0 {
			code = 2
		}
	}
	os.Exit(code)
}

// listValue is a repeatable string flag.
type listValue []string

func (l *listValue) String() string     { return strings.Join(*l, " ") }
func (l *listValue) Set(v string) error { *l = append(*l, v); return nil }

type config struct {
	vpfake   string
	fakeArgs []string
	urlEnv   []string
	logPath  string
	wait     time.Duration
	command  []string
}

func parseArgs(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("withfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var fakeArgs, urlEnv listValue
	fs.StringVar(&c.vpfake, "vpfake", "bin/vpfake", "path of the vpfake binary to start (make build writes bin/vpfake)")
	fs.Var(&fakeArgs, "arg", "an argument passed to vpfake, e.g. -arg -propagation-delay=1s (repeatable; -addr is always 127.0.0.1:0)")
	fs.Var(&urlEnv, "url-env", "name of an environment variable set to the fake's URL for the command (repeatable; default VPCONFORM_ENDPOINT)")
	fs.StringVar(&c.logPath, "log", "", "file that receives the fake's log (default: a temporary file, removed unless the command fails)")
	fs.DurationVar(&c.wait, "wait", 30*time.Second, "how long to wait for the fake to print that it is listening")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: withfake [flags] -- command [args...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	c.fakeArgs, c.urlEnv, c.command = fakeArgs, urlEnv, fs.Args()
	if len(c.urlEnv) == 0 {
		c.urlEnv = []string{"VPCONFORM_ENDPOINT"}
	}
	if len(c.command) == 0 {
		return config{}, errors.New("no command given after --")
	}
	if c.wait <= 0 {
		return config{}, fmt.Errorf("-wait must be positive, got %s", c.wait)
	}
	return c, nil
}

const readyPrefix = "vpfake listening on "

// run starts the fake, runs the command and returns the command's exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	c, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, nil
		}
		return 2, err
	}
	logFile, keepLog, err := openLog(c.logPath)
	if err != nil {
		return 2, err
	}
	defer func() {
		_ = logFile.Close()
		if !keepLog {
			_ = os.Remove(logFile.Name())
		}
	}()

	fakeCmd := exec.CommandContext(ctx, c.vpfake, append([]string{"-addr", "127.0.0.1:0"}, c.fakeArgs...)...)
	pipe, err := fakeCmd.StderrPipe()
	if err != nil {
		return 2, fmt.Errorf("connect to vpfake's output: %w", err)
	}
	fakeCmd.Stdout = logFile
	if err := fakeCmd.Start(); err != nil {
		return 2, fmt.Errorf("start %s: %w", c.vpfake, err)
	}
	exited := make(chan error, 1)
	url, err := awaitReady(pipe, logFile, c.wait)
	go func() { exited <- fakeCmd.Wait() }()
	if err != nil {
		_ = fakeCmd.Process.Kill()
		<-exited
		keepLog = true
		return 2, fmt.Errorf("vpfake did not become ready (log: %s): %w", logFile.Name(), err)
	}
	fmt.Fprintf(stderr, "withfake: vpfake at %s (log: %s)\n", url, logFile.Name())

	cmd := exec.CommandContext(ctx, c.command[0], c.command[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = stdout, stderr, nil
	cmd.Env = os.Environ()
	for _, name := range c.urlEnv {
		cmd.Env = append(cmd.Env, name+"="+url)
	}
	runErr := cmd.Run()

	_ = fakeCmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		_ = fakeCmd.Process.Kill()
		<-exited
	}

	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
		return 0, nil
	case errors.As(runErr, &exitErr):
		keepLog = true
		fmt.Fprintf(stderr, "withfake: command failed; vpfake's log is %s\n", logFile.Name())
		return exitErr.ExitCode(), nil
	default:
		keepLog = true
		return 2, fmt.Errorf("run %s: %w", c.command[0], runErr)
	}
}

func openLog(path string) (*os.File, bool, error) {
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, false, fmt.Errorf("create log %s: %w", path, err)
		}
		return f, true, nil
	}
	f, err := os.CreateTemp("", "vpfake-*.log")
	if err != nil {
		return nil, false, fmt.Errorf("create log: %w", err)
	}
	return f, false, nil
}

// awaitReady copies the fake's output to the log until it prints its
// readiness line, returns the URL in it, and keeps copying in the
// background.
func awaitReady(out io.Reader, log io.Writer, wait time.Duration) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		announced := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(log, line)
			if !announced {
				if url, ok := strings.CutPrefix(line, readyPrefix); ok {
					announced = true
					found <- strings.TrimSpace(url)
				}
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			return "", errors.New("vpfake exited before it was listening")
		}
		return url, nil
	case <-time.After(wait):
		return "", fmt.Errorf("no %q line within %s", readyPrefix, wait)
	}
}
