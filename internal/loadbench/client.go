package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Wire constants of the awsJson1_0 protocol the fake speaks.
const (
	contentType    = "application/x-amz-json-1.0"
	targetPrefix   = "VerifiedPermissions."
	signingService = "verifiedpermissions"
)

// signing is how requests are signed in -credentials mode: SigV4 with the
// AWS SDK's own signer, as an SDK client would, each request afresh.
type signing struct {
	signer *v4.Signer
	creds  aws.Credentials
	region string
}

// sign signs r, whose body is body, at now: it sets X-Amz-Date,
// Authorization (and X-Amz-Security-Token with a session token). Each
// request also gets its own Amz-Sdk-Invocation-Id, signed, as every AWS SDK
// request has, so that no two signatures are the same: the server cannot
// get away with remembering one.
func (s *signing) sign(r *http.Request, body []byte, now time.Time) error {
	r.Header.Set("Amz-Sdk-Invocation-Id", invocationID())
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(context.Background(), s.creds, r, hex.EncodeToString(sum[:]), signingService, s.region, now); err != nil {
		return fmt.Errorf("sign the request: %w", err)
	}
	return nil
}

// invocationID returns a random id in the form of a version-4 UUID, as the
// SDKs send in Amz-Sdk-Invocation-Id (it need not be unpredictable).
func invocationID() string {
	a, b := rand.Uint64(), rand.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48&0x3fff|0x8000, b&0xffffffffffff)
}

// newAPIRequest builds the http.Request of operation op with body for the
// server at addr (host:port), signed when s is not nil.
func newAPIRequest(addr, op string, body []byte, s *signing) (*http.Request, error) {
	r := &http.Request{
		Method:        http.MethodPost,
		URL:           &url.URL{Scheme: "http", Host: addr, Path: "/"},
		Host:          addr,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {contentType}, "X-Amz-Target": {targetPrefix + op}},
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(bytes.NewReader(body)),
		GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
	}
	if s != nil {
		if err := s.sign(r, body, time.Now()); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// requestBytes writes the bytes of one request (with r's headers, in
// HTTP/1.1 wire form, and body) to dst and returns it.
func requestBytes(dst []byte, r *http.Request, body []byte) []byte {
	return appendBody(requestHead(dst, r), body)
}

// requestHead writes the request line and r's headers, in HTTP/1.1 wire
// form, to dst and returns it: what comes before the Content-Length that
// appendBody writes.
func requestHead(dst []byte, r *http.Request) []byte {
	dst = append(dst, "POST / HTTP/1.1\r\nHost: "...)
	dst = append(dst, r.Host...)
	dst = append(dst, "\r\n"...)
	for name, values := range r.Header {
		for _, v := range values {
			dst = append(dst, name...)
			dst = append(dst, ": "...)
			dst = append(dst, v...)
			dst = append(dst, "\r\n"...)
		}
	}
	return dst
}

// appendBody writes the Content-Length header of body, the end of the
// headers and body to dst (a request head) and returns it.
func appendBody(dst, body []byte) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\n\r\n"...)
	return append(dst, body...)
}

// apiHead is the head (see requestHead) of an unsigned request of
// operation op to the server at addr.
func apiHead(addr, op string) ([]byte, error) {
	r, err := newAPIRequest(addr, op, nil, nil)
	if err != nil {
		return nil, err
	}
	return requestHead(nil, r), nil
}

// requester makes the bytes of the benchmarked request: the same bytes
// every time without signing, a freshly signed request each time with it.
type requester struct {
	addr  string
	op    string
	body  []byte
	sign  *signing
	fixed []byte // the request, when it is not signed
}

func newRequester(addr, op string, body []byte, s *signing) (*requester, error) {
	q := &requester{addr: addr, op: op, body: body, sign: s}
	if s == nil {
		r, err := newAPIRequest(addr, op, body, nil)
		if err != nil {
			return nil, err
		}
		q.fixed = requestBytes(nil, r, body)
	}
	return q, nil
}

// next returns the bytes of the next request: the fixed request, or a
// signed one written over dst's storage.
func (q *requester) next(dst []byte) ([]byte, error) {
	if q.fixed != nil {
		return q.fixed, nil
	}
	r, err := newAPIRequest(q.addr, q.op, q.body, q.sign)
	if err != nil {
		return nil, err
	}
	return requestBytes(dst[:0], r, q.body), nil
}

