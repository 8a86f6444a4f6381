package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/internal/benchutil"
)

// sampleReport has two servers: a warm-up each, then three rounds each,
// one of vpfake's with a wrong answer.
func sampleReport() *report {
	r := &report{Rounds: 3, Warmup: 1, CPUs: 2, Servers: []serverInfo{
		{Name: "vpfake", Path: "bin/vpfake", Args: []string{"-addr", "127.0.0.1:0"}, FirstRequest: "GetPolicyStore"},
		{Name: "hello", Path: "bin/hello", Args: []string{"-addr", "127.0.0.1:0"}, FirstRequest: "GET /"},
	}}
	add := func(server string, round int, listen, answer, cpu float64, rss int64, wrong string) {
		r.RoundResults = append(r.RoundResults, roundResult{Server: server, Round: round, PID: 100 + len(r.RoundResults),
			ListenMillis: listen, AnswerMillis: answer, FirstRequestMillis: answer - listen, CPUMillis: cpu, MaxRSSKiB: rss, Error: wrong})
	}
	add("vpfake", 0, 100, 200, 90, 99999, "")
	add("hello", 0, 100, 200, 90, 99999, "")
	add("vpfake", 1, 6, 16, 17, 16384, "")
	add("hello", 1, 3, 4, 4, 8192, "")
	add("vpfake", 2, 8, 20, 19, 16384, "HTTP 200, want 404")
	add("hello", 2, 2, 3, 3, 8192, "")
	add("vpfake", 3, 7, 18, 18, 17408, "")
	add("hello", 3, 4, 5, 5, 8192, "")
	r.summarise()
	return r
}

func TestSummariseSkipsWarmupsAndCountsWrongRounds(t *testing.T) {
	r := sampleReport()
	if len(r.Summaries) != 2 {
		t.Fatalf("%d summaries, want 2 (vpfake, hello): %+v", len(r.Summaries), r.Summaries)
	}
	f, h := r.Summaries[0], r.Summaries[1]
	if f.Server != "vpfake" || f.Rounds != 3 || f.Wrong != 1 {
		t.Errorf("first summary %s: %d rounds, %d wrong; want vpfake, 3 rounds, 1 wrong", f.Server, f.Rounds, f.Wrong)
	}
	if want := (figure{Median: 7, Min: 6, Max: 8, P90: 8}); f.Listen != want {
		t.Errorf("vpfake listen %+v, want %+v (the warm-up left out)", f.Listen, want)
	}
	if want := (figure{Median: 11, Min: 10, Max: 12, P90: 12}); f.FirstRequest != want {
		t.Errorf("vpfake first request %+v, want %+v", f.FirstRequest, want)
	}
	if want := (figure{Median: 16384, Min: 16384, Max: 17408, P90: 17408}); f.MaxRSS != want {
		t.Errorf("vpfake max RSS %+v, want %+v", f.MaxRSS, want)
	}
	if h.Server != "hello" || h.Rounds != 3 || h.Wrong != 0 || h.Answer.Median != 4 {
		t.Errorf("second summary %+v, want hello, 3 rounds, none wrong, answer median 4", h)
	}
	want := ratios{Subject: "vpfake", Base: "hello", Listen: 7.0 / 3, Answer: 18.0 / 4, FirstRequest: 11.0 / 1, CPU: 18.0 / 4, MaxRSS: 2}
	if r.Ratios == nil || *r.Ratios != want {
		t.Errorf("ratios %+v, want %+v", r.Ratios, want)
	}
	if got := r.wrong(); got != 1 {
		t.Errorf("wrong() = %d, want 1", got)
	}
	r.RoundResults[0].StopError = "exited with exit status 1"
	if got := r.wrong(); got != 2 {
		t.Errorf("wrong() with a warm-up that did not stop cleanly = %d, want 2 (warm-ups count)", got)
	}
}

