package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// report is the benchmark's result, as -json writes it.
type report struct {
	Rounds int `json:"rounds"`
	Warmup int `json:"warmup"`
	CPUs   int `json:"cpus"`
	// Servers are the subject (vpfake) then the base (hello).
	Servers []serverInfo `json:"servers"`
	// RoundResults are every start, warm-ups (round 0) included, in the
	// order run.
	RoundResults []roundResult `json:"roundResults"`
	// Summaries are the figures over the measured rounds, in the order of
	// Servers.
	Summaries []summary `json:"summaries"`
	// Ratios are the first server's medians over the second's.
	Ratios *ratios `json:"ratios,omitempty"`
}

// serverInfo is how a server was started and asked.
type serverInfo struct {
	Name         string   `json:"name"`
	Path         string   `json:"path"`
	Args         []string `json:"args"`
	FirstRequest string   `json:"firstRequest"`
}

// roundResult is one start of one server. Times are in milliseconds from
// just before the exec; CPUMillis and MaxRSSKiB are -1 when unknown.
type roundResult struct {
	Server string `json:"server"`
	Round  int    `json:"round"` // 0 for a warm-up, not summarised
	PID    int    `json:"pid"`
	// ListenMillis is when the listening line was read.
	ListenMillis float64 `json:"listenMillis"`
	// AnswerMillis is when the last byte of the first answer was read (or
	// the request failed).
	AnswerMillis float64 `json:"answerMillis"`
	// FirstRequestMillis is AnswerMillis - ListenMillis.
	FirstRequestMillis float64 `json:"firstRequestMillis"`
	// CPUMillis is the user+system CPU time of the process's whole life.
	CPUMillis float64 `json:"cpuMillis"`
	// MaxRSSKiB is the process's peak resident memory.
	MaxRSSKiB int64 `json:"maxRssKiB"`
	// Error says how the first answer was wrong.
	Error string `json:"error,omitempty"`
	// StopError says how the server failed to stop cleanly on SIGTERM.
	StopError string `json:"stopError,omitempty"`
}

// summary is one server's figures over the measured rounds.
type summary struct {
	Server       string `json:"server"`
	Rounds       int    `json:"rounds"`
	Wrong        int    `json:"wrong"` // rounds with a wrong answer or an unclean stop
	Listen       figure `json:"listenMillis"`
	Answer       figure `json:"answerMillis"`
	FirstRequest figure `json:"firstRequestMillis"`
	CPU          figure `json:"cpuMillis"`
	MaxRSS       figure `json:"maxRssKiB"`
}

// ratios are the subject's medians over the base's; -1 when unknown.
type ratios struct {
	Subject      string  `json:"subject"`
	Base         string  `json:"base"`
	Listen       float64 `json:"listen"`
	Answer       float64 `json:"answer"`
	FirstRequest float64 `json:"firstRequest"`
	CPU          float64 `json:"cpu"`
	MaxRSS       float64 `json:"maxRss"`
}

// summarise computes the summaries and the ratios from the rounds.
func (r *report) summarise() {
	r.Summaries, r.Ratios = nil, nil
	for _, srv := range r.Servers {
		s := summary{Server: srv.Name}
		var listen, answer, first, cpu, rss []float64
		for _, rr := range r.RoundResults {
			if rr.Server != srv.Name || rr.Round == 0 {
				continue
			}
			s.Rounds++
			if rr.wrong() {
				s.Wrong++
			}
			listen = append(listen, rr.ListenMillis)
			answer = append(answer, rr.AnswerMillis)
			first = append(first, rr.FirstRequestMillis)
			cpu = append(cpu, rr.CPUMillis)
			rss = append(rss, float64(rr.MaxRSSKiB))
		}
		s.Listen, s.Answer, s.FirstRequest = summarise(listen), summarise(answer), summarise(first)
		s.CPU, s.MaxRSS = summarise(cpu), summarise(rss)
		r.Summaries = append(r.Summaries, s)
	}
	if len(r.Summaries) != 2 || r.Summaries[0].Rounds == 0 || r.Summaries[1].Rounds == 0 {
		return
	}
	a, b := r.Summaries[0], r.Summaries[1]
	r.Ratios = &ratios{
		Subject: a.Server, Base: b.Server,
		Listen: ratio(a.Listen.Median, b.Listen.Median), Answer: ratio(a.Answer.Median, b.Answer.Median),
		FirstRequest: ratio(a.FirstRequest.Median, b.FirstRequest.Median),
		CPU:          ratio(a.CPU.Median, b.CPU.Median), MaxRSS: ratio(a.MaxRSS.Median, b.MaxRSS.Median),
	}
}

