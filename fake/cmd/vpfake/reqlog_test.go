package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/gomega/gbytes"
)

func TestAppendDurationIsDurationString(t *testing.T) {
	values := []time.Duration{0, 1, 999, time.Microsecond, 1500, time.Millisecond - 1, time.Millisecond, 1234567,
		time.Second - 1, time.Second, 1500 * time.Millisecond, 59*time.Second + 999999999, time.Minute, 61 * time.Second,
		time.Hour, time.Hour + 500*time.Millisecond, 25*time.Hour + 61*time.Second + 7, 1<<63 - 1, -1 << 63, -1500,
		-time.Hour}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		d := time.Duration(rng.Int64N(int64(10 * time.Minute)))
		values = append(values, d, d.Round(time.Microsecond), -d, time.Duration(rng.Int64()))
	}
	for _, d := range values {
		if got, want := string(appendDuration(nil, d)), d.String(); got != want {
			t.Errorf("appendDuration(%d) = %q, want %q as Duration.String", int64(d), got, want)
		}
	}
}

// TestAppendTextLineIsTheLogPackagesLine checks the -log on line is what
// log.Logger wrote before it: same prefix, date, time, text and duration.
func TestAppendTextLineIsTheLogPackagesLine(t *testing.T) {
	now := time.Date(2026, time.March, 4, 5, 6, 7, 8009000, time.Local)
	cases := []struct {
		method, path, op string
		status           int
		d                time.Duration
		wantText         string // after the date and time
	}{
		{"POST", "/", "GetIdentitySource", 200, 123456789, "GetIdentitySource 200 123.457ms"},
		{"POST", "/", "GetPolicyStore", 404, 850, "GetPolicyStore 404 1µs"},
		{"GET", "/_vpfake/health", "", 200, 42 * time.Microsecond, "GET /_vpfake/health 200 42µs"},
		{"POST", "/", "", 400, 2*time.Second + 500*time.Microsecond, "POST / 400 2.0005s"},
		{"POST", "/", "CreatePolicyStore", 200, 0, "CreatePolicyStore 200 0s"},
	}
	for _, c := range cases {
		got := string(appendTextLine(nil, now, c.method, c.path, c.op, c.status, c.d))
		want := "vpfake: " + now.Format("2006/01/02 15:04:05.000000") + " " + c.wantText + "\n"
		if got != want {
			t.Errorf("text line %q, want %q", got, want)
		}
		// What log.Printf("%s %d %s", …) wrote after its date and time.
		op := c.op
		if op == "" {
			op = c.method + " " + c.path
		}
		if printf := fmt.Sprintf("%s %d %s\n", op, c.status, c.d.Round(time.Microsecond)); !strings.HasSuffix(got, " "+printf) {
			t.Errorf("text line %q does not end as log.Printf's %q", got, printf)
		}
	}
}

// TestAppendLocalMicroTime holds the text line's time, formatted to the
// second once per second, to time.Format, across seconds, forwards and
// backwards, at their edges, and in the same second again.
func TestAppendLocalMicroTime(t *testing.T) {
	base := time.Date(2026, time.March, 4, 5, 6, 7, 0, time.Local)
	for _, d := range []time.Duration{0, 999999 * time.Microsecond, time.Second, time.Second + time.Microsecond, 0,
		-time.Microsecond, -time.Hour, 24*time.Hour + 500*time.Millisecond, 24*time.Hour + 500*time.Millisecond, 366 * 24 * time.Hour} {
		at := base.Add(d)
		if got, want := string(appendLocalMicroTime([]byte("x"), at)), "x"+at.Format("2006/01/02 15:04:05.000000"); got != want {
			t.Errorf("appendLocalMicroTime(%s) = %q, want %q", at, got, want)
		}
	}
}

