package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vpconform/vpconform/internal/poll"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// settings are the soak's flags.
type settings struct {
	duration  time.Duration
	clients   int
	delay     time.Duration
	vpfake    string
	seed      uint64
	heapSlack uint64
}

func parseFlags(args []string, stderr io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&s.duration, "duration", 30*time.Second, "how long the clients run")
	fs.IntVar(&s.clients, "clients", 16, "how many clients run at once")
	fs.DurationVar(&s.delay, "propagation-delay", 0, "vpfake's -propagation-delay")
	fs.StringVar(&s.vpfake, "vpfake", "bin/vpfake", "the vpfake binary to start (make build writes bin/vpfake)")
	fs.Uint64Var(&s.seed, "seed", 1, "seed of the clients' choices")
	fs.Uint64Var(&s.heapSlack, "heap-slack", 16<<20, "how many bytes above its start vpfake's heap may be after reset and GC")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./internal/soak [-duration 30s] [-clients 16] [-propagation-delay 0] [-vpfake bin/vpfake]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	switch {
	case fs.NArg() > 0:
		return settings{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case s.duration <= 0:
		return settings{}, fmt.Errorf("-duration %s is not positive", s.duration)
	case s.clients < 1:
		return settings{}, fmt.Errorf("-clients %d is less than 1", s.clients)
	case s.delay < 0:
		return settings{}, fmt.Errorf("-propagation-delay %s is negative", s.delay)
	}
	return s, nil
}

// cli runs the soak and returns the exit status: 0, 1 on an anomaly, 2
// when it cannot run.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "soak: %v\n", err)
		return 2
	}
	rep, err := soak(ctx, s, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "soak: %v\n", err)
		return 2
	}
	rep.print(stdout)
	if len(rep.anomalies) > 0 || rep.anomalyCount > 0 {
		return 1
	}
	return 0
}

// fakeProcess is the vpfake the soak started.
type fakeProcess struct {
	cmd    *exec.Cmd
	url    string
	exited chan error
	tail   *tailBuffer
}

const readyPrefix = "vpfake listening on "

// startFake starts vpfake on a free loopback port and waits for it to say
// it is listening. Its log is drained, keeping the last lines for errors.
func startFake(path string, delay time.Duration) (*fakeProcess, error) {
	cmd := exec.Command(path, "-addr", "127.0.0.1:0", "-propagation-delay", delay.String())
	cmd.Env = append(os.Environ(), "VPFAKE_CONTROL_TOKEN=", "VPFAKE_STATE_FILE=", "VPFAKE_CREDENTIALS_FILE=")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("connect to vpfake's log: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (build it with make build, or name it with -vpfake): %w", path, err)
	}
	p := &fakeProcess{cmd: cmd, exited: make(chan error, 1), tail: &tailBuffer{max: 20}}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			p.tail.add(line)
			if rest, ok := strings.CutPrefix(line, readyPrefix); ok && !sent {
				urls <- strings.TrimSpace(rest)
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
		p.exited <- cmd.Wait()
	}()
	select {
	case p.url = <-urls:
		return p, nil
	case err := <-p.exited:
		return nil, fmt.Errorf("vpfake exited before listening (%v); its log:\n%s", err, p.tail)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("vpfake did not say it was listening within 30s; its log:\n%s", p.tail)
	}
}

// stop sends SIGTERM and waits for the exit; it returns the exit status
// and how long it took.
func (p *fakeProcess) stop() (int, time.Duration, error) {
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return -1, 0, fmt.Errorf("signal vpfake: %w", err)
	}
	select {
	case err := <-p.exited:
		took := time.Since(start)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), took, nil
		}
		if err != nil {
			return -1, took, fmt.Errorf("wait for vpfake: %w", err)
		}
		return 0, took, nil
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return -1, time.Since(start), errors.New("vpfake did not exit within 30s of SIGTERM; killed")
	}
}

// tailBuffer keeps the last lines of a log.
type tailBuffer struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *tailBuffer) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = slices.Delete(t.lines, 0, len(t.lines)-t.max)
	}
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// report is what the soak found.
type report struct {
	settings
	requests     atomic.Int64
	byOperation  counter
	errors       counter // error answers by class and __type
	anomalyCount int64
	anomalies    []string // the first ones
	amu          sync.Mutex
	elapsed      time.Duration
	startHeap    uint64
	peakHeap     uint64
	endHeap      uint64
	peakState    int64
	exitCode     int
	exitTook     time.Duration
}

