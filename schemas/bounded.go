package schemas

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ValidateBounded checks body against the schema of op in direction dir, as
// Validate does, for a body from an untrusted sender: what it costs follows
// the schema's own bounds and the violations it lists, not the size of the
// body, and it lists at most limit violations (at least 1), counting the
// others in the ValidationError's Omitted.
//
// It reads the body in the order an awsJson1_0 server does, deserialising
// before validating:
//
//   - Types first. Every value the schema describes (through $ref,
//     properties, additionalProperties and items) must have the JSON type the
//     schema gives it; where it says "integer", a JSON number written
//     without a fraction or an exponent, within the 32 bits of the model's
//     Integer (so 5.0, 1e2 and 2147483648 are not integers here, though
//     Validate accepts the first two). A body with a value of the wrong type
//     is reported with its "type" violations only, in document order.
//   - Then the constraints, the schema's bounds first: a list longer than
//     its maxItems, an object with more members than its maxProperties, and
//     each member that a structure (additionalProperties false) does not
//     define are reported without the validator seeing them. Only the first
//     maxItems items and maxProperties members (by name) are examined
//     further, and an unknown member's value not at all. The rest goes to
//     the validator, as in Validate.
//
// Its results are otherwise those of Validate: nil when the body conforms,
// a *ValidationError when it does not, another error when there is no such
// schema.
func ValidateBounded(op string, dir Direction, body []byte, limit int) error {
	sch, ok := operationSchema(op, dir)
	file, n := sch.file, sch.node
	if !ok {
		return fmt.Errorf("schemas: %s: %w", file, ErrNoSchema)
	}
	if sch.flat != nil && sch.flat.accepts(body, nil) {
		return nil
	}
	return validateBounded(file, n, body, limit)
}

// ConformsFast reports whether body certainly conforms to the schema of op
// in direction dir by the shortcut ValidateBounded takes first: a body of
// printable ASCII strings without escapes, one object whose members are all
// known strings meeting their constraints, for an operation whose input has
// only string members (flat.go). Such a body is also valid UTF-8 and nested
// one level deep, so a server may skip its other checks of the text. false
// says nothing: ValidateBounded decides.
func ConformsFast(op string, dir Direction, body []byte) bool {
	return AcceptFlat(op, dir, body, nil)
}

// FlatSetter takes the members of a body AcceptFlat reads.
type FlatSetter interface {
	// SetFlat sets the member named name (as the schema names it) to
	// value, its text as written in the body: printable ASCII without
	// escapes, so also the string it stands for. It reports whether it
	// took the member; false makes AcceptFlat report false.
	SetFlat(name string, value []byte) bool
}

// AcceptFlat is ConformsFast that also hands each member of body to dst,
// in order (a member written twice, twice), as it checks it: a server
// decodes the common body in the same pass that validates it. true means
// the body conforms and dst took every member; false says nothing of the
// body, and dst may have taken some of its members by then. dst may be nil.
func AcceptFlat(op string, dir Direction, body []byte, dst FlatSetter) bool {
	sch, ok := operationSchema(op, dir)
	return ok && sch.flat != nil && sch.flat.accepts(body, dst)
}

// validateBounded is ValidateBounded without the flat form's shortcut.
func validateBounded(file string, n *node, body []byte, limit int) error {
	if limit < 1 {
		limit = 1
	}
	sc := getScratch()
	defer sc.release()
	doc, err := decodeInto(body, sc)
	if err != nil {
		return &ValidationError{Schema: file, Violations: []Violation{{Pointer: "", Keyword: "json", Message: err.Error()}}}
	}
	w := &boundedWalk{limit: limit, path: sc.path[:0], names: sc.names[:0]}
	doc = w.walk(n, doc, true)
	sc.path, sc.names = w.path[:0], w.names[:0]
	if len(w.types) > 0 {
		return &ValidationError{Schema: file, Violations: w.types, Omitted: w.typesMore}
	}
	c := checker{out: w.bounds, path: sc.path}
	ok := c.validate(n, doc)
	sc.path = c.path[:0]
	if ok && len(w.bounds) == 0 {
		return nil
	}
	found := c.out
	if len(found) == 0 {
		return nil
	}
	sortViolations(found)
	omitted := w.boundsMore
	if len(found) > limit {
		omitted += len(found) - limit
		found = found[:limit:limit]
	}
	return &ValidationError{Schema: file, Violations: found, Omitted: omitted}
}