// response is what readResponse read: the status and the body, which is
// only valid until the next read on the same buffer.
type response struct {
	status int
	body   []byte
	close  bool // the server said Connection: close
}

// readResponse reads one HTTP/1.1 response from br, its body into buf
// (grown as needed). It understands Content-Length and chunked bodies.
func readResponse(br *bufio.Reader, buf []byte) (response, []byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return response{}, buf, fmt.Errorf("read the status line: %w", err)
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return response{}, buf, fmt.Errorf("not an HTTP/1.x status line: %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return response{}, buf, fmt.Errorf("status line %q: %w", line, err)
	}
	resp := response{status: status}
	length, chunked := -1, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return response{}, buf, fmt.Errorf("read the headers: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return response{}, buf, fmt.Errorf("header line without a colon: %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return response{}, buf, fmt.Errorf("Content-Length %q is not a length", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			resp.close = bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		b := bytes.NewBuffer(buf[:0])
		if _, err := b.ReadFrom(httputil.NewChunkedReader(br)); err != nil {
			return response{}, buf, fmt.Errorf("read the chunked body: %w", err)
		}
		// The trailer section ends with an empty line.
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return response{}, buf, fmt.Errorf("read the trailer: %w", err)
			}
			if len(bytes.TrimRight(line, "\r\n")) == 0 {
				break
			}
		}
		buf = b.Bytes()
	case length >= 0:
		if cap(buf) < length {
			buf = make([]byte, length)
		}
		buf = buf[:length]
		if _, err := io.ReadFull(br, buf); err != nil {
			return response{}, buf, fmt.Errorf("read the %d-byte body: %w", length, err)
		}
	default:
		return response{}, buf, errors.New("a response with neither Content-Length nor chunked encoding")
	}
	resp.body = buf
	return resp, buf, nil
}

// conn is one keep-alive connection of a worker.
type conn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
	body []byte // storage for response bodies
}

func dial(addr string) (*conn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	return &conn{addr: addr, c: c, br: bufio.NewReaderSize(c, 16<<10)}, nil
}

// redial replaces the connection with a new one.
func (c *conn) redial() error {
	_ = c.c.Close() // the old connection is given up whatever its state
	n, err := dial(c.addr)
	if err != nil {
		return err
	}
	c.c, c.br = n.c, n.br
	return nil
}

// roundTrip sends req and reads the answer, which must have status 200.
// It returns how long it took from the first byte written to the last
// byte read, and the body, valid until the next round trip.
func (c *conn) roundTrip(req []byte) (time.Duration, []byte, error) {
	// A server gone quiet must not hang the benchmark.
	start := time.Now()
	_ = c.c.SetDeadline(start.Add(30 * time.Second)) // fails only on a closed connection, which the write reports
	if _, err := c.c.Write(req); err != nil {
		return 0, nil, fmt.Errorf("send: %w", err)
	}
	resp, body, err := readResponse(c.br, c.body)
	took := time.Since(start)
	c.body = body
	if err != nil {
		return took, nil, err
	}
	if resp.close {
		if err := c.redial(); err != nil {
			return took, nil, fmt.Errorf("the server closed the connection and reconnecting failed: %w", err)
		}
	}
	if resp.status != http.StatusOK {
		return took, nil, fmt.Errorf("HTTP %d, want 200: %s", resp.status, clip(resp.body, 300))
	}
	return took, resp.body, nil
}

// client is what one connection of a pool sends and expects.
type client interface {
	// next returns the bytes of the next request, valid until the next
	// call.
	next() ([]byte, error)
	// check says what is wrong with the body of a 200 answer to the last
	// request, or returns nil.
	check(body []byte) error
}

// replayClient sends the requests of q and expects the same body in every
// answer.
type replayClient struct {
	q    *requester
	want []byte
	buf  []byte // storage for signed requests
}

func (c *replayClient) next() ([]byte, error) {
	req, err := c.q.next(c.buf)
	if err == nil && c.q.fixed == nil {
		c.buf = req // a signed request's storage, reused for the next
	}
	return req, err
}

func (c *replayClient) check(body []byte) error {
	if !bytes.Equal(body, c.want) {
		return fmt.Errorf("the body differs from the one captured: %s", clip(body, 300))
	}
	return nil
}

// clip returns b as a string of at most n bytes, marked when cut.
func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