// maxListedAnomalies bounds the anomalies the report lists.
const maxListedAnomalies = 20

func (r *report) anomaly(format string, args ...any) {
	r.amu.Lock()
	defer r.amu.Unlock()
	r.anomalyCount++
	if len(r.anomalies) < maxListedAnomalies {
		r.anomalies = append(r.anomalies, fmt.Sprintf(format, args...))
	}
}

// counter counts by name, safely for concurrent use.
type counter struct {
	mu sync.Mutex
	m  map[string]int64
}

func (c *counter) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int64{}
	}
	c.m[name]++
}

func (c *counter) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, v := range c.m {
		n += v
	}
	return n
}

func (c *counter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, c.m[k]))
	}
	return strings.Join(parts, ", ")
}

func (r *report) print(w io.Writer) {
	n := r.requests.Load()
	fmt.Fprintf(w, "soak: %s, %d clients, propagation delay %s, vpfake %s\n", r.duration, r.clients, r.delay, r.vpfake)
	fmt.Fprintf(w, "requests: %d (%.0f/s)\n", n, float64(n)/r.elapsed.Seconds())
	fmt.Fprintf(w, "  by operation: %s\n", &r.byOperation)
	fmt.Fprintf(w, "errors: %d (all expected unless listed as anomalies)\n", r.errors.total())
	fmt.Fprintf(w, "  by kind:\n    %s\n", strings.ReplaceAll(r.errors.String(), ", ", "\n    "))
	fmt.Fprintf(w, "anomalies: %d\n", r.anomalyCount)
	for _, a := range r.anomalies {
		fmt.Fprintf(w, "  - %s\n", a)
	}
	if r.anomalyCount > int64(len(r.anomalies)) {
		fmt.Fprintf(w, "  … and %d more\n", r.anomalyCount-int64(len(r.anomalies)))
	}
	fmt.Fprintf(w, "heap: start %s, peak %s, end %s after reset and GC (allowed: start + %s); peak state estimate %s\n",
		mib(r.startHeap), mib(r.peakHeap), mib(r.endHeap), mib(r.heapSlack), mib(uint64(max(r.peakState, 0))))
	fmt.Fprintf(w, "vpfake: exit status %d %s after SIGTERM\n", r.exitCode, r.exitTook.Round(time.Millisecond))
}

// soak starts vpfake, runs the clients, and checks the heap and the exit.
func soak(ctx context.Context, s settings, progress io.Writer) (*report, error) {
	p, err := startFake(s.vpfake, s.delay)
	if err != nil {
		return nil, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_, _, _ = p.stop()
		}
	}()
	fmt.Fprintf(progress, "soak: vpfake at %s, pid %d; %d clients for %s\n", p.url, p.cmd.Process.Pid, s.clients, s.duration)
	transport := &http.Transport{MaxIdleConnsPerHost: s.clients + 2, MaxConnsPerHost: s.clients + 4}
	defer transport.CloseIdleConnections()
	api := &apiClient{base: p.url, http: &http.Client{Transport: transport, Timeout: 30 * time.Second}}
	rep := &report{settings: s}

	// Warm up every path, then reset, so that the heap measured at the
	// start holds what the fake allocates once (schemas, buffers).
	reg := newRegistry()
	warm := newClient(-1, s, api, reg, &report{settings: s})
	for range 200 {
		warm.step(ctx)
	}
	startHeap, _, err := api.resetAndMeasure(ctx)
	if err != nil {
		return nil, err
	}
	rep.startHeap, rep.peakHeap = startHeap, startHeap
	reg = newRegistry()

	runCtx, cancel := context.WithTimeout(ctx, s.duration)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range s.clients {
		c := newClient(i, s, api, reg, rep)
		wg.Go(func() {
			for runCtx.Err() == nil {
				c.step(runCtx)
			}
		})
	}
	// Sample the heap, and forget writes no read can return any more.
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		poll.Every(runCtx, 250*time.Millisecond, func() bool {
			if h, err := api.health(runCtx, false); err == nil {
				rep.peakHeap = max(rep.peakHeap, h.HeapAllocBytes)
				rep.peakState = max(rep.peakState, h.Usage.StateBytes)
			}
			reg.forget(time.Now().Add(-s.delay - 5*time.Second))
			return true
		})
	}()
	wg.Wait()
	<-sampled
	rep.elapsed = time.Since(start)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}

	transport.CloseIdleConnections()
	endHeap, h, err := api.resetAndMeasure(ctx)
	if err != nil {
		return nil, err
	}
	rep.endHeap = endHeap
	if h.Usage.PolicyStores != 0 || h.Usage.ClientTokens != 0 || h.Usage.StateBytes != 0 || h.Usage.Faults != 0 {
		rep.anomaly("after reset the fake still holds %+v", h.Usage)
	}
	if err := heapVerdict(rep.startHeap, rep.endHeap, s.heapSlack); err != nil {
		rep.anomaly("%v", err)
	}
	stopped = true
	code, took, err := p.stop()
	rep.exitCode, rep.exitTook = code, took
	if err != nil {
		rep.anomaly("%v", err)
	} else if code != 0 {
		rep.anomaly("vpfake exited %d after SIGTERM; its log ends:\n%s", code, p.tail)
	}
	return rep, nil
}