// boundedWalk is the state of one ValidateBounded call: it walks the
// document along the compiled schema, checking types everywhere and, where
// trimming, cutting what exceeds the schema's bounds out of the document.
type boundedWalk struct {
	limit int

	// types are the first limit type violations in document order;
	// typesMore counts the others.
	types     []Violation
	typesMore int

	// bounds are the violations of maxItems, maxProperties and unknown
	// members found while trimming (at most limit unknown members per
	// object, the first by name); boundsMore counts the unknown members
	// left out.
	bounds     []Violation
	boundsMore int

	// path is where the walk is, as pointer tokens: a member name, or a
	// list index when name is unset. The pointer string is built only for
	// a violation.
	path []pathToken

	// names is a stack of member names, each object's sorted on top while
	// the walk is inside it.
	names []string
}

// pathToken is one step of the walk's path.
type pathToken struct {
	name    string
	index   int
	isIndex bool
	// skip is a step that adds no token (see checker.enterMember).
	skip bool
}

// pointer is the JSON pointer of the walk's position, with token appended
// when given.
func (w *boundedWalk) pointer(extra ...string) string {
	return pathPointer(w.path, extra...)
}

// pathPointer is the JSON pointer of path, with the member tokens extra
// appended.
func pathPointer(path []pathToken, extra ...string) string {
	var b strings.Builder
	for _, t := range path {
		if t.skip {
			continue
		}
		b.WriteByte('/')
		if t.isIndex {
			b.WriteString(strconv.Itoa(t.index))
		} else {
			b.WriteString(pointerToken(t.name))
		}
	}
	for _, e := range extra {
		b.WriteByte('/')
		b.WriteString(pointerToken(e))
	}
	return b.String()
}

func (w *boundedWalk) enterMember(name string) { w.path = append(w.path, pathToken{name: name}) }
func (w *boundedWalk) enterItem(i int)         { w.path = append(w.path, pathToken{index: i, isIndex: true}) }
func (w *boundedWalk) leave()                  { w.path = w.path[:len(w.path)-1] }

// walk checks v, at the walk's path, against s and returns v with what exceeds
// the schema's bounds cut out when trim is set (a list is cut to its
// maxItems, an object loses its unknown members and those beyond its
// maxProperties). Without trim it only checks types, for the parts cut out.
// It goes where the schema describes values, never deeper than the schema,
// so an arbitrarily nested document costs no more than the schema's depth.
func (w *boundedWalk) walk(s *node, v any, trim bool) any {
	if s == nil {
		return v
	}
	if len(s.types) > 0 {
		if msg, ok := typeMismatch(s.types, s.long, v); !ok {
			w.typeViolation(msg)
			return v
		}
	}
	if s.ref != nil {
		v = w.walk(s.ref, v, trim)
	}
	switch x := v.(type) {
	case []any:
		return w.walkArray(s, x, trim)
	case map[string]any:
		w.walkObject(s, x, trim)
	}
	return v
}

func (w *boundedWalk) walkArray(s *node, items []any, trim bool) []any {
	item := s.items
	if trim && s.maxItems >= 0 && len(items) > s.maxItems {
		w.bounds = append(w.bounds, Violation{Pointer: w.pointer(), Keyword: "maxItems",
			Message: fmt.Sprintf("maximum %d items required, but found %d items", s.maxItems, len(items))})
		for i := s.maxItems; i < len(items) && item != nil; i++ {
			w.enterItem(i)
			w.walk(item, items[i], false)
			w.leave()
		}
		items = items[:s.maxItems:s.maxItems]
	}
	if item == nil {
		return items
	}
	for i := range items {
		w.enterItem(i)
		items[i] = w.walk(item, items[i], trim)
		w.leave()
	}
	return items
}

