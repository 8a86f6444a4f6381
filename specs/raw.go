package specs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	. "github.com/onsi/ginkgo/v2"
	"github.com/vpconform/vpconform/schemas"
)

// SigningName is the SigV4 service name of Verified Permissions.
const SigningName = "verifiedpermissions"

// RawResponse is a target's answer to a raw request.
type RawResponse struct {
	// Status is the HTTP status code.
	Status int
	// Header is the response header.
	Header http.Header
	// Body is the response body as received.
	Body []byte
	// JSON is Body decoded as a JSON object (numbers as json.Number), or nil
	// when it is not one.
	JSON map[string]any
}

// ErrorShape is the error shape the response names (X-Amzn-ErrorType, else
// the body's __type, sanitised as clients do), or "" for none.
func (r *RawResponse) ErrorShape() string {
	t, _ := r.JSON["__type"].(string)
	return schemas.ErrorShape(r.Header, t)
}

// SendRaw sends body as the request of operation, signed with SigV4 by the
// SDK's signer (service "verifiedpermissions", the target's region and
// credentials, SHA-256 payload hash), through the same validating transport
// as the SDK client. It is for what the SDK refuses to send: missing required
// members, both union members set, unknown members, malformed bodies. body is
// sent as is when it is a []byte or string, else marshalled as JSON.
func (s *Session) SendRaw(ctx context.Context, operation string, body any) (*RawResponse, error) {
	creds, err := s.Target.AWSConfig.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("specs: retrieve credentials to sign raw %s request: %w", operation, err)
	}
	return s.SendRawAs(ctx, operation, body, &creds)
}

// SendRawAs is SendRaw signing with creds instead of the target's
// credentials, or sending the request unsigned when creds is nil: for
// scenarios about authentication.
func (s *Session) SendRawAs(ctx context.Context, operation string, body any, creds *aws.Credentials) (*RawResponse, error) {
	var payload []byte
	switch b := body.(type) {
	case []byte:
		payload = b
	case string:
		payload = []byte(b)
	default:
		var err error
		payload, err = json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("specs: marshal raw %s request: %w", operation, err)
		}
	}
	endpoint := strings.TrimSuffix(s.Target.RawEndpoint(), "/") + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("specs: build raw %s request to %s: %w", operation, endpoint, err)
	}
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+operation)
	if creds != nil {
		s.addSecret(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
		sum := sha256.Sum256(payload)
		if err := v4.NewSigner().SignHTTP(ctx, *creds, req, hex.EncodeToString(sum[:]), SigningName, s.Target.AWSConfig.Region, time.Now().UTC()); err != nil {
			return nil, fmt.Errorf("specs: sign raw %s request: %w", operation, err)
		}
	}
	resp, err := s.transport.Do(req)
	if err != nil {
		return nil, fmt.Errorf("specs: send raw %s request to %s: %w", operation, endpoint, err)
	}
	defer resp.Body.Close()
	x := s.transport.last()
	out := &RawResponse{Status: resp.StatusCode, Header: resp.Header}
	if x != nil {
		out.Body = x.ResponseBody
	}
	if m, err := decodeJSONObject(out.Body); err == nil {
		out.JSON = m
	}
	return out, nil
}

// rawResponseOf is the answer of a recorded exchange as a RawResponse.
func rawResponseOf(x schemas.Exchange) *RawResponse {
	r := &RawResponse{Status: x.Status, Header: x.Header, Body: x.ResponseBody}
	if m, err := decodeJSONObject(x.ResponseBody); err == nil {
		r.JSON = m
	}
	return r
}

// expectRefusal asserts that r, the answer to the newest request (what the
// request did wrong), has an HTTP status within [lo, hi] and names an error
// shape, in X-Amzn-ErrorType or __type.
func (s *Session) expectRefusal(r *RawResponse, what string, lo, hi int) {
	GinkgoHelper()
	op := "the request"
	if x := s.transport.last(); x != nil {
		op = x.Operation
	}
	want := fmt.Sprintf("HTTP %d", lo)
	if hi != lo {
		want = fmt.Sprintf("an HTTP status from %d to %d", lo, hi)
	}
	got := fmt.Sprintf("HTTP %d %s (body %s)", r.Status, shapeOrNone(r.ErrorShape()), clip(string(r.Body), maxBodyInMessage))
	switch {
	case r.Status < lo || r.Status > hi:
		failWith(recordedAnswer(&exchangeRecord{Exchange: schemas.Exchange{Status: r.Status, Header: r.Header, ResponseBody: r.Body}}).cause(op),
			fmt.Sprintf("%s with %s: expected %s naming an error shape, got %s", op, what, want, got))
	case r.ErrorShape() == "":
		failWith(fmt.Sprintf("%s answers HTTP %d naming no error code", op, r.Status),
			fmt.Sprintf("%s with %s: expected %s naming an error shape in X-Amzn-ErrorType or __type, got %s", op, what, want, got))
	}
}

// shapeOrNone is shape, or "naming no error shape" for "".
func shapeOrNone(shape string) string {
	if shape == "" {
		return "naming no error shape"
	}
	return shape
}

// MustSendRaw is SendRaw failing the spec when the request cannot be sent
// (an answer with any status is not a failure here).
func (s *Session) MustSendRaw(ctx context.Context, operation string, body any) *RawResponse {
	GinkgoHelper()
	r, err := s.SendRaw(ctx, operation, body)
	if err != nil {
		failWith(fmt.Sprintf("%s gets no answer: %s", operation, transportReason(err)),
			fmt.Sprintf("raw %s request: expected an answer, got none: %v", operation, err))
	}
	return r
}