// apiClient calls vpfake.
type apiClient struct {
	base string
	http *http.Client
}

// answer is an HTTP answer.
type answer struct {
	status int
	body   []byte
}

// errorOf decodes an error answer.
func (a answer) errorOf() apiError {
	var e apiError
	_ = json.Unmarshal(a.body, &e)
	return e
}

// call sends an API request with target VerifiedPermissions.<op>.
func (c *apiClient) call(ctx context.Context, op string, body any) (answer, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return answer{}, fmt.Errorf("encode %s: %w", op, err)
	}
	return c.do(ctx, http.MethodPost, "/", "VerifiedPermissions."+op, b)
}

func (c *apiClient) do(ctx context.Context, method, path, target string, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, fmt.Errorf("build request: %w", err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s %s: %w", method, path, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s %s: read answer: %w", method, path, target, err)
	}
	return answer{status: resp.StatusCode, body: b}, nil
}

// health is the part of GET /_vpfake/health the soak reads.
type health struct {
	HeapAllocBytes uint64 `json:"heapAllocBytes"`
	Usage          struct {
		PolicyStores    int   `json:"policyStores"`
		IdentitySources int   `json:"identitySources"`
		StateBytes      int64 `json:"stateBytes"`
		ClientTokens    int   `json:"clientTokens"`
		Faults          int   `json:"faults"`
	} `json:"usage"`
}

func (c *apiClient) health(ctx context.Context, gc bool) (health, error) {
	path := "/_vpfake/health?heap=1"
	if gc {
		path = "/_vpfake/health?gc=1"
	}
	a, err := c.do(ctx, http.MethodGet, path, "", nil)
	if err != nil {
		return health{}, err
	}
	var h health
	if a.status != http.StatusOK {
		return health{}, fmt.Errorf("GET %s: HTTP %d %s", path, a.status, a.body)
	}
	if err := json.Unmarshal(a.body, &h); err != nil {
		return health{}, fmt.Errorf("GET %s: %w", path, err)
	}
	if h.HeapAllocBytes == 0 {
		return health{}, fmt.Errorf("GET %s: no heapAllocBytes: is %s a vpfake that reports it?", path, c.base)
	}
	return h, nil
}

// resetAndMeasure clears faults and state, then returns the heap after
// garbage collection: the least of three readings, as a collection may
// run while the heap is read.
func (c *apiClient) resetAndMeasure(ctx context.Context) (uint64, health, error) {
	for _, route := range []struct{ method, path string }{{http.MethodDelete, "/_vpfake/faults"}, {http.MethodPost, "/_vpfake/reset"}} {
		a, err := c.do(ctx, route.method, route.path, "", nil)
		if err != nil {
			return 0, health{}, err
		}
		if a.status != http.StatusOK {
			return 0, health{}, fmt.Errorf("%s %s: HTTP %d %s", route.method, route.path, a.status, a.body)
		}
	}
	var least uint64
	var last health
	for i := range 3 {
		h, err := c.health(ctx, true)
		if err != nil {
			return 0, health{}, err
		}
		if i == 0 || h.HeapAllocBytes < least {
			least = h.HeapAllocBytes
		}
		last = h
		time.Sleep(50 * time.Millisecond)
	}
	return least, last, nil
}

// ownStore is a policy store a client created and alone writes to.
type ownStore struct {
	id, marker string
	created    time.Time // when the create was answered
	sourceID   string
	// sourceCreated is when the identity source's create was answered.
	sourceCreated time.Time
	// markers are the writes sent to the identity source, in order;
	// last is the last one answered.
	markers []string
	last    string
	// deleted marks a store whose deletion was sent.
}

