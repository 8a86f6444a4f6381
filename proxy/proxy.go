package proxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/vpconform/vpconform/fixtures"
	"github.com/vpconform/vpconform/schemas"
)

// Kind is the target kind the provenance of a proxy recording names.
const Kind = "proxy"

// SigningName is the SigV4 service name the proxy signs for.
const SigningName = "verifiedpermissions"

// MaxBodyBytes bounds the request and response bodies the proxy reads: a
// larger request is refused with HTTP 413, a larger answer replaced by
// HTTP 502. The API's bodies are a few kilobytes.
const MaxBodyBytes = 10 << 20

// ErrCannotRecord is returned (wrapped) by New when the recording could not
// be written (the golden file exists and Overwrite is not set, or the
// directory cannot be created or written), and by Flush and Close when it
// was not.
var ErrCannotRecord = errors.New("cannot record")

// Config configures a Proxy.
type Config struct {
	// Upstream is the base URL requests are forwarded to: an emulator such
	// as http://127.0.0.1:4599, or AWS's regional endpoint
	// https://verifiedpermissions.<region>.amazonaws.com. It must be an
	// absolute http or https URL without user information, query or
	// fragment; a path is prepended to every request's path.
	Upstream string
	// Region is the region requests are signed for and the recording's
	// provenance names. It is required when Credentials is set.
	Region string
	// Credentials, when set, are what the proxy signs every request with
	// (SigV4, service verifiedpermissions, Region), after removing the
	// client's signature, date and session token, so that the client's
	// credentials never reach the upstream. Nil forwards each request as
	// the client signed it.
	Credentials aws.CredentialsProvider
	// Transport sends the requests to the upstream; nil means
	// http.DefaultTransport. Redirects are not followed: they are answers
	// like any other.
	Transport http.RoundTripper
	// Logger receives one line per exchange (INFO), per schema violation
	// (WARN) and per request the upstream did not answer (ERROR); nil means
	// slog.Default().
	Logger *slog.Logger
	// RecordDir, when set, is the directory the session is recorded in, as
	// one golden file; empty means no recording.
	RecordDir string
	// Name is the recording's scenario id; the golden file is
	// RecordDir/<fixtures.FileName(Name)>, NAME.json for a name of ASCII
	// letters, digits and "-". Required when RecordDir is set.
	Name string
	// Overwrite lets the recording replace an existing golden file;
	// without it New refuses to start when the file exists.
	Overwrite bool
	// Redact lists more strings that must never reach the recording, such
	// as a client's secret access key; they are replaced by <REDACTED>.
	Redact []string
	// Now is the clock requests are signed with and the recording is dated
	// by; nil means time.Now.
	Now func() time.Time
}

// Direction says which side of an exchange a Finding is about.
type Direction string

// The directions of a Finding.
const (
	// Request is the request body the client sent.
	Request Direction = "request"
	// Response is the upstream's answer: its body, Content-Type and error
	// shape.
	Response Direction = "response"
)

// Keywords of findings that are not schema keywords.
const (
	// KeywordContentType is an answer whose Content-Type is not the
	// awsJson1_0 media type.
	KeywordContentType = "contentType"
	// KeywordErrorShape is an error answer that names no error shape of
	// the API.
	KeywordErrorShape = "errorShape"
	// KeywordCheck is a check that could not run (no schema).
	KeywordCheck = "check"
)

// Finding is one broken constraint of one exchange.
type Finding struct {
	// Exchange is the exchange's number in the session, from 1.
	Exchange int
	// Operation is the operation named by X-Amz-Target.
	Operation string
	// Direction is the side of the exchange at fault.
	Direction Direction
	// Status is the HTTP status of the answer.
	Status int
	// Schema is the embedded schema file the body was checked against
	// (such as "UpdateIdentitySource.input.schema.json"), "" for a
	// Content-Type or error-shape finding.
	Schema string
	// Pointer is the JSON pointer of the offending member, "" for the
	// document itself.
	Pointer string
	// Path is the member path in the dotted form of a
	// ValidationException's fieldList, such as
	// "updateConfiguration.cognitoUserPoolConfiguration.userPoolArn"; ""
	// for the document itself.
	Path string
	// Keyword is the schema keyword that failed ("pattern", "required",
	// "additionalProperties", "oneOf", "json" for a body that is not JSON,
	// …), or KeywordContentType, KeywordErrorShape or KeywordCheck.
	Keyword string
	// Message is the validator's description.
	Message string
}

// Stats counts what a Proxy has seen.
type Stats struct {
	// Exchanges is how many API exchanges were forwarded and answered.
	Exchanges int
	// Recorded is how many of them the recording holds (0 when not
	// recording).
	Recorded int
	// Violations is how many findings they produced, in all.
	Violations int
	// Unchecked is how many API exchanges were of an operation without a
	// schema, forwarded and recorded but not checked.
	Unchecked int
	// PassedThrough is how many other requests (control routes, requests
	// without X-Amz-Target) were forwarded unchecked and unrecorded.
	PassedThrough int
	// Failed is how many requests got no answer from the upstream (or
	// could not be signed or read) and were answered by the proxy itself.
	Failed int
}

