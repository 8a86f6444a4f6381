package schemas

import (
	"slices"
)

// flatSchema is the form of a schema whose documents are objects of
// string members only (GetIdentitySource, DeleteIdentitySource,
// DeletePolicyStore, GetPolicy, …): a closed object, some members required, each
// member a string with lengths, a pattern or an enum, all read from the
// compiled schema. It lets ValidateBounded accept the common body, which
// conforms, in one pass over its bytes without building a document;
// anything it is not sure of (a member it does not know, a value not a
// plain string, a broken constraint, a body not ASCII) goes the whole
// way, which also words the refusal. TestFlatAcceptsOnlyWhatConforms and
// FuzzValidator hold it to the whole validator.
type flatSchema struct {
	members  map[string]flatMember
	required uint64 // bit i: member with index i is required
}

// flatMember is one member of a flatSchema: its index (for required) and
// the chain of string constraints its schema and those it refers to set.
type flatMember struct {
	name   string
	index  int
	checks []*node
}

// flatOf returns the flat form of n, or nil when n is not of that form.
func flatOf(n *node) *flatSchema {
	if !isObjectOnly(n) || !n.closed || n.ref != nil || len(n.oneOf) > 0 || n.propertyNames != nil ||
		n.extra != nil || n.minProps >= 0 || n.maxProps >= 0 || n.enum != nil || n.formatCheck != nil ||
		len(n.props) > 64 {
		return nil
	}
	f := &flatSchema{members: make(map[string]flatMember, len(n.props))}
	for i, name := range n.propOrder {
		var checks []*node
		for p := n.props[name]; p != nil; p = p.ref {
			if !isStringOnly(p) {
				return nil
			}
			checks = append(checks, p)
		}
		f.members[name] = flatMember{name: name, index: i, checks: checks}
	}
	for _, name := range n.required {
		m, ok := f.members[name]
		if !ok {
			return nil
		}
		f.required |= 1 << m.index
	}
	return f
}

// isObjectOnly reports whether n's only type is "object".
func isObjectOnly(n *node) bool { return len(n.types) == 1 && n.types[0] == "object" }

// isStringOnly reports whether n says of a value only that it is a string
// (or says nothing of its type, deferring to a node it refers to) and
// constrains it with lengths, a pattern or an enum of strings.
func isStringOnly(n *node) bool {
	typed := len(n.types) == 0 || (len(n.types) == 1 && n.types[0] == "string")
	if !typed || len(n.oneOf) > 0 || n.formatCheck != nil || n.props != nil || n.items != nil ||
		n.closed || n.extra != nil || n.propertyNames != nil || n.minimum != nil || n.unique ||
		n.required != nil || n.minProps >= 0 || n.maxProps >= 0 || n.minItems >= 0 || n.maxItems >= 0 {
		return false
	}
	for _, e := range n.enum {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

// accepts reports whether body is a JSON object whose members are all
// known, plain strings meeting their constraints, with every required
// member present: then it conforms. It reads body in one pass, handing each
// member to dst (when not nil) as it goes. It takes only the text it is
// sure of: printable ASCII strings without escapes, whitespace between
// tokens, one object and nothing after it. false means only that the whole
// validator must decide (dst may have taken some members by then).
func (f *flatSchema) accepts(body []byte, dst FlatSetter) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	var seen uint64
	if i < len(body) && body[i] == '}' {
		i++
	} else {
		for {
			name, next, ok := plainString(body, i)
			if !ok {
				return false
			}
			m, known := f.members[string(name)]
			if i = skipSpace(body, next); !known || i == len(body) || body[i] != ':' {
				return false
			}
			value, next, ok := plainString(body, skipSpace(body, i+1))
			if !ok || !m.allows(value) || (dst != nil && !dst.SetFlat(m.name, value)) {
				return false
			}
			seen |= 1 << m.index
			if i = skipSpace(body, next); i == len(body) {
				return false
			}
			if body[i] == '}' {
				i++
				break
			}
			if body[i] != ',' {
				return false
			}
			i = skipSpace(body, i+1)
		}
	}
	return skipSpace(body, i) == len(body) && seen&f.required == f.required
}

// skipSpace returns the index of the first byte of body at or after i that
// is not JSON whitespace.
func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the JSON string at body[i] when it is printable ASCII
// without escapes: its text, the index after its closing quote, and true;
// false for anything else.
func plainString(body []byte, i int) (text []byte, next int, ok bool) {
	if i >= len(body) || body[i] != '"' {
		return nil, 0, false
	}
	start := i + 1
	for i = start; i < len(body) && body[i] >= 0x20 && body[i] < 0x7f && body[i] != '"' && body[i] != '\\'; i++ {
	}
	if i == len(body) || body[i] != '"' {
		return nil, 0, false
	}
	return body[start:i], i + 1, true
}

// allows reports whether s, ASCII as written in the body, meets every
// string constraint of the member.
func (m flatMember) allows(s []byte) bool {
	for _, n := range m.checks {
		if (n.minLen >= 0 && len(s) < n.minLen) || (n.maxLen >= 0 && len(s) > n.maxLen) {
			return false
		}
		if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { return e.(string) == string(s) }) {
			return false
		}
		if n.pattern.src != "" {
			if n.patternFast != nil {
				if ok, _ := classMatch(n.patternFast, s); !ok {
					return false
				}
			} else if !n.pattern.get().Match(s) {
				return false
			}
		}
	}
	return true
}
