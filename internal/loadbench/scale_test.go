package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testPairs are n pairs whose ids say their index: "S<index>" and
// "I<index>", padded with x to idLength.
func testPairs(n int) []pair {
	out := make([]pair, n)
	for i := range out {
		copy(out[i].store[:], fmt.Sprintf("S%0*d", idLength-1, i))
		copy(out[i].source[:], fmt.Sprintf("I%0*d", idLength-1, i))
	}
	return out
}

func TestShufflePairs(t *testing.T) {
	a, b := testPairs(1000), testPairs(1000)
	shufflePairs(a, 1)
	shufflePairs(b, 1)
	if !slices.Equal(a, b) {
		t.Error("two shuffles with seed 1 differ, want the same order")
	}
	if slices.Equal(a, testPairs(1000)) {
		t.Error("the shuffle left the pairs in order, want a random order")
	}
	c := testPairs(1000)
	shufflePairs(c, 2)
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same order, want different ones")
	}
	sorted := slices.Clone(a)
	slices.SortFunc(sorted, func(x, y pair) int { return bytes.Compare(x.store[:], y.store[:]) })
	if !slices.Equal(sorted, testPairs(1000)) {
		t.Error("the shuffled pairs are not the same pairs, want a permutation")
	}
}

// requestOf parses the wire bytes of a GetIdentitySource request and
// returns the pair it names.
func requestOf(t *testing.T, wire []byte) (store, source string) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
	if err != nil {
		t.Fatalf("http.ReadRequest of %q: %v, want a request", wire, err)
	}
	if got := r.Header.Get("X-Amz-Target"); got != "VerifiedPermissions.GetIdentitySource" {
		t.Errorf("X-Amz-Target %q, want VerifiedPermissions.GetIdentitySource", got)
	}
	var in struct {
		PolicyStoreID    string `json:"policyStoreId"`
		IdentitySourceID string `json:"identitySourceId"`
	}
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &in); err != nil || int64(len(b)) != r.ContentLength {
		t.Fatalf("body %q (Content-Length %d): %v, want the JSON of a pair, all of it", b, r.ContentLength, err)
	}
	return in.PolicyStoreID, in.IdentitySourceID
}

// TestPairClient: each client names the pairs in turn from its own start,
// round again at the end, and accepts only answers naming the identity
// source it asked for.
func TestPairClient(t *testing.T) {
	head, err := apiHead("127.0.0.1:4599", "GetIdentitySource")
	if err != nil {
		t.Fatal(err)
	}
	order := testPairs(10)
	for _, c := range []struct{ i, n, start int }{{0, 1, 0}, {0, 4, 0}, {1, 4, 2}, {3, 4, 7}} {
		cl := newPairClient(head, order, c.i, c.n)
		for k := range 12 {
			wire, err := cl.next()
			if err != nil {
				t.Fatal(err)
			}
			p := order[(c.start+k)%len(order)]
			store, source := requestOf(t, wire)
			if store != string(p.store[:]) || source != string(p.source[:]) {
				t.Errorf("client %d of %d, request %d: pair %s/%s, want %s/%s", c.i, c.n, k, store, source, p.store[:], p.source[:])
			}
			right := `{"identitySourceId":"` + source + `","policyStoreId":"` + store + `"}`
			if err := cl.check([]byte(right)); err != nil {
				t.Errorf("check of the right answer %s: %v, want nil", right, err)
			}
			other := order[(c.start+k+1)%len(order)].source
			for _, wrong := range []string{
				`{"identitySourceId":"` + string(other[:]) + `","policyStoreId":"` + store + `"}`,
				`{"identitySourceId":"` + source + `x","policyStoreId":"` + store + `"}`,
				`{"policyStoreId":"` + store + `","note":"` + source + `"}`,
			} {
				if err := cl.check([]byte(wrong)); err == nil || !strings.Contains(err.Error(), "does not name the identity source asked for") {
					t.Errorf("check of %s after asking for %s: %v, want an error", wrong, source, err)
				}
			}
		}
	}
	// One pair: the same request each time, made the same way.
	one := newPairClient(head, testPairs(1), 0, 8)
	first, _ := one.next()
	first = slices.Clone(first)
	if again, _ := one.next(); !bytes.Equal(again, first) {
		t.Errorf("with one pair, request %q then %q, want the same", first, again)
	}
}

