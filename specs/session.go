package specs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// pollInterval is the pause between two polls of a read after a write.
const pollInterval = 100 * time.Millisecond

// Session is what one scenario works with: the target, a Verified
// Permissions client whose every exchange is recorded and validated, a raw
// signed-request sender, and helpers that create resources and assert
// errors. Register builds one per spec.
type Session struct {
	// Target is the implementation under test.
	Target Target
	// Scenario is the scenario being run.
	Scenario Scenario
	// Client is an aws-sdk-go-v2 client built from Target.AWSConfig whose
	// HTTP client goes through the validating transport.
	Client *verifiedpermissions.Client
	// DeniedClient is built like Client from Target.DeniedAWSConfig, with
	// credentials the target denies; nil when the target has none.
	DeniedClient *verifiedpermissions.Client

	transport *validatingTransport
	// consistency bounds the polling of reads after writes.
	consistency time.Duration

	mu sync.Mutex
	// names counts the names, tokens and made-up ids the session minted.
	names int
	// secrets are credentials the session signed with besides the
	// target's, which recordings must not keep.
	secrets []string
	// goldenAuthority is set when the scenario is compared against a golden
	// set recorded from AWS and its expectations are advisory: the golden
	// set decides, and Advisory only notes what it would have reported.
	goldenAuthority bool
	// overridden are the advisory expectations not met while
	// goldenAuthority was set.
	overridden []string
}

// NewSession builds the Session of scenario sc against target t. Register
// calls it; a suite that drives scenarios by hand can too.
func NewSession(t Target, sc Scenario) (*Session, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	tr := newValidatingTransport(t.AWSConfig.HTTPClient)
	cfg := t.AWSConfig.Copy()
	cfg.HTTPClient = tr
	s := &Session{
		Target:      t,
		Scenario:    sc,
		Client:      verifiedpermissions.NewFromConfig(cfg),
		transport:   tr,
		consistency: t.consistencyTimeout(),
	}
	if t.DeniedAWSConfig != nil {
		denied := t.DeniedAWSConfig.Copy()
		denied.HTTPClient = tr.sharing(t.DeniedAWSConfig.HTTPClient)
		s.DeniedClient = verifiedpermissions.NewFromConfig(denied)
	}
	return s, nil
}

// Fixtures returns the target's fixtures.
func (s *Session) Fixtures() Fixtures { return s.Target.Fixtures }

// Exchanges returns every exchange recorded so far, oldest first.
func (s *Session) Exchanges() []schemas.Exchange {
	var out []schemas.Exchange
	for _, r := range s.transport.all() {
		out = append(out, r.Exchange)
	}
	return out
}

// LastExchange returns the newest recorded exchange of operation, and
// whether there is one.
func (s *Session) LastExchange(operation string) (schemas.Exchange, bool) {
	recs := s.transport.all()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Operation == operation {
			return recs[i].Exchange, true
		}
	}
	return schemas.Exchange{}, false
}

// exchangeProblems checks every recorded exchange: each response against its
// output or error schema and Content-Type, and each request against its input
// schema unless it was deliberately invalid. checkRequests false leaves the
// requests unchecked.
func (s *Session) exchangeProblems(checkRequests bool) []error {
	var problems []error
	for i, r := range s.transport.all() {
		if err := r.CheckResponse(); err != nil {
			problems = append(problems, fmt.Errorf("exchange %d (%s): %w", i+1, r.Operation, err))
		}
		if checkRequests && !r.deliberate {
			if err := r.CheckRequest(); err != nil {
				problems = append(problems, fmt.Errorf("exchange %d (%s): the scenario sent a request that breaks the input schema: %w", i+1, r.Operation, err))
			}
		}
	}
	return problems
}

// next returns the session's next sequence number, from 1.
func (s *Session) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names++
	return s.names
}

// scenarioHash is a short digest of the scenario id, which fits where the
// id itself does not (client tokens allow [a-zA-Z0-9-] only).
func (s *Session) scenarioHash() string {
	sum := sha256.Sum256([]byte(s.Scenario.ID))
	return hex.EncodeToString(sum[:4])
}

// uniqueName returns a name distinct within the scenario and the same in
// every run of it: the prefix, a digest of the scenario id and the
// session's counter. Nothing in it depends on time or chance, so that a
// deterministic target answers a scenario the same way every time.
func (s *Session) uniqueName(prefix string) string {
	return prefix + "-" + s.scenarioHash() + "-" + strconv.Itoa(s.next())
}

// clientToken returns a client token: uniqueName, followed by
// Target.RunID when set. A target that outlives one run (an emulator left
// running, AWS, which remembers tokens for 8 hours) needs the run id, or a
// token of an earlier run with other input would be a ConflictException;
// recordings replace tokens by placeholders either way.
func (s *Session) clientToken() string {
	tok := s.uniqueName("vpconform")
	if s.Target.RunID != "" {
		tok += "-" + s.Target.RunID
	}
	if len(tok) > 64 {
		tok = tok[:64]
	}
	return tok
}

// addSecret remembers a credential string the session signed with, so that
// recordings redact it.
func (s *Session) addSecret(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, v...)
}

// polled wraps the function an Eventually polls so that the exchanges of
// each of its attempts are marked as attempts of one polling loop:
// recordings keep only the last attempt (fixtures.FinalAttempts), since how
// many attempts a read after a write takes depends on the target's
// propagation delay, not on its answers.
func polled[T any](s *Session, f func() T) func() T {
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
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode JSON object: %w", err)
	}
	if m == nil {
		return nil, errors.New("decode JSON object: body is null")
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
