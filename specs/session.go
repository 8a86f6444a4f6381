package specs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/vpconform/vpconform/schemas"
)

// DefaultConsistencyTimeout bounds how long reads after writes are polled,
// since AWS documents CreateIdentitySource and UpdateIdentitySource as
// eventually consistent.
const DefaultConsistencyTimeout = 10 * time.Second

// DefaultPollInterval is the pause between two polls of a read after a
// write (Target.PollInterval).
const DefaultPollInterval = 100 * time.Millisecond

// session is what one scenario works with: the target, a Verified
// Permissions client whose every exchange is recorded and validated, a raw
// signed-request sender, and helpers that create resources and assert
// errors. Register builds one per spec.
type session struct {
	// target is the implementation under test.
	target Target
	// scenario is the scenario being run.
	scenario Scenario
	// client is an aws-sdk-go-v2 client built from Target.AWSConfig whose
	// HTTP client goes through the validating transport.
	client *verifiedpermissions.Client
	// deniedClient is built like client from Target.DeniedAWSConfig, with
	// credentials the target denies; nil when the target has none.
	deniedClient *verifiedpermissions.Client

	transport *validatingTransport
	// consistency bounds the polling of reads after writes, and poll is
	// the pause between two polls.
	consistency, poll time.Duration

	mu sync.Mutex
	// minted counts the names, client tokens and made-up ids the session
	// has minted: next returns it.
	minted int
	// secrets are credentials the session signed with besides the
	// target's, which recordings must not keep.
	secrets []string
	// goldenAuthority is set when the scenario is compared against a golden
	// set recorded from AWS and its expectations are advisory: the golden
	// set decides, and advisory only notes what it would have reported.
	goldenAuthority bool
	// overridden are the advisory expectations not met while
	// goldenAuthority was set.
	overridden []string
}

// newSession builds the session of scenario sc against target t. Register
// calls it for every spec, and the package's tests for theirs.
func newSession(t Target, sc Scenario) (*session, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	tr := newValidatingTransport(t.AWSConfig.HTTPClient)
	cfg := t.AWSConfig.Copy()
	cfg.HTTPClient = tr
	if cfg.Retryer == nil {
		cfg.Retryer = kitRetryer(t)
	}
	s := &session{
		target:      t,
		scenario:    sc,
		client:      verifiedpermissions.NewFromConfig(cfg),
		transport:   tr,
		consistency: t.consistencyTimeout(),
		poll:        t.pollInterval(),
	}
	if t.DeniedAWSConfig != nil {
		denied := t.DeniedAWSConfig.Copy()
		denied.HTTPClient = tr.sharing(t.DeniedAWSConfig.HTTPClient)
		if denied.Retryer == nil {
			denied.Retryer = cfg.Retryer
		}
		s.deniedClient = verifiedpermissions.NewFromConfig(denied)
	}
	return s, nil
}

// fixtures returns the target's fixtures.
func (s *session) fixtures() Fixtures { return s.target.Fixtures }

// exchanges returns every exchange recorded so far, oldest first.
func (s *session) exchanges() []schemas.Exchange {
	var out []schemas.Exchange
	for _, r := range s.transport.all() {
		out = append(out, r.Exchange)
	}
	return out
}

// lastExchange returns the newest recorded exchange of operation, and
// whether there is one.
func (s *session) lastExchange(operation string) (schemas.Exchange, bool) {
	recs := s.transport.all()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Operation == operation {
			return recs[i].Exchange, true
		}
	}
	return schemas.Exchange{}, false
}

// exchangeProblem is one way a recorded exchange breaks the schemas or the
// protocol.
type exchangeProblem struct {
	// text says, on one line, which exchange, what was expected and what
	// came back, with the values.
	text string
	// cause is the problem without values, the same for every scenario it
	// affects, such as "GetIdentitySource answers with a body breaking its
	// output schema at createdDate (type)".
	cause string
}

// exchangeProblems checks every recorded exchange: each response against its
// output or error schema and Content-Type, and each request against its input
// schema unless it was deliberately invalid. checkRequests false leaves the
// requests unchecked.
func (s *session) exchangeProblems(checkRequests bool) []exchangeProblem {
	var problems []exchangeProblem
	for i, r := range s.transport.all() {
		where := fmt.Sprintf("exchange %d (%s, HTTP %d)", i+1, r.Operation, r.Status)
		problems = append(problems, responseProblems(where, r)...)
		if checkRequests && !r.deliberate {
			if err := r.CheckRequest(); err != nil {
				problems = append(problems, exchangeProblem{
					text:  fmt.Sprintf("%s: scenario bug: the request breaks the input schema: %s", where, oneLine(err)),
					cause: "the scenario sent a request breaking the input schema of " + r.Operation,
				})
			}
		}
	}
	return problems
}