// pairServer answers GetIdentitySource with the pair asked for, but every
// wrongEvery-th answer (if not 0) names another identity source.
func pairServer(wrongEvery int64) *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			PolicyStoreID    string `json:"policyStoreId"`
			IdentitySourceID string `json:"identitySourceId"`
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		if wrongEvery > 0 && n.Add(1)%wrongEvery == 0 {
			in.IdentitySourceID = strings.Repeat("W", idLength)
		}
		_, _ = fmt.Fprintf(w, `{"identitySourceId":%q,"policyStoreId":%q}`, in.IdentitySourceID, in.PolicyStoreID)
	}))
}

// TestPoolCountsWrongPairs: an answer naming another identity source than
// the one asked for is counted as an error, and not as a latency.
func TestPoolCountsWrongPairs(t *testing.T) {
	for _, c := range []struct {
		wrongEvery int64
		wantErrors bool
	}{{0, false}, {3, true}} {
		ts := pairServer(c.wrongEvery)
		srv := &server{name: "test", addr: strings.TrimPrefix(ts.URL, "http://")}
		head, err := apiHead(srv.addr, "GetIdentitySource")
		if err != nil {
			t.Fatal(err)
		}
		order := testPairs(7)
		p, err := newPool(target{srv, func(i, n int) client { return newPairClient(head, order, i, n) }}, 2)
		if err != nil {
			t.Fatal(err)
		}
		l := p.run(100 * time.Millisecond)
		p.close()
		ts.Close()
		if l.requests < 3 || len(l.latencies)+l.errors != l.requests || len(l.latencies) == 0 {
			t.Fatalf("every %d-th answer wrong: %d requests, %d errors, %d latencies; want at least 3 requests, right answers, adding up", c.wrongEvery, l.requests, l.errors, len(l.latencies))
		}
		if got := l.errors > 0; got != c.wantErrors {
			t.Errorf("every %d-th answer wrong: %d errors (the first %q), want errors: %v", c.wrongEvery, l.errors, l.firstErr, c.wantErrors)
		}
		if c.wantErrors && !strings.Contains(l.firstErr, "does not name the identity source asked for") {
			t.Errorf("first error %q, want one saying the answer names another identity source", l.firstErr)
		}
	}
}

// createServer mimics the fake's CreatePolicyStore and
// CreateIdentitySource: the ids it answers are made of the clientToken's
// number ("P…<i>", "I…<i>"), idLen long, or it answers status.
func createServer(t *testing.T, idLen, status int) (*httptest.Server, *sync.Map) {
	t.Helper()
	var tokens sync.Map // clientToken -> true
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ClientToken   string `json:"clientToken"`
			PolicyStoreID string `json:"policyStoreId"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"__type":"ServiceQuotaExceededException"}`))
			return
		}
		if _, dup := tokens.LoadOrStore(in.ClientToken, true); dup {
			t.Errorf("clientToken %q sent twice, want one per create", in.ClientToken)
		}
		num := in.ClientToken[strings.LastIndexByte(in.ClientToken, '-')+1:]
		switch r.Header.Get("X-Amz-Target") {
		case "VerifiedPermissions.CreatePolicyStore":
			_, _ = fmt.Fprintf(w, `{"policyStoreId":"P%0*s","arn":"arn"}`, idLen-1, num)
		case "VerifiedPermissions.CreateIdentitySource":
			if in.PolicyStoreID != fmt.Sprintf("P%0*s", idLen-1, num) {
				t.Errorf("CreateIdentitySource %s in policy store %q, want the one created with the same number", in.ClientToken, in.PolicyStoreID)
			}
			_, _ = fmt.Fprintf(w, `{"identitySourceId":"I%0*s","policyStoreId":%q}`, idLen-1, num, in.PolicyStoreID)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(ts.Close)
	return ts, &tokens
}

