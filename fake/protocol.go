package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// maxBodyBytes bounds a request body; a larger one is a
// SerializationException rather than unbounded memory.
const maxBodyBytes = 4 << 20

// operation serves one VerifiedPermissions operation.
type operation struct {
	// fast serves a body that conforms by the input schema's shortcut
	// (schemas.AcceptFlat), decoding it in the same pass where the input
	// takes its members itself (a schemas.FlatSetter); served is false,
	// and nothing is done, for any other body. nil for none.
	fast func(e *engine, name string, body []byte) (out any, served bool, err error)
	// run decodes a body that conforms to the input schema, calls the
	// engine, and returns the output to encode.
	run func(e *engine, body []byte) (any, error)
}

// call adapts a typed engine method to an operation.
func call[I, O any](method func(*engine, I) (O, error)) operation {
	return operation{
		fast: func(e *engine, name string, body []byte) (any, bool, error) {
			var in I
			if d, ok := any(&in).(schemas.FlatSetter); ok {
				if !schemas.AcceptFlat(name, schemas.Input, body, d) {
					return nil, false, nil
				}
			} else if !schemas.ConformsFast(name, schemas.Input, body) {
				return nil, false, nil
			} else if err := json.Unmarshal(body, &in); err != nil {
				return nil, true, &SerializationException{Message: "cannot decode request body: " + err.Error()}
			}
			out, err := method(e, in)
			return out, true, err
		},
		run: func(e *engine, body []byte) (any, error) {
			var in I
			if err := json.Unmarshal(body, &in); err != nil {
				return nil, &SerializationException{Message: "cannot decode request body: " + err.Error()}
			}
			return method(e, in)
		},
	}
}

// operations are the VerifiedPermissions operations the fake serves, by
// name as it appears after "VerifiedPermissions." in X-Amz-Target.
var operations = map[string]operation{
	"CreatePolicyStore":          call((*engine).createPolicyStore),
	"GetPolicyStore":             call((*engine).getPolicyStore),
	"DeletePolicyStore":          call((*engine).deletePolicyStore),
	"CreateIdentitySource":       call((*engine).createIdentitySource),
	"GetIdentitySource":          call((*engine).getIdentitySourceJSON),
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
	w.Header()["Date"] = httpDateHeader(now) // canonical key: no Set
	buf := bodyBuffers.Get().(*[]byte)
	defer releaseBody(buf) // once answered: nothing the answer holds points into the body
	out, err := h.serve(r, now, buf)
	if err == nil {
		writeJSON(w, http.StatusOK, out)
		return
	}
	if mna := (*methodNotAllowed)(nil); errors.As(err, &mna) {
		w.Header().Set("Allow", http.MethodPost)
		writeErrorWithStatus(w, http.StatusMethodNotAllowed, mna.err)
		return
	}
	writeError(w, err)
}

// bodyBuffers hold request bodies while they are served. What serving a
// body keeps (the engine's state, an answer, an error) is decoded from it,
// copied: json.Unmarshal's strings, schemas.FlatSetter's members, the
// digests of SigV4 and clientTokens.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledBody bounds the buffers bodyBuffers keeps, so that one large
// body does not stay in memory.
const maxPooledBody = 64 << 10

// releaseBody gives buf back to bodyBuffers, unless it has grown past
// maxPooledBody.
func releaseBody(buf *[]byte) {
	if cap(*buf) <= maxPooledBody {
		*buf = (*buf)[:0]
		bodyBuffers.Put(buf)
	}
}