// Proxy is the validating, recording proxy. Build it with New; it is safe
// for concurrent use.
type Proxy struct {
	cfg       Config
	upstream  *url.URL
	transport http.RoundTripper
	signer    *v4.Signer
	log       *slog.Logger
	now       func() time.Time
	file      string // the golden file, "" when not recording

	flushMu sync.Mutex // serialises Flush

	mu       sync.Mutex
	raw      []fixtures.RawExchange
	findings []Finding
	red      fixtures.Redactions
	stats    Stats
	written  bool // the golden file was written by this proxy
	flushed  int  // len(raw) at the last write
	closed   bool
}

// New checks cfg and builds a Proxy. When recording, it makes sure the
// golden file can be written at the end: the directory is created and
// written to (a temporary file, removed at once), and an existing golden
// file is an error unless cfg.Overwrite is set; both errors wrap
// ErrCannotRecord.
func New(cfg Config) (*Proxy, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	u, err := parseUpstream(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	p := &Proxy{
		cfg:       cfg,
		upstream:  u,
		transport: cfg.Transport,
		signer:    v4.NewSigner(),
		log:       cfg.Logger,
		now:       cfg.Now,
	}
	if p.transport == nil {
		p.transport = http.DefaultTransport
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.red.Add(cfg.Redact...)
	if cfg.RecordDir != "" {
		file, err := prepareRecording(cfg.RecordDir, cfg.Name, cfg.Overwrite)
		if err != nil {
			return nil, err
		}
		p.file = file
	}
	return p, nil
}

// Check reports what is missing or malformed in cfg, without touching the
// file system: the upstream URL, the region when signing, the name when
// recording. New checks the same, and then the record directory.
func (cfg Config) Check() error {
	if _, err := parseUpstream(cfg.Upstream); err != nil {
		return err
	}
	if cfg.Credentials != nil && cfg.Region == "" {
		return errors.New("proxy: Region is required to sign with Credentials")
	}
	if cfg.RecordDir != "" {
		if cfg.Name == "" {
			return errors.New("proxy: Name is required to record")
		}
		if _, err := fixtures.FileName(cfg.Name); err != nil {
			return fmt.Errorf("proxy: Name: %w", err)
		}
	}
	return nil
}

// parseUpstream checks the upstream base URL.
func parseUpstream(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("proxy: Upstream is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("proxy: Upstream %q: %w", s, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("proxy: Upstream %q is not an absolute http or https URL", s)
	case u.Host == "":
		return nil, fmt.Errorf("proxy: Upstream %q names no host", s)
	case u.User != nil:
		return nil, fmt.Errorf("proxy: Upstream %q holds user information; give credentials with Credentials instead", u.Redacted())
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("proxy: Upstream %q has a query or fragment", s)
	}
	return u, nil
}

// prepareRecording returns the golden file of the recording, after making
// sure it can be written.
func prepareRecording(dir, name string, overwrite bool) (string, error) {
	base, err := fixtures.FileName(name)
	if err != nil {
		return "", fmt.Errorf("proxy: Name: %w", err)
	}
	file := filepath.Join(dir, base)
	if !overwrite {
		if _, err := os.Stat(file); err == nil {
			return "", fmt.Errorf("proxy: %w: %s: %w (allow overwriting it, or record under another name)", ErrCannotRecord, file, fixtures.ErrExists)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("proxy: %w: create %s: %w", ErrCannotRecord, dir, err)
	}
	probe, err := os.CreateTemp(dir, ".vpconform-proxy-*.tmp")
	if err != nil {
		return "", fmt.Errorf("proxy: %w: write in %s: %w", ErrCannotRecord, dir, err)
	}
	_ = probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return "", fmt.Errorf("proxy: %w: remove %s: %w", ErrCannotRecord, probe.Name(), err)
	}
	return file, nil
}

// File is the golden file the session is recorded in, "" when not
// recording.
func (p *Proxy) File() string {
	return p.file
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// Findings returns every finding so far, in the order found.
func (p *Proxy) Findings() []Finding {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Finding(nil), p.findings...)
}

// hopHeaders are the hop-by-hop headers (RFC 9110, section 7.6.1), never
// forwarded in either direction.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// signatureHeaders are the client's signing headers, removed before the
// proxy signs a request itself.
var signatureHeaders = []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"}

// presignParams are the query parameters of a presigned request, removed
// before the proxy signs a request itself.
var presignParams = []string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
}

// removeHopHeaders deletes the hop-by-hop headers of h, and those its
// Connection header names.
func removeHopHeaders(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopHeaders {
		h.Del(name)
	}
}

// ServeHTTP forwards the request to the upstream and its answer to the
// client, checking and recording API exchanges (see the package
// documentation).
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		p.fail(w, r, "", http.StatusServiceUnavailable, errors.New("the proxy is closed"))
		return
	}
	op := ""
	if r.Method == http.MethodPost && !fixtures.IsControl(r.URL.Path) {
		op = schemas.OperationFromTarget(r.Header.Get("X-Amz-Target"))
	}
	body, err := readRequestBody(w, r)
	if err != nil {
		status := http.StatusBadRequest
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		p.fail(w, r, op, status, err)
		return
	}
	p.noteClientCredentials(r)
	out, err := p.outgoing(r, body)
	if err != nil {
		p.fail(w, r, op, http.StatusInternalServerError, err)
		return
	}
	start := time.Now()
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		p.fail(w, r, op, http.StatusBadGateway, fmt.Errorf("forward to %s: %w", p.upstream.Host, err))
		return
	}
	respBody, err := readLimited(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		p.fail(w, r, op, http.StatusBadGateway, fmt.Errorf("read the answer of %s: %w", p.upstream.Host, err))
		return
	}
	elapsed := time.Since(start)
	if op != "" {
		p.observe(r, op, body, resp, respBody, elapsed)
	} else {
		p.mu.Lock()
		p.stats.PassedThrough++
		p.mu.Unlock()
		p.log.Debug("passed through", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode)
	}
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = append([]string(nil), v...)
	}
	removeHopHeaders(h)
	h.Del("Content-Length")
	if r.Method != http.MethodHead {
		h.Set("Content-Length", strconv.Itoa(len(respBody)))
	}
	w.WriteHeader(resp.StatusCode)
	if _, err := w.Write(respBody); err != nil {
		p.log.Warn("client went away before the answer was written", "operation", op, "error", err)
	}
}

