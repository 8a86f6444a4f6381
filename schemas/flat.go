package schemas

import (
	"io"
	"slices"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
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
		f.members[name] = flatMember{index: i, checks: checks}
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

// accepts reports whether body, ASCII without backslashes, is a JSON object
// whose members are all known, plain strings meeting their constraints,
// with every required member present: then it conforms. false means only
// that the whole validator must decide.
func (f *flatSchema) accepts(body []byte) bool {
	for _, b := range body {
		if b >= utf8.RuneSelf || b == '\\' {
			return false
		}
	}
	fd := fastDecoders.Get().(*fastDecoder)
	defer fastDecoders.Put(fd)
	fd.r.Reset(body)
	fd.dec.Reset(&fd.r, jsontext.AllowDuplicateNames(true))
	dec := &fd.dec
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	var seen uint64
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return false
		}
		m, ok := f.members[string(name[1:len(name)-1])]
		if !ok || dec.PeekKind() != '"' {
			return false
		}
		value, err := dec.ReadValue()
		if err != nil || !m.allows(value[1:len(value)-1]) {
			return false
		}
		seen |= 1 << m.index
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return false
	}
	return seen&f.required == f.required
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
