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
	Canned        string  `json:"canned"`
	FakePID       int     `json:"fakePid"`
	CannedPID     int     `json:"cannedPid"`
	ResponseBytes int     `json:"responseBodyBytes"`
	// RoundResults are every round, in the order run.
	RoundResults []roundResult `json:"roundResults"`
	// Summaries are the medians over the rounds, by concurrency then
	// server (fake first).
	Summaries []summary `json:"summaries"`
	// Ratios are fake / canned, by concurrency.
	Ratios []ratio `json:"ratios"`
	// Stops are the servers that did not exit 0 on SIGTERM.
	Stops []string `json:"stops,omitempty"`
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

// ratio is fake / canned at one concurrency, from the medians.
type ratio struct {
	Concurrency   int     `json:"concurrency"`
	Throughput    float64 `json:"throughput"`
	P99           float64 `json:"p99"`
	CPUPerRequest float64 `json:"cpuPerRequest"` // -1 when unknown
}

// serverOrder is the order the servers are summarised and printed in.
var serverOrder = []string{"fake", "canned"}

// summarise computes the summaries and ratios from the rounds.
func (r *report) summarise() {
	r.Summaries, r.Ratios = nil, nil
	var concurrencies []int
	for _, rr := range r.RoundResults {
		if len(concurrencies) == 0 || concurrencies[len(concurrencies)-1] != rr.Concurrency {
			concurrencies = append(concurrencies, rr.Concurrency)
		}
	}
	for _, c := range concurrencies {
		by := map[string]summary{}
		for _, name := range serverOrder {
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
		f, okF := by["fake"]
		cn, okC := by["canned"]
		if !okF || !okC {
			continue
		}
		rt := ratio{Concurrency: c, Throughput: div(f.RequestsPerSecond, cn.RequestsPerSecond), P99: div(f.P99Micros, cn.P99Micros), CPUPerRequest: -1}
		if f.CPUMicrosPerRequest >= 0 && cn.CPUMicrosPerRequest > 0 {
			rt.CPUPerRequest = f.CPUMicrosPerRequest / cn.CPUMicrosPerRequest
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
	creds := "off: no Authorization header"
	if r.Credentials {
		creds = "on: vpfake -credentials-file, every request signed afresh with SigV4 (the canned server ignores it)"
	}
	fmt.Fprintf(w, "\nload: %s over loopback, raw HTTP/1.1 keep-alive, one connection per client, credentials %s\n", r.Operation, creds)
	fmt.Fprintf(w, "load: fake = %s, canned = %s (a bare net/http handler answering the fake's own status, headers and %d-byte body)\n", r.VPFake, r.Canned, r.ResponseBytes)
	fmt.Fprintf(w, "load: rounds: %d of %gs per server and concurrency, the servers taking turns, after a %gs warm-up; medians over the rounds; %d CPUs shared by both servers and the clients\n",
		r.Rounds, r.RoundSeconds, r.WarmupSeconds, r.CPUs)
	fmt.Fprintf(w, "load: CPU/req is the server's user+system time (/proc/<pid>/stat, %d ticks/s) over the requests; client CPU/req is this load generator's\n\n", r.ClockTicks)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tserver\treq/s\tmin-max req/s\tp50\tp99\tCPU/req\tclient CPU/req\terrors\t")
	for _, s := range r.Summaries {
		fmt.Fprintf(tw, "%d\t%s\t%.0f\t%.0f-%.0f\t%s\t%s\t%s\t%s\t%d\t\n", s.Concurrency, s.Server, s.RequestsPerSecond,
			s.MinRequestsPerSecond, s.MaxRequestsPerSecond, fmtMicros(s.P50Micros), fmtMicros(s.P99Micros),
			fmtMicros(s.CPUMicrosPerRequest), fmtMicros(s.ClientCPUMicrosPerRequest), s.Errors)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nload: fake / canned, from the medians (throughput above 1, p99 and CPU below 1 favour the fake)\n\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "concurrency\tthroughput\tp99\tCPU/req\t")
	for _, rt := range r.Ratios {
		cpu := "n/a"
		if rt.CPUPerRequest >= 0 {
			cpu = fmt.Sprintf("%.2fx", rt.CPUPerRequest)
		}
		fmt.Fprintf(tw, "%d\t%.2fx\t%.2fx\t%s\t\n", rt.Concurrency, rt.Throughput, rt.P99, cpu)
	}
	_ = tw.Flush()
	for _, rr := range r.RoundResults {
		if rr.FirstError != "" {
			fmt.Fprintf(w, "load: %s at concurrency %d, round %d: %d wrong or failed answers, the first: %s\n", rr.Server, rr.Concurrency, rr.Round, rr.Errors, rr.FirstError)
		}
	}
	fmt.Fprintln(w)
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