// fail answers a request the proxy could not forward, in plain text.
func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, op string, status int, err error) {
	p.mu.Lock()
	p.stats.Failed++
	p.mu.Unlock()
	what := op
	if what == "" {
		what = r.Method + " " + r.URL.Path
	}
	p.log.Error("request not forwarded", "operation", what, "status", status, "error", err)
	http.Error(w, "vpconform proxy: "+err.Error(), status)
}

// readRequestBody reads the request body, at most MaxBodyBytes of it.
func readRequestBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	return b, nil
}

// readLimited reads an answer's body, refusing more than MaxBodyBytes.
func readLimited(rc io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rc, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(b) > MaxBodyBytes {
		return nil, fmt.Errorf("body larger than %d bytes", MaxBodyBytes)
	}
	return b, nil
}

// outgoing builds the request to the upstream: same method, path (under
// the upstream's), query, headers but the hop-by-hop ones, and body; signed
// again when the proxy has credentials.
func (p *Proxy) outgoing(r *http.Request, body []byte) (*http.Request, error) {
	u := *p.upstream
	u.Path = joinPath(p.upstream.Path, r.URL.Path)
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	if p.cfg.Credentials != nil && u.RawQuery != "" {
		q := u.Query()
		for _, k := range presignParams {
			q.Del(k)
		}
		u.RawQuery = q.Encode()
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build the request to %s: %w", p.upstream.Host, err)
	}
	if len(body) == 0 {
		out.Body, out.GetBody, out.ContentLength = http.NoBody, nil, 0
	}
	out.Header = r.Header.Clone()
	removeHopHeaders(out.Header)
	if p.cfg.Credentials == nil {
		return out, nil
	}
	for _, h := range signatureHeaders {
		out.Header.Del(h)
	}
	creds, err := p.cfg.Credentials.Retrieve(r.Context())
	if err != nil {
		return nil, fmt.Errorf("retrieve the upstream credentials: %w", err)
	}
	p.mu.Lock()
	p.red.AddCredentials(creds)
	p.mu.Unlock()
	sum := sha256.Sum256(body)
	if err := p.signer.SignHTTP(r.Context(), creds, out, hex.EncodeToString(sum[:]), SigningName, p.cfg.Region, p.now().UTC()); err != nil {
		return nil, fmt.Errorf("sign the request for %s: %w", p.upstream.Host, err)
	}
	return out, nil
}

// joinPath appends a request path to the upstream's base path.
func joinPath(base, path string) string {
	base = strings.TrimSuffix(base, "/")
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return base + path
}

// noteClientCredentials remembers, for redaction, the access key id and
// session token the client presented, in headers or a presigned query.
func (p *Proxy) noteClientCredentials(r *http.Request) {
	var found []string
	if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		akid, _, _ := strings.Cut(rest, "/")
		found = append(found, strings.TrimSpace(akid))
	}
	found = append(found, r.Header.Values("X-Amz-Security-Token")...)
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		akid, _, _ := strings.Cut(q.Get("X-Amz-Credential"), "/")
		found = append(found, akid)
		found = append(found, q["X-Amz-Security-Token"]...)
	}
	if len(found) == 0 {
		return
	}
	p.mu.Lock()
	p.red.Add(found...)
	p.mu.Unlock()
}
