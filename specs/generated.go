package specs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vpconform/vpconform/schemas"
)

// unknownMember is the member name generated negatives add where a schema
// forbids members it does not define.
const unknownMember = "vpconformUnknownMember"

// generatedSegment is the id segment under which generated scenarios sit.
const generatedSegment = "Generated"

// generatedNegative is a request, generated from an input schema, that
// breaks exactly one constraint.
type generatedNegative struct {
	// reg holds the operation's valid requests, which the broken one is
	// made from.
	reg *schemas.Registry
	// operation is the operation whose input schema the constraint is in.
	operation string
	// constraint is the constraint broken.
	constraint schemas.Constraint
	// fieldPath is the member path a ValidationException's fieldList must
	// name: the constraint's path, or for an unknown member that member's
	// path.
	fieldPath string
}

// scenarioID is the stable id of the generated scenario:
// "<Operation>/Generated/<member path or (document)>/<keyword>", such as
// "UpdateIdentitySource/Generated/updateConfiguration/oneOf-none".
func (g generatedNegative) scenarioID() string {
	p := g.constraint.Path
	if p == "" {
		p = "(document)"
	}
	return g.operation + "/" + generatedSegment + "/" + p + "/" + g.constraint.Name()
}

// generatedNegatives lists, for op, one generatedNegative per constraint of
// its input schema (schemas.Constraints), made from the valid requests reg
// holds for op.
func generatedNegatives(reg *schemas.Registry, op string) ([]generatedNegative, error) {
	cs, err := schemas.Constraints(op, schemas.Input)
	if err != nil {
		return nil, fmt.Errorf("specs: constraints of %s: %w", op, err)
	}
	out := make([]generatedNegative, 0, len(cs))
	for _, c := range cs {
		g := generatedNegative{reg: reg, operation: op, constraint: c, fieldPath: c.Path}
		if c.Keyword == "additionalProperties" {
			g.fieldPath = joinPath(c.Path, unknownMember)
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

// build returns the request body breaking the constraint, made from the
// valid requests of the operation (validBases) naming the given policy
// store and identity source and the fixtures, and checked with
// schemas.CheckBreaks: it breaks that constraint (and those it implies) at
// fieldPath, and nothing else. An error means a generator bug or fixtures
// that do not fit the schema.
func (g generatedNegative) build(policyStoreID, identitySourceID string, f Fixtures) ([]byte, error) {
	bases, err := validBases(g.reg, g.operation, policyStoreID, identitySourceID, f)
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, cand := range g.candidates(bases) {
		b, err := json.Marshal(cand)
		if err != nil {
			return nil, fmt.Errorf("specs: marshal generated %s request: %w", g.operation, err)
		}
		err = schemas.CheckBreaks(g.operation, schemas.Input, b, g.constraint, g.fieldPath)
		if err == nil {
			return b, nil
		}
		tried = append(tried, err.Error())
	}
	if len(tried) == 0 {
		return nil, fmt.Errorf("specs: %s: no base request has the member %s", g.scenarioID(), g.constraint.Pointer)
	}
	return nil, fmt.Errorf("specs: %s: no generated request breaks only %s:\n  %s", g.scenarioID(), g.constraint, strings.Join(tried, "\n  "))
}

// requestValues fill the registry's valid requests: the policy store and
// identity source given, the fixtures' first user pool, first client id and
// issuer, and schemas.DefaultRequestValues for the rest (the client token).
func requestValues(policyStoreID, identitySourceID string, f Fixtures) schemas.RequestValues {
	v := schemas.DefaultRequestValues()
	v.PolicyStoreID, v.IdentitySourceID = policyStoreID, identitySourceID
	v.UserPoolArn, v.OIDCIssuer = f.UserPoolArn, f.OIDCIssuer
	v.ClientID = f.ClientIds[0]
	return v
}

// validBases are the valid requests reg holds for op (schemas.Requests),
// filled by requestValues, each checked against the input schema: between
// them they set every optional member, so that every nested constraint has
// a place to be broken.
func validBases(reg *schemas.Registry, op, policyStoreID, identitySourceID string, f Fixtures) ([]map[string]any, error) {
	if len(f.ClientIds) == 0 {
		return nil, fmt.Errorf("specs: fixtures have no client ids")
	}
	bases, err := reg.Requests(op, requestValues(policyStoreID, identitySourceID, f))
	if err != nil {
		return nil, fmt.Errorf("specs: base requests of %s: %w", op, err)
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
// constraint; build keeps the first that does exactly.
func (g generatedNegative) candidates(bases []map[string]any) []map[string]any {
	c := g.constraint
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
			obj[unknownMember] = "x"
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

// deepCopy returns a deep copy of a decoded JSON value.
func deepCopy(v any) any { return copyJSON(v, nil) }

// generatedScenarios builds, at tree-construction time, one negative
// scenario per constraint of the input schema of each operation reg marks
// as a subject.
func generatedScenarios(reg *schemas.Registry) []Scenario {
	var out []Scenario
	for _, op := range reg.Subjects() {
		gens, err := generatedNegatives(reg, op)
		if err != nil {
			// The schemas are embedded: a walk error is a bug in them, or
			// an operation the registry has without a schema, which their
			// own tests catch; surface it as a failing scenario rather
			// than a panic.
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

// brokenGenerator is the scenario standing for the generated negatives of
// op when its input schema cannot be walked: it fails, saying why.
func brokenGenerator(op string, err error) Scenario {
	return Scenario{
		ID:          op + "/" + generatedSegment + "/(document)/walk",
		Description: op + " MUST have input constraints the generator can walk.",
		Operation:   op, Kind: KindNegative, Evidence: EvidenceModel, Generated: true,
		run: func(context.Context, *session) {
			failWith("", fmt.Sprintf("the schema walk of %s: expected the constraints of its input schema, got %v", op, err))
		},
	}
}

// constraintWords word, for the keywords whose value says it all, what a
// request breaking the constraint does wrong; %v is the constraint's value.
var constraintWords = map[string]string{
	"minLength": "it is shorter than %v characters",
	"maxLength": "it is longer than %v characters",
	"pattern":   "it does not match the pattern %v",
	"minItems":  "it has fewer than %v items",
	"maxItems":  "it has more than %v items",
	"enum":      "it is not one of %v",
	"minimum":   "it is less than %v",
}

// describe words what the generated request does wrong.
func (g generatedNegative) describe() string {
	c := g.constraint
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
	}
	if words, ok := constraintWords[c.Keyword]; ok {
		return fmt.Sprintf(words, c.Value)
	}
	return fmt.Sprintf("it breaks %s %v", c.Keyword, c.Value)
}

// scenario is the generated scenario: create a real policy store and
// identity source, so that a missing validation cannot hide behind a
// ResourceNotFoundException, send the broken request raw and signed, and
// expect ValidationException, whose fieldList should name fieldPath (an
// advisory expectation: see session.expectValidationError). An unknown
// member rests on inference (awsJson servers may ignore unknown members),
// so that expectation is advisory.
func (g generatedNegative) scenario() Scenario {
	sc := Scenario{
		ID:          g.scenarioID(),
		Description: g.operation + " MUST fail with ValidationException (400) when " + g.describe() + "; its fieldList should name " + g.fieldPath + " (advisory).",
		Operation:   g.operation, Kind: KindNegative, Evidence: EvidenceModel, Generated: true,
	}
	unknown := g.constraint.Keyword == "additionalProperties"
	if unknown {
		sc.Description = g.operation + " MUST, advisory, fail with ValidationException (400) naming " + g.fieldPath + " when " + g.describe() + "."
		sc.Evidence = EvidenceInferred
	}
	sc.run = func(ctx context.Context, s *session) {
		f := s.fixtures()
		// The identity source is visible once set up, so that the one
		// request below meets resources that exist: its input must be
		// refused as invalid whatever exists, so any answer settles the
		// scenario at once.
		store, src := s.setUpCognitoSource(ctx)
		body, err := g.build(store, src, f)
		if err != nil {
			failWith("", "generator: "+err.Error())
		}
		r := s.mustSendRaw(ctx, g.operation, body)
		if unknown {
			s.markDeliberate()
			s.markProtocolError()
			s.expectUnknownMemberRefused(r, g.fieldPath)
			return
		}
		s.expectRawValidationError(r, g.fieldPath)
	}
	return sc
}