func TestAppendJSONStringIsEncodingJSONs(t *testing.T) {
	values := []string{"", "GetIdentitySource", `a"b\c`, "line\nbreak\r\t", "\x00\x01\x1f\x7f", "é€😀", "bad \xff utf8 \xc3",
		"/_vpfake/issuers/example.com/.well-known/openid-configuration", "\u2028<>&"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		values = append(values, string(b))
	}
	for _, v := range values {
		enc := appendJSONString(nil, v)
		var got string
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Errorf("appendJSONString(%q) = %s, not a JSON string: %v", v, enc, err)
			continue
		}
		std, _ := json.Marshal(v)
		var want string
		_ = json.Unmarshal(std, &want)
		if got != want {
			t.Errorf("appendJSONString(%q) decodes to %q, want %q as encoding/json has it", v, got, want)
		}
	}
}

func TestAppendJSONLine(t *testing.T) {
	now := time.Date(2026, time.March, 4, 5, 6, 7, 8009000, time.FixedZone("X", 3600))
	line := appendJSONLine(nil, now, "POST", "/", "GetIdentitySource", 200, 1234567*time.Nanosecond, "rid-1")
	want := `{"time":"2026-03-04T04:06:07.008009Z","method":"POST","path":"/","operation":"GetIdentitySource","status":200,"durationMs":1.235,"requestId":"rid-1"}` + "\n"
	if string(line) != want {
		t.Errorf("JSON line\n%s\nwant\n%s", line, want)
	}
	line = appendJSONLine(nil, now, "GET", "/_vpfake/\"x\"", "", 401, 5*time.Microsecond, "")
	want = `{"time":"2026-03-04T04:06:07.008009Z","method":"GET","path":"/_vpfake/\"x\"","status":401,"durationMs":0.005}` + "\n"
	if string(line) != want {
		t.Errorf("JSON line\n%s\nwant\n%s", line, want)
	}
}

func TestLogModeFlag(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want logMode
	}{
		{nil, nil, logOn},
		{[]string{"-log", "json"}, nil, logJSON},
		{[]string{"-log=off"}, nil, logOff},
		{nil, map[string]string{"VPFAKE_LOG": "off"}, logOff},
		{nil, map[string]string{"VPFAKE_LOG": " json "}, logJSON},
		{[]string{"-log", "on"}, map[string]string{"VPFAKE_LOG": "loud"}, logOn}, // the flag replaces the bad variable
	}
	for _, c := range cases {
		cfg, err := loadConfig(c.args, envOf(c.env))
		if err != nil || cfg.log != c.want {
			t.Errorf("args %q env %v: log %v, error %v; want %v", c.args, c.env, cfg.log, err, c.want)
		}
	}
	bad := []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{[]string{"-log", "verbose"}, nil, `invalid value "verbose" for flag -log: want on, off or json`},
		{[]string{"-log", "ON"}, nil, `invalid value "ON" for flag -log: want on, off or json`},
		{[]string{"-log", ""}, nil, `invalid value "" for flag -log: want on, off or json`},
		{nil, map[string]string{"VPFAKE_LOG": "loud"}, `VPFAKE_LOG="loud" is not a -log value: want on, off or json`},
	}
	for _, c := range bad {
		if _, err := loadConfig(c.args, envOf(c.env)); err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("args %q env %v: error %v, want one containing %q", c.args, c.env, err, c.wantErr)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := cli(t.Context(), []string{"-log", "loud"}, envOf(nil), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-log: want on, off or json") {
		t.Errorf("vpfake -log loud: exit %d, stderr %q; want 2 and the allowed values", code, stderr.String())
	}
	u := usage(envOf(nil))
	for _, want := range []string{"-log mode", "VPFAKE_LOG", "on (the default), a line per request", "json, a JSON object per request", "off, none", "within " + logFlushInterval.String()} {
		if !strings.Contains(u, want) {
			t.Errorf("usage lacks %q:\n%s", want, u)
		}
	}
}

// getWithTarget sends an unsigned request for op with body to base and
// returns the status and x-amzn-RequestId.
func getWithTarget(t *testing.T, base, op, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "VerifiedPermissions."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("x-amzn-RequestId")
}

