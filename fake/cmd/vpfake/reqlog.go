package main

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/vpconform/vpconform/fake/internal/statuswriter"
	"github.com/vpconform/vpconform/schemas"
)

// logMode is what -log selects: one text line per request (the zero
// value, the default), one JSON object per request, or nothing.
type logMode uint8

const (
	logOn logMode = iota
	logOff
	logJSON
)

// logModeNames are the values of -log, by mode.
var logModeNames = [...]string{logOn: "on", logOff: "off", logJSON: "json"}

// logModeChoices says which values -log takes, for its errors.
const logModeChoices = "on, off or json"

// String is the mode's -log value.
func (m logMode) String() string {
	if int(m) < len(logModeNames) {
		return logModeNames[m]
	}
	return "logMode(" + strconv.Itoa(int(m)) + ")"
}

// Set makes *m the mode named s, for the flag package.
func (m *logMode) Set(s string) error {
	v, ok := parseLogMode(s)
	if !ok {
		return errors.New("want " + logModeChoices)
	}
	*m = v
	return nil
}

// parseLogMode returns the mode named s.
func parseLogMode(s string) (logMode, bool) {
	for m, name := range logModeNames {
		if s == name {
			return logMode(m), true
		}
	}
	return 0, false
}

// logFlushInterval is how long a request line may wait in vpfake's log
// buffer before it is written out: the buffer is written at most this
// long after its first line, so a reader of the log sees a request a few
// milliseconds after it was answered, and a busy server writes its log in
// a few large writes rather than one per request. It is a variable only
// so that a test can show that run writes out the lines still waiting
// when it returns.
var logFlushInterval = 5 * time.Millisecond

const (
	// logMaxBuffered is how many bytes of request lines may wait: a
	// request that finds more writes the buffer out itself, so a log
	// that cannot keep up slows requests down (as an unbuffered log
	// does) instead of growing without bound.
	logMaxBuffered = 256 << 10
)

// logSink is where vpfake's log goes: the start-up, shutdown and error
// lines (through Write, written out at once) and the request lines
// (through writeLine, buffered and written out within its interval by a
// goroutine, and at close). Every line reaches out whole and in the
// order it was given. Requests hold its lock only to copy their line.
type logSink struct {
	out      io.Writer
	interval time.Duration

	mu     sync.Mutex
	buf    []byte // lines not yet written out
	closed bool   // close has begun: request lines are written out at once

	// outMu orders the writes to out; spare is the buffer written out
	// last, reused as the next buf.
	outMu sync.Mutex
	spare []byte

	kick      chan struct{} // a line went into an empty buf
	stop      chan struct{} // closed by close
	done      chan struct{} // closed when the goroutine has returned
	closeOnce sync.Once
}

// newLogSink returns a logSink writing to out that writes a request line
// out at most interval after it is given, with its goroutine started;
// close stops it.
func newLogSink(out io.Writer, interval time.Duration) *logSink {
	s := &logSink{
		out:      out,
		interval: interval,
		buf:      make([]byte, 0, 4096),
		kick:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go s.loop()
	return s
}

// Write writes p out now, after the request lines waiting, so that a
// start-up or shutdown line is seen at once and in its place. It is the
// writer of vpfake's log.Logger.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf = append(s.buf, p...)
	s.mu.Unlock()
	if err := s.flush(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeLine buffers line, a whole request line ending in a newline; the
// goroutine writes it out within the sink's interval. It does not keep
// line.
func (s *logSink) writeLine(line []byte) {
	s.mu.Lock()
	wasEmpty := len(s.buf) == 0
	s.buf = append(s.buf, line...)
	now := s.closed || len(s.buf) > logMaxBuffered
	s.mu.Unlock()
	switch {
	case now:
		_ = s.flush() // a log line that cannot be written is lost, as with package log
	case wasEmpty:
		select {
		case s.kick <- struct{}{}:
		default: // the goroutine is already due to flush
		}
	}
}

// flush writes the lines waiting out, in one write.
func (s *logSink) flush() error {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	s.mu.Lock()
	b := s.buf
	s.buf = s.spare[:0]
	s.mu.Unlock()
	if len(b) == 0 {
		s.spare = b
		return nil
	}
	_, err := s.out.Write(b)
	if cap(b) > 4*logMaxBuffered {
		b = nil // one burst need not keep a large buffer for ever
	}
	s.spare = b[:0]
	return err
}

// loop flushes the sink's interval after a line goes into an empty
// buffer, until close.
func (s *logSink) loop() {
	defer close(s.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			return
		}
		timer.Reset(s.interval)
		select {
		case <-timer.C:
		case <-s.stop:
			timer.Stop()
			return // close flushes
		}
		_ = s.flush() // a log line that cannot be written is lost, as with package log
	}
}

// close stops the goroutine and writes out every line waiting; request
// lines given afterwards, by requests that outlive the server's
// shutdown, are written out at once.
func (s *logSink) close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.stop)
		<-s.done
	})
	return s.flush()
}

