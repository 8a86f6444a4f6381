package fake

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
)

// maxControlBodyBytes bounds the body of a control request, but for
// PUT /_vpfake/state.
const maxControlBodyBytes = 1 << 20

// maxStateBodyBytes bounds the body of PUT /_vpfake/state.
const maxStateBodyBytes = 64 << 20

// controlRouteList names every control route, for the 404 answer.
const controlRouteList = "GET /_vpfake/health, POST /_vpfake/reset, GET|POST|DELETE /_vpfake/faults, POST /_vpfake/ratelimits and GET|PUT /_vpfake/state"

// healthPath is the control route that WithControlToken leaves open.
const healthPath = controlPrefix + "health"

// controlRoutes serves /_vpfake/: health, reset, faults, rate limits and
// state. Their bodies are plain JSON, not the awsJson1_0 envelope; a
// request they cannot use is answered 400 {"message": "..."}, one without
// the control token (WithControlToken) 401 {"message": "..."}.
func (s *Server) controlRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+healthPath, func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{
			"status":             "ok",
			"service":            "vpfake",
			"capabilities":       []string{"fault-injection", "reset", "state"},
			"authentication":     s.auth != nil,
			"controlToken":       s.opts.controlToken != "",
			"propagationDelayMs": s.opts.propagation.Milliseconds(),
			"limits":             s.Limits(),
			"usage":              s.Usage(),
		}
		// The heap only on request, so that health answers the same to
		// the same state.
		q := r.URL.Query()
		if q.Get("gc") == "1" {
			runtime.GC()
		}
		if q.Get("gc") == "1" || q.Get("heap") == "1" {
			out["heapAllocBytes"] = heapAllocBytes()
		}
		writeControl(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /_vpfake/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		writeControl(w, http.StatusOK, map[string]any{})
	})
	mux.HandleFunc("POST /_vpfake/faults", controlPost(func(in faultJSON) (any, error) {
		f, err := in.fault()
		if err == nil {
			var id string
			if id, err = s.faults.inject(f); err == nil {
				return map[string]any{"id": id}, nil
			}
		}
		return nil, fmt.Errorf("inject fault: %w", err)
	}))
	mux.HandleFunc("GET /_vpfake/faults", func(w http.ResponseWriter, r *http.Request) {
		faults, limits := s.faults.list()
		writeControl(w, http.StatusOK, map[string]any{"faults": faults, "rateLimits": limits})
	})
	mux.HandleFunc("DELETE /_vpfake/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeControl(w, http.StatusOK, map[string]any{})
	})
	mux.HandleFunc("POST /_vpfake/ratelimits", controlPost(func(in rateLimitJSON) (any, error) {
		return map[string]any{}, s.SetRateLimit(in.Operation, in.PerSecond, in.Burst)
	}))
	mux.HandleFunc("GET /_vpfake/state", func(w http.ResponseWriter, r *http.Request) {
		writeControl(w, http.StatusOK, s.State())
	})
	mux.HandleFunc("PUT /_vpfake/state", func(w http.ResponseWriter, r *http.Request) {
		writeControlResult(w, map[string]any{}, s.putState(r))
	})
	mux.HandleFunc("/_vpfake/", func(w http.ResponseWriter, r *http.Request) {
		writeControl(w, http.StatusNotFound, map[string]any{
			"message": "no control route " + r.Method + " " + r.URL.Path + "; there are " + controlRouteList,
		})
	})
	if s.opts.controlToken == "" {
		return mux
	}
	return requireControlToken(s.opts.controlToken, mux)
}

// putState is PUT /_vpfake/state: ParseState, then SetState.
func (s *Server) putState(r *http.Request) error {
	body, err := readControlBody(r, maxStateBodyBytes)
	if err != nil {
		return err
	}
	st, err := ParseState(body)
	if err != nil {
		return fmt.Errorf("request body is not a state: %w", err)
	}
	return s.SetState(st)
}

// controlPost serves a control route whose body is one JSON object of the
// members of T (see decodeControl) and whose answer is what apply returns
// (or 400 with apply's error).
func controlPost[T any](apply func(T) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in T
		if err := decodeControl(r, &in); err != nil {
			writeControlError(w, err)
			return
		}
		out, err := apply(in)
		writeControlResult(w, out, err)
	}
}

// ControlTokenHeader is the header that may carry the control token
// (WithControlToken), instead of "Authorization: Bearer <token>".
const ControlTokenHeader = "X-Vpfake-Control-Token"

// requireControlToken answers 401 to a control request, but for health,
// that does not carry the token.
func requireControlToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get(ControlTokenHeader)
		if auth := r.Header.Get("Authorization"); got == "" && auth != "" {
			scheme, cred, ok := strings.Cut(auth, " ")
			if ok && strings.EqualFold(scheme, "Bearer") {
				got = strings.TrimSpace(cred)
			}
		}
		if got == "" || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			msg := "the control routes of this fake require its control token: send \"Authorization: Bearer <token>\" or \"" + ControlTokenHeader + ": <token>\""
			if got != "" {
				msg = "the control token sent is not this fake's: " + msg
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="vpfake"`)
			writeControl(w, http.StatusUnauthorized, map[string]any{"message": msg})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// heapAllocBytes is the process's heap in use by objects, live or not yet
// collected (runtime.MemStats.HeapAlloc), read without stopping the world.
func heapAllocBytes() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// readControlBody reads a control request's body, up to limit bytes.
func readControlBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("request body is larger than %d bytes", limit)
	}
	return body, nil
}

// decodeControl reads one JSON object with only known members into v.
func decodeControl(r *http.Request, v any) error {
	body, err := readControlBody(r, maxControlBodyBytes)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body is not a JSON object of the expected members: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("request body has data after its JSON object")
	}
	return nil
}

// writeControlResult answers out, or 400 with err's message when err is not
// nil.
func writeControlResult(w http.ResponseWriter, out any, err error) {
	if err != nil {
		writeControlError(w, err)
		return
	}
	writeControl(w, http.StatusOK, out)
}

func writeControlError(w http.ResponseWriter, err error) {
	writeControl(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
}

func writeControl(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]string{"message": "encode control response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
