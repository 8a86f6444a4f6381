package specs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/schemas"
)

// UnknownMember is the member name generated negatives add where a schema
// forbids members it does not define.
const UnknownMember = "vpconformUnknownMember"

// GeneratedOperations are the operations whose every input constraint has a
// generated negative scenario.
var GeneratedOperations = []string{opGet, opUpdate}

// generatedSegment is the id segment under which generated scenarios sit.
const generatedSegment = "Generated"

// GeneratedNegative is a request, generated from an input schema, that
// breaks exactly one constraint.
type GeneratedNegative struct {
	// Operation is the operation whose input schema the constraint is in.
	Operation string
	// Constraint is the constraint broken.
	Constraint schemas.Constraint
	// FieldPath is the member path a ValidationException's fieldList must
	// name: the constraint's path, or for an unknown member that member's
	// path.
	FieldPath string
}

// ScenarioID is the stable id of the generated scenario:
// "<Operation>/Generated/<member path or (document)>/<keyword>", such as
// "UpdateIdentitySource/Generated/updateConfiguration/oneOf-none".
func (g GeneratedNegative) ScenarioID() string {
	p := g.Constraint.Path
	if p == "" {
		p = "(document)"
	}
	return g.Operation + "/" + generatedSegment + "/" + p + "/" + g.Constraint.Name()
}

// GeneratedNegatives lists, for op, one GeneratedNegative per constraint of
// its input schema (schemas.Constraints).
func GeneratedNegatives(op string) ([]GeneratedNegative, error) {
	cs, err := schemas.Constraints(op, schemas.Input)
	if err != nil {
		return nil, fmt.Errorf("specs: constraints of %s: %w", op, err)
	}
	out := make([]GeneratedNegative, 0, len(cs))
	for _, c := range cs {
		g := GeneratedNegative{Operation: op, Constraint: c, FieldPath: c.Path}
		if c.Keyword == "additionalProperties" {
			g.FieldPath = joinPath(c.Path, UnknownMember)
		}
		out = append(out, g)
	}
	return out, nil
}

func joinPath(p, member string) string {
	if p == "" {
		return member
	}
	return p + "." + member
}

// Build returns the request body breaking the constraint, made from the
// valid base requests of the operation for the given policy store, identity
// source and fixtures, and checked with schemas.CheckBreaks: it breaks that
// constraint (and those it implies) at FieldPath, and nothing else. An error
// means a generator bug or fixtures that do not fit the schema.
func (g GeneratedNegative) Build(policyStoreID, identitySourceID string, f Fixtures) ([]byte, error) {
	bases, err := validBases(g.Operation, policyStoreID, identitySourceID, f)
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, cand := range g.candidates(bases) {
		b, err := json.Marshal(cand)
		if err != nil {
			return nil, fmt.Errorf("specs: marshal generated %s request: %w", g.Operation, err)
		}
		err = schemas.CheckBreaks(g.Operation, schemas.Input, b, g.Constraint, g.FieldPath)
		if err == nil {
			return b, nil
		}
		tried = append(tried, err.Error())
	}
	if len(tried) == 0 {
		return nil, fmt.Errorf("specs: %s: no base request has the member %s", g.ScenarioID(), g.Constraint.Pointer)
	}
	return nil, fmt.Errorf("specs: %s: no generated request breaks only %s:\n  %s", g.ScenarioID(), g.Constraint, strings.Join(tried, "\n  "))
}

// validBases are requests of op conforming to its input schema that between
// them set every optional member, so that every nested constraint has a
// place to be broken.
func validBases(op, policyStoreID, identitySourceID string, f Fixtures) ([]map[string]any, error) {
	if len(f.ClientIds) == 0 {
		return nil, fmt.Errorf("specs: fixtures have no client ids")
	}
	ids := func() map[string]any {
		return map[string]any{"policyStoreId": policyStoreID, "identitySourceId": identitySourceID}
	}
	var bases []map[string]any
	switch op {
	case opGet:
		bases = []map[string]any{ids()}
	case opUpdate:
		cognito := ids()
		cognito["principalEntityType"] = "MyCorp::User"
		cognito["updateConfiguration"] = map[string]any{"cognitoUserPoolConfiguration": map[string]any{
			"userPoolArn":        f.UserPoolArn,
			"clientIds":          []any{f.ClientIds[0]},
			"groupConfiguration": map[string]any{"groupEntityType": "MyCorp::UserGroup"},
		}}
		oidc := func(tokenSelection map[string]any) map[string]any {
			b := ids()
			b["principalEntityType"] = "MyCorp::User"
			b["updateConfiguration"] = map[string]any{"openIdConnectConfiguration": map[string]any{
				"issuer":             f.OIDCIssuer,
				"entityIdPrefix":     "MyOIDCProvider",
				"groupConfiguration": map[string]any{"groupClaim": "groups", "groupEntityType": "MyCorp::UserGroup"},
				"tokenSelection":     tokenSelection,
			}}
			return b
		}
		bases = []map[string]any{
			cognito,
			oidc(map[string]any{"accessTokenOnly": map[string]any{"principalIdClaim": "sub", "audiences": []any{"https://myapp.example.com"}}}),
			oidc(map[string]any{"identityTokenOnly": map[string]any{"principalIdClaim": "sub", "clientIds": []any{f.ClientIds[0]}}}),
		}
	default:
		return nil, fmt.Errorf("specs: no base requests for %s", op)
	}
	for i, b := range bases {
		body, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("specs: marshal base %d of %s: %w", i, op, err)
		}
		if err := schemas.Validate(op, schemas.Input, body); err != nil {
			return nil, fmt.Errorf("specs: base request %d of %s does not conform (check the fixtures): %w", i, op, err)
		}
	}
	return bases, nil
}

