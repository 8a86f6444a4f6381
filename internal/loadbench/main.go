package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/vpconform/vpconform/fake"
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
	vpfake, canned  string
	concurrency     []int
	rounds          int
	duration        time.Duration
	warmup          time.Duration
	credentials     bool
	credentialsFile string
	accessKeyID     string
	jsonPath        string
	// pairs is the scale mode's count of pairs in the large server; 0 for
	// the mode measuring vpfake against the canned server.
	pairs           int
	fillConcurrency int
}

// region is the Region the fake runs in and requests are signed for.
const region = "us-east-1"

func parseFlags(args []string, stderr io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	conc := fs.String("concurrency", "1,8,64", "comma-separated `list` of client counts, each with its own keep-alive connection (with -pairs, 1,8 unless given)")
	fs.StringVar(&s.vpfake, "vpfake", "bin/vpfake", "the vpfake binary (make build writes bin/vpfake)")
	fs.StringVar(&s.canned, "canned", "bin/canned", "the canned server binary (go build -o bin/canned ./internal/loadbench/canned)")
	fs.IntVar(&s.rounds, "rounds", 5, "rounds per server and concurrency, the servers taking turns")
	fs.DurationVar(&s.duration, "duration", 2*time.Second, "how long each round lasts")
	fs.DurationVar(&s.warmup, "warmup", 500*time.Millisecond, "load on each server, not measured, before the rounds of each concurrency (0 for none)")
	fs.BoolVar(&s.credentials, "credentials", false, "start vpfake with -credentials-file and sign every request with SigV4 (the canned server ignores the signature)")
	fs.StringVar(&s.credentialsFile, "credentials-file", "testdata/vpfake-credentials.json", "vpfake's credentials file, with -credentials")
	fs.StringVar(&s.accessKeyID, "access-key-id", "", "the credential of -credentials-file to sign with (default: its first)")
	fs.StringVar(&s.jsonPath, "json", "", "also write the results, every round included, as JSON to this `file`")
	fs.IntVar(&s.pairs, "pairs", 0, "scale mode: start two vpfakes, fill one with `N` pairs of a policy store and its Cognito identity source and the other with 1,\n"+
		"and measure GetIdentitySource on both, unsigned, each request naming another pair (no canned server); 0 for the fake against the canned server")
	fs.IntVar(&s.fillConcurrency, "fill-concurrency", 8, "with -pairs, the keep-alive connections the pairs are created over in parallel")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loadbench [-vpfake bin/vpfake] [-canned bin/canned] [-concurrency 1,8,64] [-rounds 5] [-duration 2s] [-credentials] [-json file]")
		fmt.Fprintln(stderr, "       loadbench -pairs N [-vpfake bin/vpfake] [-fill-concurrency 8] [-concurrency 1,8] [-rounds 5] [-duration 2s] [-json file]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if s.pairs > 0 && !given["concurrency"] {
		*conc = "1,8"
	}
	var err error
	if s.concurrency, err = parseConcurrency(*conc); err != nil {
		return settings{}, err
	}
	switch {
	case s.pairs < 0:
		return settings{}, fmt.Errorf("-pairs %d is negative, want a count of pairs (or 0 for the fake against the canned server)", s.pairs)
	case s.pairs > maxPairs:
		return settings{}, fmt.Errorf("-pairs %d is more than %d, the most loadbench fills", s.pairs, maxPairs)
	case s.pairs > 0 && s.credentials:
		return settings{}, errors.New("-credentials with -pairs: the scale mode sends unsigned requests only")
	case s.pairs > 0 && given["canned"]:
		return settings{}, errors.New("-canned with -pairs: the scale mode starts no canned server, two vpfakes instead")
	case s.fillConcurrency < 1 || s.fillConcurrency > 4096:
		return settings{}, fmt.Errorf("-fill-concurrency %d is not a count from 1 to 4096", s.fillConcurrency)
	case fs.NArg() > 0:
		return settings{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case s.rounds < 1:
		return settings{}, fmt.Errorf("-rounds %d is less than 1", s.rounds)
	case s.duration <= 0:
		return settings{}, fmt.Errorf("-duration %s is not positive", s.duration)
	case s.warmup < 0:
		return settings{}, fmt.Errorf("-warmup %s is negative", s.warmup)
	}
	return s, nil
}

// parseConcurrency reads a comma-separated list of positive counts.
func parseConcurrency(v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return nil, fmt.Errorf("-concurrency %q: %q is not a count from 1 to 4096", v, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// cli runs the benchmark and returns the exit status: 0; 1 when a server
// gave a wrong answer or failed (the figures are then printed, but are not
// to be trusted); 2 when it could not run.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadbench: %v\n", err)
		return 2
	}
	run := bench
	if s.pairs > 0 {
		run = benchScale
	}
	rep, err := run(ctx, s, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "loadbench: %v\n", err)
		return 2
	}
	rep.print(stdout)
	code := 0
	if s.jsonPath != "" {
		if err := benchutil.WriteJSON(s.jsonPath, rep); err != nil {
			fmt.Fprintf(stderr, "loadbench: %v\n", err)
			code = 2
		} else {
			fmt.Fprintf(stdout, "loadbench: every round in %s\n", s.jsonPath)
		}
	}
	if n := rep.errors(); n > 0 || len(rep.Stops) > 0 {
		fmt.Fprintf(stderr, "loadbench: %d wrong or failed answers, %d server(s) that did not stop cleanly: the figures above are not to be trusted\n", n, len(rep.Stops))
		return 1
	}
	return code
}

