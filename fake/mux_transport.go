package fake

import (
	"net/http"
	"net/http/httptest"
)

// muxTransport is an http.RoundTripper that serves each request by calling a
// handler in memory, with no socket.
type muxTransport struct {
	handler http.Handler
}

func (t *muxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	req := r.Clone(r.Context())
	if req.Body == nil {
		req.Body = http.NoBody
	}
	req.RequestURI = req.URL.RequestURI()
	req.RemoteAddr = "192.0.2.1:1234" // TEST-NET, like httptest.NewRequest
	w := httptest.NewRecorder()
	t.handler.ServeHTTP(w, req)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := w.Result()
	resp.Request = r
	return resp, nil
}
