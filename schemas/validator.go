package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The package validates with its own compiled form of the embedded schema
// files rather than a general JSON Schema library: the fake validates
// every request, and a general validator's walk cost several times the
// decoding of the body, its package initialisation most of vpfake's
// start-up. The constraints are still read from the schema files, never
// written twice; the compiled form knows only the keywords the files use
// (compiling a file with any other keyword is an error, which
// TestEverySchemaCompiles would show), and it reports what
// github.com/santhosh-tekuri/jsonschema/v5, the reference the test suite
// keeps (oracle_test.go), reports: the same violations, keywords, pointers
// and messages, checked over every registry request, the generated
// negatives, the golden recordings and a fuzz corpus.

// node is one compiled schema object.
type node struct {
	// types are the JSON types allowed ("integer" included); none when
	// the schema gives no "type".
	types []string
	// typesText is types joined with " or ", for messages.
	typesText string
	// long is set by the format "int64" (the model's Long).
	long bool
	// format is the name of an asserted format, check its test.
	format      string
	formatCheck func(any) bool

	enum    []any
	enumMsg string

	minProps, maxProps int // -1 when unbounded
	required           []string
	props              map[string]*node
	propOrder          []string // props' names, sorted, for a stable walk
	propertyNames      *node
	// closed is additionalProperties false; extra is additionalProperties
	// given as a schema.
	closed bool
	extra  *node

	minItems, maxItems int // -1 when unbounded
	unique             bool
	items              *node

	minLen, maxLen int // -1 when unbounded
	// pattern is compiled the first time a string needs it (patternFast
	// answers for most); patternSrc has been parsed when the node was.
	pattern     lazyRegexp
	patternFast *classPattern // nil unless the pattern has its simple form
	patternMsg  string

	minimum    *big.Rat
	minimumMsg string // "must be >= N but found "

	ref   *node
	oneOf []*node
}

// annotations are the keywords that say nothing a validator checks.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "$comment": true,
	"title": true, "description": true, "default": true, "examples": true,
}

// compiler turns the embedded schema files into nodes, following "$ref"
// across files; a node is made once per (file, pointer), so recursive
// definitions compile to a cycle.
type compiler struct {
	docs map[string]any
	// defs locates the "$defs" members of the files no schema has been
	// compiled from (common.schema.json, which only holds definitions): a
	// $ref to one of them decodes that member alone (defOf), not the file.
	defs  map[string]map[string]jsontext.Value
	nodes map[string]*node
}

func newCompiler() *compiler {
	return &compiler{docs: map[string]any{}, defs: map[string]map[string]jsontext.Value{}, nodes: map[string]*node{}}
}

// forget drops the decoded documents and the located definitions, once a
// file is compiled: the nodes keep what they need.
func (c *compiler) forget() {
	clear(c.docs)
	clear(c.defs)
}

// doc parses an embedded file (numbers kept exact).
func (c *compiler) doc(file string) (any, error) {
	if d, ok := c.docs[file]; ok {
		return d, nil
	}
	b, err := Source(file)
	if err != nil {
		return nil, err
	}
	d, err := decodeSchemaFile(b)
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: %w", file, err)
	}
	c.docs[file] = d
	return d, nil
}

// compileFile compiles the root of an embedded file.
func (c *compiler) compileFile(file string) (*node, error) {
	return c.compileRef(file, "#")
}

// compileRef compiles what ref, written in file, names.
func (c *compiler) compileRef(file, ref string) (*node, error) {
	target, frag := refTarget(file, ref)
	key := target + "#" + frag
	if n, ok := c.nodes[key]; ok {
		return n, nil
	}
	v, err := c.resolve(file, ref, target, frag)
	if err != nil {
		return nil, err
	}
	n := &node{}
	c.nodes[key] = n
	if err := c.fill(n, target, key, v); err != nil {
		return nil, err
	}
	return n, nil
}