func TestFill(t *testing.T) {
	ts, tokens := createServer(t, idLength, http.StatusOK)
	var progress []int
	pairs, err := fill(context.Background(), strings.TrimPrefix(ts.URL, "http://"), 250, 4, 100, func(d int) { progress = append(progress, d) })
	if err != nil {
		t.Fatalf("fill: %v, want 250 pairs", err)
	}
	if len(pairs) != 250 {
		t.Fatalf("%d pairs, want 250", len(pairs))
	}
	for i, p := range pairs {
		if ws, wi := fmt.Sprintf("P%0*d", idLength-1, i), fmt.Sprintf("I%0*d", idLength-1, i); string(p.store[:]) != ws || string(p.source[:]) != wi {
			t.Errorf("pair %d: %s/%s, want %s/%s", i, p.store[:], p.source[:], ws, wi)
		}
	}
	n := 0
	tokens.Range(func(k, _ any) bool { n++; return true })
	if n != 500 {
		t.Errorf("%d clientTokens seen, want 500 (one per create)", n)
	}
	for i, d := range progress {
		if d%100 != 0 || d >= 250 || (i > 0 && d <= progress[i-1]) {
			t.Errorf("progress reported %v, want increasing multiples of 100 below 250", progress)
			break
		}
	}
}

func TestFillFailures(t *testing.T) {
	for _, c := range []struct {
		name          string
		idLen, status int
		want1, want2  string
		cancelled     bool
	}{
		{name: "short ids", idLen: 21, status: 200, want1: `CreatePolicyStore answered policyStoreId "P`, want2: "of 21 bytes; want 22"},
		{name: "long ids", idLen: 23, status: 200, want1: "pair ", want2: "of 23 bytes; want 22"},
		{name: "quota", idLen: 22, status: 402, want1: "CreatePolicyStore: HTTP 402, want 200", want2: "ServiceQuotaExceededException"},
		{name: "interrupted", idLen: 22, status: 200, cancelled: true, want1: "interrupted after", want2: "of 50 pairs"},
	} {
		ts, _ := createServer(t, c.idLen, c.status)
		ctx, cancel := context.WithCancel(context.Background())
		if c.cancelled {
			cancel()
		}
		pairs, err := fill(ctx, strings.TrimPrefix(ts.URL, "http://"), 50, 3, 100, func(int) {})
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want1) || !strings.Contains(err.Error(), c.want2) {
			t.Errorf("%s: fill = %d pairs, %v; want an error containing %q and %q", c.name, len(pairs), err, c.want1, c.want2)
		}
	}
	if _, err := fill(context.Background(), "127.0.0.1:1", 5, 2, 100, func(int) {}); err == nil || !strings.Contains(err.Error(), "connect to 127.0.0.1:1") {
		t.Errorf("fill with nothing listening: %v, want an error saying it could not connect", err)
	}
}

func TestVMRSS(t *testing.T) {
	status := "Name:\tvpfake\nVmPeak:\t  900000 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"
	if n, err := vmRSS([]byte(status)); err != nil || n != 123456*1024 {
		t.Errorf("vmRSS = %d, %v; want %d", n, err, 123456*1024)
	}
	for _, c := range []struct{ status, want string }{
		{"Name:\tvpfake\n", "no VmRSS line"},
		{"VmRSS:\t12 MB\n", `want "VmRSS: <n> kB"`},
		{"VmRSS:\tlots kB\n", "is not a count of kB"},
	} {
		if n, err := vmRSS([]byte(c.status)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("vmRSS(%q) = %d, %v; want an error containing %q", c.status, n, err, c.want)
		}
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		if n, err := residentBytes(os.Getpid()); err != nil || n <= 0 {
			t.Errorf("residentBytes of this process = %d, %v; want a positive size", n, err)
		}
	}
}