// client is one of the soak's concurrent clients: it writes only its own
// policy stores and identity sources, and reads its own and others'.
type client struct {
	id    int
	s     settings
	api   *apiClient
	reg   *registry
	rep   *report
	rng   *rand.Rand
	seq   int
	own   []*ownStore
	peers *peerList
}

// peerList holds recently created resources of every client, for reads.
type peerList struct {
	mu      sync.Mutex
	entries []peer
}

// peer is a policy store, or an identity source of one, and when its
// create was answered.
type peer struct {
	store, source string
	at            time.Time
}

var peers = &peerList{}

const maxPeers = 1024

func (p *peerList) add(store, source string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.entries = append(p.entries, peer{store, source, time.Now()})
	if len(p.entries) > maxPeers {
		p.entries = slices.Delete(p.entries, 0, len(p.entries)-maxPeers)
	}
}

// pick returns a resource created more than settled ago, if there is one.
func (p *peerList) pick(rng *rand.Rand, settled time.Duration) (store, source string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.entries)
	for n > 0 && time.Since(p.entries[n-1].at) <= settled {
		n-- // entries are in creation order
	}
	if n == 0 {
		return "", ""
	}
	e := p.entries[rng.IntN(n)]
	return e.store, e.source
}

func newClient(id int, s settings, api *apiClient, reg *registry, rep *report) *client {
	return &client{id: id, s: s, api: api, reg: reg, rep: rep, rng: rand.New(rand.NewPCG(s.seed, uint64(id+1))), peers: peers}
}

// maxOwnStores bounds each client's policy stores.
const maxOwnStores = 8

// moves are what a client does, and how often (out of the sum of
// weights).
var moves = []struct {
	name   string
	weight int
	do     func(*client, context.Context)
}{
	{"createStore", 8, func(c *client, ctx context.Context) { c.createStore(ctx, c.rng.IntN(2) == 0) }},
	{"getStore", 12, (*client).getOwnStore},
	{"getPeer", 12, (*client).getPeer},
	{"createSource", 10, (*client).createSource},
	{"getSource", 14, (*client).getOwnSource},
	{"updateSource", 14, (*client).updateSource},
	{"listSources", 8, (*client).listSources},
	{"deleteSource", 3, (*client).deleteSource},
	{"deleteStore", 5, (*client).deleteStore},
	{"invalid", 3, (*client).invalid},
	{"replay", 3, (*client).replay},
	{"fault", 1, (*client).injectFault},
}

// step makes one move, picked at random by weight.
func (c *client) step(ctx context.Context) {
	total := 0
	for _, m := range moves {
		total += m.weight
	}
	n := c.rng.IntN(total)
	for _, m := range moves {
		if n < m.weight {
			m.do(c, ctx)
			return
		}
		n -= m.weight
	}
}

// send makes a call and counts it; it returns false (having counted the
// error) when the call failed at the transport or was answered by an
// injected fault, so that the caller checks only the fake's own answers.
func (c *client) send(ctx context.Context, op string, body any) (answer, bool) {
	a, err := c.api.call(ctx, op, body)
	if ctx.Err() != nil {
		return answer{}, false // the soak is ending
	}
	c.rep.requests.Add(1)
	c.rep.byOperation.add(op)
	if err != nil {
		c.rep.anomaly("%s: %v", op, err)
		return answer{}, false
	}
	if a.status != http.StatusOK {
		e := a.errorOf()
		if e.injected() {
			c.rep.errors.add("injected " + e.Type)
			return a, false
		}
	}
	return a, true
}

// expectError counts an error answer that the call may get, or reports an
// anomaly.
func (c *client) expectError(op string, a answer, allowed ...string) {
	e := a.errorOf()
	if a.status == http.StatusOK {
		c.rep.anomaly("%s: answered 200 %s, want one of %v", op, a.body, allowed)
		return
	}
	if slices.Contains(allowed, e.Type) {
		c.rep.errors.add(e.Type + " (" + op + ")")
		return
	}
	c.rep.anomaly("%s: HTTP %d %s, not one of the errors it may get (%v)", op, a.status, a.body, allowed)
}