// candidates returns, from each base holding the constrained member (or its
// parent, for a missing member), the requests that should break the
// constraint; Build keeps the first that does exactly.
func (g GeneratedNegative) candidates(bases []map[string]any) []map[string]any {
	c := g.Constraint
	toks := pointerTokens(c.Pointer)
	var out []map[string]any
	for _, base := range bases {
		doc := deepCopy(base).(map[string]any)
		switch c.Keyword {
		case "required":
			parent, ok := resolve(doc, toks[:len(toks)-1]).(map[string]any)
			if !ok {
				continue
			}
			if _, has := parent[toks[len(toks)-1]]; !has {
				continue
			}
			delete(parent, toks[len(toks)-1])
			out = append(out, doc)
		case "additionalProperties":
			obj, ok := resolve(doc, toks).(map[string]any)
			if !ok {
				continue
			}
			obj[UnknownMember] = "x"
			out = append(out, doc)
		case "oneOf":
			obj, ok := resolve(doc, toks).(map[string]any)
			if !ok {
				continue
			}
			members, _ := c.Value.([]string)
			if c.Case == "none" {
				for _, m := range members {
					delete(obj, m)
				}
				out = append(out, doc)
				continue
			}
			// both: add every member this base lacks, taken from the
			// other bases.
			for _, other := range bases {
				o, ok := resolve(other, toks).(map[string]any)
				if !ok {
					continue
				}
				for _, m := range members {
					if _, has := obj[m]; !has && o[m] != nil {
						obj[m] = deepCopy(o[m])
					}
				}
			}
			out = append(out, doc)
		default:
			cur := resolve(doc, toks)
			if cur == nil {
				continue
			}
			for _, v := range breakingValues(c, cur) {
				d := deepCopy(base).(map[string]any)
				if set(d, toks, v) {
					out = append(out, d)
				}
			}
		}
	}
	return out
}

// breakingValues proposes values for a member whose valid value is cur that
// break constraint c.
func breakingValues(c schemas.Constraint, cur any) []any {
	n, _ := c.Value.(int64)
	switch c.Keyword {
	case "minLength":
		s, _ := cur.(string)
		r := []rune(s)
		if int64(len(r)) >= n && n > 0 {
			return []any{string(r[:n-1])}
		}
		return []any{strings.Repeat("a", int(max(n-1, 0)))}
	case "maxLength":
		s, _ := cur.(string)
		var vals []any
		for _, pad := range []string{"a", "0", "A"} {
			need := int(n) + 1 - len([]rune(s))
			if need < 0 {
				continue
			}
			vals = append(vals, s+strings.Repeat(pad, need))
		}
		return vals
	case "pattern":
		return []any{"bad value!", "bad\nvalue", "bad\u0000value"}
	case "enum", "const":
		return []any{"VPCONFORM_NOT_ALLOWED"}
	case "minItems":
		l, _ := cur.([]any)
		if int64(len(l)) >= n && n > 0 {
			return []any{append([]any{}, l[:n-1]...)}
		}
		return nil
	case "maxItems":
		l, _ := cur.([]any)
		if len(l) == 0 {
			return nil
		}
		items := make([]any, 0, n+1)
		for i := int64(0); i <= n; i++ {
			if s, ok := l[0].(string); ok {
				items = append(items, s+strconv.FormatInt(i, 10))
			} else {
				items = append(items, deepCopy(l[0]))
			}
		}
		return []any{items}
	case "minimum":
		return []any{n - 1}
	case "maximum":
		return []any{n + 1}
	}
	return nil
}

// pointerTokens splits a pointer template into member names; "-" stands
// for the first list item.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return toks
}

// resolve returns the value at toks in doc, or nil.
func resolve(doc any, toks []string) any {
	cur := doc
	for _, t := range toks {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[t]
		case []any:
			if t != "-" || len(v) == 0 {
				return nil
			}
			cur = v[0]
		default:
			return nil
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// set replaces the value at toks in doc, reporting whether it was there.
func set(doc map[string]any, toks []string, v any) bool {
	if len(toks) == 0 {
		return false
	}
	parent := resolve(doc, toks[:len(toks)-1])
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		if _, ok := p[last]; !ok {
			return false
		}
		p[last] = v
		return true
	case []any:
		if last != "-" || len(p) == 0 {
			return false
		}
		p[0] = v
		return true
	}
	return false
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, x := range v {
			l[i] = deepCopy(x)
		}
		return l
	default:
		return v
	}
}

