package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestReadResponse(t *testing.T) {
	for _, c := range []struct {
		name, wire string
		status     int
		body       string
		close      bool
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 200, `{"a":1}`, false},
		{"header names in any case", "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\nCONNECTION: close\r\n\r\n{}", 400, "{}", true},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n", 200, `{"a":1}`, false},
		{"chunked with a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: 1\r\n\r\n", 200, "{}", false},
		{"empty body", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 204, "", false},
	} {
		// Two responses back to back: the first must be read exactly.
		br := bufio.NewReader(strings.NewReader(c.wire + c.wire))
		var buf []byte
		for i := range 2 {
			resp, b, err := readResponse(br, buf)
			buf = b
			if err != nil || resp.status != c.status || string(resp.body) != c.body || resp.close != c.close {
				t.Errorf("%s, response %d: status %d, body %q, close %v, err %v; want %d, %q, %v, nil", c.name, i+1, resp.status, resp.body, resp.close, err, c.status, c.body, c.close)
			}
		}
		if rest, _ := io.ReadAll(br); len(rest) != 0 {
			t.Errorf("%s: %q left unread after two responses, want nothing", c.name, rest)
		}
	}
	for _, c := range []struct{ name, wire, want string }{
		{"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line"},
		{"no length", "HTTP/1.1 200 OK\r\n\r\n{}", "neither Content-Length nor chunked"},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", "is not a length"},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "read the 10-byte body"},
		{"cut in the headers", "HTTP/1.1 200 OK\r\nContent-Le", "read the headers"},
		{"header without colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "without a colon"},
		{"nothing", "", "read the status line"},
	} {
		resp, _, err := readResponse(bufio.NewReader(strings.NewReader(c.wire)), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: readResponse(%q) = %+v, %v; want an error containing %q", c.name, c.wire, resp, err, c.want)
		}
	}
}

// TestRequestBytesParse: the request written on the wire is a well-formed
// HTTP/1.1 request with the operation's headers and the body.
func TestRequestBytesParse(t *testing.T) {
	body := []byte(`{"policyStoreId":"PS1","identitySourceId":"IS1"}`)
	q, err := newRequester("127.0.0.1:4599", "GetIdentitySource", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	wire, err := q.next(nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
	if err != nil {
		t.Fatalf("http.ReadRequest of %q: %v, want a request", wire, err)
	}
	got, _ := io.ReadAll(r.Body)
	for _, c := range []struct{ what, got, want string }{
		{"method", r.Method, "POST"},
		{"path", r.URL.Path, "/"},
		{"host", r.Host, "127.0.0.1:4599"},
		{"Content-Type", r.Header.Get("Content-Type"), "application/x-amz-json-1.0"},
		{"X-Amz-Target", r.Header.Get("X-Amz-Target"), "VerifiedPermissions.GetIdentitySource"},
		{"Authorization", r.Header.Get("Authorization"), ""},
		{"body", string(got), string(body)},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q (request %q)", c.what, c.got, c.want, wire)
		}
	}
	again, _ := q.next(nil)
	if !bytes.Equal(again, wire) {
		t.Errorf("an unsigned request changed from %q to %q, want the same bytes each time", wire, again)
	}
}

// TestSignedRequestsDiffer: with signing, each request carries its own
// invocation id and signature, both signed with the operation and host.
func TestSignedRequestsDiffer(t *testing.T) {
	s := &signing{signer: v4.NewSigner(), creds: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, region: region}
	q, err := newRequester("127.0.0.1:4599", "GetIdentitySource", []byte(`{}`), s)
	if err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 3 {
		wire, err := q.next(nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
		if err != nil {
			t.Fatalf("http.ReadRequest of %q: %v", wire, err)
		}
		auth := r.Header.Get("Authorization")
		for _, want := range []string{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", "/us-east-1/verifiedpermissions/aws4_request", "amz-sdk-invocation-id", "host", "x-amz-date", "x-amz-target", "content-length", "Signature="} {
			if !strings.Contains(auth, want) {
				t.Errorf("Authorization %q lacks %q", auth, want)
			}
		}
		if id := r.Header.Get("Amz-Sdk-Invocation-Id"); !uuid.MatchString(id) {
			t.Errorf("Amz-Sdk-Invocation-Id %q is not a version-4 UUID", id)
		}
		if seen[auth] {
			t.Errorf("Authorization %q sent twice, want a new signature per request", auth)
		}
		seen[auth] = true
	}
}