// sendChecked sends a call and reports whether it succeeded. Any other
// answer of the fake is checked with expectError, what naming the call
// and allowed the errors it may get.
func (c *client) sendChecked(ctx context.Context, op, what string, body any, allowed ...string) (answer, bool) {
	a, ok := c.send(ctx, op, body)
	if ok && a.status != http.StatusOK {
		c.expectError(what, a, allowed...)
		return a, false
	}
	return a, ok
}

// sendOn is sendChecked for a call on an own resource created at created:
// once the resource must be visible, no error is expected; before, the
// only one it may get is ResourceNotFoundException.
func (c *client) sendOn(ctx context.Context, op, what string, created time.Time, body any) (answer, bool) {
	if c.visible(created) {
		return c.sendChecked(ctx, op, what, body)
	}
	return c.sendChecked(ctx, op, what+", created within the propagation delay", body, "ResourceNotFoundException")
}

func (c *client) marker() string {
	c.seq++
	return fmt.Sprintf("c%ds%d", c.id+1, c.seq)
}

// storeInput is a CreatePolicyStore input, every member carrying the
// marker.
func (c *client) storeInput(marker string) map[string]any {
	mode := "OFF"
	if c.seq%2 == 0 {
		mode = "STRICT"
	}
	in := map[string]any{
		"validationSettings": map[string]any{"mode": mode},
		"description":        marker,
		"deletionProtection": "DISABLED",
		"tags":               map[string]string{"soak-marker": marker, "soak-client": fmt.Sprint(c.id + 1)},
	}
	switch c.seq % 3 {
	case 0:
		in["encryptionSettings"] = map[string]any{"kmsEncryptionSettings": map[string]any{
			"key": "arn:aws:kms:us-east-1:123456789012:key/soak", "encryptionContext": map[string]string{"soak-marker": marker},
		}}
	case 1:
		in["encryptionSettings"] = map[string]any{"default": map[string]any{}}
	}
	return in
}

// configuration is an identity source configuration, every member
// carrying the marker: Cognito, OIDC with access tokens, or OIDC with
// identity tokens.
func configuration(marker string, kind int) map[string]any {
	group := "Soak::G" + marker
	switch kind % 3 {
	case 0:
		return map[string]any{"cognitoUserPoolConfiguration": map[string]any{
			"userPoolArn":        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_" + marker,
			"clientIds":          []string{marker + "-a", marker + "-b"},
			"groupConfiguration": map[string]any{"groupEntityType": group},
		}}
	case 1:
		return map[string]any{"openIdConnectConfiguration": map[string]any{
			"issuer": "https://" + marker + ".soak.example", "entityIdPrefix": marker,
			"groupConfiguration": map[string]any{"groupClaim": marker + "-groups", "groupEntityType": group},
			"tokenSelection": map[string]any{"accessTokenOnly": map[string]any{
				"principalIdClaim": marker + "-sub", "audiences": []string{marker + "-aud"},
			}},
		}}
	default:
		return map[string]any{"openIdConnectConfiguration": map[string]any{
			"issuer": "https://" + marker + ".soak.example",
			"tokenSelection": map[string]any{"identityTokenOnly": map[string]any{
				"principalIdClaim": marker + "-id", "clientIds": []string{marker + "-c"},
			}},
		}}
	}
}

// visibleMargin is how long past the propagation delay the soak waits
// before it requires a resource to be seen: the fake applies a write
// before it answers, so any margin will do, but the fake's clock is the
// wall clock and the soak's the monotonic one.
const visibleMargin = 250 * time.Millisecond

// visible reports whether a resource answered as created at t must be
// seen by reads now.
func (c *client) visible(t time.Time) bool {
	return c.s.delay == 0 || time.Since(t) > c.settle()
}

// settle is how long after its create a resource must be seen.
func (c *client) settle() time.Duration {
	if c.s.delay == 0 {
		return 0
	}
	return c.s.delay + visibleMargin
}