// ids are the resources created in the fake.
type ids struct {
	policyStoreID, identitySourceID string
}

// setup creates a policy store and a Cognito identity source in the fake
// at addr, over raw awsJson1_0 requests, and returns their ids.
func setup(client *http.Client, addr string, sign *signing) (ids, error) {
	var store struct {
		PolicyStoreID string `json:"policyStoreId"`
	}
	if err := call(client, addr, "CreatePolicyStore", createStoreBody("loadbench-store"), sign, &store); err != nil {
		return ids{}, err
	}
	var source struct {
		IdentitySourceID string `json:"identitySourceId"`
	}
	if err := call(client, addr, "CreateIdentitySource", createSourceBody("loadbench-source", store.PolicyStoreID), sign, &source); err != nil {
		return ids{}, err
	}
	if store.PolicyStoreID == "" || source.IdentitySourceID == "" {
		return ids{}, fmt.Errorf("the fake answered policy store id %q and identity source id %q, want both", store.PolicyStoreID, source.IdentitySourceID)
	}
	return ids{store.PolicyStoreID, source.IdentitySourceID}, nil
}

// createStoreBody is the body of a CreatePolicyStore with clientToken
// token, validation off.
func createStoreBody(token string) string {
	return `{"clientToken":"` + token + `","validationSettings":{"mode":"OFF"}}`
}

// createSourceBody is the body of a CreateIdentitySource with clientToken
// token of a Cognito identity source in policy store storeID.
func createSourceBody(token, storeID string) string {
	return `{"clientToken":"` + token + `","policyStoreId":"` + storeID + `","principalEntityType":"LoadBench::User",` +
		`"configuration":{"cognitoUserPoolConfiguration":{"userPoolArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",` +
		`"clientIds":["a1b2c3d4e5f6g7h8i9j0kalbmc"],"groupConfiguration":{"groupEntityType":"LoadBench::Group"}}}}`
}

// call sends operation op with body to addr and decodes a 200 answer into
// out; another status is an error quoting the body.
func call(client *http.Client, addr, op, body string, sign *signing, out any) error {
	a, err := fetch(client, addr, op, []byte(body), sign)
	if err != nil {
		return err
	}
	if a.Status != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d, want 200: %s", op, a.Status, a.Body)
	}
	if err := json.Unmarshal(a.Body, out); err != nil {
		return fmt.Errorf("%s: decode the answer %s: %w", op, a.Body, err)
	}
	return nil
}

