package fake

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"time"
)

// maxControlBodyBytes bounds the body of a control request, but for
// PUT /_vpfake/state.
const maxControlBodyBytes = 1 << 20

// maxStateBodyBytes bounds the body of PUT /_vpfake/state.
const maxStateBodyBytes = 64 << 20

// controlRouteList names every control route, for the 404 answer.
const controlRouteList = "GET /_vpfake/health, POST /_vpfake/reset, GET|POST|DELETE /_vpfake/faults, POST /_vpfake/ratelimits, GET|PUT /_vpfake/state, " +
	"POST /_vpfake/tokens, GET /_vpfake/jwks.json and GET /_vpfake/issuers/<issuer without https://>/.well-known/openid-configuration (or jwks.json)"

// healthPath is the control route that WithControlToken leaves open.
const healthPath = controlPrefix + "health"

// The routes of the token issuer: jwksPath and the issuers' documents under
// issuersPrefix are public, as an identity provider's are, and
// WithControlToken leaves them open.
const (
	tokensPath    = controlPrefix + "tokens"
	jwksPath      = controlPrefix + "jwks.json"
	issuersPrefix = controlPrefix + "issuers/"
	// discoverySuffix and issuerJWKSSuffix follow an issuer's path: its
	// OpenID Connect discovery document (OpenID Connect Discovery 1.0,
	// section 4) and the JWKS where Cognito publishes a user pool's keys
	// (<issuer>/.well-known/jwks.json) [D].
	discoverySuffix  = "/.well-known/openid-configuration"
	issuerJWKSSuffix = "/.well-known/jwks.json"
)

// publicControlPath reports whether the control route at path is open
// without the control token: health, which readiness checks use, and the
// token issuer's public documents.
func publicControlPath(path string) bool {
	return path == healthPath || path == jwksPath || strings.HasPrefix(path, issuersPrefix)
}

// controlRoutes serves /_vpfake/: health, reset, faults, rate limits,
// state and the token issuer (tokens, its JWKS and discovery documents).
// Their bodies are plain JSON, not the awsJson1_0 envelope; a request they
// cannot use is answered 400 {"message": "..."}, one without the control
// token (WithControlToken) 401 {"message": "..."}.
func (s *Server) controlRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+healthPath, func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{
			"status":             "ok",
			"service":            "vpfake",
			"capabilities":       []string{"fault-injection", "reset", "state", "token-issuer"},
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
	mux.HandleFunc("POST "+tokensPath, func(w http.ResponseWriter, r *http.Request) {
		token, err := s.issueTokenJSON(r)
		writeControlResult(w, map[string]any{"token": token}, err)
	})
	mux.HandleFunc("GET "+jwksPath, s.serveJWKS)
	mux.HandleFunc("GET "+issuersPrefix, s.serveIssuerDocument)
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

// requireControlToken answers 401 to a control request that does not carry
// the token, but for the public routes (publicControlPath).
func requireControlToken(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicControlPath(r.URL.Path) {
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
	return decodeControlBody(r, v, false)
}

// decodeControlBody is decodeControl, reading the numbers held in an any
// as json.Number when useNumber is set.
func decodeControlBody(r *http.Request, v any, useNumber bool) error {
	body, err := readControlBody(r, maxControlBodyBytes)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if useNumber {
		dec.UseNumber()
	}
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

// tokenRequestJSON is the body of POST /_vpfake/tokens: a TokenRequest and
// its lifetime in whole seconds.
type tokenRequestJSON struct {
	TokenRequest
	// LifetimeSeconds is TokenRequest.Lifetime: 0 or absent means an
	// hour, a negative value a token already expired.
	LifetimeSeconds int64 `json:"lifetimeSeconds"`
}

// maxLifetimeSeconds bounds lifetimeSeconds either way, so that it holds
// in a time.Duration.
const maxLifetimeSeconds = math.MaxInt64 / int64(time.Second)

// issueTokenJSON is POST /_vpfake/tokens: it mints the token the body asks
// for. The numbers of the body's claims keep every digit (json.Number).
func (s *Server) issueTokenJSON(r *http.Request) (string, error) {
	var in tokenRequestJSON
	if err := decodeControlBody(r, &in, true); err != nil {
		return "", err
	}
	if in.LifetimeSeconds > maxLifetimeSeconds || in.LifetimeSeconds < -maxLifetimeSeconds {
		return "", fmt.Errorf("token request: lifetimeSeconds %d is beyond ±%d", in.LifetimeSeconds, maxLifetimeSeconds)
	}
	req := in.TokenRequest
	req.Lifetime = time.Duration(in.LifetimeSeconds) * time.Second
	return s.IssueToken(req)
}

// serveJWKS is GET /_vpfake/jwks.json: the issuer's public key as a JSON Web
// Key Set (RFC 7517, section 5).
func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	b, err := s.engine.issuer.jwksJSON()
	if err != nil {
		writeControl(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// serveIssuerDocument is GET /_vpfake/issuers/<issuer without https://>/
// followed by /.well-known/openid-configuration, the issuer's discovery
// document, or /.well-known/jwks.json, the JWKS (the same for every
// issuer). Any issuer the fake could mint for has them.
func (s *Server) serveIssuerDocument(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, issuersPrefix)
	host, jwks := strings.CutSuffix(rest, issuerJWKSSuffix)
	if !jwks {
		var ok bool
		if host, ok = strings.CutSuffix(rest, discoverySuffix); !ok {
			writeControl(w, http.StatusNotFound, map[string]any{
				"message": "no issuer document at " + r.URL.Path + "; there are " + issuersPrefix + "<issuer without https://>" + discoverySuffix + " and " + issuerJWKSSuffix,
			})
			return
		}
	}
	issuer := "https://" + host
	if err := checkIssuerURL(issuer); err != nil || host == "" {
		if err == nil {
			err = errors.New("has no host")
		}
		writeControl(w, http.StatusNotFound, map[string]any{"message": fmt.Sprintf("no issuer document at %s: issuer %q %v", r.URL.Path, issuer, err)})
		return
	}
	if jwks {
		s.serveJWKS(w, r)
		return
	}
	writeControl(w, http.StatusOK, discoveryDocument(issuer, controlBaseURL(r)+jwksPath))
}

// discoveryDocument is an OpenID Connect discovery document for issuer
// whose keys are at jwksURI. It carries the metadata that OpenID Connect
// Discovery 1.0 (section 3) requires but for the endpoints the fake does
// not serve (authorization_endpoint), and what Cognito adds for its keys
// [D].
func discoveryDocument(issuer, jwksURI string) map[string]any {
	return map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              jwksURI,
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "token id_token"},
		"subject_types_supported":               []string{"public"},
	}
}

// controlBaseURL is the scheme and host the request r was sent to, for
// the URLs the control routes answer with.
func controlBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