func TestSummariseUnknownFigures(t *testing.T) {
	r := sampleReport()
	r.RoundResults[2].CPUMillis = -1
	r.RoundResults[3].MaxRSSKiB = -1
	r.summarise()
	if r.Summaries[0].CPU != unknown || r.Ratios.CPU != -1 {
		t.Errorf("a vpfake round without CPU: figure %+v, ratio %g; want all -1", r.Summaries[0].CPU, r.Ratios.CPU)
	}
	if r.Summaries[1].MaxRSS != unknown || r.Ratios.MaxRSS != -1 {
		t.Errorf("a hello round without max RSS: figure %+v, ratio %g; want all -1", r.Summaries[1].MaxRSS, r.Ratios.MaxRSS)
	}
	var out bytes.Buffer
	r.print(&out)
	if !regexp.MustCompile(`(?m)^ +CPU +n/a +n/a-n/a +n/a +[0-9.]+ms`).MatchString(out.String()) {
		t.Errorf("the CPU row does not say n/a for vpfake:\n%s", out.String())
	}
}

func TestPrint(t *testing.T) {
	r := sampleReport()
	var out bytes.Buffer
	r.print(&out)
	s := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ +vpfake median +min-max +p90 +hello median +min-max +p90 +vpfake / hello$`),
		regexp.MustCompile(`(?m)^ +listen +7\.00ms +6\.00ms-8\.00ms +8\.00ms +3\.00ms +2\.00ms-4\.00ms +4\.00ms +2\.33x$`),
		regexp.MustCompile(`(?m)^ +answer +18\.00ms +16\.00ms-20\.00ms +20\.00ms +4\.00ms +3\.00ms-5\.00ms +5\.00ms +4\.50x$`),
		regexp.MustCompile(`(?m)^ +first request +11\.00ms +10\.00ms-12\.00ms +12\.00ms +1\.00ms +1\.00ms-1\.00ms +1\.00ms +11\.00x$`),
		regexp.MustCompile(`(?m)^ +CPU +18\.00ms +17\.00ms-19\.00ms +19\.00ms +4\.00ms +3\.00ms-5\.00ms +5\.00ms +4\.50x$`),
		regexp.MustCompile(`(?m)^ +max RSS +16\.0MiB +16\.0MiB-17\.0MiB +17\.0MiB +8\.0MiB +8\.0MiB-8\.0MiB +8\.0MiB +2\.00x$`),
		regexp.MustCompile(`(?m)^start: vpfake = bin/vpfake -addr 127\.0\.0\.1:0; first request GetPolicyStore$`),
		regexp.MustCompile(`(?m)^start: vpfake: 3 rounds, 1 wrong$`),
		regexp.MustCompile(`(?m)^start: vpfake round 2 \(pid 104\): wrong answer: HTTP 200, want 404$`),
	} {
		if !want.MatchString(s) {
			t.Errorf("the report lacks a match for %s:\n%s", want, s)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{fmtMillis(-1), "n/a"}, {fmtMillis(3.456), "3.46ms"}, {fmtMillis(123.4), "123ms"},
		{fmtKiB(-1), "n/a"}, {fmtKiB(16384), "16.0MiB"},
		{fmtRatio(-1), "n/a"}, {fmtRatio(1.5), "1.50x"},
	} {
		if c.got != c.want {
			t.Errorf("formatted %q, want %q", c.got, c.want)
		}
	}
}

// TestReportJSON: the report as -json writes it reads back, with its keys.
func TestReportJSON(t *testing.T) {
	r := sampleReport()
	path := filepath.Join(t.TempDir(), "new", "start.json")
	if err := benchutil.WriteJSON(path, r); err != nil {
		t.Fatalf("WriteJSON: %v, want the file written", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("the JSON written does not decode: %v\n%s", err, b)
	}
	if len(back.RoundResults) != 8 || back.RoundResults[4].Error != "HTTP 200, want 404" || back.Ratios == nil || back.Ratios.Listen != r.Ratios.Listen || back.Summaries[0].Answer != r.Summaries[0].Answer {
		t.Errorf("the JSON read back: %d rounds, round 5 error %q, ratios %+v; want 8 rounds, the wrong answer, the ratios %+v", len(back.RoundResults), back.RoundResults[4].Error, back.Ratios, r.Ratios)
	}
	for _, key := range []string{`"listenMillis"`, `"answerMillis"`, `"firstRequestMillis"`, `"cpuMillis"`, `"maxRssKiB"`, `"p90"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("the JSON lacks the key %s:\n%s", key, b)
		}
	}
}
