package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// maxBodyBytes bounds a request body; a larger one is a
// SerializationException rather than unbounded memory.
const maxBodyBytes = 4 << 20

// operation decodes a validated request body, calls the engine, and returns
// the output to encode.
type operation func(e *engine, body []byte) (any, error)

// call adapts a typed engine method to an operation.
func call[I, O any](method func(*engine, I) (O, error)) operation {
	return func(e *engine, body []byte) (any, error) {
		var in I
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, &SerializationException{Message: "cannot decode request body: " + err.Error()}
		}
		return method(e, in)
	}
}

// operations are the VerifiedPermissions operations the fake serves, by
// name as it appears after "VerifiedPermissions." in X-Amz-Target.
var operations = map[string]operation{
	"CreatePolicyStore":          call((*engine).createPolicyStore),
	"GetPolicyStore":             call((*engine).getPolicyStore),
	"DeletePolicyStore":          call((*engine).deletePolicyStore),
	"CreateIdentitySource":       call((*engine).createIdentitySource),
	"GetIdentitySource":          call((*engine).getIdentitySource),
	"UpdateIdentitySource":       call((*engine).updateIdentitySource),
	"DeleteIdentitySource":       call((*engine).deleteIdentitySource),
	"ListIdentitySources":        call((*engine).listIdentitySources),
	"CreatePolicy":               call((*engine).createPolicy),
	"GetPolicy":                  call((*engine).getPolicy),
	"ListPolicies":               call((*engine).listPolicies),
	"UpdatePolicy":               call((*engine).updatePolicy),
	"DeletePolicy":               call((*engine).deletePolicy),
	"IsAuthorizedWithToken":      call((*engine).isAuthorizedWithToken),
	"BatchIsAuthorizedWithToken": call((*engine).batchIsAuthorizedWithToken),
}

