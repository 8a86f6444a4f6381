package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The static credentials AWSConfig uses. The fake does not verify
// signatures, so any credentials work; these make recorded requests
// recognisable.
const (
	AccessKeyID     = "AKIDVPFAKEEXAMPLE"
	SecretAccessKey = "vpfake-secret"
)

// noListenerURL is URL's value for a server built WithoutListener.
const noListenerURL = "http://vpfake.invalid"

// Server is a fake of the identity-source API of Amazon Verified
// Permissions. It is safe for concurrent use.
type Server struct {
	opts    options
	ids     *idSource
	engine  *engine
	handler http.Handler
	ts      *httptest.Server
	client  *http.Client

	closeOnce sync.Once
}

// NewServer builds a Server and, unless WithoutListener is given, starts it
// on a loopback listener at 127.0.0.1 on a free port, as httptest.NewServer
// does. Call Close when done.
func NewServer(opts ...Option) *Server {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{opts: o, ids: newIDSource(o.seed, o.seeded)}
	s.engine = newEngine(o, s.ids)
	s.handler = s.routes()
	s.client = &http.Client{Transport: &muxTransport{handler: s.handler}}
	if !o.noListener {
		s.ts = httptest.NewServer(s.handler)
	}
	return s
}

// URL is the base URL of the server: "http://127.0.0.1:<port>", or
// "http://vpfake.invalid" for a server built WithoutListener (reachable only
// through Client).
func (s *Server) URL() string {
	if s.ts == nil {
		return noListenerURL
	}
	return s.ts.URL
}

// Handler serves the API (POST / with X-Amz-Target) and the control routes
// under /_vpfake/: GET /_vpfake/health and POST /_vpfake/reset.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// Client returns an HTTP client whose transport calls Handler directly, in
// memory, without a socket, whatever host the request names.
func (s *Server) Client() *http.Client {
	return s.client
}

// AWSConfig returns an aws.Config ready for verifiedpermissions.NewFromConfig:
// the server's Region, static credentials (AccessKeyID, SecretAccessKey),
// BaseEndpoint set to URL and HTTPClient set to Client.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.opts.region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL()),
		HTTPClient:   s.Client(),
	}
}

// Reset forgets every policy store, identity source and clientToken. A
// server built WithIDSeed starts its id sequence again.
func (s *Server) Reset() {
	s.engine.reset()
	s.ids.restart()
}

// Close shuts the listener down, waiting for requests in flight. It is safe
// to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.ts != nil {
			s.ts.Close()
		}
	})
}

// controlPrefix is where the control routes live; no API path starts with it.
const controlPrefix = "/_vpfake/"

// routes builds the top-level handler: a request id on every response, a
// recover guard, then either the control routes or the API.
func (s *Server) routes() http.Handler {
	api := &apiHandler{engine: s.engine, ids: s.ids}
	control := s.controlRoutes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", s.ids.requestID())
		rw := &trackingWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if rw.wrote {
					return // too late for an error response
				}
				writeError(rw, &InternalServerException{Message: fmt.Sprintf("internal error in the vpconform fake: %v", v)})
			}
		}()
		if strings.HasPrefix(r.URL.Path, controlPrefix) {
			control.ServeHTTP(rw, r)
			return
		}
		api.ServeHTTP(rw, r)
	})
}

// trackingWriter remembers whether a response has started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *trackingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