// serve answers one API request, in this order: authentication (when on:
// the Authorization header, its scope, its date against now (the signing
// clock), the access key and session token, then the signature over the
// body), the method, the operation, authorisation, injected faults and rate
// limits, the Content-Type, the body's encoding and nesting, the input schema, and
// finally the engine.
func (h *apiHandler) serve(r *http.Request, now time.Time, buf *[]byte) (any, error) {
	var (
		sig  sigV4
		cred *knownCredential // nil when signatures are not verified
		err  error
	)
	if h.auth != nil {
		if sig, cred, err = h.auth.authenticate(r, now); err != nil {
			return nil, err
		}
	}
	body, err := readBody(r, (*buf)[:0])
	*buf = body // a buffer grown for a larger body is the one given back
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
	// What an AccessDeniedException or an injected error names (refOf,
	// the caller) is read only when one is answered.
	if h.auth != nil {
		if err := h.auth.authorise(cred, name, body); err != nil {
			return nil, err
		}
	}
	if err := h.injected(r, name, body, cred); err != nil {
		return nil, err
	}
	// The Content-Type every SDK sends is accepted without parsing it.
	ct := r.Header.Get("Content-Type")
	if ct != schemas.ContentType {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != schemas.ContentType {
			return nil, &SerializationException{Message: fmt.Sprintf("Content-Type %q is not %s", clip(ct, maxEchoedTarget), schemas.ContentType)}
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	// The common body (GetIdentitySource's, say) conforms by the schemas'
	// shortcut, which also shows it is ASCII and one level deep: the checks
	// of its text and its schema have nothing left to find.
	if op.fast != nil {
		if out, served, err := op.fast(h.engine, name, body); served {
			return out, err
		}
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
	return op.run(h.engine, body)
}

// readBody reads the request body, up to maxBodyBytes+1 bytes, as
// io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1)) does, appending it to
// dst, which it first grows to the Content-Length when one is declared and
// within bounds, so that a body is at most one allocation.
func readBody(r *http.Request, dst []byte) ([]byte, error) {
	body := dst[:0]
	if r.ContentLength >= 0 && r.ContentLength < maxBodyBytes {
		// One byte more than declared, so that reading EOF needs no growth.
		body = slices.Grow(body, int(r.ContentLength)+1)
	} else if cap(body) == 0 {
		body = make([]byte, 0, 512)
	}
	// A LimitedReader of its own rather than io.LimitReader's, which
	// would be one more allocation a request.
	rd := io.LimitedReader{R: r.Body, N: maxBodyBytes + 1}
	for {
		n, err := rd.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, nil
		}
		if err != nil {
			return body, err
		}
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)] // grow
		}
	}
}

// lastHTTPDate is the Date header written last, with its second.
var lastHTTPDate atomic.Pointer[struct {
	unix  int64
	value []string
}]