// resolve returns the schema frag names in the file target, as ref,
// written in file, gives them. A definition ("#/$defs/<name>") of a file
// not decoded whole is decoded alone.
func (c *compiler) resolve(file, ref, target, frag string) (any, error) {
	if _, decoded := c.docs[target]; !decoded {
		if name, ok := strings.CutPrefix(frag, "/$defs/"); ok && name != "" && !strings.Contains(name, "/") {
			return c.defOf(file, ref, target, unescapePointerToken(name))
		}
	}
	v, err := c.doc(target)
	if err != nil {
		return nil, err
	}
	if frag != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("schemas: %s: $ref %q does not resolve", file, ref)
			}
			if v, ok = obj[unescapePointerToken(tok)]; !ok {
				return nil, fmt.Errorf("schemas: %s: $ref %q does not resolve", file, ref)
			}
		}
	}
	return v, nil
}

// defOf decodes the member name of the "$defs" of the file target, which
// a $ref in file names. The members are located in one pass over the
// file that decodes none of them (a fifth of decoding it whole, for
// common.schema.json), and each is decoded when asked for.
func (c *compiler) defOf(file, ref, target, name string) (any, error) {
	defs, ok := c.defs[target]
	if !ok {
		b, err := Source(target)
		if err != nil {
			return nil, err
		}
		if defs, err = locateDefs(b); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", target, err)
		}
		c.defs[target] = defs
	}
	raw, ok := defs[name]
	if !ok {
		return nil, fmt.Errorf("schemas: %s: $ref %q does not resolve", file, ref)
	}
	v, err := decodeSchemaFile(raw)
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: $defs member %q: %w", target, name, err)
	}
	return v, nil
}

// locateDefs returns the members of the "$defs" object of the document b,
// each as its text, a slice of b.
func locateDefs(b []byte) (map[string]jsontext.Value, error) {
	defs := map[string]jsontext.Value{}
	var dec jsontext.Decoder
	dec.Reset(bytes.NewReader(b))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, errors.New("not a JSON object")
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		if tok.String() != "$defs" {
			if err := dec.SkipValue(); err != nil {
				return nil, err
			}
			continue
		}
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return nil, errors.New("$defs is not an object")
		}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // before the next read voids tok
			v, err := dec.ReadValue()
			if err != nil {
				return nil, err
			}
			// The value's own bytes in b: what ReadValue returns is only
			// valid until the next read.
			end := int(dec.InputOffset())
			defs[name] = jsontext.Value(b[end-len(v) : end])
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// sub compiles a schema nested in file at where (for messages).
func (c *compiler) sub(file, where string, v any) (*node, error) {
	n := &node{}
	return n, c.fill(n, file, where, v)
}