// generatedScenarios builds one negative scenario per constraint of the
// input schemas of GeneratedOperations, at tree-construction time.
func generatedScenarios() []Scenario {
	var out []Scenario
	for _, op := range GeneratedOperations {
		gens, err := GeneratedNegatives(op)
		if err != nil {
			// The schemas are embedded: a walk error is a bug in them
			// that their own tests catch; surface it as a failing
			// scenario rather than a panic.
			out = append(out, brokenGenerator(op, err))
			continue
		}
		for _, g := range gens {
			out = append(out, g.scenario())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func brokenGenerator(op string, err error) Scenario {
	return Scenario{
		ID:          op + "/" + generatedSegment + "/(document)/walk",
		Description: op + " MUST have input constraints the generator can walk.",
		Operation:   op, Kind: Negative, Evidence: EvidenceModel, Generated: true,
		Run: func(context.Context, *Session) {
			Expect(err).NotTo(HaveOccurred(), "the schema walk of %s", op)
		},
	}
}

// describe words what the generated request does wrong.
func (g GeneratedNegative) describe() string {
	c := g.Constraint
	switch c.Keyword {
	case "required":
		return "the request leaves out that required member"
	case "additionalProperties":
		if c.Path == "" {
			return "the request has a member the model does not define"
		}
		return c.Path + " has a member the model does not define"
	case "oneOf":
		members, _ := c.Value.([]string)
		if c.Case == "none" {
			return "none of its union members (" + strings.Join(members, ", ") + ") is set"
		}
		return "more than one of its union members (" + strings.Join(members, ", ") + ") is set"
	case "minLength":
		if c.Value == int64(1) {
			return "it is empty"
		}
		return fmt.Sprintf("it is shorter than %d characters", c.Value)
	case "maxLength":
		return fmt.Sprintf("it is longer than %d characters", c.Value)
	case "pattern":
		return fmt.Sprintf("it does not match the pattern %v", c.Value)
	case "minItems":
		return fmt.Sprintf("it has fewer than %d items", c.Value)
	case "maxItems":
		return fmt.Sprintf("it has more than %d items", c.Value)
	case "enum":
		return fmt.Sprintf("it is not one of %v", c.Value)
	case "minimum":
		return fmt.Sprintf("it is less than %d", c.Value)
	default:
		return fmt.Sprintf("it breaks %s %v", c.Keyword, c.Value)
	}
}

// scenario is the generated scenario: create a real policy store and
// identity source, so that a missing validation cannot hide behind a
// ResourceNotFoundException, send the broken request raw and signed, and
// expect ValidationException, whose fieldList should name FieldPath (an
// advisory expectation: see Session.ExpectValidationError). An unknown member rests on
// inference (awsJson servers may ignore unknown members), so that
// expectation is advisory.
func (g GeneratedNegative) scenario() Scenario {
	sc := Scenario{
		ID:          g.ScenarioID(),
		Description: g.Operation + " MUST fail with ValidationException (400) when " + g.describe() + "; its fieldList should name " + g.FieldPath + " (advisory).",
		Operation:   g.Operation, Kind: Negative, Evidence: EvidenceModel, Generated: true,
	}
	unknown := g.Constraint.Keyword == "additionalProperties"
	if unknown {
		sc.Description = g.Operation + " MUST, advisory, fail with ValidationException (400) naming " + g.FieldPath + " when " + g.describe() + "."
		sc.Evidence = EvidenceInferred
	}
	sc.Run = func(ctx context.Context, s *Session) {
		f := s.Fixtures()
		store := s.MustCreatePolicyStore(ctx)
		// Wait until the identity source is visible, so that the one
		// request below meets resources that exist: its input must be
		// refused as invalid whatever exists, so any answer settles the
		// scenario at once.
		src := s.MustCreateCognitoIdentitySource(ctx, store)
		body, err := g.Build(store, src, f)
		if err != nil {
			failWith("", "generator: "+err.Error())
		}
		r := s.MustSendRaw(ctx, g.Operation, body)
		if unknown {
			s.markDeliberate()
			s.markProtocolError()
			s.expectUnknownMemberRefused(r, g.FieldPath)
			return
		}
		s.ExpectRawValidationError(r, g.FieldPath)
	}
	return sc
}

// expectUnknownMemberRefused is the advisory expectation that a request with
// a member the model does not define is refused with ValidationException
// (400) naming that member.
func (s *Session) expectUnknownMemberRefused(r *RawResponse, path string) {
	GinkgoHelper()
	got := fmt.Sprintf("HTTP %d %s (body %s)", r.Status, r.ErrorShape(), clip(string(r.Body), maxBodyInMessage))
	s.Advisory(r.Status == 400 && r.ErrorShape() == ValidationException && slices.Contains(fieldListPaths(r.JSON), path),
		"a request with the unknown member %s: expected HTTP 400 ValidationException naming it in fieldList, got %s", path, got)
}