// textLine is a -log on request line.
var textLine = regexp.MustCompile(`^vpfake: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} (\S+|GET \S+) (\d{3}) (\d+(\.\d+)?(ns|µs|ms|s)|(\d+m)?\d+(\.\d+)?s)$`)

// logLines runs a server with mode, sends it a health check and a
// GetPolicyStore of a missing store, which it answers 404, stops it and
// returns its log's lines and the GetPolicyStore's request id.
func logLines(t *testing.T, mode logMode) ([]string, string) {
	t.Helper()
	cfg := local()
	cfg.log = mode
	s := serve(t, cfg)
	controlJSON(t, "GET", s.base+"/_vpfake/health", "")
	status, requestID := getWithTarget(t, s.base, "GetPolicyStore", `{"policyStoreId":"nope"}`)
	if status != http.StatusNotFound || requestID == "" {
		t.Fatalf("GetPolicyStore of a missing store: HTTP %d, request id %q; want 404 and an id", status, requestID)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatalf("run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(s.logs.Contents()), "\n"), "\n"), requestID
}

// requireStartAndStop requires the listening line first and the shutdown
// line among lines.
func requireStartAndStop(t *testing.T, lines []string) {
	t.Helper()
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "vpfake listening on http://127.0.0.1:") {
		t.Errorf("first line is not the listening line:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "shutting down: fault delays end now") {
		t.Errorf("no shutdown line:\n%s", strings.Join(lines, "\n"))
	}
}

func TestLogOn(t *testing.T) {
	lines, _ := logLines(t, logOn)
	requireStartAndStop(t, lines)
	var got []string
	for _, l := range lines[1:] {
		if strings.Contains(l, "shutting down") {
			continue
		}
		m := textLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %q is not a request line (%s)", l, textLine)
			continue
		}
		got = append(got, m[1]+" "+m[2])
	}
	if want := []string{"GET /_vpfake/health 200", "GetPolicyStore 404"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("request lines say %q, want %q:\n%s", got, want, strings.Join(lines, "\n"))
	}
}

func TestLogJSON(t *testing.T) {
	before := time.Now().Add(-time.Second)
	lines, requestID := logLines(t, logJSON)
	requireStartAndStop(t, lines)
	type entry struct {
		Time       time.Time `json:"time"`
		Method     string    `json:"method"`
		Path       string    `json:"path"`
		Operation  *string   `json:"operation"`
		Status     int       `json:"status"`
		DurationMs *float64  `json:"durationMs"`
		RequestID  string    `json:"requestId"`
	}
	var entries []entry
	for _, l := range lines {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var e entry
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Errorf("line %q does not decode: %v", l, err)
			continue
		}
		entries = append(entries, e)
	}
	if len(entries) != 2 {
		t.Fatalf("%d JSON lines, want 2 (health and GetPolicyStore):\n%s", len(entries), strings.Join(lines, "\n"))
	}
	after := time.Now().Add(time.Second)
	for _, e := range entries {
		if e.Time.Before(before) || e.Time.After(after) || e.Time.Location() != time.UTC {
			t.Errorf("time %v is not UTC between %v and %v", e.Time, before, after)
		}
		if e.DurationMs == nil || *e.DurationMs < 0 || *e.DurationMs > 10000 {
			t.Errorf("durationMs %v, want a duration of the request in milliseconds", e.DurationMs)
		}
	}
	health, get := entries[0], entries[1]
	if health.Method != "GET" || health.Path != "/_vpfake/health" || health.Operation != nil || health.Status != 200 {
		t.Errorf("health entry %+v, want GET /_vpfake/health 200 without operation", health)
	}
	if get.Method != "POST" || get.Path != "/" || get.Operation == nil || *get.Operation != "GetPolicyStore" || get.Status != 404 || get.RequestID != requestID {
		t.Errorf("GetPolicyStore entry %+v, want POST / GetPolicyStore 404 with request id %s", get, requestID)
	}
}

