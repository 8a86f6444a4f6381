package fake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPanicBecomesInternalServerException replaces an operation with one
// that panics and checks the guard answers with the error envelope.
func TestPanicBecomesInternalServerException(t *testing.T) {
	orig := operations["GetPolicyStore"]
	operations["GetPolicyStore"] = func(*engine, []byte) (any, error) { panic("boom") }
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

// TestErrorTable checks every error type's status comes from the table and
// that every shape in the table has a type.
func TestErrorTable(t *testing.T) {
	all := []Error{
		&ValidationException{}, &AccessDeniedException{}, &ResourceNotFoundException{},
		&ConflictException{}, &ServiceQuotaExceededException{}, &ThrottlingException{},
		&InternalServerException{}, &InvalidStateException{}, &SerializationException{},
		&UnknownOperationException{}, &NotImplementedException{},
		&MissingAuthenticationTokenException{}, &IncompleteSignatureException{},
		&UnrecognizedClientException{}, &InvalidSignatureException{},
	}
	want := map[string]int{
		"ValidationException": 400, "AccessDeniedException": 403, "ResourceNotFoundException": 404,
		"ConflictException": 409, "ServiceQuotaExceededException": 402, "ThrottlingException": 429,
		"InternalServerException": 500, "InvalidStateException": 406, "SerializationException": 400,
		"UnknownOperationException": 400, "NotImplementedException": 501,
		"MissingAuthenticationTokenException": 400, "IncompleteSignatureException": 400,
		"UnrecognizedClientException": 400, "InvalidSignatureException": 400,
	}
	if len(all) != len(errorStatus) {
		t.Errorf("%d error types, %d table rows", len(all), len(errorStatus))
	}
	for _, e := range all {
		if got := e.HTTPStatus(); got != want[e.ErrorCode()] {
			t.Errorf("%s: HTTP %d, want %d", e.ErrorCode(), got, want[e.ErrorCode()])
		}
		if !strings.HasPrefix(e.Error(), e.ErrorCode()) {
			t.Errorf("%s: Error() = %q", e.ErrorCode(), e.Error())
		}
	}
}