// responseProblems words what schemas.Exchange.CheckResponse finds wrong
// with the response of r. An answer to a request the model declares no error
// for (a body that is not JSON, a bad signature: see exchangeRecord.
// protocolError) may name an error shape outside this API.
func responseProblems(where string, r *exchangeRecord) []exchangeProblem {
	err := r.CheckResponse()
	if err == nil {
		return nil
	}
	var out []exchangeProblem
	var ct *schemas.ContentTypeError
	if errors.As(err, &ct) {
		out = append(out, exchangeProblem{
			text:  fmt.Sprintf("%s: expected Content-Type %s, got %q", where, schemas.ContentType, ct.Got),
			cause: fmt.Sprintf("%s answers with Content-Type %q", r.Operation, ct.Got),
		})
	}
	var se *schemas.ErrorShapeError
	if errors.As(err, &se) && !(r.protocolError && se.Shape != "") {
		got := "none"
		if se.Shape != "" {
			got = se.Shape + ", which is not an error shape of this API"
		}
		out = append(out, exchangeProblem{
			text:  fmt.Sprintf("%s: expected an error answer naming its shape in X-Amzn-ErrorType or __type, got %s (body %s)", where, got, clip(string(r.ResponseBody), maxBodyInMessage)),
			cause: recordedAnswer(r).cause(r.Operation),
		})
	}
	var ve *schemas.ValidationError
	if errors.As(err, &ve) {
		body, _ := decodeJSON(r.ResponseBody)
		var found, places []string
		for _, v := range ve.Violations {
			found = append(found, v.String()+valueAt(body, v.Pointer))
			places = append(places, v.Path()+" ("+v.Keyword+")")
		}
		out = append(out, exchangeProblem{
			text:  fmt.Sprintf("%s: expected a body conforming to %s, got %s", where, ve.Schema, strings.Join(found, "; ")),
			cause: fmt.Sprintf("%s answers HTTP %d with a body breaking %s at %s", r.Operation, r.Status, ve.Schema, strings.Join(places, ", ")),
		})
	}
	if len(out) == 0 && se == nil {
		out = append(out, exchangeProblem{text: where + ": " + oneLine(err), cause: r.Operation + " answers a body breaking its schema"})
	}
	return out
}

// valueAt renders, for a violation message, the value at a JSON pointer of
// a decoded body: " (value 1767225600)", or "" when there is none there.
func valueAt(doc any, pointer string) string {
	cur := doc
	for _, tok := range pointerTokens(pointer) {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return ""
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return ""
			}
			cur = v[i]
		default:
			return ""
		}
	}
	if pointer == "" || cur == nil {
		return ""
	}
	return " (value " + clip(jsonText(cur), 80) + ")"
}

// decodeJSON decodes any JSON value keeping numbers exact.
func decodeJSON(body []byte) (any, error) {
	var v any
	if err := schemas.NewJSONDecoder(body).Decode(&v); err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return v, nil
}

// oneLine renders err on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// next returns the session's next sequence number, from 1.
func (s *session) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minted++
	return s.minted
}

// scenarioHash is a short digest of the scenario id, which fits where the
// id itself does not (client tokens allow [a-zA-Z0-9-] only).
func (s *session) scenarioHash() string {
	sum := sha256.Sum256([]byte(s.scenario.ID))
	return hex.EncodeToString(sum[:4])
}

// uniqueName returns a name distinct within the scenario and the same in
// every run of it: the prefix, a digest of the scenario id and the
// session's counter. Nothing in it depends on time or chance, so that a
// deterministic target answers a scenario the same way every time.
func (s *session) uniqueName(prefix string) string {
	return prefix + "-" + s.scenarioHash() + "-" + strconv.Itoa(s.next())
}

// clientToken returns a client token: uniqueName, followed by
// Target.RunID when set. A target that outlives one run (an emulator left
// running, AWS, which remembers tokens for 8 hours) needs the run id, or a
// token of an earlier run with other input would be a ConflictException;
// recordings replace tokens by placeholders either way.
func (s *session) clientToken() string {
	tok := s.uniqueName("vpconform")
	if s.target.RunID != "" {
		tok += "-" + s.target.RunID
	}
	if len(tok) > 64 {
		tok = tok[:64]
	}
	return tok
}

// addSecret remembers a credential string the session signed with, so that
// recordings redact it.
func (s *session) addSecret(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, v...)
}

// polled wraps the function an Eventually polls so that the exchanges of
// each of its attempts are marked as attempts of one polling loop:
// recordings keep only the last attempt (fixtures.FinalAttempts), since how
// many attempts a read after a write takes depends on the target's
// propagation delay, not on its answers.
func polled[T any](s *session, f func() T) func() T {
	poll := s.transport.log.newPoll()
	attempt := 0
	return func() T {
		attempt++
		s.transport.log.startAttempt(poll, attempt)
		defer s.transport.log.stopAttempt()
		return f()
	}
}

// decodeJSONObject decodes a JSON object keeping numbers exact.
func decodeJSONObject(body []byte) (map[string]any, error) {
	v, err := decodeJSON(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decode JSON object: expected an object, got %s", clip(string(body), 40))
	}
	return m, nil
}

// lookup returns the value at a dotted member path ("configuration.
// cognitoUserPoolConfiguration.clientIds") in a decoded JSON document, and
// whether every member on the way is present.
func lookup(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, name := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = obj[name]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// dateTick is the precision of the target's dates, as its answers so far
// show it: the unit of the finest fractional digit of any createdDate or
// lastUpdatedDate recorded (one second for dates written without a
// fraction). Two writes less than a tick apart may carry the same date.
func (s *session) dateTick() time.Duration {
	digits := 0
	var scan func(v any)
	scan = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if str, ok := x.(string); ok && (k == "createdDate" || k == "lastUpdatedDate") {
					digits = max(digits, fractionDigits(str))
				}
				scan(x)
			}
		case []any:
			for _, x := range v {
				scan(x)
			}
		}
	}
	for _, r := range s.transport.all() {
		if doc, err := decodeJSON(r.ResponseBody); err == nil {
			scan(doc)
		}
	}
	tick := time.Second
	for range min(digits, 9) {
		tick /= 10
	}
	return tick
}

// fractionDigits counts the fractional-second digits of an RFC 3339 date
// ("2026-01-01T00:00:00.123Z" has 3).
func fractionDigits(date string) int {
	_, frac, ok := strings.Cut(date, ".")
	if !ok {
		return 0
	}
	n := 0
	for n < len(frac) && frac[n] >= '0' && frac[n] <= '9' {
		n++
	}
	return n
}