func TestLogOff(t *testing.T) {
	lines, _ := logLines(t, logOff)
	requireStartAndStop(t, lines)
	for _, l := range lines {
		if strings.Contains(l, "GetPolicyStore") || strings.Contains(l, "/_vpfake/health") || strings.HasPrefix(l, "{") {
			t.Errorf("-log off logged a request: %q", l)
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d lines, want the listening and shutdown lines only:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	// Not even wrapped: the handler is the fake's own.
	next := http.NewServeMux()
	if h := logRequests(next, nil, logOff); h != http.Handler(next) {
		t.Errorf("logRequests with logOff returned %T, want next itself", h)
	}
}

// TestLogSeenPromptly checks a reader of the log sees a request line soon
// after the answer, while the server runs.
func TestLogSeenPromptly(t *testing.T) {
	s := serve(t, local())
	for i := range 3 {
		start := time.Now()
		status, _ := getWithTarget(t, s.base, "GetPolicyStore", `{"policyStoreId":"nope"}`)
		for !strings.Contains(string(s.logs.Contents()), "GetPolicyStore 404") {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("request %d (HTTP %d) not logged within 2s:\n%s", i, status, s.logs.Contents())
			}
			time.Sleep(time.Millisecond)
		}
		_ = s.logs.Clear()
	}
}

// TestLogWrittenAtShutdown checks run writes out every request line
// before it returns, in order: those waiting when shutdown begins, before
// the shutdown line, and those of requests answered during shutdown (one
// held by a fault delay) after it.
func TestLogWrittenAtShutdown(t *testing.T) {
	defer func(d time.Duration) { logFlushInterval = d }(logFlushInterval)
	logFlushInterval = time.Hour // only Write and close write the lines out
	s := serve(t, local())
	const n = 20
	for range n {
		getWithTarget(t, s.base, "GetPolicyStore", `{"policyStoreId":"nope"}`)
	}
	controlJSON(t, "POST", s.base+"/_vpfake/faults", `{"operation":"GetPolicyStore","error":"ThrottlingException","count":1,"delayMs":60000}`)
	held := make(chan int, 1)
	go func() {
		status, _, _ := getMissingStore(&http.Client{Transport: &http.Transport{}}, s.base)
		held <- status
	}()
	// The fault is used up once the request is held.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if faults, _ := controlJSON(t, "GET", s.base+"/_vpfake/faults", "")["faults"].([]any); len(faults) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the request did not reach the fault")
		}
	}
	if c := strings.Count(string(s.logs.Contents()), "GetPolicyStore 404"); c != 0 {
		t.Errorf("%d request lines written out while they may wait an hour, want 0 before shutdown", c)
	}
	if err := s.stop(t, 15*time.Second); err != nil {
		t.Fatalf("run: %v", err)
	}
	if status := <-held; status != http.StatusTooManyRequests {
		t.Errorf("held request: HTTP %d, want 429, its fault", status)
	}
	out := string(s.logs.Contents())
	before, after, ok := strings.Cut(out, "fault delays end now")
	if c := strings.Count(before, "GetPolicyStore 404"); !ok || c != n {
		t.Errorf("%d request lines before the shutdown line, want %d:\n%s", c, n, out)
	}
	if !strings.Contains(after, "GetPolicyStore 429") {
		t.Errorf("the request answered during shutdown is not logged after the shutdown line:\n%s", out)
	}
}

// recordingWriter records each Write it is given.
type recordingWriter struct {
	mu     sync.Mutex
	writes []string
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *recordingWriter) text() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.writes, ""), len(w.writes)
}