// fill compiles the schema object v of file into n.
func (c *compiler) fill(n *node, file, where string, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("schemas: %s: %T is not a schema object this package compiles", where, v)
	}
	n.minProps, n.maxProps, n.minItems, n.maxItems, n.minLen, n.maxLen = -1, -1, -1, -1, -1, -1
	bad := func(kw string) error {
		return fmt.Errorf("schemas: %s: keyword %q has a value this package does not compile", where, kw)
	}
	for kw, val := range obj {
		var err error
		switch kw {
		case "type":
			switch t := val.(type) {
			case string:
				n.types = []string{t}
			case []any:
				for _, x := range t {
					s, ok := x.(string)
					if !ok {
						return bad(kw)
					}
					n.types = append(n.types, s)
				}
			default:
				return bad(kw)
			}
			n.typesText = strings.Join(n.types, " or ")
		case "format":
			n.format, _ = val.(string)
			switch n.format {
			case "int64":
				n.long, n.formatCheck = true, isInt64
			case "date-time":
				n.formatCheck = isDateTime
			default:
				return bad(kw)
			}
		case "enum":
			list, ok := val.([]any)
			if !ok || len(list) == 0 {
				return bad(kw)
			}
			n.enum, n.enumMsg = list, enumMessage(list)
		case "minProperties":
			n.minProps, err = schemaInt(val)
		case "maxProperties":
			n.maxProps, err = schemaInt(val)
		case "minItems":
			n.minItems, err = schemaInt(val)
		case "maxItems":
			n.maxItems, err = schemaInt(val)
		case "minLength":
			n.minLen, err = schemaInt(val)
		case "maxLength":
			n.maxLen, err = schemaInt(val)
		case "uniqueItems":
			n.unique, ok = val.(bool)
			if !ok {
				return bad(kw)
			}
		case "required":
			list, ok := val.([]any)
			if !ok {
				return bad(kw)
			}
			for _, x := range list {
				s, ok := x.(string)
				if !ok {
					return bad(kw)
				}
				n.required = append(n.required, s)
			}
		case "properties":
			members, ok := val.(map[string]any)
			if !ok {
				return bad(kw)
			}
			n.props = make(map[string]*node, len(members))
			for name, m := range members {
				if n.props[name], err = c.sub(file, where+"/properties/"+pointerToken(name), m); err != nil {
					return err
				}
				n.propOrder = append(n.propOrder, name)
			}
			sort.Strings(n.propOrder)
		case "propertyNames":
			n.propertyNames, err = c.sub(file, where+"/propertyNames", val)
		case "additionalProperties":
			if b, ok := val.(bool); ok {
				n.closed = !b
				break
			}
			n.extra, err = c.sub(file, where+"/additionalProperties", val)
		case "items":
			n.items, err = c.sub(file, where+"/items", val)
		case "pattern":
			src, ok := val.(string)
			if !ok {
				return bad(kw)
			}
			if _, err := syntax.Parse(src, syntax.Perl); err != nil {
				return fmt.Errorf("schemas: %s: pattern: %w", where, err)
			}
			n.pattern.src = src
			n.patternFast = simplePattern(src)
			n.patternMsg = "does not match pattern " + quoteForMessage(src)
		case "minimum":
			num, ok := val.(json.Number)
			if !ok {
				return bad(kw)
			}
			if n.minimum, ok = new(big.Rat).SetString(string(num)); !ok {
				return bad(kw)
			}
			f, _ := n.minimum.Float64()
			n.minimumMsg = fmt.Sprintf("must be >= %v but found ", f)
		case "$ref":
			ref, ok := val.(string)
			if !ok {
				return bad(kw)
			}
			n.ref, err = c.compileRef(file, ref)
		case "oneOf":
			list, ok := val.([]any)
			if !ok || len(list) == 0 {
				return bad(kw)
			}
			for i, x := range list {
				b, err := c.sub(file, where+"/oneOf/"+strconv.Itoa(i), x)
				if err != nil {
					return err
				}
				n.oneOf = append(n.oneOf, b)
			}
		default:
			if !annotations[kw] {
				return fmt.Errorf("schemas: %s: keyword %q is not one this package compiles", where, kw)
			}
		}
		if err != nil {
			if strings.HasPrefix(err.Error(), "schemas: ") {
				return err
			}
			return fmt.Errorf("schemas: %s: %s: %w", where, kw, err)
		}
	}
	return nil
}

// schemaInt reads a non-negative integer keyword value.
func schemaInt(v any) (int, error) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	i, err := strconv.Atoi(string(num))
	if err != nil || i < 0 {
		return 0, fmt.Errorf("%s is not a non-negative integer", num)
	}
	return i, nil
}

// enumMessage words a failed enum as the reference validator does: "value
// must be X" for one value, "value must be one of X, Y" for more, each
// value as Go's %#v prints it; "enum failed" when a value is a list or an
// object.
func enumMessage(list []any) string {
	texts := make([]string, len(list))
	for i, item := range list {
		switch item.(type) {
		case []any, map[string]any:
			return "enum failed"
		}
		texts[i] = fmt.Sprintf("%#v", item)
	}
	if len(texts) == 1 {
		return "value must be " + texts[0]
	}
	return "value must be one of " + strings.Join(texts, ", ")
}

