package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/vpconform/vpconform/internal/benchutil"
)

// report is the benchmark's result, as -json writes it.
type report struct {
	Operation     string  `json:"operation"`
	Credentials   bool    `json:"credentials"`
	Rounds        int     `json:"rounds"`
	RoundSeconds  float64 `json:"roundSeconds"`
	WarmupSeconds float64 `json:"warmupSeconds"`
	CPUs          int     `json:"cpus"`
	ClockTicks    uint64  `json:"clockTicksPerSecond"`
	VPFake        string  `json:"vpfake"`
	Canned        string  `json:"canned,omitempty"`
	FakePID       int     `json:"fakePid,omitempty"`
	CannedPID     int     `json:"cannedPid,omitempty"`
	ResponseBytes int     `json:"responseBodyBytes,omitempty"`
	// Scale is the scale mode's (-pairs), nil in the other.
	Scale *scaleReport `json:"scale,omitempty"`
	// RoundResults are every round, in the order run.
	RoundResults []roundResult `json:"roundResults"`
	// Summaries are the medians over the rounds, by concurrency then
	// server (fake first, or large first in the scale mode).
	Summaries []summary `json:"summaries"`
	// Ratios are fake / canned, or large / small in the scale mode, by
	// concurrency.
	Ratios []ratio `json:"ratios"`
	// Stops are the servers that did not exit 0 on SIGTERM.
	Stops []string `json:"stops,omitempty"`
}

// scaleReport is what the scale mode (-pairs) measured besides the rounds.
type scaleReport struct {
	Pairs           int   `json:"pairs"` // in the large server
	FillConcurrency int   `json:"fillConcurrency"`
	ShuffleSeed     int   `json:"shuffleSeed"`
	MaxPolicyStores int   `json:"maxPolicyStores"` // both servers' -max-policy-stores
	MaxStateBytes   int64 `json:"maxStateBytes"`   // both servers' -max-state-bytes
	// Servers are large then small.
	Servers []scaleServer `json:"servers"`
}

// scaleServer is one server of the scale mode, after its fill.
type scaleServer struct {
	Name        string  `json:"name"`
	PID         int     `json:"pid"`
	Pairs       int     `json:"pairs"`
	FillSeconds float64 `json:"fillSeconds"`
	// RSSBytes is its resident memory after the fill (VmRSS), -1 when
	// unknown.
	RSSBytes int64 `json:"rssBytesAfterFill"`
	// StateBytes is the size of its state as the fake estimates it (the
	// stateBytes of its health's usage), which -max-state-bytes bounds.
	StateBytes int64 `json:"stateBytes"`
}

// roundResult is one server's round at one concurrency. A CPU figure is -1
// when /proc could not be read.
type roundResult struct {
	Server                    string  `json:"server"`
	Concurrency               int     `json:"concurrency"`
	Round                     int     `json:"round"`
	Requests                  int     `json:"requests"`
	Errors                    int     `json:"errors"`
	FirstError                string  `json:"firstError,omitempty"`
	Seconds                   float64 `json:"seconds"`
	RequestsPerSecond         float64 `json:"requestsPerSecond"`
	P50Micros                 float64 `json:"p50Micros"`
	P99Micros                 float64 `json:"p99Micros"`
	CPUMicrosPerRequest       float64 `json:"cpuMicrosPerRequest"`
	ClientCPUMicrosPerRequest float64 `json:"clientCpuMicrosPerRequest"`
}

// summary is the median over the rounds of one server at one concurrency.
type summary struct {
	Server                    string  `json:"server"`
	Concurrency               int     `json:"concurrency"`
	Requests                  int     `json:"requests"` // all rounds together
	Errors                    int     `json:"errors"`
	RequestsPerSecond         float64 `json:"requestsPerSecond"`
	MinRequestsPerSecond      float64 `json:"minRequestsPerSecond"`
	MaxRequestsPerSecond      float64 `json:"maxRequestsPerSecond"`
	P50Micros                 float64 `json:"p50Micros"`
	P99Micros                 float64 `json:"p99Micros"`
	CPUMicrosPerRequest       float64 `json:"cpuMicrosPerRequest"`
	ClientCPUMicrosPerRequest float64 `json:"clientCpuMicrosPerRequest"`
}

// ratio is fake / canned, or large / small, at one concurrency, from the
// medians.
type ratio struct {
	Concurrency   int     `json:"concurrency"`
	Throughput    float64 `json:"throughput"`
	P50           float64 `json:"p50"`
	P99           float64 `json:"p99"`
	CPUPerRequest float64 `json:"cpuPerRequest"` // -1 when unknown
}