func TestScaleFakeArgs(t *testing.T) {
	for _, c := range []struct {
		n         int
		wantState int64
	}{{50, 4 << 30}, {1_000_000, 4 << 30}, {2_000_000, 2_000_000 * 4096}} {
		args, stores, state := scaleFakeArgs(c.n)
		joined := strings.Join(args, " ")
		if stores != c.n+1 || state != c.wantState ||
			!strings.Contains(joined, "-max-policy-stores "+strconv.Itoa(c.n+1)) || !strings.Contains(joined, "-max-state-bytes "+strconv.FormatInt(c.wantState, 10)) ||
			!strings.Contains(joined, "-addr 127.0.0.1:0") || !strings.Contains(joined, "-exit-with-parent") {
			t.Errorf("scaleFakeArgs(%d) = %q, %d, %d; want -max-policy-stores %d, -max-state-bytes %d, a free port, -exit-with-parent", c.n, args, stores, state, c.n+1, c.wantState)
		}
	}
}

// TestScaleReport: the summaries and ratios of the scale mode are large
// over small, p50 included, and the tables show them with the fill.
func TestScaleReport(t *testing.T) {
	r := &report{Operation: "GetIdentitySource", Rounds: 3, RoundSeconds: 2, WarmupSeconds: 0.5, CPUs: 2, ClockTicks: 100, VPFake: "bin/vpfake",
		Scale: &scaleReport{Pairs: 1_000_000, FillConcurrency: 8, ShuffleSeed: 1, MaxPolicyStores: 1_000_001, MaxStateBytes: 4 << 30, Servers: []scaleServer{
			{Name: "large", PID: 10, Pairs: 1_000_000, FillSeconds: 80, RSSBytes: 3 << 29, StateBytes: 1_150_000_000},
			{Name: "small", PID: 11, Pairs: 1, FillSeconds: 0.01, RSSBytes: 12 << 20, StateBytes: 1149},
		}}}
	large := rounds("large", 1, []float64{1000, 900, 950}, []float64{240, 260, 250}, []float64{50, 60, 55})
	small := rounds("small", 1, []float64{1100, 1000, 1050}, []float64{200, 210, 190}, []float64{40, 50, 45})
	for i := range large {
		r.RoundResults = append(r.RoundResults, large[i], small[i])
	}
	// Round 2 of small (the 4th run) had two wrong answers.
	r.RoundResults[3].Errors, r.RoundResults[3].FirstError = 2, "the answer does not name the identity source asked for"
	r.summarise()
	if len(r.Summaries) != 2 || r.Summaries[0].Server != "large" || r.Summaries[1].Server != "small" || r.Summaries[0].Errors != 0 || r.Summaries[1].Errors != 2 || r.errors() != 2 {
		t.Errorf("summaries %+v, %d errors; want large without errors, then small with 2", r.Summaries, r.errors())
	}
	want := ratio{Concurrency: 1, Throughput: 950.0 / 1050, P50: 125.0 / 100, P99: 250.0 / 200, CPUPerRequest: 55.0 / 45}
	if len(r.Ratios) != 1 || !closeRatio(r.Ratios[0], want) {
		t.Fatalf("ratios %+v, want %+v", r.Ratios, want)
	}
	var out bytes.Buffer
	r.print(&out)
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`large = bin/vpfake holding 1000000 pairs`),
		regexp.MustCompile(`-max-policy-stores 1000001 -max-state-bytes 4294967296`),
		regexp.MustCompile(`scale: large: filled with 1000000 pairs in 80.0s \(12500 pairs/s over 8 connections\); then resident memory 1.50 GiB \(VmRSS\), state 1.07 GiB`),
		regexp.MustCompile(`scale: small: filled with 1 pair in 0.0s .*resident memory 12.0 MiB \(VmRSS\), state 1.1 KiB`),
		regexp.MustCompile(`(?m)^ +1 +large +950 +900-1000 +125µs +250µs +55.0µs +1.0µs +0$`),
		regexp.MustCompile(`(?m)^ +1 +small +1050 +1000-1100 +100µs +200µs +45.0µs +1.0µs +2$`),
		regexp.MustCompile(`(?m)^ +concurrency +p50 +p99 +throughput +CPU/req$`),
		regexp.MustCompile(`(?m)^ +1 +1.25x +1.25x +0.90x +1.22x$`),
		regexp.MustCompile(`scale: small at concurrency 1, round 2: 2 wrong or failed answers, the first: the answer does not name`),
	} {
		if !re.MatchString(out.String()) {
			t.Errorf("the tables lack a match for %s:\n%s", re, out.String())
		}
	}
	if strings.Contains(out.String(), "canned") {
		t.Errorf("the scale tables mention a canned server, want none:\n%s", out.String())
	}
}