func (c *client) createStore(ctx context.Context, withToken bool) {
	if len(c.own) >= maxOwnStores {
		c.deleteStore(ctx)
		return
	}
	marker := c.marker()
	in := c.storeInput(marker)
	c.reg.addStore(marker, in)
	body := maps(in)
	if withToken {
		body["clientToken"] = "tok-" + marker
	}
	a, ok := c.sendChecked(ctx, "CreatePolicyStore", "CreatePolicyStore", body)
	if !ok {
		return
	}
	var out struct {
		PolicyStoreID string `json:"policyStoreId"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil || out.PolicyStoreID == "" {
		c.rep.anomaly("CreatePolicyStore: answer %s", a.body)
		return
	}
	c.reg.storeCreated(marker, out.PolicyStoreID)
	c.own = append(c.own, &ownStore{id: out.PolicyStoreID, marker: marker, created: time.Now()})
	c.peers.add(out.PolicyStoreID, "")
	if withToken && c.rng.IntN(4) == 0 {
		c.replayStore(ctx, body, out.PolicyStoreID)
	}
}

// replayStore sends a CreatePolicyStore again with its clientToken: the
// same input must answer the same store, other input ConflictException.
func (c *client) replayStore(ctx context.Context, body map[string]any, id string) {
	a, ok := c.send(ctx, "CreatePolicyStore", body)
	if ok {
		var out struct {
			PolicyStoreID string `json:"policyStoreId"`
		}
		if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil || out.PolicyStoreID != id {
			c.rep.anomaly("CreatePolicyStore replayed with its clientToken: HTTP %d %s, want policy store %s", a.status, a.body, id)
		}
	}
	other := maps(body)
	other["description"] = "other input"
	if a, ok := c.send(ctx, "CreatePolicyStore", other); ok {
		c.expectError("CreatePolicyStore replayed with other input", a, "ConflictException")
	}
}

// maps copies a map one level deep.
func maps(in map[string]any) map[string]any {
	out := make(map[string]any, len(in)+1)
	for k, v := range in {
		out[k] = v
	}
	return out
}

func (c *client) pickOwn() *ownStore {
	if len(c.own) == 0 {
		return nil
	}
	return c.own[c.rng.IntN(len(c.own))]
}

func (c *client) getOwnStore(ctx context.Context) {
	ps := c.pickOwn()
	if ps == nil {
		c.createStore(ctx, false)
		return
	}
	a, ok := c.sendOn(ctx, "GetPolicyStore", "GetPolicyStore of an own store", ps.created,
		map[string]any{"policyStoreId": ps.id, "tags": true})
	if !ok {
		return
	}
	if err := c.reg.checkStore(ps.id, a.body); err != nil {
		c.rep.anomaly("%v", err)
	}
}

// getPeer reads a resource of any client, which may be gone.
func (c *client) getPeer(ctx context.Context) {
	store, source := c.peers.pick(c.rng, c.settle())
	if store == "" {
		return
	}
	if source == "" {
		a, ok := c.sendChecked(ctx, "GetPolicyStore", "GetPolicyStore of a peer's store",
			map[string]any{"policyStoreId": store, "tags": true}, "ResourceNotFoundException")
		if !ok {
			return
		}
		if err := c.reg.checkStore(store, a.body); err != nil {
			c.rep.anomaly("%v", err)
		}
		return
	}
	a, ok := c.sendChecked(ctx, "GetIdentitySource", "GetIdentitySource of a peer's source",
		map[string]any{"policyStoreId": store, "identitySourceId": source}, "ResourceNotFoundException")
	if !ok {
		return
	}
	if _, err := c.reg.checkSource(store, source, a.body); err != nil {
		c.rep.anomaly("%v", err)
	}
}

func (c *client) createSource(ctx context.Context) {
	// A store without an identity source, visible to the existence check
	// if one is; under a propagation delay, now and then one created
	// within it, which must answer ResourceNotFoundException.
	var ps, fresh *ownStore
	for _, s := range c.own {
		if s.sourceID != "" {
			continue
		}
		if c.visible(s.created) {
			ps = s
			break
		}
		fresh = s
	}
	if ps == nil && fresh != nil && c.rng.IntN(4) == 0 {
		ps = fresh
	}
	if ps == nil {
		if len(c.own) < maxOwnStores {
			c.createStore(ctx, false)
		} else {
			c.getPeer(ctx)
		}
		return
	}
	marker := c.marker()
	cfg := configuration(marker, c.seq)
	c.reg.addSource(marker, ps.id, "", cfg)
	ps.markers = append(ps.markers, marker)
	body := map[string]any{"policyStoreId": ps.id, "configuration": cfg, "principalEntityType": markerEntityPrefix + marker}
	if c.rng.IntN(2) == 0 {
		body["clientToken"] = "tok-" + marker
	}
	a, ok := c.sendOn(ctx, "CreateIdentitySource", "CreateIdentitySource in an own store", ps.created, body)
	if !ok {
		c.reg.sourceFailed(marker, time.Now())
		return
	}
	var out struct {
		IdentitySourceID string `json:"identitySourceId"`
		PolicyStoreID    string `json:"policyStoreId"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil || out.IdentitySourceID == "" || out.PolicyStoreID != ps.id {
		c.rep.anomaly("CreateIdentitySource: answer %s", a.body)
		return
	}
	c.reg.sourceWritten(marker, out.IdentitySourceID, nil, time.Now())
	ps.sourceID, ps.sourceCreated, ps.last = out.IdentitySourceID, time.Now(), marker
	c.peers.add(ps.id, out.IdentitySourceID)
	if tok, ok := body["clientToken"]; ok && c.rng.IntN(4) == 0 {
		again, ok := c.send(ctx, "CreateIdentitySource", body)
		var rep struct {
			IdentitySourceID string `json:"identitySourceId"`
		}
		if ok && (again.status != http.StatusOK || json.Unmarshal(again.body, &rep) != nil || rep.IdentitySourceID != out.IdentitySourceID) {
			c.rep.anomaly("CreateIdentitySource replayed with clientToken %v: HTTP %d %s, want %s", tok, again.status, again.body, out.IdentitySourceID)
		}
	}
}

// withSource picks an own store with an identity source: one visible to
// the existence check, but now and then one created within the
// propagation delay.
func (c *client) withSource() *ownStore {
	var visible, fresh []*ownStore
	for _, s := range c.own {
		switch {
		case s.sourceID == "":
		case c.visible(s.sourceCreated):
			visible = append(visible, s)
		default:
			fresh = append(fresh, s)
		}
	}
	if len(fresh) > 0 && (len(visible) == 0 || c.rng.IntN(8) == 0) {
		return fresh[c.rng.IntN(len(fresh))]
	}
	if len(visible) == 0 {
		return nil
	}
	return visible[c.rng.IntN(len(visible))]
}

func (c *client) getOwnSource(ctx context.Context) {
	ps := c.withSource()
	if ps == nil {
		c.createSource(ctx)
		return
	}
	a, ok := c.sendOn(ctx, "GetIdentitySource", "GetIdentitySource of an own source", ps.sourceCreated,
		map[string]any{"policyStoreId": ps.id, "identitySourceId": ps.sourceID})
	if !ok {
		return
	}
	marker, err := c.reg.checkSource(ps.id, ps.sourceID, a.body)
	if err != nil {
		c.rep.anomaly("%v", err)
		return
	}
	if c.s.delay == 0 && marker != ps.last {
		c.rep.anomaly("GetIdentitySource %s/%s: read marker %s after the write of %s was answered (no propagation delay)", ps.id, ps.sourceID, marker, ps.last)
	}
}

func (c *client) updateSource(ctx context.Context) {
	ps := c.withSource()
	if ps == nil {
		c.createSource(ctx)
		return
	}
	marker := c.marker()
	cfg := configuration(marker, c.seq)
	c.reg.addSource(marker, ps.id, ps.sourceID, cfg)
	earlier := slices.Clone(ps.markers)
	ps.markers = append(ps.markers, marker)
	_, ok := c.sendOn(ctx, "UpdateIdentitySource", "UpdateIdentitySource of an own source", ps.sourceCreated, map[string]any{
		"policyStoreId": ps.id, "identitySourceId": ps.sourceID, "updateConfiguration": cfg, "principalEntityType": markerEntityPrefix + marker,
	})
	if !ok {
		c.reg.sourceFailed(marker, time.Now())
		return
	}
	c.reg.sourceWritten(marker, ps.sourceID, earlier, time.Now())
	ps.last = marker
	ps.markers = []string{marker} // the others are superseded
}

func (c *client) listSources(ctx context.Context) {
	store := ""
	if ps := c.pickOwn(); ps != nil && c.rng.IntN(2) == 0 {
		store = ps.id
	} else {
		store, _ = c.peers.pick(c.rng, c.settle())
	}
	if store == "" {
		return
	}
	a, ok := c.sendChecked(ctx, "ListIdentitySources", "ListIdentitySources",
		map[string]any{"policyStoreId": store, "maxResults": 10}, "ResourceNotFoundException")
	if !ok {
		return
	}
	var out struct {
		IdentitySources []json.RawMessage `json:"identitySources"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil {
		c.rep.anomaly("ListIdentitySources: answer %s", a.body)
		return
	}
	if len(out.IdentitySources) > 1 {
		c.rep.anomaly("ListIdentitySources %s: %d identity sources in one policy store", store, len(out.IdentitySources))
	}
	for _, item := range out.IdentitySources {
		if _, err := c.reg.checkSource(store, "", item); err != nil {
			c.rep.anomaly("ListIdentitySources: %v", err)
		}
	}
}

func (c *client) deleteSource(ctx context.Context) {
	ps := c.withSource()
	if ps == nil || time.Since(ps.sourceCreated) <= c.settle()+250*time.Millisecond {
		c.getOwnSource(ctx)
		return
	}
	if _, ok := c.sendOn(ctx, "DeleteIdentitySource", "DeleteIdentitySource of an own source", ps.sourceCreated,
		map[string]any{"policyStoreId": ps.id, "identitySourceId": ps.sourceID}); !ok {
		return
	}
	c.reg.sourceWritten("", "", ps.markers, time.Now())
	ps.sourceID, ps.markers, ps.last = "", nil, ""
}

// minLifetime is how long a client keeps a policy store or identity
// source before it may delete it, so that resources live long enough to
// be read and updated past the propagation delay.
func (c *client) minLifetime() time.Duration {
	return time.Second + 4*c.s.delay
}

// deleteStore deletes an own policy store that has lived its minimum
// lifetime; without one, it reads instead.
func (c *client) deleteStore(ctx context.Context) {
	var old []int
	for i, s := range c.own {
		if time.Since(s.created) > c.minLifetime() {
			old = append(old, i)
		}
	}
	if len(old) == 0 {
		c.getPeer(ctx)
		return
	}
	i := old[c.rng.IntN(len(old))]
	ps := c.own[i]
	if _, ok := c.sendChecked(ctx, "DeletePolicyStore", "DeletePolicyStore", map[string]any{"policyStoreId": ps.id}); !ok {
		return
	}
	c.reg.storeDeleted(ps.id, time.Now())
	c.own = slices.Delete(c.own, i, i+1)
}

// invalid sends a request the fake must refuse with HTTP 400.
func (c *client) invalid(ctx context.Context) {
	var (
		op   string
		body any
	)
	switch c.rng.IntN(4) {
	case 0:
		op, body = "CreateIdentitySource", map[string]any{"policyStoreId": "PSnotthere", "configuration": map[string]any{
			"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": "not-an-arn"}}}
	case 1:
		op, body = "GetPolicyStore", map[string]any{"policyStoreId": ""}
	case 2:
		op, body = "CreatePolicyStore", map[string]any{"validationSettings": map[string]any{"mode": "SOMETIMES"}}
	default:
		op, body = "ListIdentitySources", map[string]any{"policyStoreId": "x", "unknownMember": 1}
	}
	a, ok := c.send(ctx, op, body)
	if !ok {
		return
	}
	if a.status != http.StatusBadRequest {
		c.rep.anomaly("invalid %s %v: HTTP %d %s, want 400", op, body, a.status, a.body)
		return
	}
	c.rep.errors.add("invalid request " + a.errorOf().Type)
}

// replay replays an own create with its clientToken.
func (c *client) replay(ctx context.Context) {
	c.createStore(ctx, true)
}

// injectFault injects a counted fault on an operation, sometimes delayed:
// whichever client's call it hits answers it.
func (c *client) injectFault(ctx context.Context) {
	ops := []string{"CreatePolicyStore", "GetPolicyStore", "CreateIdentitySource", "GetIdentitySource", "UpdateIdentitySource", "ListIdentitySources", "DeleteIdentitySource", "DeletePolicyStore"}
	errs := []string{"ThrottlingException", "InternalServerException", "ConflictException"}
	f := map[string]any{"operation": ops[c.rng.IntN(len(ops))], "error": errs[c.rng.IntN(len(errs))], "count": 1}
	if c.rng.IntN(4) == 0 {
		f["delayMs"] = 10 + c.rng.IntN(90)
	}
	b, _ := json.Marshal(f)
	a, err := c.api.do(ctx, http.MethodPost, "/_vpfake/faults", "", b)
	if ctx.Err() != nil {
		return
	}
	c.rep.requests.Add(1)
	c.rep.byOperation.add("POST /_vpfake/faults")
	if err != nil || a.status != http.StatusOK {
		c.rep.anomaly("POST /_vpfake/faults %s: HTTP %d %s %v", b, a.status, a.body, err)
	}
}