// answer is a server's answer as the canned server replays it (the JSON of
// its -answer file).
type answer struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// fetch sends one request and returns the answer, without the headers
// net/http writes for any handler (Date and Content-Length).
func fetch(client *http.Client, addr, op string, body []byte, sign *signing) (answer, error) {
	r, err := newAPIRequest(addr, op, body, sign)
	if err != nil {
		return answer{}, err
	}
	resp, err := client.Do(r)
	if err != nil {
		return answer{}, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s: read the answer: %w", op, err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return answer{Status: resp.StatusCode, Header: h, Body: b}, nil
}

// requestIDHeader is the header the fake gives a fresh value per request.
const requestIDHeader = "X-Amzn-Requestid"

// sameAnswer says how got differs from want, ignoring the request id's
// value, or "" when it does not.
func sameAnswer(got, want answer) string {
	g, w := got.Header.Clone(), want.Header.Clone()
	if (g.Get(requestIDHeader) == "") != (w.Get(requestIDHeader) == "") {
		return fmt.Sprintf("header %s: %q, want %q", requestIDHeader, g.Get(requestIDHeader), w.Get(requestIDHeader))
	}
	g.Del(requestIDHeader)
	w.Del(requestIDHeader)
	switch {
	case got.Status != want.Status:
		return fmt.Sprintf("status %d, want %d", got.Status, want.Status)
	case !bytes.Equal(got.Body, want.Body):
		return fmt.Sprintf("body %s, want %s", got.Body, want.Body)
	case fmt.Sprint(g) != fmt.Sprint(w): // fmt prints maps sorted by key
		return fmt.Sprintf("headers %v, want %v", g, w)
	}
	return ""
}

// loadSigning reads the credential to sign with from the credentials file.
func loadSigning(path, accessKeyID string) (*signing, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the credentials: %w", err)
	}
	creds, err := fake.ParseCredentials(b)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	i := 0
	if accessKeyID != "" {
		if i = slices.IndexFunc(creds, func(c fake.Credential) bool { return c.AccessKeyID == accessKeyID }); i < 0 {
			return nil, fmt.Errorf("credentials file %s has no access key id %q", path, accessKeyID)
		}
	}
	c := creds[i]
	return &signing{
		signer: v4.NewSigner(),
		creds:  aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		region: region,
	}, nil
}

// newReport is the report of a run with settings s, before any round.
func newReport(s settings) *report {
	return &report{
		Operation: "GetIdentitySource", Credentials: s.credentials, Rounds: s.rounds,
		RoundSeconds: s.duration.Seconds(), WarmupSeconds: s.warmup.Seconds(), CPUs: runtime.NumCPU(),
		ClockTicks: clockTicks(), VPFake: s.vpfake,
	}
}

// stopServers stops the servers, noting in r each that did not stop
// cleanly.
func (r *report) stopServers(servers []*server, stderr io.Writer) {
	for _, srv := range servers {
		if err := srv.stop(); err != nil {
			r.Stops = append(r.Stops, err.Error())
			fmt.Fprintf(stderr, "loadbench: %v\n", err)
		}
	}
}