// serverOrder is the order the servers are summarised and printed in; the
// ratios are the first's over the second's. scaleServerOrder is the scale
// mode's.
var (
	serverOrder      = []string{"fake", "canned"}
	scaleServerOrder = []string{"large", "small"}
)

// servers are the names of the servers of r, in order.
func (r *report) servers() []string {
	if r.Scale != nil {
		return scaleServerOrder
	}
	return serverOrder
}

// summarise computes the summaries and ratios from the rounds.
func (r *report) summarise() {
	names := r.servers()
	r.Summaries, r.Ratios = nil, nil
	var concurrencies []int
	for _, rr := range r.RoundResults {
		if len(concurrencies) == 0 || concurrencies[len(concurrencies)-1] != rr.Concurrency {
			concurrencies = append(concurrencies, rr.Concurrency)
		}
	}
	for _, c := range concurrencies {
		by := map[string]summary{}
		for _, name := range names {
			var rps, p50, p99, cpu, client []float64
			s := summary{Server: name, Concurrency: c}
			for _, rr := range r.RoundResults {
				if rr.Concurrency != c || rr.Server != name {
					continue
				}
				s.Requests += rr.Requests
				s.Errors += rr.Errors
				rps = append(rps, rr.RequestsPerSecond)
				p50 = append(p50, rr.P50Micros)
				p99 = append(p99, rr.P99Micros)
				cpu = append(cpu, rr.CPUMicrosPerRequest)
				client = append(client, rr.ClientCPUMicrosPerRequest)
			}
			if len(rps) == 0 {
				continue
			}
			s.RequestsPerSecond, s.P50Micros, s.P99Micros = benchutil.Median(rps), benchutil.Median(p50), benchutil.Median(p99)
			s.MinRequestsPerSecond, s.MaxRequestsPerSecond = minMax(rps)
			s.CPUMicrosPerRequest, s.ClientCPUMicrosPerRequest = knownMedian(cpu), knownMedian(client)
			by[name] = s
			r.Summaries = append(r.Summaries, s)
		}
		a, okA := by[names[0]]
		b, okB := by[names[1]]
		if !okA || !okB {
			continue
		}
		rt := ratio{Concurrency: c, Throughput: div(a.RequestsPerSecond, b.RequestsPerSecond),
			P50: div(a.P50Micros, b.P50Micros), P99: div(a.P99Micros, b.P99Micros), CPUPerRequest: -1}
		if a.CPUMicrosPerRequest >= 0 && b.CPUMicrosPerRequest > 0 {
			rt.CPUPerRequest = a.CPUMicrosPerRequest / b.CPUMicrosPerRequest
		}
		r.Ratios = append(r.Ratios, rt)
	}
}

// knownMedian is the median of values, or -1 when one is unknown (-1).
func knownMedian(values []float64) float64 {
	for _, v := range values {
		if v < 0 {
			return -1
		}
	}
	return benchutil.Median(values)
}

