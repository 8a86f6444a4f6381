package fake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/google/go-cmp/cmp"

	"github.com/vpconform/vpconform/schemas"
)

// sdkOperations lists the operations of the AWS SDK for Go v2 client: its
// methods that take a context and an <Op>Input.
func sdkOperations() []string {
	ctx := reflect.TypeFor[context.Context]()
	var ops []string
	client := reflect.TypeFor[*verifiedpermissions.Client]()
	for i := range client.NumMethod() {
		m := client.Method(i)
		in := m.Type // receiver first
		if in.NumIn() == 4 && in.In(1) == ctx && in.In(2).Kind() == reflect.Pointer && in.In(2).Elem().Name() == m.Name+"Input" {
			ops = append(ops, m.Name)
		}
	}
	slices.Sort(ops)
	return ops
}

// answerType sends op an empty body and returns the status and __type.
func answerType(t *testing.T, h http.Handler, op string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", schemas.TargetPrefix+op)
	req.Header.Set("Content-Type", schemas.ContentType)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: the answer is not a JSON object: %v\n%s", op, err, w.Body)
	}
	return w.Code, body.Type, body.Message
}

// TestModelOperations checks which X-Amz-Target names the fake treats as
// operations: exactly those of the AWS SDK for Go v2 client (the model's,
// which the registry lists), the served ones being the registry's served
// operations and every other one answered NotImplementedException (501)
// naming it; any other name, case-sensitively, is an
// UnknownOperationException (400).
func TestModelOperations(t *testing.T) {
	if diff := cmp.Diff(schemas.Default().Served(), servedOperations()); diff != "" {
		t.Errorf("registry's served operations (-) against the fake's (+):\n%s", diff)
	}
	srv := NewServer(WithoutListener())
	defer srv.Close()
	h := srv.Handler()
	sdk := sdkOperations()
	for _, op := range slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(sdk), schemas.ModelOperations()...)))) {
		status, typ, msg := answerType(t, h, op)
		_, served := operations[op]
		switch {
		case !slices.Contains(sdk, op):
			t.Errorf("%s is a model operation of the registry but not of the SDK client: HTTP %d %s", op, status, typ)
		case typ == "UnknownOperationException":
			t.Errorf("%s, an operation of the SDK client, is answered UnknownOperationException: %s", op, msg)
		case !served && (status != http.StatusNotImplemented || typ != "NotImplementedException" || !strings.Contains(msg, op)):
			t.Errorf("unserved %s: HTTP %d %s %q, want 501 NotImplementedException naming it", op, status, typ, msg)
		case served && typ == "NotImplementedException":
			t.Errorf("served %s is answered NotImplementedException", op)
		}
	}
	for _, name := range []string{"getidentitysource", "Bogus", "VerifiedPermissions.GetIdentitySource"} {
		if status, typ, _ := answerType(t, h, name); status != http.StatusBadRequest || typ != "UnknownOperationException" {
			t.Errorf("X-Amz-Target %s%s: HTTP %d %s, want 400 UnknownOperationException", schemas.TargetPrefix, name, status, typ)
		}
	}
}
