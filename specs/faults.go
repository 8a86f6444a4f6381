package specs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// ControlTokenHeader is the header that carries Target.ControlToken on
// control requests (vpfake -control-token).
const ControlTokenHeader = "X-Vpfake-Control-Token"

// FaultPath is the control route faults are injected through (POST), listed
// (GET) and cleared (DELETE), relative to the control endpoint
// (Target.ControlEndpoint).
const FaultPath = "/_vpfake/faults"

// InjectedFault is a fault injected into a target with the FaultInjection
// capability: the next Count calls of Operation fail with Error. It is the
// JSON body of POST /_vpfake/faults.
type InjectedFault struct {
	// Operation is the operation that fails, such as
	// "UpdateIdentitySource".
	Operation string `json:"operation"`
	// Error is the error shape it fails with, such as
	// "ThrottlingException".
	Error string `json:"error"`
	// Count is how many calls fail.
	Count int `json:"count"`
	// DelayMs delays the answer by that many milliseconds.
	DelayMs int64 `json:"delayMs,omitempty"`
	// Message is the error's message; the target chooses one when empty.
	Message string `json:"message,omitempty"`
	// ServiceCode and QuotaCode are the ThrottlingException (or
	// ServiceQuotaExceededException) members of those names.
	ServiceCode string `json:"serviceCode,omitempty"`
	QuotaCode   string `json:"quotaCode,omitempty"`
	// Resources are the resources a ConflictException names (the first one
	// is a ResourceNotFoundException's); by default the identity source of
	// the request.
	Resources []FaultResource `json:"resources,omitempty"`
}

// FaultResource is a resource a fault's error names.
type FaultResource struct {
	// ResourceID is the resource's id.
	ResourceID string `json:"resourceId"`
	// ResourceType is its type, such as "IDENTITY_SOURCE".
	ResourceType string `json:"resourceType"`
}

// controlClient is the HTTP client control requests go through: the
// target's own, so that an in-process fake is reached in memory.
func (t Target) controlClient() aws.HTTPClient {
	if t.AWSConfig.HTTPClient != nil {
		return t.AWSConfig.HTTPClient
	}
	return http.DefaultClient
}

// control sends a control request and decodes its JSON answer into out
// (when not nil), failing on any status but 200.
func (t Target) control(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("specs: marshal control request %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	url := strings.TrimSuffix(t.controlURL(), "/") + path
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return fmt.Errorf("specs: build control request %s %s: %w", method, url, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if t.ControlToken != "" {
		req.Header.Set(ControlTokenHeader, t.ControlToken)
	}
	resp, err := t.controlClient().Do(req)
	if err != nil {
		return fmt.Errorf("specs: control request %s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("specs: read answer to %s %s: %w", method, url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("specs: control request %s %s: HTTP %d: %s", method, url, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("specs: answer to %s %s is not the JSON expected: %w (body %s)", method, url, err, b)
		}
	}
	return nil
}

// injectFault injects f through POST /_vpfake/faults and returns the id the
// target gave it.
func (t Target) injectFault(ctx context.Context, f InjectedFault) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := t.control(ctx, http.MethodPost, FaultPath, f, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("specs: POST %s answered without a fault id", FaultPath)
	}
	return out.ID, nil
}

// clearFaults removes every fault and rate limit through
// DELETE /_vpfake/faults.
func (t Target) clearFaults(ctx context.Context) error {
	return t.control(ctx, http.MethodDelete, FaultPath, nil, nil)
}

// mustInjectFault injects f into the target, failing the spec if it cannot,
// and clears every fault again after the spec (DeferCleanup). Faults are
// target-wide: scenarios that inject them must not run in parallel against
// one target.
func (s *session) mustInjectFault(ctx context.Context, f InjectedFault) string {
	GinkgoHelper()
	id, err := s.target.injectFault(ctx, f)
	Expect(err).NotTo(HaveOccurred(), "inject %s into %s (capability %s)", f.Error, f.Operation, FaultInjection)
	DeferCleanup(func(ctx SpecContext) {
		Expect(s.target.clearFaults(ctx)).To(Succeed(), "cleanup: clear injected faults")
	})
	return id
}