func TestLogSinkOrderBatchingAndClose(t *testing.T) {
	out := &recordingWriter{}
	s := newLogSink(out, time.Hour)
	s.writeLine([]byte("a\n"))
	s.writeLine([]byte("b\n"))
	if text, _ := out.text(); text != "" {
		t.Errorf("request lines written before the interval: %q", text)
	}
	// A line written through Write goes out at once, after those waiting.
	if _, err := fmt.Fprintf(s, "start-up\n"); err != nil {
		t.Fatal(err)
	}
	if text, writes := out.text(); text != "a\nb\nstart-up\n" || writes != 1 {
		t.Errorf("after Write: %q in %d writes, want %q in 1", text, writes, "a\nb\nstart-up\n")
	}
	s.writeLine([]byte("c\n"))
	line := []byte("d\n")
	s.writeLine(line)
	line[0] = 'X' // the sink has its own copy
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if text, writes := out.text(); text != "a\nb\nstart-up\nc\nd\n" || writes != 2 {
		t.Errorf("after close: %q in %d writes, want %q in 2", text, writes, "a\nb\nstart-up\nc\nd\n")
	}
	// A request that outlives the shutdown is still logged, at once.
	s.writeLine([]byte("late\n"))
	if text, _ := out.text(); !strings.HasSuffix(text, "d\nlate\n") {
		t.Errorf("line after close not written: %q", text)
	}
	if err := s.close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestLogSinkFlushesWithinInterval(t *testing.T) {
	out := gbytes.NewBuffer()
	s := newLogSink(out, 5*time.Millisecond)
	defer s.close()
	for i := range 3 {
		line := fmt.Sprintf("line %d\n", i)
		start := time.Now()
		s.writeLine([]byte(line))
		for !strings.Contains(string(out.Contents()), line) {
			if time.Since(start) > 500*time.Millisecond {
				t.Fatalf("%q not written within 500ms with a 5ms interval: %q", line, out.Contents())
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// TestLogSinkBoundsItsBuffer checks a request that finds the buffer full
// writes it out itself.
func TestLogSinkBoundsItsBuffer(t *testing.T) {
	out := &recordingWriter{}
	s := newLogSink(out, time.Hour)
	defer s.close()
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for range logMaxBuffered/len(line) + 1 {
		s.writeLine(line)
	}
	if text, writes := out.text(); writes != 1 || len(text) != logMaxBuffered+len(line) {
		t.Errorf("%d writes of %d bytes in all, want 1 of %d once the buffer passed %d bytes", writes, len(text), logMaxBuffered+len(line), logMaxBuffered)
	}
}

// countingWriter counts the bytes written to it, as a log that keeps up
// would take them.
type countingWriter struct {
	mu sync.Mutex
	n  int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.n += len(p)
	w.mu.Unlock()
	return len(p), nil
}

// nopResponseWriter is a ResponseWriter that keeps nothing, with the
// headers the fake sets.
type nopResponseWriter struct{ h http.Header }

func (w *nopResponseWriter) Header() http.Header         { return w.h }
func (w *nopResponseWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopResponseWriter) WriteHeader(int)             {}

// BenchmarkLog measures the request log middleware around a handler that
// does nothing but answer, by mode, to an in-memory writer and to
// /dev/null (a write system call each time, as to stderr), one request at
// a time and from every core at once.
func BenchmarkLog(b *testing.B) {
	body := []byte(`{}`)
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	req, err := http.NewRequest("POST", "http://127.0.0.1:4599/", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetIdentitySource")
	for _, mode := range []logMode{logOff, logOn, logJSON} {
		for _, dest := range []string{"mem", "devnull"} {
			b.Run(mode.String()+"/"+dest, func(b *testing.B) {
				var out io.Writer = &countingWriter{}
				if dest == "devnull" {
					f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
					if err != nil {
						b.Fatal(err)
					}
					defer f.Close()
					out = f
				}
				sink := newLogSink(out, logFlushInterval)
				defer sink.close()
				h := logRequests(next, sink, mode)
				b.Run("serial", func(b *testing.B) {
					w := &nopResponseWriter{h: http.Header{requestIDHeader: {"0b7e5e0c-3c3a-4f5e-9c1b-2f0d5b2a7e11"}}}
					b.ReportAllocs()
					for b.Loop() {
						h.ServeHTTP(w, req)
					}
				})
				b.Run("parallel", func(b *testing.B) {
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						w := &nopResponseWriter{h: http.Header{requestIDHeader: {"0b7e5e0c-3c3a-4f5e-9c1b-2f0d5b2a7e11"}}}
						for pb.Next() {
							h.ServeHTTP(w, req)
						}
					})
				})
			})
		}
	}
}