// logRequests wraps next to log each request in sink as mode says: with
// logOff it returns next itself, so the log costs nothing.
func logRequests(next http.Handler, sink *logSink, mode logMode) http.Handler {
	if mode == logOff {
		return next
	}
	return &requestLogger{next: next, sink: sink, json: mode == logJSON}
}

// requestLogger is the handler of logRequests.
type requestLogger struct {
	next http.Handler
	sink *logSink
	json bool
}

// logScratch is what logging one request needs, reused across requests
// so that logging allocates nothing.
type logScratch struct {
	sw   statuswriter.Writer
	line []byte
}

// maxScratchLine is the largest line buffer put back in the pool: a
// request with a huge path does not make every later one carry it.
const maxScratchLine = 4096

var scratchPool = sync.Pool{New: func() any { return &logScratch{line: make([]byte, 0, 256)} }}

// requestIDHeader is x-amzn-RequestId in the form net/http keys it by.
const requestIDHeader = "X-Amzn-Requestid"

func (l *requestLogger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sc := scratchPool.Get().(*logScratch)
	sc.sw = *statuswriter.New(w)
	l.next.ServeHTTP(&sc.sw, r)
	// The end from the monotonic clock alone: one clock read, not the two
	// of time.Now.
	end := start.Add(time.Since(start))
	status := sc.sw.Status()
	sc.sw = statuswriter.Writer{} // drop the request's writer before pooling
	op := schemas.OperationFromTarget(headerValue(r.Header, "X-Amz-Target"))
	if strings.HasPrefix(r.URL.Path, "/_vpfake/") {
		op = ""
	}
	if l.json {
		sc.line = appendJSONLine(sc.line[:0], end, r.Method, r.URL.Path, op, status, end.Sub(start), headerValue(w.Header(), requestIDHeader))
	} else {
		sc.line = appendTextLine(sc.line[:0], end, r.Method, r.URL.Path, op, status, end.Sub(start))
	}
	l.sink.writeLine(sc.line)
	if cap(sc.line) <= maxScratchLine {
		scratchPool.Put(sc)
	}
}

// headerValue is h.Get(key) for a key already in canonical form, without
// the check Get makes of it.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// appendTextLine appends the line -log on writes, exactly as
// log.Logger's Printf("%s %d %s", op, status, d.Round(time.Microsecond))
// with prefix "vpfake: " and flags LstdFlags|Lmicroseconds wrote it
// (scripts and tests read it): the local date and time to the
// microsecond, the operation (or, for a request that names none and for
// the control routes, the method and path), the status and the duration.
func appendTextLine(b []byte, now time.Time, method, path, op string, status int, d time.Duration) []byte {
	b = append(b, "vpfake: "...)
	b = appendLocalMicroTime(b, now)
	b = append(b, ' ')
	if op != "" {
		b = append(b, op...)
	} else {
		b = append(b, method...)
		b = append(b, ' ')
		b = append(b, path...)
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = appendDuration(b, d.Round(time.Microsecond))
	return append(b, '\n')
}

// localSecond is a second of local time as a text line starts with it,
// "2006/01/02 15:04:05".
type localSecond struct {
	unix int64
	text [len("2006/01/02 15:04:05")]byte
}

// lastLocalSecond is the second the last text line was written in.
var lastLocalSecond atomic.Pointer[localSecond]

// appendLocalMicroTime appends t as appendMicroTime(b, t, '/', ' ') does,
// with the date and time to the second formatted once per second of t
// rather than once per line.
func appendLocalMicroTime(b []byte, t time.Time) []byte {
	unix := t.Unix()
	sec := lastLocalSecond.Load()
	if sec == nil || sec.unix != unix {
		var full [len("2006/01/02 15:04:05.000000")]byte
		sec = &localSecond{unix: unix}
		copy(sec.text[:], appendMicroTime(full[:0], t, '/', ' '))
		lastLocalSecond.Store(sec)
	}
	b = append(b, sec.text[:]...)
	b = append(b, '.')
	return appendPadded(b, t.Nanosecond()/1e3, 6)
}

// appendMicroTime appends t as year, month and day joined by dateSep, then
// timeSep, then hours, minutes and seconds joined by ":", to the
// microsecond: "2006/01/02 15:04:05.000000" or "2006-01-02T15:04:05.000000".
func appendMicroTime(b []byte, t time.Time, dateSep, timeSep byte) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b = appendPadded(b, year, 4)
	b = append(b, dateSep)
	b = appendPadded(b, int(month), 2)
	b = append(b, dateSep)
	b = appendPadded(b, day, 2)
	b = append(b, timeSep)
	b = appendPadded(b, hour, 2)
	b = append(b, ':')
	b = appendPadded(b, minute, 2)
	b = append(b, ':')
	b = appendPadded(b, sec, 2)
	b = append(b, '.')
	return appendPadded(b, t.Nanosecond()/1e3, 6)
}