func (w *boundedWalk) walkObject(s *node, members map[string]any, trim bool) {
	if trim && s.closed {
		var unknown []string
		for name := range members {
			if memberSchema(s, name) == nil {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			sortNames(unknown)
			for i, name := range unknown {
				delete(members, name)
				if i < w.limit {
					w.bounds = append(w.bounds, Violation{Pointer: w.pointer(name), Keyword: "additionalProperties", Message: memberMessage("additionalProperties")})
				}
			}
			w.boundsMore += max(0, len(unknown)-w.limit)
		}
	}
	start := len(w.names)
	for name := range members {
		w.names = append(w.names, name)
	}
	names := w.names[start:len(w.names):len(w.names)]
	defer func() { w.names = w.names[:start] }()
	sortNames(names)
	if trim && s.maxProps >= 0 && len(names) > s.maxProps {
		w.bounds = append(w.bounds, Violation{Pointer: w.pointer(), Keyword: "maxProperties",
			Message: fmt.Sprintf("maximum %d properties allowed, but found %d properties", s.maxProps, len(names))})
		for _, name := range names[s.maxProps:] {
			w.enterMember(name)
			w.walk(memberSchema(s, name), members[name], false)
			w.leave()
			delete(members, name)
		}
		names = names[:s.maxProps]
	}
	for _, name := range names {
		if sch := memberSchema(s, name); sch != nil {
			w.enterMember(name)
			members[name] = w.walk(sch, members[name], trim)
			w.leave()
		}
	}
}

// typeViolation records a value of the wrong type: the first limit, in the
// order found, which is document order (members by name, items by index).
func (w *boundedWalk) typeViolation(msg string) {
	if len(w.types) >= w.limit {
		w.typesMore++
		return
	}
	w.types = append(w.types, Violation{Pointer: w.pointer(), Keyword: "type", Message: msg})
}

// memberSchema is the schema of the member name of an object described by
// s: its property, else additionalProperties when that is a schema; nil
// when s says nothing of it.
func memberSchema(s *node, name string) *node {
	if p, ok := s.props[name]; ok {
		return p
	}
	return s.extra
}

// sortNames orders member names as comparePointers orders the tokens.
func sortNames(names []string) {
	slices.SortFunc(names, compareTokens)
}

// typeMismatch reports whether v has one of the JSON types, and otherwise
// says what it got, in the validator's words ("expected string, but got
// number"). "integer" takes a JSON number written as an integer, without
// fraction or exponent, within the 32-bit range of the model's Integer, or
// the 64-bit range of its Long when long is set (the schema's format
// "int64").
func typeMismatch(types []string, long bool, v any) (string, bool) {
	got := jsonTypeOf(v)
	bits, kind, lo, hi := 32, "Integer", int64(math.MinInt32), int64(math.MaxInt32)
	if long {
		bits, kind, lo, hi = 64, "Long", math.MinInt64, math.MaxInt64
	}
	for _, t := range types {
		switch {
		case t == got:
			return "", true
		case t == "integer" && got == "number":
			if intLiteral(string(v.(json.Number)), bits) {
				return "", true
			}
		}
	}
	want := strings.Join(types, " or ")
	if n, ok := v.(json.Number); ok && slices.Contains(types, "integer") {
		lit := string(n)
		if integerLiteral(lit) {
			return fmt.Sprintf("expected %s, but got a number outside the %d-bit range of the model's %s (%d to %d)", want, bits, kind, lo, hi), false
		}
		return fmt.Sprintf("expected %s, but got number %s: an integer is written without a fraction or an exponent", want, clipLiteral(lit)), false
	}
	return fmt.Sprintf("expected %s, but got %s", want, got), false
}

// jsonTypeOf names the JSON type of a value decode produced.
func jsonTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

var integerPattern = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// integerLiteral reports whether a JSON number is written as an integer.
func integerLiteral(lit string) bool {
	return integerPattern.MatchString(lit)
}

// intLiteral reports whether a JSON number is written as an integer within
// the range of a signed integer of bits bits.
func intLiteral(lit string, bits int) bool {
	if !integerLiteral(lit) {
		return false
	}
	_, err := strconv.ParseInt(lit, 10, bits)
	return err == nil
}

// clipLiteral shortens a number's literal for a message.
func clipLiteral(lit string) string {
	const max = 32
	if len(lit) <= max {
		return lit
	}
	return lit[:max] + "…"
}
