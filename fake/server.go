package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vpconform/vpconform/fake/internal/statuswriter"
)

// The static credentials AWSConfig uses unless WithCredentials is given.
// Without WithCredentials the fake does not verify signatures, so any
// credentials work; these make recorded requests recognisable.
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
	faults  *faultSet
	auth    *authenticator // nil unless WithCredentials
	handler http.Handler
	ts      *httptest.Server
	client  *http.Client

	closing   chan struct{} // closed by EndDelays, to end fault delays
	endOnce   sync.Once
	closeOnce sync.Once
}

// NewServer builds a Server and, unless WithoutListener is given, starts it
// on a loopback listener at 127.0.0.1 on a free port, as httptest.NewServer
// does. Call Close when done.
//
// NewServer panics when an option is invalid (see WithFault, WithRateLimit,
// WithCredentials, WithPropagationDelay, WithState and the limits, such as
// WithMaxPolicyStores): that is a mistake in the calling code, like a bad
// argument to httptest.NewServer.
func NewServer(opts ...Option) *Server {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{opts: o, ids: newIDSource(o.seed, o.seeded), closing: make(chan struct{})}
	if err := o.check(); err != nil {
		panic("fake.NewServer: " + err.Error())
	}
	s.engine = newEngine(o, s.ids)
	if o.state != nil {
		stores, err := s.engine.checkState(*o.state)
		if err != nil {
			panic("fake.NewServer: WithState: " + err.Error())
		}
		s.engine.install(stores) // no change of state: nothing to tell
	}
	s.faults = newFaultSet(s.engine.now, o.limits)
	for _, f := range o.faults {
		if err := s.InjectFault(f); err != nil {
			panic("fake.NewServer: WithFault: " + err.Error())
		}
	}
	for _, l := range o.rateLimits {
		if err := s.SetRateLimit(l.Operation, l.PerSecond, l.Burst); err != nil {
			panic("fake.NewServer: WithRateLimit: " + err.Error())
		}
	}
	if o.authOn {
		if err := checkCredentials(o.credentials); err != nil {
			panic("fake.NewServer: WithCredentials: " + err.Error())
		}
		s.auth = newAuthenticator(o.credentials, o.region, o.account)
	}
	s.handler = s.routes()
	s.client = &http.Client{Transport: &muxTransport{handler: s.handler}}
	if !o.noListener {
		s.ts = httptest.NewUnstartedServer(s.handler)
		o.http.apply(s.ts.Config)
		s.ts.Start()
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
// under /_vpfake/, plain JSON, which vpfake -h lists with their bodies: GET
// health (settings, Limits and Usage), POST reset (Reset), POST, GET and
// DELETE faults (InjectFault with a Fault's members in camelCase and
// delayMs; the faults and rate limits in force; ClearFaults), POST
// ratelimits (SetRateLimit) and GET and PUT state (State; ParseState then
// SetState). A request they cannot use is answered 400 {"message": "..."};
// with WithControlToken, one without the token 401. Control routes are not
// authenticated by signatures. To serve Handler on a listener of one's own
// with the server's HTTP limits, use NewHTTPServer.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// Client returns an HTTP client whose transport calls Handler directly, in
// memory, without a socket, whatever host the request names.
func (s *Server) Client() *http.Client {
	return s.client
}

// AWSConfig returns an aws.Config ready for verifiedpermissions.NewFromConfig:
// the server's Region, static credentials (the first credential given
// WithCredentials, else AccessKeyID and SecretAccessKey), BaseEndpoint set to
// URL and HTTPClient set to Client.
//
// Everything else is the SDK's default, retries included: a client built
// from it makes up to 3 attempts, with backoff, at a call that fails with a
// retryable error. ThrottlingException and InternalServerException are
// retryable, so an injected fault of either with Count 1 (or a rate limit
// that refills in time) is retried away: the call succeeds at its second
// attempt and the caller never sees the error. To see every injected error,
// make one attempt:
//
//	cfg := srv.AWSConfig()
//	cfg.RetryMaxAttempts = 1
//	vp := verifiedpermissions.NewFromConfig(cfg)
//
// or, for one client, verifiedpermissions.NewFromConfig(srv.AWSConfig(),
// func(o *verifiedpermissions.Options) { o.RetryMaxAttempts = 1 }).
func (s *Server) AWSConfig() aws.Config {
	akid, secret, token := AccessKeyID, SecretAccessKey, ""
	if s.opts.authOn {
		c := s.opts.credentials[0]
		akid, secret, token = c.AccessKeyID, c.SecretAccessKey, c.SessionToken
	}
	return aws.Config{
		Region:       s.opts.region,
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, token),
		BaseEndpoint: aws.String(s.URL()),
		HTTPClient:   s.Client(),
	}
}

// Reset forgets every policy store, identity source and clientToken (the
// state given WithState too), and clears faults and rate limits (including
// those given as options). A server built WithIDSeed starts its id sequence
// again. It is a change of state for WithStateChanged.
func (s *Server) Reset() {
	s.engine.reset()
	s.ids.restart()
	s.faults.clear()
}

// InjectFault adds a fault: calls of f.Operation fail as f says, after any
// fault injected before that also matches them. It returns an error, and
// injects nothing, when the operation or error is unknown or the count or
// delay negative.
func (s *Server) InjectFault(f Fault) error {
	if _, err := s.faults.inject(f); err != nil {
		return fmt.Errorf("inject fault: %w", err)
	}
	return nil
}

// ClearFaults removes every fault and rate limit.
func (s *Server) ClearFaults() {
	s.faults.clear()
}

// SetRateLimit limits calls of operation ("*" for all operations together)
// with a token bucket over the server's clock: a bucket of burst tokens,
// full at first, refilled at perSecond tokens a second; a call takes a
// token, and a call that finds none fails with a ThrottlingException
// (serviceCode "verifiedpermissions", quotaCode "L-RATE-<OPERATION>", or
// "L-RATE-ALL" for "*"). Setting an operation's limit again replaces it.
// Faults are checked first: a faulted call takes no token. It returns an
// error when the operation is unknown, perSecond negative or not finite, or
// burst less than 1.
func (s *Server) SetRateLimit(operation string, perSecond float64, burst int) error {
	if err := s.faults.setRateLimit(operation, perSecond, burst); err != nil {
		return fmt.Errorf("set rate limit: %w", err)
	}
	return nil
}

// EndDelays ends every fault delay in progress at once, and every later
// one as soon as it begins: a call held by a fault's Delay answers its fault
// immediately. Call it when a graceful shutdown begins, so that draining the
// requests in flight does not wait for delays (vpfake does on SIGINT and
// SIGTERM); Close calls it too. It cannot be undone, and it is safe to call
// more than once.
func (s *Server) EndDelays() {
	s.endOnce.Do(func() { close(s.closing) })
}

// Close shuts the listener down, waiting for requests in flight; fault
// delays in progress end at once (see EndDelays). It is safe to call more
// than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.EndDelays()
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
	api := &apiHandler{engine: s.engine, faults: s.faults, auth: s.auth, account: s.opts.account, closing: s.closing}
	control := s.controlRoutes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{w: *statuswriter.New(w)}
		// Set would write the key as "X-Amzn-Requestid"; assigning it so
		// skips canonicalising on every request.
		w.Header()["X-Amzn-Requestid"] = x.requestID(s.ids)
		rw := &x.w
		defer func() {
			if v := recover(); v != nil {
				if rw.Started() {
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

// exchange is what routes allocates for a request, as one object: the
// writer that records whether the answer has begun, and the
// X-Amzn-Requestid header's value with its bytes.
type exchange struct {
	w      statuswriter.Writer
	header [1]string
	idBuf  [requestIDLength]byte
}

// requestID draws the request's id from ids and returns the header value
// that names it, held in x.
func (x *exchange) requestID(ids *idSource) []string {
	ids.requestIDInto(&x.idBuf)
	x.header[0] = unsafe.String(&x.idBuf[0], len(x.idBuf)) // x.idBuf is never written again
	return x.header[:]
}
