package main

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
)

// rounds makes round results of server at concurrency c with the given
// requests per second, p99 and CPU per request, p50 half the p99.
func rounds(server string, c int, rps, p99, cpu []float64) []roundResult {
	var out []roundResult
	for i := range rps {
		out = append(out, roundResult{Server: server, Concurrency: c, Round: i + 1, Requests: int(rps[i]), RequestsPerSecond: rps[i],
			P50Micros: p99[i] / 2, P99Micros: p99[i], CPUMicrosPerRequest: cpu[i], ClientCPUMicrosPerRequest: 1})
	}
	return out
}

func TestSummariseMediansAndRatios(t *testing.T) {
	r := &report{}
	// Interleaved, as run: fake and canned alternate.
	fake := rounds("fake", 8, []float64{900, 1000, 100}, []float64{300, 200, 250}, []float64{40, 44, 42})
	canned := rounds("canned", 8, []float64{2000, 1800, 1900}, []float64{100, 120, 110}, []float64{20, 21, 22})
	for i := range fake {
		r.RoundResults = append(r.RoundResults, fake[i], canned[i])
	}
	r.RoundResults = append(r.RoundResults, rounds("fake", 64, []float64{500}, []float64{900}, []float64{-1})...)
	r.RoundResults = append(r.RoundResults, rounds("canned", 64, []float64{1000}, []float64{300}, []float64{10})...)
	r.summarise()

	want := []summary{
		{Server: "fake", Concurrency: 8, Requests: 2000, RequestsPerSecond: 900, MinRequestsPerSecond: 100, MaxRequestsPerSecond: 1000, P50Micros: 125, P99Micros: 250, CPUMicrosPerRequest: 42, ClientCPUMicrosPerRequest: 1},
		{Server: "canned", Concurrency: 8, Requests: 5700, RequestsPerSecond: 1900, MinRequestsPerSecond: 1800, MaxRequestsPerSecond: 2000, P50Micros: 55, P99Micros: 110, CPUMicrosPerRequest: 21, ClientCPUMicrosPerRequest: 1},
		{Server: "fake", Concurrency: 64, Requests: 500, RequestsPerSecond: 500, MinRequestsPerSecond: 500, MaxRequestsPerSecond: 500, P50Micros: 450, P99Micros: 900, CPUMicrosPerRequest: -1, ClientCPUMicrosPerRequest: 1},
		{Server: "canned", Concurrency: 64, Requests: 1000, RequestsPerSecond: 1000, MinRequestsPerSecond: 1000, MaxRequestsPerSecond: 1000, P50Micros: 150, P99Micros: 300, CPUMicrosPerRequest: 10, ClientCPUMicrosPerRequest: 1},
	}
	if len(r.Summaries) != len(want) {
		t.Fatalf("%d summaries %+v, want %d %+v", len(r.Summaries), r.Summaries, len(want), want)
	}
	for i := range want {
		if r.Summaries[i] != want[i] {
			t.Errorf("summary %d: %+v, want %+v", i, r.Summaries[i], want[i])
		}
	}
	wantRatios := []ratio{
		{Concurrency: 8, Throughput: 900.0 / 1900, P99: 250.0 / 110, CPUPerRequest: 2},
		{Concurrency: 64, Throughput: 0.5, P99: 3, CPUPerRequest: -1}, // the fake's CPU unknown
	}
	if len(r.Ratios) != len(wantRatios) {
		t.Fatalf("ratios %+v, want %+v", r.Ratios, wantRatios)
	}
	for i, w := range wantRatios {
		g := r.Ratios[i]
		if g.Concurrency != w.Concurrency || math.Abs(g.Throughput-w.Throughput) > 1e-9 || math.Abs(g.P99-w.P99) > 1e-9 || math.Abs(g.CPUPerRequest-w.CPUPerRequest) > 1e-9 {
			t.Errorf("ratio %d: %+v, want %+v", i, g, w)
		}
	}
}

func TestPrintTables(t *testing.T) {
	r := &report{Operation: "GetIdentitySource", Rounds: 1, RoundSeconds: 2, CPUs: 2, ClockTicks: 100, ResponseBytes: 784, VPFake: "bin/vpfake", Canned: "bin/canned"}
	r.RoundResults = append(rounds("fake", 1, []float64{1000}, []float64{2500}, []float64{40}), rounds("canned", 1, []float64{2000}, []float64{50}, []float64{-1})...)
	r.RoundResults[0].Errors, r.RoundResults[0].FirstError = 3, "HTTP 500, want 200: boom"
	r.summarise()
	var out bytes.Buffer
	r.print(&out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ +concurrency +server +req/s +min-max req/s +p50 +p99 +CPU/req +client CPU/req +errors$`),
		regexp.MustCompile(`(?m)^ +1 +fake +1000 +1000-1000 +1.25ms +2.50ms +40.0µs +1.0µs +3$`),
		regexp.MustCompile(`(?m)^ +1 +canned +2000 +2000-2000 +25.0µs +50.0µs +n/a +1.0µs +0$`),
		regexp.MustCompile(`(?m)^ +1 +0.50x +50.00x +n/a$`),
		regexp.MustCompile(`credentials off`),
		regexp.MustCompile(`784-byte body`),
		regexp.MustCompile(`fake at concurrency 1, round 1: 3 wrong or failed answers, the first: HTTP 500, want 200: boom`),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("the tables lack a match for %s:\n%s", want, out.String())
		}
	}
}

func TestFmtMicros(t *testing.T) {
	for _, c := range []struct {
		us   float64
		want string
	}{{-1, "n/a"}, {0, "0.0µs"}, {47.64, "47.6µs"}, {203.4, "203µs"}, {2379, "2.38ms"}, {13200, "13.2ms"}} {
		if got := fmtMicros(c.us); got != c.want {
			t.Errorf("fmtMicros(%g) = %q, want %q", c.us, got, c.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	s, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil || s.rounds != 5 || s.duration.String() != "2s" || len(s.concurrency) != 3 || s.concurrency[2] != 64 || s.credentials {
		t.Errorf("defaults: %+v, %v; want 5 rounds of 2s at 1,8,64 without credentials", s, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-concurrency", "1,x"}, `"x" is not a count`},
		{[]string{"-concurrency", "0"}, `"0" is not a count`},
		{[]string{"-rounds", "0"}, "-rounds 0"},
		{[]string{"-duration", "0s"}, "-duration 0s"},
		{[]string{"-warmup", "-1s"}, "-warmup -1s"},
		{[]string{"extra"}, "unexpected arguments"},
	} {
		if _, err := parseFlags(c.args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseFlags(%q) = %v, want an error containing %q", c.args, err, c.want)
		}
	}
}