// quoteForMessage quotes s between single quotes, Go-escaped, with '
// written \', as the reference validator quotes names and patterns.
func quoteForMessage(s string) string {
	s = strconv.Quote(s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

// checker is the state of one validation: the path where it is, the
// violations found, and whether it only probes (a union's branches, whose
// own failures are not reported).
type checker struct {
	path  []pathToken
	out   []Violation
	fails int
	probe bool
}

// enterMember steps into the member name. The empty name adds no token, as
// in the reference, which joins the name to the parent's location only
// when it is not empty: what is wrong inside member "" is reported at the
// object holding it.
func (c *checker) enterMember(name string) {
	if name == "" {
		c.path = append(c.path, pathToken{skip: true})
		return
	}
	c.path = append(c.path, pathToken{name: name})
}
func (c *checker) enterItem(i int) { c.path = append(c.path, pathToken{index: i, isIndex: true}) }
func (c *checker) leave()          { c.path = c.path[:len(c.path)-1] }

// pointer is the JSON pointer of the checker's position, with a member
// token appended when given.
func (c *checker) pointer(extra ...string) string {
	return pathPointer(c.path, extra...)
}

// fail records a violation at the checker's position (or of its member
// extra); a probe only counts it.
func (c *checker) fail(kw, msg string, extra ...string) {
	c.fails++
	if !c.probe {
		c.out = append(c.out, Violation{Pointer: c.pointer(extra...), Keyword: kw, Message: msg})
	}
}

// validate checks v against n, recording each broken constraint as the
// reference validator's leaf errors (flatten) would be, and reports
// whether v conforms. The order of the checks is the reference's, which
// decides the order of violations at the same pointer and keyword.
func (c *checker) validate(n *node, v any) bool {
	start := c.fails
	if len(n.types) > 0 && !typeMatches(n.types, v) {
		c.fail("type", "expected "+n.typesText+", but got "+jsonTypeOf(v))
		return false
	}
	if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { return jsonEqual(v, e) }) {
		c.fail("enum", n.enumMsg)
	}
	if n.formatCheck != nil && !n.formatCheck(v) {
		val := any(v)
		if s, ok := v.(string); ok {
			val = quoteForMessage(s)
		}
		c.fail("format", fmt.Sprintf("%v is not valid %s", val, quoteForMessage(n.format)))
	}
	switch x := v.(type) {
	case map[string]any:
		c.validateObject(n, x)
	case []any:
		c.validateArray(n, x)
	case string:
		if n.minLen >= 0 || n.maxLen >= 0 {
			length := utf8.RuneCountInString(x)
			if n.minLen >= 0 && length < n.minLen {
				c.fail("minLength", fmt.Sprintf("length must be >= %d, but got %d", n.minLen, length))
			}
			if n.maxLen >= 0 && length > n.maxLen {
				c.fail("maxLength", fmt.Sprintf("length must be <= %d, but got %d", n.maxLen, length))
			}
		}
		if n.pattern.src != "" && !matchPattern(n, x) {
			c.fail("pattern", n.patternMsg)
		}
	case json.Number:
		if n.minimum != nil {
			if r, ok := new(big.Rat).SetString(string(x)); ok && r.Cmp(n.minimum) < 0 {
				c.fail("minimum", n.minimumMsg+string(x))
			}
		}
	}
	if n.ref != nil {
		c.validate(n.ref, v)
	}
	if len(n.oneOf) > 0 {
		c.validateOneOf(n, v)
	}
	return c.fails == start
}

func (c *checker) validateObject(n *node, members map[string]any) {
	if n.minProps >= 0 && len(members) < n.minProps {
		c.fail("minProperties", fmt.Sprintf("minimum %d properties allowed, but found %d properties", n.minProps, len(members)))
	}
	if n.maxProps >= 0 && len(members) > n.maxProps {
		c.fail("maxProperties", fmt.Sprintf("maximum %d properties allowed, but found %d properties", n.maxProps, len(members)))
	}
	for _, name := range n.required {
		if _, ok := members[name]; !ok {
			c.fail("required", memberMessage("required"), name)
		}
	}
	// Members are visited in the map's order: each one's violations are
	// at its own pointer (or, for the member "", at the object's, after
	// the object's own), so the order of visits never changes the sorted
	// result, and sorting the names on every object would cost more than
	// the rest of the check.
	if len(n.props) <= len(members) {
		for _, name := range n.propOrder {
			if v, ok := members[name]; ok {
				c.enterMember(name)
				c.validate(n.props[name], v)
				c.leave()
			}
		}
	} else {
		for name, v := range members {
			if p, ok := n.props[name]; ok {
				c.enterMember(name)
				c.validate(p, v)
				c.leave()
			}
		}
	}
	if n.propertyNames != nil {
		for name := range members {
			c.enterMember(name)
			c.validate(n.propertyNames, name)
			c.leave()
		}
	}
	if !n.closed && n.extra == nil {
		return
	}
	for name, v := range members {
		if _, ok := n.props[name]; ok {
			continue
		}
		if n.closed {
			c.fail("additionalProperties", memberMessage("additionalProperties"), name)
			continue
		}
		c.enterMember(name)
		c.validate(n.extra, v)
		c.leave()
	}
}

func (c *checker) validateArray(n *node, items []any) {
	if n.minItems >= 0 && len(items) < n.minItems {
		c.fail("minItems", fmt.Sprintf("minimum %d items required, but found %d items", n.minItems, len(items)))
	}
	if n.maxItems >= 0 && len(items) > n.maxItems {
		c.fail("maxItems", fmt.Sprintf("maximum %d items required, but found %d items", n.maxItems, len(items)))
	}
	if n.unique {
		if j, i, ok := firstRepeat(items); ok {
			c.fail("uniqueItems", fmt.Sprintf("items at index %d and %d are equal", j, i))
		}
	}
	if n.items != nil {
		for i, item := range items {
			c.enterItem(i)
			c.validate(n.items, item)
			c.leave()
		}
	}
}

// validateOneOf counts the union's branches v satisfies, as the reference
// does (stopping at the second), and records one violation on the union
// when that is not exactly one.
func (c *checker) validateOneOf(n *node, v any) {
	probe, fails := c.probe, c.fails
	c.probe = true
	matched := 0
	for _, b := range n.oneOf {
		if c.validate(b, v) {
			if matched++; matched > 1 {
				break
			}
		}
	}
	c.probe, c.fails = probe, fails
	switch matched {
	case 0:
		c.fail("oneOf", "union must have exactly one member set, but none is")
	case 1:
	default:
		c.fail("oneOf", "union must have exactly one member set, but more than one is")
	}
}

// sortedNames is the member names of an object, sorted.
func sortedNames(members map[string]any) []string {
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// typeMatches reports whether v has one of the JSON types, "integer"
// taking any number whose value is whole (5.0 and 1e2 included), as the
// reference does.
func typeMatches(types []string, v any) bool {
	got := jsonTypeOf(v)
	for _, t := range types {
		if t == got {
			return true
		}
		if t == "integer" && got == "number" {
			if r, ok := new(big.Rat).SetString(string(v.(json.Number))); ok && r.IsInt() {
				return true
			}
		}
	}
	return false
}

// jsonEqual is JSON equality: numbers by value, objects by members, lists
// item by item.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	default: // nil, bool
		return a == b
	}
}

