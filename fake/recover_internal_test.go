package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// TestPanicBecomesInternalServerException replaces an operation with one
// that panics and checks the guard answers with the error envelope.
func TestPanicBecomesInternalServerException(t *testing.T) {
	orig := operations["GetPolicyStore"]
	operations["GetPolicyStore"] = operation{run: func(*engine, []byte) (any, error) { panic("boom") }}
	defer func() { operations["GetPolicyStore"] = orig }()

	srv := NewServer(WithoutListener())
	defer srv.Close()
	req := httptest.NewRequest("POST", "/", strings.NewReader(`{"policyStoreId":"p"}`))
	req.Header.Set("X-Amz-Target", "VerifiedPermissions.GetPolicyStore")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, req)

	if w.Code != http.StatusInternalServerError || w.Header().Get("X-Amzn-ErrorType") != "InternalServerException" {
		t.Fatalf("HTTP %d %q: %s", w.Code, w.Header().Get("X-Amzn-ErrorType"), w.Body)
	}
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["__type"] != "InternalServerException" || !strings.Contains(body["message"], "boom") {
		t.Errorf("body %s (%v)", w.Body, err)
	}
}

// TestErrorShapesHaveRegistryStatuses checks every error type the fake can
// answer with has a status in the registry of package schemas, and is
// answered with it; that every shape of the registry has a type; and that a
// shape the registry does not know is answered 500.
func TestErrorShapesHaveRegistryStatuses(t *testing.T) {
	all := []Error{
		&ValidationException{}, &AccessDeniedException{}, &ResourceNotFoundException{},
		&ConflictException{}, &ServiceQuotaExceededException{}, &ThrottlingException{},
		&InternalServerException{}, &InvalidStateException{}, &SerializationException{},
		&UnknownOperationException{}, &NotImplementedException{},
		&MissingAuthenticationTokenException{}, &IncompleteSignatureException{},
		&UnrecognizedClientException{}, &InvalidSignatureException{},
	}
	typed := map[string]bool{}
	for _, e := range all {
		typed[e.ErrorCode()] = true
		want, ok := schemas.ErrorStatus(e.ErrorCode())
		if !ok {
			t.Errorf("%s: the registry has no status for it", e.ErrorCode())
			continue
		}
		w := httptest.NewRecorder()
		writeError(w, e)
		if w.Code != want || w.Header().Get("X-Amzn-ErrorType") != e.ErrorCode() {
			t.Errorf("%s: answered HTTP %d %q, want the registry's %d", e.ErrorCode(), w.Code, w.Header().Get("X-Amzn-ErrorType"), want)
		}
		if !strings.HasPrefix(e.Error(), e.ErrorCode()) {
			t.Errorf("%s: Error() = %q, want it to start with the shape", e.ErrorCode(), e.Error())
		}
	}
	for _, shape := range schemas.Default().ErrorShapes() {
		if !typed[shape] {
			t.Errorf("the registry's error shape %s has no error type in the fake", shape)
		}
	}
	if got := httpStatus(unknownShape{}); got != http.StatusInternalServerError {
		t.Errorf("a shape the registry does not know: HTTP %d, want 500", got)
	}
}

// unknownShape is an error shape the registry does not have.
type unknownShape struct{}

func (unknownShape) Error() string     { return "NoSuchShapeException: test" }
func (unknownShape) ErrorCode() string { return "NoSuchShapeException" }
