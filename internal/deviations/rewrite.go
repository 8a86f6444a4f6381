package deviations

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/vpconform/vpconform/schemas"
)

// maxBodyBytes bounds the request and response bodies a deviation buffers;
// a larger request passes through untouched.
const maxBodyBytes = 8 << 20

// call is one awsJson1_0 API request on its way through a deviation.
type call struct {
	// Operation is the operation named by X-Amz-Target.
	Operation string
	// Request is the incoming request; its body has been read into Body.
	Request *http.Request
	// Body is the request body as received.
	Body []byte
	// Input is Body decoded as a JSON object, or nil when it is not one.
	Input map[string]any
}

// valid reports whether the request body conforms to the operation's input
// schema, as a faithful server would check before acting on it.
func (c *call) valid() bool {
	return c.Input != nil && schemas.Has(c.Operation, schemas.Input) && schemas.Validate(c.Operation, schemas.Input, c.Body) == nil
}

// send forwards body, in place of the call's own, to next and returns the
// buffered answer.
func (c *call) send(next http.Handler, body []byte) *answer {
	r := c.Request.Clone(c.Request.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return serve(next, r)
}

// forward forwards the call's own body to next.
func (c *call) forward(next http.Handler) *answer { return c.send(next, c.Body) }

// sideCall sends another operation to next with the call's headers (so the
// same credentials and Content-Type) and input as its body: how a deviating
// emulator reads its own state while serving a request.
func (c *call) sideCall(next http.Handler, operation string, input map[string]any) *answer {
	body, err := json.Marshal(input)
	if err != nil {
		return &answer{status: http.StatusInternalServerError, header: http.Header{}}
	}
	r := c.Request.Clone(c.Request.Context())
	r.Header.Set("X-Amz-Target", schemas.TargetPrefix+operation)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return serve(next, r)
}

// identitySourceKey returns "<policyStoreId>/<identitySourceId>" from a
// request or answer body, and whether both ids are strings.
func identitySourceKey(m map[string]any) (string, bool) {
	store, ok1 := m["policyStoreId"].(string)
	src, ok2 := m["identitySourceId"].(string)
	if !ok1 || !ok2 {
		return "", false
	}
	return store + "/" + src, true
}

// getInput is the GetIdentitySource input naming the identity source the
// call's input names.
func (c *call) getInput() map[string]any {
	return map[string]any{"policyStoreId": c.Input["policyStoreId"], "identitySourceId": c.Input["identitySourceId"]}
}

// current asks next for the identity source the call names, as
// GetIdentitySource answers it, and returns that answer and its body; the
// body is nil unless the answer is a success with a JSON object.
func (c *call) current(next http.Handler) (*answer, map[string]any) {
	a := c.sideCall(next, "GetIdentitySource", c.getInput())
	if !a.ok() {
		return a, nil
	}
	return a, a.json()
}

// configuration is the configuration member of a CreateIdentitySource
// input or the updateConfiguration member of an UpdateIdentitySource input,
// or nil for any other call.
func (c *call) configuration() map[string]any {
	switch c.Operation {
	case "CreateIdentitySource":
		return object(c.Input, "configuration")
	case "UpdateIdentitySource":
		return object(c.Input, "updateConfiguration")
	}
	return nil
}

// written returns the key of the identity source that a, the answer to a
// CreateIdentitySource or UpdateIdentitySource call, says was written, and
// whether a is such a success.
func (c *call) written(a *answer) (string, bool) {
	if c.Operation != "CreateIdentitySource" && c.Operation != "UpdateIdentitySource" || !a.ok() {
		return "", false
	}
	return identitySourceKey(a.json())
}

// answer is a buffered response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// ok reports whether the answer is a success.
func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 }

// json decodes the body as a JSON object, numbers kept exact, or returns
// nil when it is not one.
func (a *answer) json() map[string]any { return decodeObject(a.body) }

// setJSON replaces the body by m, encoded.
func (a *answer) setJSON(m map[string]any) {
	if b, err := encodeObject(m); err == nil {
		a.body = b
	}
}

// errorShape is the error shape an error answer names (X-Amzn-ErrorType,
// else __type), or "" for a success or an answer naming none.
func (a *answer) errorShape() string {
	if a.ok() {
		return ""
	}
	t := ""
	if m := a.json(); m != nil {
		t, _ = m["__type"].(string)
	}
	return schemas.ErrorShape(a.header, t)
}

// write sends the answer with a Content-Length matching its body.
func (a *answer) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = append([]string(nil), v...)
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(a.body)
}