// appendJSONLine appends the object -log json writes, on one line:
// {"time":"2006-01-02T15:04:05.000000Z","method":"POST","path":"/",
// "operation":"GetIdentitySource","status":200,"durationMs":0.123,
// "requestId":"…"}; the time is UTC, the duration in milliseconds to the
// microsecond; operation is left out for a request that names no
// operation and for the control routes, requestId when the response has
// none.
func appendJSONLine(b []byte, now time.Time, method, path, op string, status int, d time.Duration, requestID string) []byte {
	b = append(b, `{"time":"`...)
	b = appendMicroTime(b, now.UTC(), '-', 'T')
	b = append(b, `Z","method":`...)
	b = appendJSONString(b, method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, path)
	if op != "" {
		b = append(b, `,"operation":`...)
		b = appendJSONString(b, op)
	}
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"durationMs":`...)
	us := int64(d.Round(time.Microsecond) / time.Microsecond)
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	b = append(b, '.')
	b = appendPadded(b, int(us%1000), 3)
	if requestID != "" {
		b = append(b, `,"requestId":`...)
		b = appendJSONString(b, requestID)
	}
	return append(b, "}\n"...)
}

// appendPadded appends the decimal digits of i, not negative, with
// leading zeros up to width digits.
func appendPadded(b []byte, i, width int) []byte {
	if width == 2 && i < 100 {
		return append(b, byte('0'+i/10), byte('0'+i%10))
	}
	var digits [20]byte
	n := len(digits)
	for i >= 10 || width > 1 {
		width--
		n--
		digits[n] = byte('0' + i%10)
		i /= 10
	}
	n--
	digits[n] = byte('0' + i)
	return append(b, digits[n:]...)
}

// appendDuration appends d as d.String() writes it, without allocating:
// "0s", "850ns", "1.5µs", "12.345ms", "2.001s", "1m30s", "1h0m0.5s".
func appendDuration(b []byte, d time.Duration) []byte {
	if d == 0 {
		return append(b, "0s"...)
	}
	u := uint64(d)
	if d < 0 {
		b = append(b, '-')
		u = -u
	}
	if u < uint64(time.Second) {
		switch {
		case u < uint64(time.Microsecond):
			b = strconv.AppendUint(b, u, 10)
			return append(b, "ns"...)
		case u < uint64(time.Millisecond):
			b = appendFixed(b, u, 3)
			return append(b, "µs"...)
		default:
			b = appendFixed(b, u, 6)
			return append(b, "ms"...)
		}
	}
	secs := u / uint64(time.Second)
	if secs >= 3600 {
		b = strconv.AppendUint(b, secs/3600, 10)
		b = append(b, 'h')
	}
	if secs >= 60 {
		b = strconv.AppendUint(b, secs/60%60, 10)
		b = append(b, 'm')
	}
	b = appendFixed(b, secs%60*uint64(time.Second)+u%uint64(time.Second), 9)
	return append(b, 's')
}

// appendFixed appends v / 10^prec with its fraction, prec digits at most
// and without trailing zeros (nor the point, when it is whole), as
// time.Duration's String does.
func appendFixed(b []byte, v uint64, prec int) []byte {
	pow := uint64(1)
	for range prec {
		pow *= 10
	}
	b = strconv.AppendUint(b, v/pow, 10)
	frac := v % pow
	if frac == 0 {
		return b
	}
	for frac%10 == 0 {
		frac /= 10
		prec--
	}
	b = append(b, '.')
	return appendPadded(b, int(frac), prec)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, bytes that are not UTF-8 replaced by
// U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