// closeRatio says whether a and b are the same ratios, to rounding.
func closeRatio(a, b ratio) bool {
	near := func(x, y float64) bool { return x-y < 1e-9 && y-x < 1e-9 }
	return a.Concurrency == b.Concurrency && near(a.Throughput, b.Throughput) && near(a.P50, b.P50) && near(a.P99, b.P99) && near(a.CPUPerRequest, b.CPUPerRequest)
}

func TestFmtBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{-1, "n/a"}, {512, "512 B"}, {1536, "1.5 KiB"}, {12 << 20, "12.0 MiB"}, {3 << 29, "1.50 GiB"}} {
		if got := fmtBytes(c.n); got != c.want {
			t.Errorf("fmtBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestParseScaleFlags(t *testing.T) {
	s, err := parseFlags([]string{"-pairs", "1000"}, &bytes.Buffer{})
	if err != nil || s.pairs != 1000 || !slices.Equal(s.concurrency, []int{1, 8}) || s.fillConcurrency != 8 || s.rounds != 5 {
		t.Errorf("-pairs 1000: %+v, %v; want 1000 pairs, concurrency 1,8, fill over 8 connections, 5 rounds", s, err)
	}
	s, err = parseFlags([]string{"-pairs", "10", "-concurrency", "2,3", "-fill-concurrency", "2"}, &bytes.Buffer{})
	if err != nil || !slices.Equal(s.concurrency, []int{2, 3}) || s.fillConcurrency != 2 {
		t.Errorf("-pairs 10 -concurrency 2,3 -fill-concurrency 2: %+v, %v; want those", s, err)
	}
	if s, err := parseFlags(nil, &bytes.Buffer{}); err != nil || s.pairs != 0 || !slices.Equal(s.concurrency, []int{1, 8, 64}) {
		t.Errorf("no flags: %+v, %v; want no pairs, concurrency 1,8,64", s, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-pairs", "-1"}, "-pairs -1 is negative"},
		{[]string{"-pairs", "100000001"}, "-pairs 100000001 is more than 100000000"},
		{[]string{"-pairs", "10", "-credentials"}, "-credentials with -pairs"},
		{[]string{"-pairs", "10", "-canned", "bin/canned"}, "-canned with -pairs"},
		{[]string{"-pairs", "10", "-fill-concurrency", "0"}, "-fill-concurrency 0 is not a count"},
		{[]string{"-pairs", "10", "-concurrency", "0"}, `"0" is not a count`},
	} {
		if _, err := parseFlags(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseFlags(%q) = %v, want an error containing %q", c.args, err, c.want)
		}
	}
	var usage bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &usage); err == nil {
		t.Error("-h: no error, want flag.ErrHelp")
	}
	for _, name := range []string{"-pairs N", "-fill-concurrency"} {
		if !strings.Contains(usage.String(), name) {
			t.Errorf("the usage lacks %s:\n%s", name, usage.String())
		}
	}
}

// TestScaleEndToEnd runs the scale mode briefly against two real vpfakes
// and checks the structure of what it reports, not the speed.
func TestScaleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds vpfake and runs two of them")
	}
	vpfake, _ := buildBinaries(t)
	jsonPath := filepath.Join(t.TempDir(), "scale.json")
	args := []string{"-vpfake", vpfake, "-pairs", "50", "-fill-concurrency", "3", "-rounds", "1", "-duration", "200ms", "-warmup", "50ms", "-concurrency", "2", "-json", jsonPath}
	var stdout, stderr bytes.Buffer
	if code := cli(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("loadbench %q exited %d, want 0\nstdout:\n%s\nstderr:\n%s", args, code, &stdout, &stderr)
	}
	out := stdout.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`large = .* holding 50 pairs`),
		regexp.MustCompile(`-max-policy-stores 51 -max-state-bytes 4294967296`),
		regexp.MustCompile(`scale: large: filled with 50 pairs in [0-9.]+s .*resident memory [0-9.]+ (MiB|GiB)`),
		regexp.MustCompile(`scale: small: filled with 1 pair in [0-9.]+s .*resident memory [0-9.]+ (MiB|GiB)`),
		regexp.MustCompile(`(?m)^ +2 +large +\d+ +\d+-\d+ +[0-9.]+(µs|ms) +[0-9.]+(µs|ms) +([0-9.]+(µs|ms)|n/a) +([0-9.]+(µs|ms)|n/a) +0$`),
		regexp.MustCompile(`(?m)^ +2 +small +\d+ +\d+-\d+ +[0-9.]+(µs|ms) +[0-9.]+(µs|ms) +([0-9.]+(µs|ms)|n/a) +([0-9.]+(µs|ms)|n/a) +0$`),
		regexp.MustCompile(`(?m)^ +2 +[0-9.]+x +[0-9.]+x +[0-9.]+x +([0-9.]+x|n/a)$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the output lacks a match for %s:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatalf("-json %s: %v, want the results written", jsonPath, err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("-json %s: %v\n%s", jsonPath, err, b)
	}
	if rep.Scale == nil || rep.Scale.Pairs != 50 || len(rep.Scale.Servers) != 2 || len(rep.RoundResults) != 2 || len(rep.Summaries) != 2 || len(rep.Ratios) != 1 || rep.Canned != "" {
		t.Fatalf("scale %+v, %d rounds, %d summaries, %d ratios, canned %q; want 50 pairs, 2 servers, 2, 2, 1, no canned server\n%s",
			rep.Scale, len(rep.RoundResults), len(rep.Summaries), len(rep.Ratios), rep.Canned, b)
	}
	_, procErr := os.Stat("/proc/self/status")
	for i, want := range []struct {
		name  string
		pairs int
	}{{"large", 50}, {"small", 1}} {
		s := rep.Scale.Servers[i]
		if s.Name != want.name || s.Pairs != want.pairs || s.PID <= 0 || s.FillSeconds <= 0 || s.StateBytes < int64(want.pairs)*500 || (procErr == nil && s.RSSBytes <= 0) {
			t.Errorf("server %d: %+v, want %s with %d pairs, a pid, a fill time, state of at least 500 bytes a pair, a resident size", i, s, want.name, want.pairs)
		}
		sum := rep.Summaries[i]
		if sum.Server != want.name || sum.Concurrency != 2 || sum.Requests < 1 || sum.Errors != 0 || sum.RequestsPerSecond <= 0 || sum.P50Micros <= 0 || sum.P50Micros > sum.P99Micros {
			t.Errorf("summary %d: %+v; want %s at concurrency 2 with requests, no error, positive figures, p50 <= p99", i, sum, want.name)
		}
	}
	if r := rep.Ratios[0]; r.P50 <= 0 || r.P99 <= 0 || r.Throughput <= 0 {
		t.Errorf("ratios %+v, want positive p50, p99 and throughput ratios", r)
	}
	if log := stderr.String(); !strings.Contains(log, "loadbench: large: 50 pairs in ") || !strings.Contains(log, "loadbench: small: 1 pair in ") {
		t.Errorf("stderr lacks the fill times of both servers:\n%s", log)
	}
}