// bufferWriter is an http.ResponseWriter that keeps what is written.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// serve runs next on r and returns its buffered answer.
func serve(next http.Handler, r *http.Request) *answer {
	bw := &bufferWriter{header: http.Header{}}
	next.ServeHTTP(bw, r)
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	bw.header.Del("Content-Length")
	return &answer{status: bw.status, header: bw.header, body: bw.body.Bytes()}
}

// apiMiddleware builds a middleware that hands every Verified Permissions
// API call (POST with an X-Amz-Target naming an operation) to handle, which
// returns the answer to send; any other request passes through untouched.
func apiMiddleware(handle func(next http.Handler, c *call) *answer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			op := schemas.OperationFromTarget(r.Header.Get("X-Amz-Target"))
			if r.Method != http.MethodPost || op == "" || r.Body == nil {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
			if err != nil || len(body) > maxBodyBytes {
				// Too large or unreadable: let the server answer as it
				// does, with what could be read put back in front.
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
				next.ServeHTTP(w, r)
				return
			}
			c := &call{Operation: op, Request: r, Body: body, Input: decodeObject(body)}
			handle(next, c).write(w)
		})
	}
}

// answerRewrite builds a middleware that forwards every API call unchanged
// and lets edit change the answer.
func answerRewrite(edit func(c *call, a *answer)) func(http.Handler) http.Handler {
	return apiMiddleware(func(next http.Handler, c *call) *answer {
		a := c.forward(next)
		edit(c, a)
		return a
	})
}

// jsonAnswerRewrite is answerRewrite for edits of the decoded JSON body: edit
// gets the body of every answer that is a JSON object and returns whether
// it changed it; the body is re-encoded only then.
func jsonAnswerRewrite(edit func(c *call, a *answer, body map[string]any) bool) func(http.Handler) http.Handler {
	return answerRewrite(func(c *call, a *answer) {
		m := a.json()
		if m == nil {
			return
		}
		if edit(c, a, m) {
			a.setJSON(m)
		}
	})
}

// successRewrite is jsonAnswerRewrite for edits of successful answers
// only.
func successRewrite(edit func(c *call, body map[string]any) bool) func(http.Handler) http.Handler {
	return jsonAnswerRewrite(func(c *call, a *answer, body map[string]any) bool { return a.ok() && edit(c, body) })
}

// existingSourceRewrite builds a middleware for the valid calls of op that
// name an existing identity source: handle gets the call, the answer of a
// GetIdentitySource of the source and that answer's body, and returns the
// answer to send. Every other call is forwarded as it is (a call naming no
// existing source is the server's to refuse).
func existingSourceRewrite(op string, handle func(next http.Handler, c *call, got *answer, current map[string]any) *answer) func(http.Handler) http.Handler {
	return apiMiddleware(func(next http.Handler, c *call) *answer {
		if c.Operation != op || !c.valid() {
			return c.forward(next)
		}
		a, current := c.current(next)
		if current == nil {
			return c.forward(next)
		}
		return handle(next, c, a, current)
	})
}

// decodeObject decodes a JSON object, numbers as json.Number, or returns
// nil when body is not exactly one JSON object.
func decodeObject(body []byte) map[string]any {
	dec := schemas.NewJSONDecoder(body)
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil
	}
	return m
}

// encodeObject encodes m without HTML escaping, as an AWS service does.
func encodeObject(m map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// object returns the JSON object at a dotted member path of doc, or nil.
func object(doc map[string]any, path ...string) map[string]any {
	cur := doc
	for _, name := range path {
		next, ok := cur[name].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// dropMember removes member from m and reports whether it was there.
func dropMember(m map[string]any, member string) bool {
	_, had := m[member]
	delete(m, member)
	return had
}

// editStrings replaces, anywhere in v (a decoded JSON value), each string
// that an object member or an array element holds by what edit returns for
// it, given the member's name ("" for an array element); edit returns s to
// keep it. It reports whether anything changed.
func editStrings(v any, edit func(member, s string) any) bool {
	changed := false
	step := func(member string, child any) any {
		s, ok := child.(string)
		if !ok {
			changed = editStrings(child, edit) || changed
			return child
		}
		out := edit(member, s)
		if out != any(s) {
			changed = true
		}
		return out
	}
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			x[k] = step(k, child)
		}
	case []any:
		for i, child := range x {
			x[i] = step("", child)
		}
	}
	return changed
}

// identitySourceBodies returns the identity-source objects of a success
// answer: the body itself for GetIdentitySource, each item for
// ListIdentitySources, none for any other operation.
func identitySourceBodies(op string, body map[string]any) []map[string]any {
	switch op {
	case "GetIdentitySource":
		return []map[string]any{body}
	case "ListIdentitySources":
		items, _ := body["identitySources"].([]any)
		var out []map[string]any
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