// bench starts the servers, runs the rounds and stops the servers.
func bench(ctx context.Context, s settings, stderr io.Writer) (*report, error) {
	var sign *signing
	fakeArgs := []string{"-addr", "127.0.0.1:0", "-region", region, "-exit-with-parent"}
	if s.credentials {
		var err error
		if sign, err = loadSigning(s.credentialsFile, s.accessKeyID); err != nil {
			return nil, err
		}
		fakeArgs = append(fakeArgs, "-credentials-file", s.credentialsFile)
	}
	fk, err := startServer("fake", s.vpfake, "vpfake listening on ", fakeArgs...)
	if err != nil {
		return nil, fmt.Errorf("%w (make build writes bin/vpfake)", err)
	}
	servers := []*server{fk}
	rep := newReport(s)
	rep.Canned = s.canned
	defer func() { rep.stopServers(servers, stderr) }()

	httpClient := &http.Client{Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()
	created, err := setup(httpClient, fk.addr, sign)
	if err != nil {
		return nil, fmt.Errorf("set up the fake: %w", err)
	}
	body := []byte(`{"policyStoreId":"` + created.policyStoreID + `","identitySourceId":"` + created.identitySourceID + `"}`)
	captured, err := fetch(httpClient, fk.addr, rep.Operation, body, sign)
	if err != nil {
		return nil, err
	}
	if captured.Status != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d, want 200: %s", rep.Operation, captured.Status, captured.Body)
	}
	rep.ResponseBytes = len(captured.Body)

	dir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return nil, fmt.Errorf("make a directory for the canned answer: %w", err)
	}
	defer os.RemoveAll(dir)
	answerFile := filepath.Join(dir, "answer.json")
	b, err := json.Marshal(captured)
	if err != nil {
		return nil, fmt.Errorf("encode the canned answer: %w", err)
	}
	if err := os.WriteFile(answerFile, b, 0o600); err != nil {
		return nil, fmt.Errorf("write the canned answer: %w", err)
	}
	cn, err := startServer("canned", s.canned, "canned listening on ", "-addr", "127.0.0.1:0", "-answer", answerFile, "-exit-with-parent")
	if err != nil {
		return nil, fmt.Errorf("%w (go build -o bin/canned ./internal/loadbench/canned writes it)", err)
	}
	servers = append(servers, cn)
	replayed, err := fetch(httpClient, cn.addr, rep.Operation, body, sign)
	if err != nil {
		return nil, fmt.Errorf("canned server: %w", err)
	}
	if diff := sameAnswer(replayed, captured); diff != "" {
		return nil, fmt.Errorf("the canned server does not answer as the fake did: %s", diff)
	}
	rep.FakePID, rep.CannedPID = fk.pid(), cn.pid()
	fmt.Fprintf(stderr, "loadbench: %s of a %d-byte answer; fake pid %d on %s, canned pid %d on %s; %d concurrencies x %d rounds x 2 servers of %s\n",
		rep.Operation, rep.ResponseBytes, rep.FakePID, fk.addr, rep.CannedPID, cn.addr, len(s.concurrency), s.rounds, s.duration)

	var targets []target
	for _, t := range []*server{fk, cn} {
		q, err := newRequester(t.addr, rep.Operation, body, sign)
		if err != nil {
			return nil, err
		}
		targets = append(targets, target{t, func(int, int) client { return &replayClient{q: q, want: captured.Body} }})
	}
	for _, c := range s.concurrency {
		if err := benchConcurrency(ctx, rep, s, c, targets, stderr); err != nil {
			return nil, err
		}
	}
	rep.summarise()
	return rep, nil
}

// target is a server to measure and how to make the client of each of its
// connections: newClient(i, n) is the client of connection i of n.
type target struct {
	srv       *server
	newClient func(i, n int) client
}

// benchConcurrency runs the warm-up and the rounds at concurrency c, the
// servers taking turns, and adds them to rep.
func benchConcurrency(ctx context.Context, rep *report, s settings, c int, targets []target, stderr io.Writer) error {
	pools := make([]*pool, len(targets))
	for i, t := range targets {
		p, err := newPool(t, c)
		if err != nil {
			return err
		}
		defer p.close()
		pools[i] = p
	}
	if s.warmup > 0 {
		for _, p := range pools {
			p.run(s.warmup)
		}
	}
	for r := 1; r <= s.rounds; r++ {
		for _, p := range pools {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("interrupted: %w", err)
			}
			res, err := p.measure(rep.ClockTicks, s.duration)
			if err != nil {
				return err
			}
			res.Round = r
			rep.RoundResults = append(rep.RoundResults, res)
			fmt.Fprintf(stderr, "loadbench: concurrency %d round %d %s: %.0f req/s, p50 %s, p99 %s, CPU/req %s, errors %d\n",
				c, r, res.Server, res.RequestsPerSecond, fmtMicros(res.P50Micros), fmtMicros(res.P99Micros), fmtMicros(res.CPUMicrosPerRequest), res.Errors)
		}
	}
	return nil
}

