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

// signingName is the SigV4 service name of Verified Permissions.
const signingName = "verifiedpermissions"

// rawResponse is a target's answer to a raw request.
type rawResponse struct {
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

// errorShape is the error shape the response names (X-Amzn-ErrorType, else
// the body's __type, sanitised as clients do), or "" for none.
func (r *rawResponse) errorShape() string {
	t, _ := r.JSON["__type"].(string)
	return schemas.ErrorShape(r.Header, t)
}

// sendRaw sends body as the request of operation, signed with SigV4 by the
// SDK's signer (service "verifiedpermissions", the target's region and
// credentials, SHA-256 payload hash), through the same validating transport
// as the SDK client. It is for what the SDK refuses to send: missing required
// members, both union members set, unknown members, malformed bodies. body is
// sent as is when it is a []byte or string, else marshalled as JSON.
func (s *session) sendRaw(ctx context.Context, operation string, body any) (*rawResponse, error) {
	creds, err := s.target.AWSConfig.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("specs: retrieve credentials to sign raw %s request: %w", operation, err)
	}
	return s.sendRawAs(ctx, operation, body, &creds)
}

// sendRawAs is sendRaw signing with creds instead of the target's
// credentials, or sending the request unsigned when creds is nil: for
// scenarios about authentication.
func (s *session) sendRawAs(ctx context.Context, operation string, body any, creds *aws.Credentials) (*rawResponse, error) {
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
	endpoint := strings.TrimSuffix(s.target.RawEndpoint(), "/") + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("specs: build raw %s request to %s: %w", operation, endpoint, err)
	}
	req.Header.Set("Content-Type", schemas.ContentType)
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+operation)
	if creds != nil {
		s.addSecret(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
		sum := sha256.Sum256(payload)
		if err := v4.NewSigner().SignHTTP(ctx, *creds, req, hex.EncodeToString(sum[:]), signingName, s.target.AWSConfig.Region, time.Now().UTC()); err != nil {
			return nil, fmt.Errorf("specs: sign raw %s request: %w", operation, err)
		}
	}
	resp, err := s.transport.Do(req)
	if err != nil {
		return nil, fmt.Errorf("specs: send raw %s request to %s: %w", operation, endpoint, err)
	}
	defer resp.Body.Close()
	x := s.transport.last()
	out := &rawResponse{Status: resp.StatusCode, Header: resp.Header}
	if x != nil {
		out.Body = x.ResponseBody
	}
	if m, err := decodeJSONObject(out.Body); err == nil {
		out.JSON = m
	}
	return out, nil
}

// rawResponseOf is the answer of a recorded exchange as a rawResponse.
func rawResponseOf(x schemas.Exchange) *rawResponse {
	r := &rawResponse{Status: x.Status, Header: x.Header, Body: x.ResponseBody}
	if m, err := decodeJSONObject(x.ResponseBody); err == nil {
		r.JSON = m
	}
	return r
}

// shapeOrNone is shape, or "naming no error shape" for "".
func shapeOrNone(shape string) string {
	if shape == "" {
		return "naming no error shape"
	}
	return shape
}

// mustSendRaw is sendRaw failing the spec when the request cannot be sent
// (an answer with any status is not a failure here).
func (s *session) mustSendRaw(ctx context.Context, operation string, body any) *rawResponse {
	GinkgoHelper()
	r, err := s.sendRaw(ctx, operation, body)
	if err != nil {
		failWith(fmt.Sprintf("%s gets no answer: %s", operation, transportReason(err)),
			fmt.Sprintf("raw %s request: expected an answer, got none: %v", operation, err))
	}
	return r
}