// servedOperations lists the served operations, sorted.
func servedOperations() []string {
	ops := make([]string, 0, len(operations))
	for op := range operations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// apiHandler serves the awsJson1_0 API. It only authenticates, parses,
// dispatches and serialises; behaviour lives in the engine.
type apiHandler struct {
	engine  *engine
	faults  *faultSet
	auth    *authenticator // nil when signatures are not verified
	account string
	closing <-chan struct{}
}

// methodNotAllowed is a request whose method is not POST: an
// UnknownOperationException sent with HTTP 405 instead of its own status.
type methodNotAllowed struct {
	err *UnknownOperationException
}

func (m *methodNotAllowed) Error() string { return m.err.Error() }

func (h *apiHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The clock signatures are checked against, as AWS sends its own: an
	// SDK that corrects clock skew (the AWS SDK for Go v2 does, from a
	// refused attempt's Date) then signs by it, even a fake clock set in
	// the past.
	now := h.signingNow()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	out, err := h.serve(r, now)
	var mna *methodNotAllowed
	switch {
	case errors.As(err, &mna):
		w.Header().Set("Allow", http.MethodPost)
		writeErrorWithStatus(w, http.StatusMethodNotAllowed, mna.err)
	case err != nil:
		writeError(w, err)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// serve answers one API request, in this order: authentication (when on:
// the Authorization header, its scope, its date against now (the signing
// clock), the access key and session token, then the signature over the
// body), the method, the operation, authorisation, injected faults and rate
// limits, the Content-Type, the body's encoding and nesting, the input schema, and
// finally the engine.
func (h *apiHandler) serve(r *http.Request, now time.Time) (any, error) {
	var (
		sig  sigV4
		cred Credential
		err  error
	)
	if h.auth != nil {
		if sig, cred, err = h.auth.authenticate(r, now); err != nil {
			return nil, err
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &SerializationException{Message: "cannot read request body: " + err.Error()}
	}
	if len(body) > maxBodyBytes {
		return nil, &SerializationException{Message: fmt.Sprintf("request body is larger than %d bytes", maxBodyBytes)}
	}
	if h.auth != nil {
		if err := h.auth.verify(r, body, sig, cred); err != nil {
			return nil, err
		}
	}
	if r.Method != http.MethodPost {
		return nil, &methodNotAllowed{&UnknownOperationException{
			Message: fmt.Sprintf("method %s is not allowed: every VerifiedPermissions operation is POST /", clip(r.Method, maxEchoedTarget)),
		}}
	}
	name, op, err := resolveTarget(r.Header.Get("X-Amz-Target"))
	if err != nil {
		return nil, err
	}
	ref := refOf(body)
	// The body is not validated yet: what it names is echoed clipped.
	ref.PolicyStoreID = clip(ref.PolicyStoreID, maxEchoedID)
	ref.IdentitySourceID = clip(ref.IdentitySourceID, maxEchoedID)
	principal := unverifiedPrincipal(r.Header, h.account)
	if h.auth != nil {
		if err := h.auth.authorise(cred, name, ref); err != nil {
			return nil, err
		}
		principal = cred.principal(h.account)
	}
	if err := h.injected(r, name, ref, principal); err != nil {
		return nil, err
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != schemas.ContentType {
		return nil, &SerializationException{Message: fmt.Sprintf("Content-Type %q is not %s", clip(ct, maxEchoedTarget), schemas.ContentType)}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := checkEncoding(body); err != nil {
		return nil, err
	}
	if err := checkNesting(body); err != nil {
		return nil, err
	}
	if err := checkInput(name, body); err != nil {
		return nil, err
	}
	return op(h.engine, body)
}

// signingNow is the time X-Amz-Date is checked against: the signing clock
// if one is set (SetSigningClock), else the server's clock.
func (h *apiHandler) signingNow() time.Time {
	if h.auth != nil {
		if clock := h.auth.signingClock.Load(); clock != nil {
			return (*clock)()
		}
	}
	return h.engine.now()
}

// injected returns the error of the first injected fault that matches the
// operation, after its delay, or a ThrottlingException when a rate limit is
// exceeded, or nil.
func (h *apiHandler) injected(r *http.Request, op string, ref requestRef, principal string) error {
	d := h.faults.decide(op)
	switch {
	case d.limit != nil:
		return throttled(d.limit, op)
	case d.fault == nil:
		return nil
	}
	if d.fault.Delay > 0 {
		t := time.NewTimer(d.fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-h.closing:
		}
		t.Stop()
	}
	return faultError(*d.fault, d.faultID, op, ref, principal, h.account)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = internalErrorBody(fmt.Errorf("encode response: %w", err))
	}
	w.Header().Set("Content-Type", schemas.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers with the error's shape and its status (httpStatus); an
// error that is not one of the fake's shapes is a bug and is reported as an
// InternalServerException.
func writeError(w http.ResponseWriter, err error) {
	var fe Error
	if !errors.As(err, &fe) {
		fe = &InternalServerException{Message: "internal error in the vpconform fake: " + err.Error()}
	}
	writeErrorWithStatus(w, httpStatus(fe), fe)
}

// writeErrorWithStatus writes the awsJson1_0 error envelope: the shape's
// members plus "__type", and the X-Amzn-ErrorType header. Only a request
// with the wrong method uses a status other than the shape's own.
func writeErrorWithStatus(w http.ResponseWriter, status int, fe Error) {
	body, err := errorBody(fe)
	if err != nil {
		status, body = http.StatusInternalServerError, internalErrorBody(err)
		fe = &InternalServerException{}
	}
	w.Header().Set("X-Amzn-ErrorType", fe.ErrorCode())
	w.Header().Set("Content-Type", schemas.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func errorBody(fe Error) ([]byte, error) {
	members, err := json.Marshal(fe)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", fe.ErrorCode(), err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(members, &m); err != nil {
		return nil, fmt.Errorf("encode %s: %w", fe.ErrorCode(), err)
	}
	m["__type"], _ = json.Marshal(fe.ErrorCode())
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", fe.ErrorCode(), err)
	}
	return b, nil
}

func internalErrorBody(err error) []byte {
	b, _ := json.Marshal(map[string]string{
		"__type":  "InternalServerException",
		"message": "internal error in the vpconform fake: " + err.Error(),
	})
	return b
}
