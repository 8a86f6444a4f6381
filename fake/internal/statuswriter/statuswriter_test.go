package statuswriter

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWriter(t *testing.T) {
	cases := []struct {
		name        string
		handler     func(w http.ResponseWriter)
		wantStarted bool
		wantStatus  int
	}{
		{"nothing written", func(http.ResponseWriter) {}, false, http.StatusOK},
		{"status", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }, true, http.StatusNotFound},
		{"body without a status", func(w http.ResponseWriter) { _, _ = w.Write([]byte("{}")) }, true, http.StatusOK},
		{"second status ignored", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadRequest)
			w.WriteHeader(http.StatusInternalServerError)
		}, true, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w := New(rec)
			c.handler(w)
			if w.Started() != c.wantStarted || w.Status() != c.wantStatus {
				t.Errorf("Started %v, Status %d; want %v, %d", w.Started(), w.Status(), c.wantStarted, c.wantStatus)
			}
			if c.wantStarted && rec.Code != c.wantStatus {
				t.Errorf("the wrapped writer got %d, want %d", rec.Code, c.wantStatus)
			}
			if w.Unwrap() != rec {
				t.Errorf("Unwrap is %T, want the wrapped recorder", w.Unwrap())
			}
		})
	}
}
