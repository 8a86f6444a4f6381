package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/vpconform/vpconform/internal/benchutil"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// settings are the benchmark's flags.
type settings struct {
	vpfake, hello string
	rounds        int
	warmup        int
	timeout       time.Duration
	jsonPath      string
}

func parseFlags(args []string, stderr io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("startbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.vpfake, "vpfake", "bin/vpfake", "the vpfake `binary` (make build writes bin/vpfake)")
	fs.StringVar(&s.hello, "hello", "bin/hello", "the hello-world server `binary` (go build -o bin/hello ./internal/startbench/hello)")
	fs.IntVar(&s.rounds, "rounds", 30, "measured starts of each server, the servers taking turns")
	fs.IntVar(&s.warmup, "warmup", 1, "unmeasured starts of each server before the rounds, so that both binaries are in the file cache (0 for none)")
	fs.DurationVar(&s.timeout, "timeout", 30*time.Second, "how long a server may take to say it is listening, and then to answer its first request")
	fs.StringVar(&s.jsonPath, "json", "", "also write the results, every round included, as JSON to this `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: startbench [-vpfake bin/vpfake] [-hello bin/hello] [-rounds 30] [-warmup 1] [-timeout 30s] [-json file]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	switch {
	case fs.NArg() > 0:
		return settings{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case s.rounds < 1:
		return settings{}, fmt.Errorf("-rounds %d is less than 1", s.rounds)
	case s.warmup < 0:
		return settings{}, fmt.Errorf("-warmup %d is negative", s.warmup)
	case s.timeout <= 0:
		return settings{}, fmt.Errorf("-timeout %s is not positive", s.timeout)
	case s.vpfake == "" || s.hello == "":
		return settings{}, errors.New("-vpfake and -hello must name binaries")
	}
	return s, nil
}

// missingPolicyStore is the id the first request to vpfake asks for: a
// well-formed id of a policy store that does not exist.
const missingPolicyStore = "PSstartbench0000000000"

// vpfakeTarget is vpfake at path, asked GetPolicyStore of a missing
// policy store, which it must answer 404 ResourceNotFoundException.
func vpfakeTarget(path string) target {
	return target{
		name:   "vpfake",
		path:   path,
		args:   []string{"-addr", "127.0.0.1:0", "-region", "us-east-1", "-exit-with-parent"},
		prefix: "vpfake listening on http://",
		probe: probe{
			describe: "POST / VerifiedPermissions.GetPolicyStore of a missing policy store: 404 ResourceNotFoundException",
			request: func(addr string) (*http.Request, error) {
				body := `{"policyStoreId":"` + missingPolicyStore + `"}`
				req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
				if err != nil {
					return nil, fmt.Errorf("build the first request: %w", err)
				}
				req.Header.Set("Content-Type", "application/x-amz-json-1.0")
				req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetPolicyStore")
				return req, nil
			},
			check: checkNotFound,
		},
	}
}

// checkNotFound accepts a 404 whose X-Amzn-ErrorType is
// ResourceNotFoundException (optionally followed by ":" and more, as AWS
// may send), with a body.
func checkNotFound(status int, h http.Header, body []byte) error {
	typ, _, _ := strings.Cut(h.Get("X-Amzn-ErrorType"), ":")
	if status != http.StatusNotFound || typ != "ResourceNotFoundException" || len(body) == 0 {
		return fmt.Errorf("HTTP %d, X-Amzn-ErrorType %q, body %q; want 404 ResourceNotFoundException with a body", status, h.Get("X-Amzn-ErrorType"), truncate(body))
	}
	return nil
}

// helloBody is what hello answers.
const helloBody = `{"hello":"world"}`

// helloTarget is the hello-world server at path, asked GET /, which it
// must answer 200 {"hello":"world"}.
func helloTarget(path string) target {
	return target{
		name:   "hello",
		path:   path,
		args:   []string{"-addr", "127.0.0.1:0", "-exit-with-parent"},
		prefix: "hello listening on http://",
		probe: probe{
			describe: "GET /: 200 " + helloBody,
			request: func(addr string) (*http.Request, error) {
				req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
				if err != nil {
					return nil, fmt.Errorf("build the first request: %w", err)
				}
				return req, nil
			},
			check: checkHello,
		},
	}
}

// checkHello accepts 200 {"hello":"world"}.
func checkHello(status int, _ http.Header, body []byte) error {
	if status != http.StatusOK || !bytes.Equal(body, []byte(helloBody)) {
		return fmt.Errorf("HTTP %d %q, want 200 %s", status, truncate(body), helloBody)
	}
	return nil
}

// truncate is the start of a body, for messages.
func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// cli runs the benchmark and returns the exit status: 0; 1 when an answer
// was wrong or a server did not stop cleanly (the figures are then
// printed, but are not to be trusted); 2 when it could not run.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "startbench: %v\n", err)
		return 2
	}
	return run(ctx, s, []target{vpfakeTarget(s.vpfake), helloTarget(s.hello)}, stdout, stderr)
}

// run measures targets (the subject, then the base) as s says, prints the
// report, writes it to s.jsonPath if set, and returns the exit status as
// cli does.
func run(ctx context.Context, s settings, targets []target, stdout, stderr io.Writer) int {
	rep, err := bench(ctx, s, targets, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "startbench: %v\n", err)
		return 2
	}
	rep.print(stdout)
	code := 0
	if s.jsonPath != "" {
		if err := benchutil.WriteJSON(s.jsonPath, rep); err != nil {
			fmt.Fprintf(stderr, "startbench: %v\n", err)
			code = 2
		} else {
			fmt.Fprintf(stdout, "startbench: every round in %s\n", s.jsonPath)
		}
	}
	if n := rep.wrong(); n > 0 {
		fmt.Fprintf(stderr, "startbench: %d start(s) with a wrong answer or a server that did not stop cleanly: the figures above are not to be trusted\n", n)
		return 1
	}
	return code
}

// bench starts each target s.warmup times unmeasured, then s.rounds times,
// the targets taking turns, and returns the report.
func bench(ctx context.Context, s settings, targets []target, stderr io.Writer) (*report, error) {
	rep := &report{Rounds: s.rounds, Warmup: s.warmup, CPUs: runtime.NumCPU()}
	for _, t := range targets {
		rep.Servers = append(rep.Servers, serverInfo{Name: t.name, Path: t.path, Args: t.args, FirstRequest: t.probe.describe})
	}
	for round := 1 - s.warmup; round <= s.rounds; round++ {
		for _, t := range targets {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("interrupted: %w", err)
			}
			res, err := startOnce(t, s.timeout)
			if err != nil {
				return nil, err
			}
			res.Round = max(round, 0)
			rep.RoundResults = append(rep.RoundResults, res)
			label := fmt.Sprintf("round %d", res.Round)
			if res.Round == 0 {
				label = "warm-up"
			}
			fmt.Fprintf(stderr, "startbench: %s %s: listen %s, answer %s, CPU %s, max RSS %s%s\n", label, t.name,
				fmtMillis(res.ListenMillis), fmtMillis(res.AnswerMillis), fmtMillis(res.CPUMillis), fmtKiB(float64(res.MaxRSSKiB)), problems(res))
		}
	}
	rep.summarise()
	return rep, nil
}

// problems is what went wrong in a round, for its progress line.
func problems(rr roundResult) string {
	var out string
	if rr.Error != "" {
		out += "; WRONG: " + rr.Error
	}
	if rr.StopError != "" {
		out += "; STOP: " + strings.SplitN(rr.StopError, "\n", 2)[0]
	}
	return out
}
