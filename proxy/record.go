package proxy

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vpconform/vpconform/fixtures"
	"github.com/vpconform/vpconform/schemas"
)

// observe checks an API exchange, logs it and its findings, and keeps it
// for the recording.
func (p *Proxy) observe(r *http.Request, op string, reqBody []byte, resp *http.Response, respBody []byte, elapsed time.Duration) {
	body, decodeErr := decodedBody(resp.Header, respBody)
	x := schemas.Exchange{
		Operation:    op,
		RequestBody:  reqBody,
		Status:       resp.StatusCode,
		Header:       resp.Header,
		ResponseBody: body,
	}
	checked := schemas.Has(op, schemas.Input)
	var found []Finding
	if checked {
		found = append(found, findingsOf(x, Request, x.CheckRequest())...)
		if decodeErr == nil {
			found = append(found, findingsOf(x, Response, x.CheckResponse())...)
		}
	}

	p.mu.Lock()
	p.stats.Exchanges++
	n := p.stats.Exchanges
	if !checked {
		p.stats.Unchecked++
	}
	for i := range found {
		found[i].Exchange = n
	}
	p.findings = append(p.findings, found...)
	p.stats.Violations += len(found)
	recorded := false
	if p.file != "" && !p.closed {
		p.raw = append(p.raw, fixtures.Capture(r.Header.Get("X-Amz-Target"), reqBody, resp.StatusCode, resp.Header, body))
		p.stats.Recorded++
		recorded = true
	}
	lateForRecording := p.file != "" && p.closed
	p.mu.Unlock()

	attrs := []any{"exchange", n, "operation", op, "status", resp.StatusCode}
	if resp.StatusCode >= 300 {
		var envelope struct {
			Type string `json:"__type"`
		}
		// A body that is not JSON names no shape; the header still may.
		_ = json.Unmarshal(body, &envelope)
		if shape := schemas.ErrorShape(resp.Header, envelope.Type); shape != "" {
			attrs = append(attrs, "error", shape)
		}
	}
	attrs = append(attrs, "violations", len(found), "duration", elapsed.Round(time.Microsecond))
	if !checked {
		attrs = append(attrs, "checked", false)
	}
	if p.file != "" {
		attrs = append(attrs, "recorded", recorded)
	}
	p.log.Info("exchange", attrs...)
	if !checked {
		p.log.Info("not checked: no schema for this operation", "exchange", n, "operation", op)
	}
	if decodeErr != nil {
		p.log.Warn("response not checked", "exchange", n, "operation", op, "error", decodeErr)
	}
	if lateForRecording {
		p.log.Warn("exchange answered after the proxy was closed: not recorded", "exchange", n, "operation", op)
	}
	for _, f := range found {
		p.log.Warn("schema violation",
			"exchange", f.Exchange,
			"operation", f.Operation,
			"direction", string(f.Direction),
			"path", displayPath(f),
			"pointer", f.Pointer,
			"keyword", f.Keyword,
			"status", f.Status,
			"schema", f.Schema,
			"message", f.Message,
		)
	}
}

// displayPath is a finding's member path for the log: "(document)" for the
// body itself and, for a Content-Type or error-shape finding, the header
// concerned.
func displayPath(f Finding) string {
	switch {
	case f.Path != "":
		return f.Path
	case f.Keyword == KeywordContentType:
		return "(header Content-Type)"
	case f.Keyword == KeywordErrorShape:
		return "(header X-Amzn-ErrorType or __type)"
	default:
		return "(document)"
	}
}

// findingsOf turns the error of CheckRequest or CheckResponse into
// findings, one per violation.
func findingsOf(x schemas.Exchange, dir Direction, err error) []Finding {
	if err == nil {
		return nil
	}
	var out []Finding
	for _, e := range leaves(err) {
		f := Finding{Operation: x.Operation, Direction: dir, Status: x.Status}
		var ve *schemas.ValidationError
		var ct *schemas.ContentTypeError
		var es *schemas.ErrorShapeError
		switch {
		case errors.As(e, &ve):
			for _, v := range ve.Violations {
				f.Schema, f.Pointer, f.Path, f.Keyword, f.Message = ve.Schema, v.Pointer, v.Path(), v.Keyword, v.Message
				out = append(out, f)
			}
			continue
		case errors.As(e, &ct):
			f.Keyword, f.Message = KeywordContentType, ct.Error()
		case errors.As(e, &es):
			f.Keyword, f.Message = KeywordErrorShape, es.Error()
		default:
			f.Keyword, f.Message = KeywordCheck, e.Error()
		}
		out = append(out, f)
	}
	return out
}

// leaves flattens errors.Join trees.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// decodedBody is the answer's body as checked and recorded: decompressed
// when it is still gzip-encoded (the client asked for the encoding, so it
// is forwarded encoded). Another encoding cannot be checked.
func decodedBody(h http.Header, body []byte) ([]byte, error) {
	enc := strings.TrimSpace(strings.ToLower(h.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return body, fmt.Errorf("decode gzip answer: %w", err)
		}
		b, err := readLimited(zr)
		if err != nil {
			return body, fmt.Errorf("decode gzip answer: %w", err)
		}
		return b, nil
	default:
		return body, fmt.Errorf("content encoding %q cannot be decoded", enc)
	}
}

// Flush writes the session recorded so far as one golden file and returns
// its path; it returns "" and no error when not recording or when no
// exchange was recorded. The first write refuses to replace an existing
// file unless Config.Overwrite is set; later ones replace the proxy's own
// file. A failure wraps ErrCannotRecord.
func (p *Proxy) Flush() (string, error) {
	if p.file == "" {
		return "", nil
	}
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	p.mu.Lock()
	raw := append([]fixtures.RawExchange(nil), p.raw...)
	red := fixtures.Redactions{Secrets: append([]string(nil), p.red.Secrets...)}
	overwrite := p.cfg.Overwrite || p.written
	upToDate := p.written && p.flushed == len(raw)
	p.mu.Unlock()
	if len(raw) == 0 {
		return "", nil
	}
	if upToDate {
		return p.file, nil
	}
	g := fixtures.Golden{
		Provenance: fixtures.NewProvenance(Kind, p.upstream.String(), p.cfg.Region, p.now()),
		Scenario:   p.cfg.Name,
		Volatile:   fixtures.VolatileFor(upstreamKind(p.upstream.Hostname())),
		Exchanges:  fixtures.Normalize(raw, red),
	}
	path, err := fixtures.Write(p.cfg.RecordDir, g, overwrite)
	if err != nil {
		return "", fmt.Errorf("proxy: %w: %w", ErrCannotRecord, err)
	}
	p.mu.Lock()
	p.written, p.flushed = true, len(raw)
	p.mu.Unlock()
	return path, nil
}

// Close stops recording: later requests are answered HTTP 503 by the
// proxy. It then writes the recording (Flush) and returns Flush's error.
// Closing again does nothing. Close does not wait for requests in flight;
// shut the http.Server down first.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	_, err := p.Flush()
	return err
}

// upstreamKind is the kind of target whose rules a recording through the
// proxy follows: "aws" for an AWS endpoint, whose error messages are
// volatile, else "endpoint".
func upstreamKind(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn", ".api.aws"} {
		if strings.HasSuffix(host, suffix) {
			return "aws"
		}
	}
	return "endpoint"
}