// pool is the connections of one server at one concurrency, one per
// client.
type pool struct {
	target  *server
	conns   []*conn
	clients []client // clients[i] is what conns[i] sends and expects
}

// newPool opens c connections to t's server, each with its client.
func newPool(t target, c int) (*pool, error) {
	p := &pool{target: t.srv}
	for i := range c {
		cn, err := dial(t.srv.addr)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("%s: %w", t.srv.name, err)
		}
		p.conns = append(p.conns, cn)
		p.clients = append(p.clients, t.newClient(i, c))
	}
	return p, nil
}

func (p *pool) close() {
	for _, c := range p.conns {
		_ = c.c.Close() // done with it
	}
}

// load is what the clients of one run did.
type load struct {
	latencies []time.Duration
	requests  int
	errors    int
	firstErr  string
	elapsed   time.Duration
}

// run has every connection send requests back to back for d, and returns
// the latencies of the right answers and the count of wrong ones.
func (p *pool) run(d time.Duration) load {
	type result struct {
		lat      []time.Duration
		errs     int
		firstErr string
	}
	results := make([]result, len(p.conns))
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i, c := range p.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[i]
			res.lat = make([]time.Duration, 0, 4096)
			cl := p.clients[i]
			for time.Now().Before(deadline) {
				req, err := cl.next()
				if err == nil {
					var took time.Duration
					var body []byte
					if took, body, err = c.roundTrip(req); err == nil {
						err = cl.check(body)
					}
					if err == nil {
						res.lat = append(res.lat, took)
						continue
					}
				}
				res.errs++
				if res.firstErr == "" {
					res.firstErr = err.Error()
				}
				// A broken connection is replaced; if that fails, this client
				// stops.
				if c.redial() != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	out := load{elapsed: time.Since(start)}
	for _, r := range results {
		out.latencies = append(out.latencies, r.lat...)
		out.errors += r.errs
		if out.firstErr == "" {
			out.firstErr = r.firstErr
		}
	}
	out.requests = len(out.latencies) + out.errors
	return out
}

// measure runs one round and measures it: throughput, latencies, and the
// CPU time the server and this process used.
func (p *pool) measure(ticks uint64, d time.Duration) (roundResult, error) {
	pid := p.target.pid()
	cpu0, cpuErr := processCPU(pid, ticks)
	self0, selfErr := processCPU(os.Getpid(), ticks)
	l := p.run(d)
	cpu1, cpuErr1 := processCPU(pid, ticks)
	self1, selfErr1 := processCPU(os.Getpid(), ticks)
	if l.requests == 0 {
		return roundResult{}, fmt.Errorf("%s: no request completed in %s", p.target.name, d)
	}
	slices.Sort(l.latencies)
	res := roundResult{
		Server: p.target.name, Concurrency: len(p.conns), Requests: l.requests, Errors: l.errors, FirstError: l.firstErr,
		Seconds: l.elapsed.Seconds(), RequestsPerSecond: float64(len(l.latencies)) / l.elapsed.Seconds(),
		P50Micros: micros(benchutil.Percentile(l.latencies, 50)), P99Micros: micros(benchutil.Percentile(l.latencies, 99)),
		CPUMicrosPerRequest: -1, ClientCPUMicrosPerRequest: -1,
	}
	if err := errors.Join(cpuErr, cpuErr1); err == nil {
		res.CPUMicrosPerRequest = micros(cpu1-cpu0) / float64(l.requests)
	}
	if err := errors.Join(selfErr, selfErr1); err == nil {
		res.ClientCPUMicrosPerRequest = micros(self1-self0) / float64(l.requests)
	}
	return res, nil
}

// micros is d in microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