// wrong says whether the round's answer was wrong or its server did not
// stop cleanly.
func (rr roundResult) wrong() bool { return rr.Error != "" || rr.StopError != "" }

// wrong is how many starts, warm-ups included, had a wrong answer or an
// unclean stop.
func (r *report) wrong() int {
	n := 0
	for _, rr := range r.RoundResults {
		if rr.wrong() {
			n++
		}
	}
	return n
}

// print writes the table.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nstart: each server started as a process %d times, the servers taking turns, after %d unmeasured start(s) of each; %d CPUs\n", r.Rounds, r.Warmup, r.CPUs)
	for _, s := range r.Servers {
		fmt.Fprintf(w, "start: %s = %s %s; first request %s\n", s.Name, s.Path, strings.Join(s.Args, " "), s.FirstRequest)
	}
	fmt.Fprintf(w, "start: listen = exec to the listening line; answer = exec to the last byte of the first answer (new connection); first request = answer - listen;\n")
	fmt.Fprintf(w, "start: CPU = user+system time of the whole process (start, one request, SIGTERM); max RSS = its peak resident memory\n\n")
	if len(r.Summaries) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "\t"
	for _, s := range r.Summaries {
		head += s.Server + " median\tmin-max\tp90\t"
	}
	if r.Ratios != nil {
		head += r.Ratios.Subject + " / " + r.Ratios.Base + "\t"
	}
	fmt.Fprintln(tw, head)
	rows := []struct {
		name  string
		fig   func(summary) figure
		ratio func(*ratios) float64
		unit  func(float64) string
	}{
		{"listen", func(s summary) figure { return s.Listen }, func(r *ratios) float64 { return r.Listen }, fmtMillis},
		{"answer", func(s summary) figure { return s.Answer }, func(r *ratios) float64 { return r.Answer }, fmtMillis},
		{"first request", func(s summary) figure { return s.FirstRequest }, func(r *ratios) float64 { return r.FirstRequest }, fmtMillis},
		{"CPU", func(s summary) figure { return s.CPU }, func(r *ratios) float64 { return r.CPU }, fmtMillis},
		{"max RSS", func(s summary) figure { return s.MaxRSS }, func(r *ratios) float64 { return r.MaxRSS }, fmtKiB},
	}
	for _, row := range rows {
		line := row.name + "\t"
		for _, s := range r.Summaries {
			f := row.fig(s)
			line += fmt.Sprintf("%s\t%s-%s\t%s\t", row.unit(f.Median), row.unit(f.Min), row.unit(f.Max), row.unit(f.P90))
		}
		if r.Ratios != nil {
			line += fmtRatio(row.ratio(r.Ratios)) + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	for _, s := range r.Summaries {
		fmt.Fprintf(w, "start: %s: %d rounds, %d wrong\n", s.Server, s.Rounds, s.Wrong)
	}
	for _, rr := range r.RoundResults {
		if rr.Error != "" {
			fmt.Fprintf(w, "start: %s round %d (pid %d): wrong answer: %s\n", rr.Server, rr.Round, rr.PID, rr.Error)
		}
		if rr.StopError != "" {
			fmt.Fprintf(w, "start: %s round %d (pid %d): %s\n", rr.Server, rr.Round, rr.PID, rr.StopError)
		}
	}
	fmt.Fprintln(w)
}

// fmtMillis formats a time in milliseconds, "n/a" when unknown (below 0).
func fmtMillis(ms float64) string {
	switch {
	case ms < 0:
		return "n/a"
	case ms >= 100:
		return fmt.Sprintf("%.0fms", ms)
	default:
		return fmt.Sprintf("%.2fms", ms)
	}
}

// fmtKiB formats a size in KiB as MiB, "n/a" when unknown (below 0).
func fmtKiB(kib float64) string {
	if kib < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1fMiB", kib/1024)
}

// fmtRatio formats a ratio, "n/a" when unknown (below 0).
func fmtRatio(x float64) string {
	if x < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", x)
}