// minMax returns the smallest and the largest of values (not empty).
func minMax(values []float64) (lo, hi float64) {
	lo, hi = values[0], values[0]
	for _, v := range values[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// div is a / b, or 0 when b is 0.
func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// errors is how many answers were wrong or failed, over every round.
func (r *report) errors() int {
	n := 0
	for _, rr := range r.RoundResults {
		n += rr.Errors
	}
	return n
}

// print writes the tables.
func (r *report) print(w io.Writer) {
	if r.Scale != nil {
		r.printScale(w)
		return
	}
	creds := "off: no Authorization header"
	if r.Credentials {
		creds = "on: vpfake -credentials-file, every request signed afresh with SigV4 (the canned server ignores it)"
	}
	fmt.Fprintf(w, "\nload: %s over loopback, raw HTTP/1.1 keep-alive, one connection per client, credentials %s\n", r.Operation, creds)
	fmt.Fprintf(w, "load: fake = %s, canned = %s (a bare net/http handler answering the fake's own status, headers and %d-byte body)\n", r.VPFake, r.Canned, r.ResponseBytes)
	r.printRounds(w, "load")
	fmt.Fprintf(w, "\nload: fake / canned, from the medians (throughput above 1, p99 and CPU below 1 favour the fake)\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tthroughput\tp99\tCPU/req\t")
	for _, rt := range r.Ratios {
		fmt.Fprintf(tw, "%d\t%.2fx\t%.2fx\t%s\t\n", rt.Concurrency, rt.Throughput, rt.P99, rt.cpu())
	}
	_ = tw.Flush()
	r.printErrors(w, "load")
}

// printScale writes the scale mode's tables.
func (r *report) printScale(w io.Writer) {
	sc := r.Scale
	fmt.Fprintf(w, "\nscale: %s over loopback, raw HTTP/1.1 keep-alive, one connection per client, unsigned\n", r.Operation)
	fmt.Fprintf(w, "scale: large = %s holding %d pairs (a policy store and its Cognito identity source, created with clientTokens), small = the same, started with the same flags, holding 1\n", r.VPFake, sc.Pairs)
	fmt.Fprintf(w, "scale: both with -max-policy-stores %d -max-state-bytes %d; each request names the next pair of a random order (seed %d), each client from its own start, and its answer must name that identity source\n",
		sc.MaxPolicyStores, sc.MaxStateBytes, sc.ShuffleSeed)
	for _, s := range sc.Servers {
		fmt.Fprintf(w, "scale: %s: filled with %s in %.1fs (%.0f pairs/s over %d connections); then resident memory %s (VmRSS), state %s as the fake estimates it\n",
			s.Name, countPairs(s.Pairs), s.FillSeconds, div(float64(s.Pairs), s.FillSeconds), sc.FillConcurrency, fmtBytes(s.RSSBytes), fmtBytes(s.StateBytes))
	}
	r.printRounds(w, "scale")
	fmt.Fprintf(w, "\nscale: large / small, from the medians (above 1, the large server is slower)\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tp50\tp99\tthroughput\tCPU/req\t")
	for _, rt := range r.Ratios {
		fmt.Fprintf(tw, "%d\t%.2fx\t%.2fx\t%.2fx\t%s\t\n", rt.Concurrency, rt.P50, rt.P99, rt.Throughput, rt.cpu())
	}
	_ = tw.Flush()
	r.printErrors(w, "scale")
}

// printRounds writes how the rounds were run and the table of the
// summaries, its lines starting with prefix.
func (r *report) printRounds(w io.Writer, prefix string) {
	fmt.Fprintf(w, "%s: rounds: %d of %gs per server and concurrency, the servers taking turns, after a %gs warm-up; medians over the rounds; %d CPUs shared by both servers and the clients\n",
		prefix, r.Rounds, r.RoundSeconds, r.WarmupSeconds, r.CPUs)
	fmt.Fprintf(w, "%s: CPU/req is the server's user+system time (/proc/<pid>/stat, %d ticks/s) over the requests; client CPU/req is this load generator's\n\n", prefix, r.ClockTicks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tserver\treq/s\tmin-max req/s\tp50\tp99\tCPU/req\tclient CPU/req\terrors\t")
	for _, s := range r.Summaries {
		fmt.Fprintf(tw, "%d\t%s\t%.0f\t%.0f-%.0f\t%s\t%s\t%s\t%s\t%d\t\n", s.Concurrency, s.Server, s.RequestsPerSecond,
			s.MinRequestsPerSecond, s.MaxRequestsPerSecond, fmtMicros(s.P50Micros), fmtMicros(s.P99Micros),
			fmtMicros(s.CPUMicrosPerRequest), fmtMicros(s.ClientCPUMicrosPerRequest), s.Errors)
	}
	_ = tw.Flush()
}

// printErrors writes the first wrong answer of each round that had one,
// and ends the output.
func (r *report) printErrors(w io.Writer, prefix string) {
	for _, rr := range r.RoundResults {
		if rr.FirstError != "" {
			fmt.Fprintf(w, "%s: %s at concurrency %d, round %d: %d wrong or failed answers, the first: %s\n", prefix, rr.Server, rr.Concurrency, rr.Round, rr.Errors, rr.FirstError)
		}
	}
	fmt.Fprintln(w)
}

// cpu is the CPU per request ratio as printed.
func (rt ratio) cpu() string {
	if rt.CPUPerRequest < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", rt.CPUPerRequest)
}

// fmtBytes formats a byte count in KiB, MiB or GiB; "n/a" when unknown
// (below 0).
func fmtBytes(n int64) string {
	switch {
	case n < 0:
		return "n/a"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// fmtMicros formats a figure in microseconds: "n/a" when unknown (below
// 0), in ms from 1 ms.
func fmtMicros(us float64) string {
	switch {
	case us < 0:
		return "n/a"
	case us >= 10000:
		return fmt.Sprintf("%.1fms", us/1000)
	case us >= 1000:
		return fmt.Sprintf("%.2fms", us/1000)
	case us >= 100:
		return fmt.Sprintf("%.0fµs", us)
	default:
		return fmt.Sprintf("%.1fµs", us)
	}
}