// firstRepeat finds the first item equal to an earlier one: its index i
// and the first earlier index j, as the reference reports them.
func firstRepeat(items []any) (j, i int, ok bool) {
	seen := make(map[string][]int, len(items))
	for i, item := range items {
		k := canonicalKey(item)
		for _, j := range seen[k] {
			if jsonEqual(items[j], item) {
				return j, i, true
			}
		}
		seen[k] = append(seen[k], i)
	}
	return 0, 0, false
}

// canonicalKey is a text equal for JSON-equal values (numbers by value,
// object members in name order), used to bucket candidates for equality.
func canonicalKey(v any) string {
	var b strings.Builder
	writeCanonical(&b, v)
	return b.String()
}

func writeCanonical(b *strings.Builder, v any) {
	switch x := v.(type) {
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(x)); ok {
			b.WriteString("n" + r.RatString())
			return
		}
		b.WriteString("n" + string(x))
	case string:
		b.WriteString(strconv.Quote(x))
	case []any:
		b.WriteByte('[')
		for _, item := range x {
			writeCanonical(b, item)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for _, name := range sortedNames(x) {
			b.WriteString(strconv.Quote(name) + ":")
			writeCanonical(b, x[name])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	default:
		fmt.Fprint(b, x)
	}
}

// isDateTime is the format "date-time" (RFC 3339 section 5.6), as the
// reference validator checks it: a date time.Parse takes, "T" or "t", and
// a full-time with an optional fraction, "Z" or an offset, and a leap
// second only at 23:59 UTC. Values other than strings pass.
func isDateTime(v any) bool {
	s, ok := v.(string)
	if !ok {
		return true
	}
	if len(s) < 20 || (s[10] != 'T' && s[10] != 't') {
		return false
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return false
	}
	return isFullTime(s[11:])
}

// isFullTime is RFC 3339's full-time, as the reference validator reads it.
func isFullTime(str string) bool {
	if len(str) < 9 || str[2] != ':' || str[5] != ':' {
		return false
	}
	inRange := func(str string, lo, hi int) (int, bool) {
		n, err := strconv.Atoi(str)
		return n, err == nil && n >= lo && n <= hi
	}
	h, okH := inRange(str[0:2], 0, 23)
	m, okM := inRange(str[3:5], 0, 59)
	s, okS := inRange(str[6:8], 0, 60)
	if !okH || !okM || !okS {
		return false
	}
	str = str[8:]
	if str[0] == '.' {
		str = str[1:]
		digits := 0
		for str != "" && str[0] >= '0' && str[0] <= '9' {
			digits++
			str = str[1:]
		}
		if digits == 0 {
			return false
		}
	}
	if str == "" {
		return false
	}
	if str[0] == 'z' || str[0] == 'Z' {
		if len(str) != 1 {
			return false
		}
	} else {
		if len(str) != 6 || str[3] != ':' {
			return false
		}
		var sign int
		switch str[0] {
		case '+':
			sign = -1
		case '-':
			sign = +1
		default:
			return false
		}
		zh, okZH := inRange(str[1:3], 0, 23)
		zm, okZM := inRange(str[4:6], 0, 59)
		if !okZH || !okZM {
			return false
		}
		hm := (h*60 + m) + sign*(zh*60+zm)
		if hm < 0 {
			hm += 24 * 60
		}
		h, m = hm/60, hm%60
	}
	return s != 60 || (h == 23 && m == 59)
}

// matchPattern reports whether s matches n's pattern, through its simple
// form when it has one and s is ASCII.
func matchPattern(n *node, s string) bool {
	if n.patternFast != nil {
		if ok, sure := n.patternFast.match(s); sure {
			return ok
		}
	}
	return n.pattern.get().MatchString(s)
}

// lazyRegexp is a pattern compiled on first use: compiling every pattern
// of a schema when it is first used would cost the first request more
// than the rest of its answer.
type lazyRegexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

// get is the compiled pattern. The source was parsed when the schema
// was compiled, so compiling it cannot fail here.
func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

// classPattern is a pattern of the form ^literal[class]*$ or
// ^literal[class]+$ (the literal may be empty, the class may be "."),
// which most of the model's patterns are, matched over ASCII text with a
// table instead of the regexp machine. It is derived from the pattern's
// parse tree, never written by hand; TestSimplePatternsAgree holds it to
// the regexp.
type classPattern struct {
	prefix  string
	allowed [128]bool
	min     int // 0 for *, 1 for +
}

// simplePattern returns the simple form of a pattern, or nil when it has
// none.
func simplePattern(src string) *classPattern {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 3 || len(re.Sub) > 4 {
		return nil
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil
	}
	p := &classPattern{}
	if len(subs) == 4 {
		lit := subs[1]
		if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 {
			return nil
		}
		for _, r := range lit.Rune {
			if r >= utf8.RuneSelf {
				return nil
			}
		}
		p.prefix = string(lit.Rune)
	}
	rep := subs[len(subs)-2]
	switch rep.Op {
	case syntax.OpStar:
	case syntax.OpPlus:
		p.min = 1
	default:
		return nil
	}
	class := rep.Sub[0]
	switch class.Op {
	case syntax.OpAnyCharNotNL:
		for c := range p.allowed {
			p.allowed[c] = c != '\n'
		}
	case syntax.OpAnyChar:
		for c := range p.allowed {
			p.allowed[c] = true
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(class.Rune); i += 2 {
			for c := class.Rune[i]; c <= class.Rune[i+1] && c < utf8.RuneSelf; c++ {
				p.allowed[c] = true
			}
		}
	default:
		return nil
	}
	return p
}

// match reports whether s matches; sure is false when s is not ASCII, and
// the caller then asks the regexp.
func (p *classPattern) match(s string) (ok, sure bool) { return classMatch(p, s) }

// classMatch is classPattern.match for a string or the bytes of one.
func classMatch[S string | []byte](p *classPattern, s S) (ok, sure bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false, false
		}
	}
	if len(s) < len(p.prefix) || string(s[:len(p.prefix)]) != p.prefix {
		return false, true
	}
	rest := s[len(p.prefix):]
	if len(rest) < p.min {
		return false, true
	}
	for i := 0; i < len(rest); i++ {
		if !p.allowed[rest[i]] {
			return false, true
		}
	}
	return true, true
}
