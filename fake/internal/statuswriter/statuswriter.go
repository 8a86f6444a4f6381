// Package statuswriter holds the http.ResponseWriter wrapper that package
// fake and vpfake share to learn what a handler answered: whether the
// response has started, and with which status.
package statuswriter

import "net/http"

// Writer passes a response on to the http.ResponseWriter it wraps and
// remembers its status: the first one written, or 200 when the body is
// written without one, as net/http sends it.
type Writer struct {
	http.ResponseWriter
	status int
}

// New wraps w.
func New(w http.ResponseWriter) *Writer {
	return &Writer{ResponseWriter: w}
}

// WriteHeader records code, unless a status was already sent, and passes
// it on.
func (w *Writer) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records the implicit status 200 when none was sent, and passes b
// on.
func (w *Writer) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Started reports whether the response has started: a status or a body
// has been written, so that another status can no longer be sent.
func (w *Writer) Started() bool {
	return w.status != 0
}

// Status is the status sent, or 200, what net/http sends for a handler
// that writes nothing, while none has been.
func (w *Writer) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *Writer) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
