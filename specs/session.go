package specs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
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
		consistency: DefaultConsistencyTimeout,
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

// names gives each resource a Session creates a distinct suffix.
var names atomic.Int64

// uniqueName returns a name unique within the process, for descriptions
// and client tokens.
func uniqueName(prefix string) string {
	return prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(names.Add(1), 36)
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
