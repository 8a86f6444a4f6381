package fake

import (
	"encoding/json"
	"net/http"
)

// controlRoutes serves /_vpfake/: GET health and POST reset. Their bodies
// are plain JSON, not the awsJson1_0 envelope.
func (s *Server) controlRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_vpfake/health", func(w http.ResponseWriter, r *http.Request) {
		writeControl(w, http.StatusOK, map[string]any{
			"status":       "ok",
			"service":      "vpfake",
			"capabilities": []string{"reset"},
		})
	})
	mux.HandleFunc("POST /_vpfake/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		writeControl(w, http.StatusOK, map[string]any{})
	})
	mux.HandleFunc("/_vpfake/", func(w http.ResponseWriter, r *http.Request) {
		writeControl(w, http.StatusNotFound, map[string]any{
			"message": "no control route " + r.Method + " " + r.URL.Path + "; there are GET /_vpfake/health and POST /_vpfake/reset",
		})
	})
	return mux
}

func writeControl(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v) // maps of strings always encode
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