// httpDateHeader formats t as a Date header value (http.TimeFormat, UTC),
// once per second of t rather than once per response, and returns the same
// slice for every response within that second: net/http only reads it (and copies it when
// the answer begins), and nothing in the fake appends to it or changes
// it.
func httpDateHeader(t time.Time) []string {
	unix := t.Unix()
	if last := lastHTTPDate.Load(); last != nil && last.unix == unix {
		return last.value
	}
	value := []string{t.UTC().Format(http.TimeFormat)}
	lastHTTPDate.Store(&struct {
		unix  int64
		value []string
	}{unix, value})
	return value
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
// exceeded, or nil. An injected error names the ids of the body (refOf)
// and the caller: cred's principal, or without signatures verified (cred
// nil) the access key of the Authorization header (unverifiedPrincipal).
func (h *apiHandler) injected(r *http.Request, op string, body []byte, cred *knownCredential) error {
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
	principal := unverifiedPrincipal(r.Header, h.account)
	if cred != nil {
		principal = cred.principal(h.account)
	}
	return faultError(*d.fault, d.faultID, op, refOf(body), principal, h.account)
}

// outputBuffers hold the JSON of outputs that encode themselves
// (jsonAppender) while it is written: a ResponseWriter, as any io.Writer,
// does not keep what it is given.
var outputBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledOutput bounds the buffers outputBuffers keeps, so that one
// large answer does not stay in memory.
const maxPooledOutput = 64 << 10

// contentTypeHeader is the Content-Type of every API answer, assigned
// under its canonical key rather than through Header.Set, which would
// canonicalise the key and allocate the value on every answer. net/http
// only reads it.
var contentTypeHeader = []string{schemas.ContentType}

// encodedOutput is an output already written as JSON into a buffer of
// encodedOutputs, which writeJSON writes and gives back.
type encodedOutput struct {
	b []byte
}

var encodedOutputs = sync.Pool{New: func() any { return &encodedOutput{b: make([]byte, 0, 1024)} }}

// release gives out back to encodedOutputs, unless its buffer has grown
// past maxPooledOutput. out must not be used after.
func (out *encodedOutput) release() {
	if cap(out.b) <= maxPooledOutput {
		out.b = out.b[:0]
		encodedOutputs.Put(out)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if enc, ok := v.(*encodedOutput); ok {
		w.Header()["Content-Type"] = contentTypeHeader
		w.WriteHeader(status)
		_, _ = w.Write(enc.b)
		enc.release()
		return
	}
	if a, ok := v.(jsonAppender); ok {
		bufp := outputBuffers.Get().(*[]byte)
		b := a.appendJSON((*bufp)[:0])
		w.Header()["Content-Type"] = contentTypeHeader
		w.WriteHeader(status)
		_, _ = w.Write(b)
		if cap(b) <= maxPooledOutput {
			*bufp = b[:0]
			outputBuffers.Put(bufp)
		}
		return
	}
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

// errorBody is the error envelope: the members of the error shape and
// "__type", in the order of their names, as json.Marshal writes a map of
// them.
func errorBody(fe Error) ([]byte, error) {
	members, err := json.Marshal(fe)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", fe.ErrorCode(), err)
	}
	if b, ok := appendErrorEnvelope(make([]byte, 0, len(members)+64), members, fe.ErrorCode()); ok {
		return b, nil
	}
	return errorEnvelopeViaMap(members, fe.ErrorCode())
}

// errorEnvelopeViaMap is the envelope appendErrorEnvelope writes, through
// a map of the members.
func errorEnvelopeViaMap(members []byte, code string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(members, &m); err != nil {
		return nil, fmt.Errorf("encode %s: %w", code, err)
	}
	m["__type"], _ = json.Marshal(code)
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", code, err)
	}
	return b, nil
}

// jsonMember is one member of a JSON object: its name, which needs no
// unescaping, and its value as written.
type jsonMember struct {
	name  string
	value []byte
}

// appendErrorEnvelope appends the members of members, a JSON object as
// json.Marshal writes a struct (compact, each name once), with "__type":
// code, sorted by name, as json.Marshal writes a map[string]json.RawMessage
// of them; its values are compact and escaped already. It reports false,
// to leave the envelope to that map, for an object it does not split: one
// whose names have escapes, or a name twice.
func appendErrorEnvelope(b, members []byte, code string) ([]byte, bool) {
	var list [8]jsonMember
	fields := append(list[:0], jsonMember{name: "__type", value: appendJSONString(nil, code)})
	rest, ok := bytes.CutPrefix(members, []byte("{"))
	if !ok {
		return nil, false
	}
	for first := true; len(rest) > 0 && rest[0] != '}'; first = false {
		if !first {
			if rest[0] != ',' {
				return nil, false
			}
			rest = rest[1:]
		}
		if len(rest) == 0 || rest[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], '"') + 1
		if end <= 0 || bytes.IndexByte(rest[1:end], '\\') >= 0 || len(rest) <= end+1 || rest[end+1] != ':' {
			return nil, false
		}
		name := string(rest[1:end])
		rest = rest[end+2:]
		n := jsonValueLen(rest)
		if n <= 0 {
			return nil, false
		}
		if name == "__type" { // the envelope's own member wins, as in the map
			rest = rest[n:]
			continue
		}
		fields = append(fields, jsonMember{name: name, value: rest[:n]})
		rest = rest[n:]
	}
	if len(rest) != 1 {
		return nil, false
	}
	slices.SortFunc(fields, func(x, y jsonMember) int { return strings.Compare(x.name, y.name) })
	for i := 1; i < len(fields); i++ {
		if fields[i].name == fields[i-1].name {
			return nil, false // a name twice: the map keeps the last
		}
	}
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.name...)
		b = append(b, '"', ':')
		b = append(b, f.value...)
	}
	return append(b, '}'), true
}

// jsonValueLen is the length of the compact JSON value at the start of b:
// up to the first comma or closing bracket outside strings at its own
// depth. It is 0 when b ends first.
func jsonValueLen(b []byte) int {
	depth, end := 0, 0
	eachStructural(b, func(i int, c byte) bool {
		switch {
		case c == '{' || c == '[':
			depth++
		case (c == '}' || c == ']') && depth > 0:
			depth--
		case c == '}' || c == ']' || c == ',' && depth == 0:
			end = i
			return false
		}
		return true
	})
	return end
}

func internalErrorBody(err error) []byte {
	b, _ := json.Marshal(map[string]string{
		"__type":  "InternalServerException",
		"message": "internal error in the vpconform fake: " + err.Error(),
	})
	return b
}
